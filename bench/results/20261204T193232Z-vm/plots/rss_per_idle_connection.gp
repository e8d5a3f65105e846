# rss_per_idle_connection: Server memory per idle connection (RSS of the whole tree)
$data << EOD
"13_batched_writes" 4.526 4.5244 4.5284
"14_io_uring" 4.5732 4.5728 4.5736
"14_io_uring+sqpoll" 4.5728 4.5724 4.5964
"nginx" 0.5408 0.5376 0.5464
"lighttpd" 1.32013 1.32013 1.32533
"floor" 0.0272 0.0272 0.028
"floor+io_uring" 0.0444 0.0444 0.0444
"floor+sqpoll" 0.0444 0.0444 0.0444
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'rss_per_idle_connection.svg'
reset
TITLE = "Server memory per idle connection (RSS of the whole tree)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
TITLE = "Server memory per idle connection (RSS of the whole tree)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

