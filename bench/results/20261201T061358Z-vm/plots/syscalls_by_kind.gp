# syscalls_by_kind: System calls per request, by kind (strace -f -c, one client)
$k0 << EOD
server epoll_wait recvfrom sendto close epoll_ctl accept4 sendfile newfstatat openat2 pread64 accept other
"01_blocking_threads" 0 1.001 2 1.002 0 0 0 1.002 1 1 0.001 0.02
"02_select" 0 2 2 1.002 0 0 0 1.002 1 1 0.002 1.007
"03_epoll" 1.002 2.001 2 1.002 0.001 0 0 1.002 1 1 0.002 0.006
"04_prefork" 1.002 2.001 2 1.002 0.001 0 0 1.002 1 1 0.002 0.02
"05_accept4" 1.003 2.002 2 1.002 0.001 0.002 0 1.002 1 1 0 0.016
"06_sendfile_msg_more" 1.002 2.001 1 1.002 0.001 0.002 1 1.002 1 0 0 0.018
"07_date_cache" 1.003 2.002 1 1.001 0.001 0.002 1 1 1 0 0 0.016
"08_fd_cache" 1.003 2.002 1 0.001 0.001 0.002 1 0.001 0.001 0 0 0.012
"09_fibers" 1.002 1.002 1 0.001 0.002 0.001 1 0.001 0.001 0 0 0.013
"09_fibers+pessimistic" 3.002 1.001 1 0.001 3.003 0.002 1 0.001 0.001 0 0 0.015
"10_timeout_manager" 1.003 1.002 1 0.001 0.002 0.002 1 0.001 0.001 0 0 0.015
"11_parallel_io_managers" 1.004 1.002 1 0.002 0.002 0.002 1 0.001 0.001 0 0 0.004
"nginx" 1.002 1.001 0 0.002 0.001 0.001 1 0.001 0 0 0 3.001
"lighttpd" 1.002 0.001 0 0.002 0.002 0.002 0 0.004 0 1 0 3.005
"floor" 1.002 1.002 1 0.001 0.001 0.002 0 0 0 0 0 0
EOD
$k1 << EOD
server epoll_wait recvfrom sendto close epoll_ctl accept4 sendfile newfstatat openat2 pread64 accept other
"01_blocking_threads" 0 1 2 2.005 0 0 0 1.01 1 1 1 9.06
"02_select" 0 1 2 2.005 0 0 0 1.01 1 1 2 4.02
"03_epoll" 3 2 2 2.005 1 0 0 1.01 1 1 2 2.02
"04_prefork" 3 2 2 2.005 1 0 0 1.01 1 1 2 2.03
"05_accept4" 3 2 2 2.005 1 2 0 1.01 1 1 0 0.04
"06_sendfile_msg_more" 3 2 1 2.005 1 2 1 1.01 1 0 0 0.04
"07_date_cache" 3 2 1 2 1 2 1 1 1 0 0 0.02
"08_fd_cache" 3 2 1 1 1 2 1 0.005 0.005 0 0 0.02
"09_fibers" 3 2 1 1 2 2 1 0.005 0.005 0 0 0.035
"09_fibers+pessimistic" 4 1 1 1 5 2 1 0.005 0.005 0 0 0.035
"10_timeout_manager" 3 2 1 1 2 2 1 0.005 0.005 0 0 0.04
"11_parallel_io_managers" 3.505 2 1 1.01 2 2 1 0.01 0.01 0 0 1.535
"nginx" 2 1 0 1.005 1 1 1 0.005 0 0 0 2.005
"lighttpd" 2.935 1.93 0 1.005 2.01 2 0 0.01 0 1 0 4.01
"floor" 1.995 2 1 1 1 2 0 0 0 0 0 0
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'syscalls_by_kind.svg'
reset
TITLE = "System calls per request, by kind (strace -f -c, one client)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'

set multiplot layout 1,2 title TITLE margins 0.07,0.83,0.16,0.84 spacing 0.08
set title "one keep-alive connection" font SMALL
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
set title "a connection per request (Connection: close)" font SMALL
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
TITLE = "System calls per request, by kind (strace -f -c, one client)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'

set multiplot layout 1,2 title TITLE margins 0.07,0.83,0.16,0.84 spacing 0.08
set title "one keep-alive connection" font SMALL
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
set title "a connection per request (Connection: close)" font SMALL
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

