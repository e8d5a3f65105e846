# cpu_user_kernel_bigfile: Server CPU per request in bigfile: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"01_blocking_threads" 10.0305 444.685 454.716 "98%"
"02_select" 43.1407 406.241 449.382 "90%"
"03_epoll" 33.2573 415.716 448.973 "93%"
"04_prefork" 38.3906 364.711 403.101 "90%"
"05_accept4" 31.1919 339.645 370.837 "92%"
"06_sendfile_msg_more" 3.34268 885.81 889.152 "100%"
"07_date_cache" 3.32182 850.385 853.707 "100%"
"08_fd_cache" 6.49367 788.981 795.475 "99%"
"09_fibers" 3.70267 784.967 788.669 "100%"
"10_timeout_manager" 3.73511 769.432 773.167 "100%"
"11_parallel_io_managers" 3.44902 734.641 738.09 "100%"
"12_response_cache" 8.10505 748.366 756.471 "99%"
"13_batched_writes" 3.3325 723.152 726.484 "100%"
"nginx" 10.0077 597.124 607.132 "98%"
"lighttpd" 3.29505 174.638 177.933 "98%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_bigfile.svg'
reset
TITLE = "Server CPU per request in bigfile: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_bigfile.png'
reset
TITLE = "Server CPU per request in bigfile: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

