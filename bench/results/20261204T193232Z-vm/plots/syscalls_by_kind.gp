# syscalls_by_kind: System calls per request, by kind (strace -f -c, one client)
$k0 << EOD
server io_uring_enter epoll_wait recvfrom accept4 read close epoll_ctl setsockopt sendto writev sendfile other
"13_batched_writes" 0 1.003 1.002 0.002 0 0.002 0.002 0 1 0 0 0.007
"14_io_uring" 2.007 0 0 0 0 0.002 0 0 0 0 0 0.009
"14_io_uring+sqpoll" 2.004 0 0 0 0 0.002 0 0 0 0 0 0.007
"nginx" 0 1.004 1.002 0.001 0 0.003 0.001 2 0 1 1 0.002
"lighttpd" 0 1.002 0.001 0.002 2.002 0.002 0.004 0 0 1 0 1.006
"floor" 0 1.002 1.002 0.002 0 0.001 0.001 0 1 0 0 0
"floor+io_uring" 2.002 0 0 0 0 0 0 0 0 0 0 0
"floor+sqpoll" 2.002 0 0 0 0 0 0 0 0 0 0 0
EOD
$k1 << EOD
server io_uring_enter epoll_wait recvfrom accept4 read close epoll_ctl setsockopt sendto writev sendfile other
"13_batched_writes" 0 3.5 2 2 1 1.01 2 1 1 0 1 0.555
"14_io_uring" 7.505 0 0 0 1 1.01 0 1 0 0 0 0.595
"14_io_uring+sqpoll" 7.49 0 0 0 1 1.01 0 1 0 0 0 0.585
"nginx" 0 2.01 1.005 1 0 1.01 1 1 0 1 1 0.01
"lighttpd" 0 2.06 1.06 2 2 1.005 2 0 0 1 0 2.015
"floor" 0 1.995 2 2 0 1 1 0 1 0 0 0
"floor+io_uring" 3 0 0 0 0 0 0 0 0 0 0 0
"floor+sqpoll" 3 0 0 0 0 0 0 0 0 0 0 0
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'syscalls_by_kind.svg'
reset
TITLE = "System calls per request, by kind (strace -f -c, one client)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
TITLE = "System calls per request, by kind (strace -f -c, one client)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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

