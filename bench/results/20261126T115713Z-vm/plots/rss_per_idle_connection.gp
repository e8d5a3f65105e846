set terminal svg size 800,450 dynamic noenhanced font 'sans,12' background '#ffffff'
set output 'rss_per_idle_connection.svg'
set title 'Server memory per idle connection (RSS of the whole tree)'
set grid ytics
set key top left
set datafile missing '?'
set yrange [0:*]
set ylabel 'KiB per idle connection'
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -30
$data << EOD
"01_blocking_threads" 25.5876
"02_select" 16.6457
"03_epoll" 16.6616
"04_prefork" 16.72
"05_accept4" 16.72
"nginx" 0.5396
"lighttpd" 1.32013
"floor" 0.0292
EOD
plot $data using 0:2:xtic(1) with boxes lc rgb '#4472c4'
