# rss_per_idle_connection: Server memory per idle connection (RSS of the whole tree)
$data << EOD
"01_blocking_threads" 26.0772 26.0756 26.0828
"02_select" 0.330709 0.330709 0.330709
"03_epoll" 0.2668 0.2668 0.2672
"04_prefork" 0.3424 0.3416 0.3424
"05_accept4" 0.3372 0.3372 0.338
"06_sendfile_msg_more" 0.2912 0.2912 0.2916
"07_date_cache" 0.278 0.2772 0.278
"08_fd_cache" 0.2768 0.2768 0.2776
"09_fibers" 4.4688 4.4676 4.4688
"09_fibers+pessimistic" ? ? ?
"10_timeout_manager" 4.5548 4.5548 4.5564
"11_parallel_io_managers" 4.5424 4.5412 4.556
"nginx" 0.5484 0.5476 0.5496
"lighttpd" 1.32013 1.32013 1.32013
"floor" 0.0224 0.0224 0.0224
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'rss_per_idle_connection.svg'
reset
TITLE = "Server memory per idle connection (RSS of the whole tree)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
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
TITLE = "Server memory per idle connection (RSS of the whole tree)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
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

