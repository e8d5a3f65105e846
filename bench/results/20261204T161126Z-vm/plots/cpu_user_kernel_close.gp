# cpu_user_kernel_close: Server CPU per request in close: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"01_blocking_threads" 7.98471 56.9576 64.9423 "88%"
"02_select" 2.05428 21.3645 23.4187 "91%"
"03_epoll" 1.86375 22.365 24.2288 "92%"
"04_prefork" 2.48688 22.3819 24.8688 "90%"
"05_accept4" 2.00814 22.0896 24.0977 "92%"
"06_sendfile_msg_more" 2.02268 19.7212 21.7439 "91%"
"07_date_cache" 1.55094 18.6113 20.1623 "92%"
"08_fd_cache" 1.47033 18.6242 20.0946 "93%"
"09_fibers" 2.01569 19.1491 21.1648 "90%"
"10_timeout_manager" 2.02221 19.211 21.2332 "90%"
"11_parallel_io_managers" 3.53056 20.1746 23.7052 "85%"
"12_response_cache" 2.1235 20.1733 22.2968 "90%"
"13_batched_writes" 2.51032 16.9447 19.455 "87%"
"nginx" 3.77193 15.0877 18.8596 "80%"
"lighttpd" 2.66695 21.869 24.536 "89%"
"floor" 0.495883 19.8353 20.3312 "98%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_close.svg'
reset
TITLE = "Server CPU per request in close: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'
set title TITLE
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics
set ylabel 'CPU µs per request (user + kernel)'
set xtics rotate by -30 font SMALL
set key outside top center horizontal font SMALL
plot $data using 2:xtic(1) title 'user' lc rgb '#4472c4', \
     '' using 3 title 'kernel (system)' lc rgb '#ed7d31', \
     '' using 0:4:5 with labels offset 0,0.7 font SMALL notitle
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'cpu_user_kernel_close.png'
reset
TITLE = "Server CPU per request in close: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'
set title TITLE
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics
set ylabel 'CPU µs per request (user + kernel)'
set xtics rotate by -30 font SMALL
set key outside top center horizontal font SMALL
plot $data using 2:xtic(1) title 'user' lc rgb '#4472c4', \
     '' using 3 title 'kernel (system)' lc rgb '#ed7d31', \
     '' using 0:4:5 with labels offset 0,0.7 font SMALL notitle
unset output

