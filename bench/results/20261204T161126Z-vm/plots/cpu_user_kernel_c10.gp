# cpu_user_kernel_c10: Server CPU per request in c10: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"06_sendfile_msg_more" 1.05363 8.95586 10.0095 "89%"
"07_date_cache" 1.2221 8.14733 9.36943 "87%"
"08_fd_cache" 0.675325 6.75325 7.42858 "91%"
"09_fibers" 0.717598 5.97998 6.69758 "89%"
"10_timeout_manager" 0.515974 5.67571 6.19169 "92%"
"11_parallel_io_managers" 0.975937 6.34359 7.31953 "87%"
"12_response_cache" 0.815566 4.6895 5.50507 "85%"
"13_batched_writes" 0.64099 4.91425 5.55524 "88%"
"nginx" 1.68143 6.89385 8.57528 "80%"
"lighttpd" 1.17613 5.64543 6.82156 "83%"
"floor" 0.195777 4.69864 4.89442 "96%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_c10.svg'
reset
TITLE = "Server CPU per request in c10: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): 01_blocking_threads (too short), 02_select (too short), 03_epoll (too short), 04_prefork (too short), 05_accept4 (too short)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_c10.png'
reset
TITLE = "Server CPU per request in c10: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): 01_blocking_threads (too short), 02_select (too short), 03_epoll (too short), 04_prefork (too short), 05_accept4 (too short)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

