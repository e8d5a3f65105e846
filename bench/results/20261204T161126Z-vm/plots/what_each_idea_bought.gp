# what_each_idea_bought: What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floor)
$p00 << EOD
"01_blocking_threads" 22.8303 19.6124 25.3837
"02_select" 16.349 15.6184 17.1881
"03_epoll" 9.69442 8.68553 10.4558
"04_prefork" 9.91701 8.82167 10.5618
"05_accept4" 10.7022 9.51058 10.8445
"06_sendfile_msg_more" 7.7679 7.6199 10.5927
"07_date_cache" 7.70469 7.67661 10.0747
"08_fd_cache" 6.25561 5.67558 7.90865
"09_fibers" 7.45846 6.66749 8.29307
"10_timeout_manager" 6.82471 6.576 7.51123
"11_parallel_io_managers" 6.52989 6.3894 7.41931
"12_response_cache" 6.02659 5.58653 6.3705
"13_batched_writes" 5.92799 5.84608 5.93348
EOD
$p01 << EOD
"01_blocking_threads" 5047.9 5047.9 5047.9
"02_select" 10624.2 10624.2 10624.2
"03_epoll" 5207.4 5207.4 5207.4
"04_prefork" 5210.1 5210.1 5210.1
"05_accept4" 5211.2 5211.2 5211.2
"06_sendfile_msg_more" 4908.8 4908.8 4908.8
"07_date_cache" 3356 3356 3356
"08_fd_cache" 3521.3 3521.3 3521.3
"09_fibers" 3766.4 3766.4 3766.4
"10_timeout_manager" 3769.9 3769.9 3769.9
"11_parallel_io_managers" 3919.5 3919.5 3919.5
"12_response_cache" 2463.8 2463.8 2463.8
"13_batched_writes" 2557.9 2557.9 2557.9
EOD
$p02 << EOD
"01_blocking_threads" 7.027 7.027 7.027
"02_select" 9.015 9.015 9.015
"03_epoll" 9.016 9.016 9.016
"04_prefork" 9.034 9.034 9.034
"05_accept4" 9.028 9.028 9.028
"06_sendfile_msg_more" 8.028 8.028 8.028
"07_date_cache" 8.025 8.025 8.025
"08_fd_cache" 5.025 5.025 5.025
"09_fibers" 4.028 4.028 4.028
"10_timeout_manager" 4.027 4.027 4.027
"11_parallel_io_managers" 4.016 4.016 4.016
"12_response_cache" 3.018 3.018 3.018
"13_batched_writes" 3.017 3.017 3.017
EOD
$p10 << EOD
"01_blocking_threads" 64.9423 61.621 65.5404
"02_select" 23.4187 22.3593 28.7689
"03_epoll" 24.2288 20.5633 26.2441
"04_prefork" 24.8688 20.0965 24.9965
"05_accept4" 24.0977 19.1812 24.7023
"06_sendfile_msg_more" 21.7439 19.0197 22.1239
"07_date_cache" 20.1623 18.5241 22.2344
"08_fd_cache" 20.0946 18.3745 21.2931
"09_fibers" 21.1648 20.4606 25.5411
"10_timeout_manager" 21.2332 20.914 24.3348
"11_parallel_io_managers" 23.7052 21.4249 24.638
"12_response_cache" 22.2968 20.9273 24.5997
"13_batched_writes" 19.455 15.6465 22.9744
EOD
$p11 << EOD
"01_blocking_threads" 14419.5 14419.5 14419.5
"02_select" 16925.2 16925.2 16925.2
"03_epoll" 6398.9 6398.9 6398.9
"04_prefork" 6417.8 6417.8 6417.8
"05_accept4" 6344.8 6344.8 6344.8
"06_sendfile_msg_more" 6028.9 6028.9 6028.9
"07_date_cache" 4449.1 4449.1 4449.1
"08_fd_cache" 4794.8 4794.8 4794.8
"09_fibers" 6135.4 6135.4 6135.4
"10_timeout_manager" 6901.1 6901.1 6901.1
"11_parallel_io_managers" 8083.9 8083.9 8083.9
"12_response_cache" 8090.5 8090.5 8090.5
"13_batched_writes" 8230 8230 8230
EOD
$p12 << EOD
"01_blocking_threads" 18.075 18.075 18.075
"02_select" 14.035 14.035 14.035
"03_epoll" 17.035 17.035 17.035
"04_prefork" 17.065 17.065 17.065
"05_accept4" 15.065 15.065 15.065
"06_sendfile_msg_more" 14.065 14.065 14.065
"07_date_cache" 14.03 14.03 14.03
"08_fd_cache" 11.04 11.04 11.04
"09_fibers" 12.06 12.06 12.06
"10_timeout_manager" 12.06 12.06 12.06
"11_parallel_io_managers" 14.065 14.065 14.065
"12_response_cache" 14.06 14.06 14.06
"13_batched_writes" 15.06 15.06 15.06
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'what_each_idea_bought.svg'
reset
TITLE = "What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floor)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'

