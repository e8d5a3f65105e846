# cpu_user_kernel_idle: Server CPU per request in idle: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"01_blocking_threads" 3.27564 20.4097 23.6854 "86%"
"03_epoll" 1.47358 8.59589 10.0695 "85%"
"04_prefork" 1.02344 8.44342 9.46687 "89%"
"05_accept4" 1.22529 9.80231 11.0276 "89%"
"06_sendfile_msg_more" 1.93032 9.00814 10.9385 "82%"
"07_date_cache" 1.01369 9.12322 10.1369 "90%"
"08_fd_cache" 0.998764 6.74166 7.74042 "87%"
"09_fibers" 0.999614 4.74817 5.74778 "83%"
"10_timeout_manager" 0.97554 5.36547 6.34101 "85%"
"11_parallel_io_managers" 0.80759 4.84554 5.65313 "86%"
"12_response_cache" 0.756854 5.29798 6.05483 "88%"
"13_batched_writes" 0.7278 5.0946 5.8224 "88%"
"nginx" 2.52523 7.78612 10.3113 "76%"
"floor" 0.123792 5.07548 5.19927 "98%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_idle.svg'
reset
TITLE = "Server CPU per request in idle: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_idle.png'
reset
TITLE = "Server CPU per request in idle: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

