# c1_latency: Latency at one keep-alive connection (c1), min–max of the repeats
$data << EOD
"01_blocking_threads" 43909.1 43909.1 43909.1 44142.9 44127.5 44552.2
"02_select" 43909.1 43909.1 43909.1 44129.9 44126.5 44137.5
"03_epoll" 43909.1 43909.1 43909.1 44653.3 44259.1 44782.3
"04_prefork" 43909.1 43909.1 43909.1 44158.4 44149.4 44233.3
"05_accept4" 43909.1 43909.1 43909.1 44176.1 44169.9 44793.3
"06_sendfile_msg_more" 89.9 84.2 92.9 158.2 141.8 163.3
"07_date_cache" 95 83.2 98.6 159.2 138.8 166.4
"08_fd_cache" 87.8 76 94.5 152.1 142.8 159.2
"09_fibers" 94 81.2 98 168.4 145.9 168.4
"09_fibers+pessimistic" 95 76 105.2 159.2 143.9 238.1
"10_timeout_manager" 92.4 74.5 99.6 153.1 137.7 226.8
"11_parallel_io_managers" 85.2 78.1 100.1 150 144.9 250.4
"12_response_cache" 86.3 85.2 103.7 167.4 160.3 1503.2
"13_batched_writes" 90.9 85.2 106.8 159.2 149 1503.2
"nginx" 91.9 87.8 123.1 167.4 157.2 1577
"lighttpd" 91.9 84.7 105.2 151 137.7 254.5
"floor" 83.7 81.2 91.4 144.9 137.7 165.4
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'c1_latency.svg'
reset
TITLE = "Latency at one keep-alive connection (c1), min–max of the repeats\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
TITLE = "Latency at one keep-alive connection (c1), min–max of the repeats\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

