# rss_per_idle_connection: Server memory per idle connection (RSS of the whole tree)
$data << EOD
"01_blocking_threads" 26.0788 26.0784 26.0808
"02_select" 0.362205 0.361849 0.362205
"03_epoll" 0.2984 0.298 0.2988
"04_prefork" 0.3688 0.3688 0.3696
"05_accept4" 0.3692 0.3688 0.3696
"06_sendfile_msg_more" 0.322 0.322 0.3232
"07_date_cache" 0.3084 0.308 0.3092
"08_fd_cache" 0.3084 0.308 0.3092
"09_fibers" 4.4524 4.452 4.4524
"09_fibers+pessimistic" ? ? ?
"10_timeout_manager" 4.5388 4.5388 4.5772
"11_parallel_io_managers" 4.5256 4.5256 4.5256
"12_response_cache" 4.5276 4.5268 4.5276
"13_batched_writes" 4.5264 4.526 4.5268
"nginx" 0.5464 0.5456 0.5488
"lighttpd" 1.32013 1.32013 1.32013
"floor" 0.0224 0.0224 0.0224
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'rss_per_idle_connection.svg'
reset
TITLE = "Server memory per idle connection (RSS of the whole tree)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'
set title TITLE
set ylabel "KiB per idle connection"
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
set output 'rss_per_idle_connection.png'
reset
TITLE = "Server memory per idle connection (RSS of the whole tree)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'
set title TITLE
set ylabel "KiB per idle connection"
set yrange [0:*]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -30 font SMALL
plot $data using 0:2:xtic(1) with boxes lc rgb '#4472c4', \
     $data using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset output

