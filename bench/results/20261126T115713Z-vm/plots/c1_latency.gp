set terminal svg size 800,450 dynamic noenhanced font 'sans,12' background '#ffffff'
set output 'c1_latency.svg'
set title 'Latency at one keep-alive connection (c1)'
set grid ytics
set key top left
set datafile missing '?'
set logscale y
set ylabel 'latency, µs (log scale)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6
set xtics rotate by -30
set key top right
$data << EOD
"01_blocking_threads" 43909.1 44110
"02_select" 43909.1 44124.9
"03_epoll" 43909.1 44386.8
"04_prefork" 43909.1 47914.1
"05_accept4" 43909.1 44098.9
"nginx" 65.2 107.3
"lighttpd" 60.5 95.5
"floor" 55.7 88.3
EOD
plot $data using 2:xtic(1) title 'p50', '' using 3 title 'p99'
