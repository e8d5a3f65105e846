# c1_latency: Latency at one keep-alive connection (c1), min–max of the repeats
$data << EOD
"13_batched_writes" 71.9 67.3 85.2 111.9 102.1 134.7
"14_io_uring" 71.9 70.4 82.7 110.8 103.2 134.7
"14_io_uring+sqpoll" 21.7 20.9 22.7 55.7 46.7 60
"nginx" 81.2 77.6 85.2 135.7 129.8 146.9
"lighttpd" 79.1 70.4 86.8 132.6 113.9 149
"floor" 70.9 69.9 91.4 116 106.8 148
"floor+io_uring" 70.9 70.4 74 118 115.5 119
"floor+sqpoll" 21.4 20.8 22.1 57.2 41.3 57.5
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'c1_latency.svg'
reset
TITLE = "Latency at one keep-alive connection (c1), min–max of the repeats\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'
set title TITLE
set logscale y
set ylabel 'latency, µs (log scale)'
set grid ytics
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6
set xtics rotate by -30 font SMALL
set key top right
plot $data using 2:3:4:xtic(1) title 'p50', '' using 5:6:7 title 'p99'
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'c1_latency.png'
reset
TITLE = "Latency at one keep-alive connection (c1), min–max of the repeats\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'
set title TITLE
set logscale y
set ylabel 'latency, µs (log scale)'
set grid ytics
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6
set xtics rotate by -30 font SMALL
set key top right
plot $data using 2:3:4:xtic(1) title 'p50', '' using 5:6:7 title 'p99'
unset output

