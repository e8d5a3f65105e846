# cpu_user_kernel_c10k: Server CPU per request in c10k: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"13_batched_writes" 0.802458 4.56398 5.36644 "85%"
"14_io_uring" 1.00178 4.1073 5.10908 "80%"
"14_io_uring+sqpoll" 0.949649 7.34728 8.29693 "89%"
"nginx" 2.05632 6.1188 8.17512 "75%"
"lighttpd" 1.39038 5.3629 6.75328 "79%"
"floor" 0.155812 4.88211 5.03792 "97%"
"floor+io_uring" 0.050408 4.58713 4.63754 "99%"
"floor+sqpoll" 0.0475791 4.99581 5.04338 "99%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_c10k.svg'
reset
TITLE = "Server CPU per request in c10k: user and kernel (the kernel's share above each bar)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_c10k.png'
reset
TITLE = "Server CPU per request in c10k: user and kernel (the kernel's share above each bar)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

