# cpu_user_kernel_close: Server CPU per request in close: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"13_batched_writes" 2.04477 12.7798 14.8246 "86%"
"14_io_uring" 2.63862 12.1377 14.7763 "82%"
"14_io_uring+sqpoll" 0.549187 29.6561 30.2053 "98%"
"nginx" 3.15886 11.5825 14.7413 "79%"
"lighttpd" 2.56474 16.4143 18.9791 "86%"
"floor" 0.518129 10.8807 11.3988 "95%"
"floor+io_uring" 0 11.4278 11.4278 "100%"
"floor+sqpoll" 0 23.4944 23.4944 "100%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_close.svg'
reset
TITLE = "Server CPU per request in close: user and kernel (the kernel's share above each bar)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_close.png'
reset
TITLE = "Server CPU per request in close: user and kernel (the kernel's share above each bar)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

