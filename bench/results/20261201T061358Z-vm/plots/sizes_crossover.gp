# sizes_crossover: 05 (read + two send()) against 06 (send(MSG_MORE) + sendfile()) by file size, one keep-alive connection
$s0 << EOD
151 30.1875 25.5617 32.6668 5510
1024 29.5325 28.5972 29.6683 5635.6
4096 29.3081 27.2409 29.643 9815.6
16384 29.5222 29.3848 30.5849 22173.6
65536 56.2783 55.3621 59.2964 71377.2
262144 89.7524 88.5976 94.5776 268030
1048576 338.991 284.536 384.764 1.05454e+06
EOD
$s1 << EOD
151 29.3395 27.6482 30.1018 5203.6
1024 27.2126 26.467 28.2259 5277.7
4096 28.6046 26.3934 30.6604 5282.6
16384 27.863 26.5115 29.1854 5348.7
65536 29.2717 28.9472 31.2365 5354.7
262144 92.3003 72.7523 96.301 5419.7
1048576 253.967 250.624 264.228 5491.4
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'sizes_crossover.svg'
reset
TITLE = "05 (read + two send()) against 06 (send(MSG_MORE) + sendfile()) by file size, one keep-alive connection\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
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
TITLE = "05 (read + two send()) against 06 (send(MSG_MORE) + sendfile()) by file size, one keep-alive connection\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
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