set multiplot layout 2,3 title TITLE margins 0.06,0.98,0.12,0.86 spacing 0.07,0.17
unset arrow
unset label
set title "CPU µs/req (seed scenario, min–max)" font SMALL
set yrange [0:29.1913]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 9.61563 to graph 1, first 9.61563 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 9.61563 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 7.06749 to graph 1, first 7.06749 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 7.06749 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 5.02766 to graph 1, first 5.02766 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 5.02766 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p00 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p00 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, keep-alive)" font SMALL
set yrange [0:13161.2]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 11444.5 to graph 1, first 11444.5 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 11444.5 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 6755.2 to graph 1, first 6755.2 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 6755.2 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 372.6 to graph 1, first 372.6 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 372.6 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p01 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p01 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, keep-alive)" font SMALL
set yrange [0:10.3891]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 6.009 to graph 1, first 6.009 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 6.009 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 5.018 to graph 1, first 5.018 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 5.018 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 3.008 to graph 1, first 3.008 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 3.008 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p02 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p02 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "CPU µs/req (close scenario, min–max)" font SMALL
set yrange [0:75.3714]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 18.8596 to graph 1, first 18.8596 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 18.8596 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 24.536 to graph 1, first 24.536 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 24.536 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 20.3312 to graph 1, first 20.3312 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 20.3312 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p10 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p10 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, Connection: close)" font SMALL
set yrange [0:19464]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 14135.3 to graph 1, first 14135.3 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 14135.3 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 9226.6 to graph 1, first 9226.6 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 9226.6 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 738.7 to graph 1, first 738.7 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 738.7 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p11 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p11 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, Connection: close)" font SMALL
set yrange [0:20.7862]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 9.015 to graph 1, first 9.015 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 9.015 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 14.31 to graph 1, first 14.31 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 14.31 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 8.995 to graph 1, first 8.995 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 8.995 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p12 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p12 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset multiplot
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'what_each_idea_bought.png'
reset
TITLE = "What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floor)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'

set multiplot layout 2,3 title TITLE margins 0.06,0.98,0.12,0.86 spacing 0.07,0.17
unset arrow
unset label
set title "CPU µs/req (seed scenario, min–max)" font SMALL
set yrange [0:29.1913]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 9.61563 to graph 1, first 9.61563 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 9.61563 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 7.06749 to graph 1, first 7.06749 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 7.06749 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 5.02766 to graph 1, first 5.02766 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 5.02766 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p00 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p00 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, keep-alive)" font SMALL
set yrange [0:13161.2]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 11444.5 to graph 1, first 11444.5 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 11444.5 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 6755.2 to graph 1, first 6755.2 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 6755.2 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 372.6 to graph 1, first 372.6 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 372.6 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p01 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p01 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, keep-alive)" font SMALL
set yrange [0:10.3891]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 6.009 to graph 1, first 6.009 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 6.009 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 5.018 to graph 1, first 5.018 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 5.018 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 3.008 to graph 1, first 3.008 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 3.008 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p02 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p02 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "CPU µs/req (close scenario, min–max)" font SMALL
set yrange [0:75.3714]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 18.8596 to graph 1, first 18.8596 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 18.8596 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 24.536 to graph 1, first 24.536 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 24.536 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 20.3312 to graph 1, first 20.3312 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 20.3312 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p10 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p10 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, Connection: close)" font SMALL
set yrange [0:19464]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 14135.3 to graph 1, first 14135.3 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 14135.3 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 9226.6 to graph 1, first 9226.6 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 9226.6 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 738.7 to graph 1, first 738.7 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 738.7 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p11 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p11 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, Connection: close)" font SMALL
set yrange [0:20.7862]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 9.015 to graph 1, first 9.015 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 9.015 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 14.31 to graph 1, first 14.31 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 14.31 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 8.995 to graph 1, first 8.995 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 8.995 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p12 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p12 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset multiplot
unset output

