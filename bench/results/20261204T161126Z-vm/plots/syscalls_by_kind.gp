# syscalls_by_kind: System calls per request, by kind (strace -f -c, one client)
$k0 << EOD
server epoll_wait recvfrom sendto close epoll_ctl accept4 sendfile newfstatat openat2 pread64 read other
"01_blocking_threads" 0 1.001 2 1.002 0 0 0 1.002 1 1 0.002 0.02
"02_select" 0 2.001 2 1.002 0 0 0 1.002 1 1 0.002 1.008
"03_epoll" 1.002 2.001 2 1.002 0.001 0 0 1.002 1 1 0.002 0.006
"04_prefork" 1.003 2.002 2 1.002 0.001 0 0 1.002 1 1 0.002 0.022
"05_accept4" 1.002 2.001 2 1.002 0.001 0.002 0 1.002 1 1 0.002 0.016
"06_sendfile_msg_more" 1.002 2.001 1 1.002 0.001 0.002 1 1.002 1 0 0.002 0.016
"07_date_cache" 1.003 2.002 1 1.001 0.001 0.002 1 1 1 0 0 0.016
"08_fd_cache" 1.003 2.002 1 0.001 0.001 0.002 1 0.001 0.001 0 0 0.014
"09_fibers" 1.004 1.002 1 0.001 0.002 0.002 1 0.001 0.001 0 0 0.015
"09_fibers+pessimistic" 3.002 1.001 1 0.001 3.002 0.002 1 0.001 0.001 0 0 0.019
"10_timeout_manager" 1.003 1.002 1 0.001 0.002 0.002 1 0.001 0.001 0 0 0.015
"11_parallel_io_managers" 1.003 1.002 1 0.002 0.002 0.002 1 0.001 0.001 0 0 0.004
"12_response_cache" 1.003 1.002 1 0.002 0.002 0.002 0 0.001 0.001 0.001 0 0.004
"13_batched_writes" 1.003 1.002 1 0.002 0.002 0.002 0 0.001 0.001 0.001 0 0.004
"nginx" 1.002 1.001 0 0.002 0.001 0.001 1 0.001 0 0 0 3.001
"lighttpd" 1.002 0.001 0 0.002 0.002 0.002 0 0.004 0 1 2.002 1.003
"floor" 1.002 1.002 1 0.001 0.001 0.002 0 0 0 0 0 0
EOD
$k1 << EOD
server epoll_wait recvfrom sendto close epoll_ctl accept4 sendfile newfstatat openat2 pread64 read other
"01_blocking_threads" 0 1 2 2.005 0 0 0 1.01 1 1 0.01 10.05
"02_select" 0 1 2 2.005 0 0 0 1.01 1 1 0.01 6.01
"03_epoll" 3 2 2 2.005 1 0 0 1.01 1 1 0.01 4.01
"04_prefork" 3 2 2 2.005 1 0 0 1.01 1 1 0.01 4.04
"05_accept4" 3 2 2 2.005 1 2 0 1.01 1 1 0.01 0.04
"06_sendfile_msg_more" 3 2 1 2.005 1 2 1 1.01 1 0 0.01 0.04
"07_date_cache" 3 2 1 2 1 2 1 1 1 0 0 0.03
"08_fd_cache" 3 2 1 1 1 2 1 0.005 0.005 0 0 0.03
"09_fibers" 3.005 2 1 1 2 2 1 0.005 0.005 0 0 0.045
"09_fibers+pessimistic" 4 1 1 1 4 2 1 0.005 0.005 0 0 0.035
"10_timeout_manager" 3 2 1 1 2 2 1 0.005 0.005 0 0 0.05
"11_parallel_io_managers" 3.5 2 1 1.01 2 2 1 0.01 0.01 0 1 0.535
"12_response_cache" 3.5 2 1 1.01 2 2 1 0.01 0.01 0 1 0.535
"13_batched_writes" 3.5 2 1 1.01 2 2 1 0.01 0.01 0 1 1.535
"nginx" 2 1 0 1.005 1 1 1 0.005 0 0 0 2.005
"lighttpd" 2.645 1.645 0 1.005 2 2 0 0.01 0 1 2 2.005
"floor" 1.995 2 1 1 1 2 0 0 0 0 0 0
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'syscalls_by_kind.svg'
reset
TITLE = "System calls per request, by kind (strace -f -c, one client)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'

set multiplot layout 1,2 title TITLE margins 0.07,0.83,0.16,0.84 spacing 0.08
set title "one keep-alive connection\n(not drawn: 2 counts below the no-load run's, -0.002 calls/req in all)" font SMALL
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set yrange [0:*]
set grid ytics
set ylabel 'system calls per request'
set xtics rotate by -35 font SMALL
unset key
plot for [i=2:13] $k0 using i:xtic(1) title columnheader(i) lc rgb word("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #17becf #bcbd22 #7f7f7f #aec7e8 #ffbb78", i - 1)
set title "a connection per request (Connection: close)\n(not drawn: 2 counts below the no-load run's, -0.01 calls/req in all)" font SMALL
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set yrange [0:*]
set grid ytics
set ylabel 'system calls per request'
set xtics rotate by -35 font SMALL
set key outside right top font SMALL
plot for [i=2:13] $k1 using i:xtic(1) title columnheader(i) lc rgb word("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #17becf #bcbd22 #7f7f7f #aec7e8 #ffbb78", i - 1)
unset multiplot
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'syscalls_by_kind.png'
reset
TITLE = "System calls per request, by kind (strace -f -c, one client)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'

set multiplot layout 1,2 title TITLE margins 0.07,0.83,0.16,0.84 spacing 0.08
set title "one keep-alive connection\n(not drawn: 2 counts below the no-load run's, -0.002 calls/req in all)" font SMALL
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set yrange [0:*]
set grid ytics
set ylabel 'system calls per request'
set xtics rotate by -35 font SMALL
unset key
plot for [i=2:13] $k0 using i:xtic(1) title columnheader(i) lc rgb word("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #17becf #bcbd22 #7f7f7f #aec7e8 #ffbb78", i - 1)
set title "a connection per request (Connection: close)\n(not drawn: 2 counts below the no-load run's, -0.01 calls/req in all)" font SMALL
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set yrange [0:*]
set grid ytics
set ylabel 'system calls per request'
set xtics rotate by -35 font SMALL
set key outside right top font SMALL
plot for [i=2:13] $k1 using i:xtic(1) title columnheader(i) lc rgb word("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #17becf #bcbd22 #7f7f7f #aec7e8 #ffbb78", i - 1)
unset multiplot
unset output

