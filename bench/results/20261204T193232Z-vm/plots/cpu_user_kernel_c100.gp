# cpu_user_kernel_c100: Server CPU per request in c100: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"13_batched_writes" 0.417371 3.44331 3.86068 "89%"
"14_io_uring" 0.409129 3.27303 3.68216 "89%"
"14_io_uring+sqpoll" 0.294513 4.12318 4.41769 "93%"
"nginx" 1.7819 5.14771 6.9296 "74%"
"lighttpd" 0.918608 4.0827 5.00131 "82%"
"floor" 0.102961 3.60365 3.70661 "97%"
"floor+io_uring" 0 3.53102 3.53102 "100%"
"floor+sqpoll" 0.0938937 4.5069 4.60079 "98%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_c100.svg'
reset
TITLE = "Server CPU per request in c100: user and kernel (the kernel's share above each bar)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_c100.png'
reset
TITLE = "Server CPU per request in c100: user and kernel (the kernel's share above each bar)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

