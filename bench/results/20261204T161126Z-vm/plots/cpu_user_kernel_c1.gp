# cpu_user_kernel_c1: Server CPU per request in c1: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"06_sendfile_msg_more" 3.03636 32.8939 35.9302 "92%"
"07_date_cache" 4.03748 34.3186 38.3561 "89%"
"08_fd_cache" 3.05277 31.0365 34.0893 "91%"
"09_fibers" 3.69752 31.693 35.3905 "90%"
"09_fibers+pessimistic" 5.04728 30.7884 35.8357 "86%"
"10_timeout_manager" 4.04742 32.3793 36.4268 "89%"
"11_parallel_io_managers" 3.16745 28.9595 32.127 "90%"
"12_response_cache" 2.12886 33.5296 35.6585 "94%"
"13_batched_writes" 3.01391 35.6646 38.6785 "92%"
"nginx" 6.07649 34.8017 40.8782 "85%"
"lighttpd" 4.88831 35.3044 40.1927 "88%"
"floor" 0 29.4215 29.4215 "100%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_c1.svg'
reset
TITLE = "Server CPU per request in c1: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): 01_blocking_threads (too short), 02_select (too short), 03_epoll (too short), 04_prefork (too short), 05_accept4 (too short)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_c1.png'
reset
TITLE = "Server CPU per request in c1: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): 01_blocking_threads (too short), 02_select (too short), 03_epoll (too short), 04_prefork (too short), 05_accept4 (too short)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

