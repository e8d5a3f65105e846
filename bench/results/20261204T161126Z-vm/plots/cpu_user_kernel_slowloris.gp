# cpu_user_kernel_slowloris: Server CPU per request in slowloris: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"01_blocking_threads" 2.97261 20.8083 23.7809 "88%"
"02_select" 193.119 3682.57 3875.69 "95%"
"03_epoll" 1.50094 9.45592 10.9569 "86%"
"04_prefork" 1.51915 10.1023 11.6215 "87%"
"05_accept4" 1.56617 9.82414 11.3903 "86%"
"06_sendfile_msg_more" 1.22722 8.8121 10.0393 "88%"
"07_date_cache" 0.926319 7.82225 8.74857 "89%"
"08_fd_cache" 0.817161 6.21753 7.03469 "88%"
"09_fibers" 1.14547 6.81893 7.9644 "86%"
"10_timeout_manager" 0.796511 5.14668 5.94319 "87%"
"11_parallel_io_managers" 1.12622 6.61155 7.73776 "85%"
"12_response_cache" 0.672608 4.33879 5.0114 "87%"
"13_batched_writes" 0.621941 4.25586 4.8778 "87%"
"nginx" 2.07804 6.13843 8.21648 "75%"
"lighttpd" 1.30531 5.27653 6.58184 "80%"
"floor" 0.237961 5.17307 5.41103 "96%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_slowloris.svg'
reset
TITLE = "Server CPU per request in slowloris: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_slowloris.png'
reset
TITLE = "Server CPU per request in slowloris: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

