# cpu_user_kernel_c10k: Server CPU per request in c10k: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"01_blocking_threads" 3.62882 25.8966 29.5254 "88%"
"02_select" 11.1656 196.793 207.959 "95%"
"03_epoll" 2.09321 12.8583 14.9515 "86%"
"04_prefork" 1.89435 11.5156 13.41 "86%"
"05_accept4" 1.8746 12.6811 14.5557 "87%"
"06_sendfile_msg_more" 1.39796 10.441 11.839 "88%"
"07_date_cache" 0.843227 9.78143 10.6247 "92%"
"08_fd_cache" 1.06436 8.92876 9.99312 "89%"
"09_fibers" 1.85175 8.67677 10.5285 "82%"
"10_timeout_manager" 1.4984 7.34216 8.84056 "83%"
"11_parallel_io_managers" 1.41792 6.63382 8.05174 "82%"
"12_response_cache" 1.24798 6.15938 7.40736 "83%"
"13_batched_writes" 1.38985 6.66168 8.05153 "83%"
"nginx" 2.80247 8.6076 11.4101 "75%"
"lighttpd" 2.12648 7.37179 9.49827 "78%"
"floor" 0.178981 7.15923 7.33821 "98%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_c10k.svg'
reset
TITLE = "Server CPU per request in c10k: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
TITLE = "Server CPU per request in c10k: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

