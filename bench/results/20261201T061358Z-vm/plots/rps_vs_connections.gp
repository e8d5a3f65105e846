# rps_vs_connections: Throughput vs keep-alive connections (/index.html)
$s0 << EOD
1 23.1 23.1 23.1
10 231.7 230.9 232
100 2290.1 2284.2 2307.6
1000 22524.9 22503.8 22556.3
10000 29268.7 25279.8 31170.6
EOD
$s1 << EOD
1 23.1 23.1 23.1
10 231.6 231 232.1
100 2315.7 2307.6 2315.8
1000 22579.7 22467.7 22664.7
10000 5138.6 4989.9 5242.3
EOD
$s2 << EOD
1 23.1 23.1 23.2
10 231.6 231.2 231.9
100 2313.4 2309.9 2314
1000 22572.2 22506.2 22610.2
10000 60033.2 56574.3 61864.2
EOD
$s3 << EOD
1 23.1 22.7 23.1
10 231.4 231.3 231.7
100 2313.7 2312.3 2314.2
1000 22622.6 22605.6 22710.2
10000 57751.2 55937.2 58102.4
EOD
$s4 << EOD
1 23.1 23.1 23.2
10 231.7 231.3 232
100 2310.5 2271.4 2311.5
1000 22557.7 22483.9 22629.6
10000 58014.6 55924.1 60169.3
EOD
$s5 << EOD
1 13750.1 13331.3 14330.7
10 181366 152633 187434
100 187648 184879 191665
1000 161868 149084 166786
10000 82696.7 81395.8 87415.6
EOD
$s6 << EOD
1 14235.5 13488.6 14411
10 195801 191797 195983
100 193063 192783 194638
1000 163809 162054 167927
10000 85249.9 82323.2 86622.7
EOD
$s7 << EOD
1 14322.9 14191.6 15906
10 212407 210999 231641
100 239859 236588 241557
1000 199296 186070 215393
10000 91078.4 89882.3 94439.6
EOD
$s8 << EOD
1 13928.4 13844.8 15104.1
10 230780 218235 235506
100 244122 244007 248518
1000 190225 169484 195977
10000 85429.7 80314.5 85473.7
EOD
$s9 << EOD
1 14370.8 13905.9 14886.5
10 234976 223179 239249
100 247742 236228 248386
1000 183102 179997 191421
10000 82957.9 82843.5 87011.3
EOD
$s10 << EOD
1 13974.8 13673.7 14826.9
10 236414 226570 237849
100 243693 238898 252506
1000 184065 177176 189175
10000 85867.3 83320.2 86324
EOD
$s11 << EOD
1 13667.5 13571.1 13857.8
10 180677 172299 183712
100 178783 169611 183078
1000 151958 149159 153438
10000 85445.2 56275.6 86205.1
EOD
$s12 << EOD
1 14035.5 13696 14686.8
10 225521 223274 227492
100 239731 225667 240299
1000 181219 179073 194468
10000 79698.6 76400.7 81187.6
EOD
$s13 << EOD
1 14983.1 13973.4 15203.1
10 266096 262529 272906
100 293225 279501 304465
1000 223158 218480 235425
10000 101600 95639.6 102005
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'rps_vs_connections.svg'
reset
TITLE = "Throughput vs keep-alive connections (/index.html)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'
set title TITLE
set logscale xy
set grid ytics
set xlabel 'connections (log scale)'
set ylabel 'requests per second (log scale)'
set key outside right
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title '01_blocking_threads', \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title '02_select', \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title '03_epoll', \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title '04_prefork', \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title '05_accept4', \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title '06_sendfile_msg_more', \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title '07_date_cache', \
     $s7 using 1:2:3:4 with yerrorlines lw 2 title '08_fd_cache', \
     $s8 using 1:2:3:4 with yerrorlines lw 2 title '09_fibers', \
     $s9 using 1:2:3:4 with yerrorlines lw 2 title '10_timeout_manager', \
     $s10 using 1:2:3:4 with yerrorlines lw 2 title '11_parallel_io_managers', \
     $s11 using 1:2:3:4 with yerrorlines lw 2 title 'nginx', \
     $s12 using 1:2:3:4 with yerrorlines lw 2 title 'lighttpd', \
     $s13 using 1:2:3:4 with yerrorlines lw 2 title 'floor'
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'rps_vs_connections.png'
reset
TITLE = "Throughput vs keep-alive connections (/index.html)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'
set title TITLE
set logscale xy
set grid ytics
set xlabel 'connections (log scale)'
set ylabel 'requests per second (log scale)'
set key outside right
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title '01_blocking_threads', \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title '02_select', \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title '03_epoll', \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title '04_prefork', \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title '05_accept4', \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title '06_sendfile_msg_more', \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title '07_date_cache', \
     $s7 using 1:2:3:4 with yerrorlines lw 2 title '08_fd_cache', \
     $s8 using 1:2:3:4 with yerrorlines lw 2 title '09_fibers', \
     $s9 using 1:2:3:4 with yerrorlines lw 2 title '10_timeout_manager', \
     $s10 using 1:2:3:4 with yerrorlines lw 2 title '11_parallel_io_managers', \
     $s11 using 1:2:3:4 with yerrorlines lw 2 title 'nginx', \
     $s12 using 1:2:3:4 with yerrorlines lw 2 title 'lighttpd', \
     $s13 using 1:2:3:4 with yerrorlines lw 2 title 'floor'
unset output

