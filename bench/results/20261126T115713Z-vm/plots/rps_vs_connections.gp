set terminal svg size 800,450 dynamic noenhanced font 'sans,12' background '#ffffff'
set output 'rps_vs_connections.svg'
set title 'Throughput vs keep-alive connections (/index.html)'
set grid ytics
set key top left
set datafile missing '?'
set logscale xy
set xlabel 'connections (log scale)'
set ylabel 'requests per second (log scale)'
set key outside right
$s0 << EOD
1 23.1
10 230.6
100 2290.3
1000 22309.6
10000 23433.1
EOD
$s1 << EOD
1 23.1
10 230.6
100 2311.9
1000 22349.4
10000 2694.7
EOD
$s2 << EOD
1 23.1
10 230.7
100 2268.2
1000 22271.8
10000 32452.6
EOD
$s3 << EOD
1 23.1
10 230.6
100 2307.9
1000 22306.1
10000 32120.9
EOD
$s4 << EOD
1 23.1
10 230.9
100 2311.7
1000 22371
10000 33279.6
EOD
$s5 << EOD
1 14917.8
10 94369.5
100 88114
1000 77111.1
10000 49588.4
EOD
$s6 << EOD
1 15783.9
10 122189
100 119354
1000 95225.3
10000 54793.8
EOD
$s7 << EOD
1 16823.8
10 178686
100 172781
1000 131761
10000 65269.2
EOD
plot $s0 using 1:2 with linespoints title '01_blocking_threads', \
     $s1 using 1:2 with linespoints title '02_select', \
     $s2 using 1:2 with linespoints title '03_epoll', \
     $s3 using 1:2 with linespoints title '04_prefork', \
     $s4 using 1:2 with linespoints title '05_accept4', \
     $s5 using 1:2 with linespoints title 'nginx', \
     $s6 using 1:2 with linespoints title 'lighttpd', \
     $s7 using 1:2 with linespoints title 'floor'
