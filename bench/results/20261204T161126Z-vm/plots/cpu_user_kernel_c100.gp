# cpu_user_kernel_c100: Server CPU per request in c100: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"06_sendfile_msg_more" 1.13153 5.37479 6.50633 "83%"
"07_date_cache" 0.867576 6.45862 7.3262 "88%"
"08_fd_cache" 0.670723 4.54601 5.21674 "87%"
"09_fibers" 0.862718 6.03902 6.90174 "88%"
"10_timeout_manager" 0.541065 4.76137 5.30244 "90%"
"11_parallel_io_managers" 0.628909 5.03127 5.66018 "89%"
"12_response_cache" 0.65368 3.81313 4.46681 "85%"
"13_batched_writes" 0.409733 3.9949 4.40463 "91%"
"nginx" 2.13039 5.94268 8.07307 "74%"
"lighttpd" 0.90388 4.92112 5.825 "84%"
"floor" 0.231692 4.63385 4.86554 "95%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_c100.svg'
reset
TITLE = "Server CPU per request in c100: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): 01_blocking_threads (too short), 02_select (too short), 03_epoll (too short), 04_prefork (too short), 05_accept4 (too short)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_c100.png'
reset
TITLE = "Server CPU per request in c100: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): 01_blocking_threads (too short), 02_select (too short), 03_epoll (too short), 04_prefork (too short), 05_accept4 (too short)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

