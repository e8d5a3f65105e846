# cpu_user_kernel_c1: Server CPU per request in c1: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"13_batched_writes" 2.9996 25.7108 28.7104 "90%"
"14_io_uring" 3.14732 24.654 27.8013 "89%"
"14_io_uring+sqpoll" 1.39802 25.1645 26.5625 "95%"
"nginx" 6.40924 28.8416 35.2508 "82%"
"lighttpd" 3.06994 29.6761 32.7461 "91%"
"floor" 0.76184 27.4262 28.1881 "97%"
"floor+io_uring" 0.500967 26.5512 27.0522 "98%"
"floor+sqpoll" 0 25.9259 25.9259 "100%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_c1.svg'
reset
TITLE = "Server CPU per request in c1: user and kernel (the kernel's share above each bar)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'
set title TITLE
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics
set ylabel 'CPU µs per request (user + kernel)'
set xtics rotate by -30 font SMALL
set key outside top center horizontal font SMALL
plot $data using 2:xtic(1) title 'user' lc rgb '#4472c4', \
     '' using 3 title 'kernel (system)' lc rgb '#ed7d31', \
     '' using 0:4:5 with labels offset 0,0.7 font SMALL notitle
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'cpu_user_kernel_c1.png'
reset
TITLE = "Server CPU per request in c1: user and kernel (the kernel's share above each bar)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'
set title TITLE
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics
set ylabel 'CPU µs per request (user + kernel)'
set xtics rotate by -30 font SMALL
set key outside top center horizontal font SMALL
plot $data using 2:xtic(1) title 'user' lc rgb '#4472c4', \
     '' using 3 title 'kernel (system)' lc rgb '#ed7d31', \
     '' using 0:4:5 with labels offset 0,0.7 font SMALL notitle
unset output

