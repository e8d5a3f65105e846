# sizes_crossover: 05 (read + two send()) against 06 (send(MSG_MORE) + sendfile()) by file size, one keep-alive connection
$s0 << EOD
151 43.3158 41.1934 45.2376 5336.5
1024 44.1422 35.7497 45.6819 5438.2
4096 42.2195 38.4149 43.771 9625.4
16384 45.0437 42.4645 46.826 21966.4
65536 96.5601 82.2692 97.3405 71170.4
262144 141.621 138.727 164.614 267808
1048576 569.365 514.808 581.218 1.0543e+06
EOD
$s1 << EOD
151 40.7086 37.8142 45.5541 5032.4
1024 39.0346 38.117 42.6499 5087.6
4096 40.2794 37.2134 42.6689 5093.6
16384 43.0594 31.9124 44.2815 5142.4
65536 44.5479 40.8003 47.3705 5148.4
262144 124.095 88.5291 130.522 5197.4
1048576 476.008 389.974 478.778 5249.4
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'sizes_crossover.svg'
reset
TITLE = "05 (read + two send()) against 06 (send(MSG_MORE) + sendfile()) by file size, one keep-alive connection\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'

set multiplot layout 1,2 title TITLE
set logscale xy
set grid xtics ytics
set xlabel 'file size, bytes (log scale)'
set key top left
set xtics ("151 B" 151, "1 KiB" 1024, "4 KiB" 4096, "16 KiB" 16384, "64 KiB" 65536, "256 KiB" 262144, "1 MiB" 1048576) font SMALL
set xrange [100.667:1.57286e+06]
set title 'server CPU µs per request (min–max)' font SMALL
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title '05_accept4', \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title '06_sendfile_msg_more'
set title 'user-space instructions per request (callgrind)' font SMALL
plot $s0 using 1:5 with linespoints lw 2 title '05_accept4', \
     $s1 using 1:5 with linespoints lw 2 title '06_sendfile_msg_more'
unset multiplot
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'sizes_crossover.png'
reset
TITLE = "05 (read + two send()) against 06 (send(MSG_MORE) + sendfile()) by file size, one keep-alive connection\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'

set multiplot layout 1,2 title TITLE
set logscale xy
set grid xtics ytics
set xlabel 'file size, bytes (log scale)'
set key top left
set xtics ("151 B" 151, "1 KiB" 1024, "4 KiB" 4096, "16 KiB" 16384, "64 KiB" 65536, "256 KiB" 262144, "1 MiB" 1048576) font SMALL
set xrange [100.667:1.57286e+06]
set title 'server CPU µs per request (min–max)' font SMALL
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title '05_accept4', \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title '06_sendfile_msg_more'
set title 'user-space instructions per request (callgrind)' font SMALL
plot $s0 using 1:5 with linespoints lw 2 title '05_accept4', \
     $s1 using 1:5 with linespoints lw 2 title '06_sendfile_msg_more'
unset multiplot
unset output

