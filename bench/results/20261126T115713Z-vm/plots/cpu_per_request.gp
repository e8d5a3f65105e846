set terminal svg size 800,450 dynamic noenhanced font 'sans,12' background '#ffffff'
set output 'cpu_per_request.svg'
set title 'Server CPU per request, seed (1000 keep-alive connections)'
set grid ytics
set key top left
set datafile missing '?'
set yrange [0:*]
set ylabel 'CPU µs per request (user + system)'
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -30
$data << EOD
"01_blocking_threads" 22.2
"02_select" 20.6
"03_epoll" 14.6
"04_prefork" 15.3
"05_accept4" 15.6
"nginx" 12.6
"lighttpd" 10.1
"floor" 6.4
EOD
plot $data using 0:2:xtic(1) with boxes lc rgb '#4472c4'
