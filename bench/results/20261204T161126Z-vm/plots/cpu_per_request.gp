# cpu_per_request: Server CPU per request, seed (1000 keep-alive connections)
$data << EOD
"01_blocking_threads" 22.8303 19.6124 25.3837
"02_select" 16.349 15.6184 17.1881
"03_epoll" 9.69442 8.68553 10.4558
"04_prefork" 9.91701 8.82167 10.5618
"05_accept4" 10.7022 9.51058 10.8445
"06_sendfile_msg_more" 7.7679 7.6199 10.5927
"07_date_cache" 7.70469 7.67661 10.0747
"08_fd_cache" 6.25561 5.67558 7.90865
"09_fibers" 7.45846 6.66749 8.29307
"09_fibers+pessimistic" 14.6983 11.66 15.5363
"10_timeout_manager" 6.82471 6.576 7.51123
"11_parallel_io_managers" 6.52989 6.3894 7.41931
"12_response_cache" 6.02659 5.58653 6.3705
"13_batched_writes" 5.92799 5.84608 5.93348
"nginx" 9.61563 8.94073 11.8059
"lighttpd" 7.06749 5.86735 8.72736
"floor" 5.02766 4.47355 5.72411
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_per_request.svg'
reset
TITLE = "Server CPU per request, seed (1000 keep-alive connections)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
TITLE = "Server CPU per request, seed (1000 keep-alive connections)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

