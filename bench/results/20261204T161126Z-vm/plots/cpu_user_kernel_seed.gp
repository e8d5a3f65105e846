# cpu_user_kernel_seed: Server CPU per request in seed: user and kernel (the kernel's share above each bar)
$data << EOD
# server user kernel total share
"01_blocking_threads" 3.24858 19.5817 22.8303 "86%"
"02_select" 1.22854 15.1204 16.349 "92%"
"03_epoll" 1.44859 8.24583 9.69442 "85%"
"04_prefork" 2.07785 7.83916 9.91701 "79%"
"05_accept4" 0.910826 9.79137 10.7022 "91%"
"06_sendfile_msg_more" 0.995885 6.77202 7.7679 "87%"
"07_date_cache" 0.709642 6.99505 7.70469 "91%"
"08_fd_cache" 0.807175 5.44843 6.25561 "87%"
"09_fibers" 0.98847 6.46999 7.45846 "87%"
"09_fibers+pessimistic" 3.3231 11.3752 14.6983 "77%"
"10_timeout_manager" 0.89018 5.93453 6.82471 "87%"
"11_parallel_io_managers" 0.918266 5.61163 6.52989 "86%"
"12_response_cache" 0.645706 5.38088 6.02659 "89%"
"13_batched_writes" 0.803796 5.1242 5.92799 "86%"
"nginx" 2.80456 6.81107 9.61563 "71%"
"lighttpd" 1.49313 5.57436 7.06749 "79%"
"floor" 0.260051 4.7676 5.02766 "95%"
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'cpu_user_kernel_seed.svg'
reset
TITLE = "Server CPU per request in seed: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
set output 'cpu_user_kernel_seed.png'
reset
TITLE = "Server CPU per request in seed: user and kernel (the kernel's share above each bar)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

