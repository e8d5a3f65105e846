# c1_latency: Latency at one keep-alive connection (c1), min–max of the repeats
$data << EOD
"01_blocking_threads" 43909.1 43909.1 43909.1 44461 44261.2 47985.1
"02_select" 43909.1 43909.1 43909.1 44381 44040.1 44416.3
"03_epoll" 43909.1 43909.1 43909.1 44224.1 44215.7 44337.4
"04_prefork" 43909.1 43909.1 43909.1 44646.4 44396.8 51914.6
"05_accept4" 43909.1 43909.1 43909.1 45578.2 44413.8 47970.7
"06_sendfile_msg_more" 70.4 69.4 73.5 115.5 98.6 124.2
"07_date_cache" 69.9 68.9 73.5 109.8 102.1 137.7
"08_fd_cache" 69.4 64.1 69.9 109.3 99.6 129.8
"09_fibers" 68.9 66.8 70.4 125.2 95 135.7
"09_fibers+pessimistic" 66.3 65.4 71.4 139.8 100.6 142.8
"10_timeout_manager" 67.3 65.8 69.4 131.6 126.7 132.6
"11_parallel_io_managers" 69.9 65.8 70.4 133.6 129.3 143.9
"nginx" 71.4 70.9 71.9 121.6 104.7 123.6
"lighttpd" 68.9 66.3 69.4 126.2 98.6 149
"floor" 67.3 64.9 67.3 95.5 94 135.7
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'c1_latency.svg'
reset
TITLE = "Latency at one keep-alive connection (c1), min–max of the repeats\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
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
TITLE = "Latency at one keep-alive connection (c1), min–max of the repeats\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
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

