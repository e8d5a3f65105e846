# cpu_user_kernel_pipeline: Server CPU per request in pipeline: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"01_blocking_threads" 1.52435 3.44985 4.9742 "69%"
"02_select" 1.37039 3.42598 4.79638 "71%"
"03_epoll" 1.21434 3.72977 4.94412 "75%"
"04_prefork" 0.759201 3.96471 4.72392 "84%"
"05_accept4" 1.39422 3.25318 4.6474 "70%"
"06_sendfile_msg_more" 0.969595 6.20541 7.175 "86%"
"07_date_cache" 0.747559 7.00837 7.75593 "90%"
"08_fd_cache" 0.454846 5.84302 6.29787 "93%"
"09_fibers" 0.534504 4.20922 4.74373 "89%"
"10_timeout_manager" 0.624089 4.55585 5.17994 "88%"
"11_parallel_io_managers" 0.558331 4.79507 5.35341 "90%"
"12_response_cache" 0.308939 0.617879 0.926818 "67%"
"13_batched_writes" 0.333055 0.333055 0.66611 "50%"
"nginx" 1.63349 4.3004 5.93389 "72%"
"lighttpd" 1.00065 4.16936 5.17001 "81%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_pipeline.svg'
reset
TITLE = "Server CPU per request in pipeline: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): floor (too short)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_pipeline.png'
reset
TITLE = "Server CPU per request in pipeline: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): floor (too short)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

