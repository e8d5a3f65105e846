# cpu_per_request: Server CPU per request, seed (1000 keep-alive connections)
$data << EOD
"01_blocking_threads" 17.5845 16.8283 18.2076
"02_select" 11.1737 9.78776 11.6311
"03_epoll" 6.42089 6.11183 6.89147
"04_prefork" 6.5244 6.27741 6.9254
"05_accept4" 6.46955 6.45495 6.8564
"06_sendfile_msg_more" 5.86371 5.71346 6.3284
"07_date_cache" 5.76229 5.72072 6.04118
"08_fd_cache" 4.68573 4.44264 5.05576
"09_fibers" 5.04744 4.82164 5.7025
"09_fibers+pessimistic" 10.4885 9.62275 11.5149
"10_timeout_manager" 5.22197 4.84262 5.25977
"11_parallel_io_managers" 5.07658 4.93065 5.28888
"nginx" 6.34883 6.18292 6.41488
"lighttpd" 5.18583 4.84274 5.20552
"floor" 3.63644 3.40902 3.6748
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_per_request.svg'
reset
TITLE = "Server CPU per request, seed (1000 keep-alive connections)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'
set title TITLE
set ylabel "CPU µs per request (user + system)"
set yrange [0:*]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -30 font SMALL
plot $data using 0:2:xtic(1) with boxes lc rgb '#4472c4', \
     $data using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'cpu_per_request.png'
reset
TITLE = "Server CPU per request, seed (1000 keep-alive connections)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'
set title TITLE
set ylabel "CPU µs per request (user + system)"
set yrange [0:*]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -30 font SMALL
plot $data using 0:2:xtic(1) with boxes lc rgb '#4472c4', \
     $data using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset output

