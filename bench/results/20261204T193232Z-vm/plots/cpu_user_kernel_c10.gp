# cpu_user_kernel_c10: Server CPU per request in c10: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"13_batched_writes" 0.399456 3.79483 4.19429 "90%"
"14_io_uring" 0.299319 3.6916 3.99092 "93%"
"14_io_uring+sqpoll" 0.390122 6.24195 6.63207 "94%"
"nginx" 1.42837 5.7135 7.14187 "80%"
"lighttpd" 1.00057 4.20238 5.20295 "81%"
"floor+sqpoll" 0 5.21924 5.21924 "100%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_c10.svg'
reset
TITLE = "Server CPU per request in c10: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): floor (too short), floor+io_uring (too short)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_c10.png'
reset
TITLE = "Server CPU per request in c10: user and kernel (the kernel's share above each bar)\nnot split (under 20 clock ticks of CPU or see results.csv): floor (too short), floor+io_uring (too short)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

