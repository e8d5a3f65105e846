# cpu_per_request: Server CPU per request, seed (1000 keep-alive connections)
$data << EOD
"13_batched_writes" 4.05988 3.94389 4.09542
"14_io_uring" 3.78319 3.76816 3.92788
"14_io_uring+sqpoll" 4.12556 4.11036 4.2495
"nginx" 7.54739 7.08263 7.67052
"lighttpd" 5.56735 5.12284 6.58339
"floor" 4.10327 3.96167 4.55465
"floor+io_uring" 3.89795 3.88003 3.91579
"floor+sqpoll" 4.23318 4.10441 4.79934
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_per_request.svg'
reset
TITLE = "Server CPU per request, seed (1000 keep-alive connections)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'
set title TITLE
set ylabel "CPU µs per request (user + system)"
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
set output 'cpu_per_request.png'
reset
TITLE = "Server CPU per request, seed (1000 keep-alive connections)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'
set title TITLE
set ylabel "CPU µs per request (user + system)"
set yrange [0:*]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -30 font SMALL
plot $data using 0:2:xtic(1) with boxes lc rgb '#4472c4', \
     $data using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset output

