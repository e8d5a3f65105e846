# what_each_idea_bought: What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floor)
$p00 << EOD
"01_blocking_threads" 17.5845 16.8283 18.2076
"02_select" 11.1737 9.78776 11.6311
"03_epoll" 6.42089 6.11183 6.89147
"04_prefork" 6.5244 6.27741 6.9254
"05_accept4" 6.46955 6.45495 6.8564
"06_sendfile_msg_more" 5.86371 5.71346 6.3284
"07_date_cache" 5.76229 5.72072 6.04118
"08_fd_cache" 4.68573 4.44264 5.05576
"09_fibers" 5.04744 4.82164 5.7025
"10_timeout_manager" 5.22197 4.84262 5.25977
"11_parallel_io_managers" 5.07658 4.93065 5.28888
EOD
$p01 << EOD
"01_blocking_threads" 5158 5158 5158
"02_select" 10759.1 10759.1 10759.1
"03_epoll" 5346.2 5346.2 5346.2
"04_prefork" 5348.3 5348.3 5348.3
"05_accept4" 5374.7 5374.7 5374.7
"06_sendfile_msg_more" 5069.4 5069.4 5069.4
"07_date_cache" 3460.6 3460.6 3460.6
"08_fd_cache" 3578.7 3578.7 3578.7
"09_fibers" 3787.9 3787.9 3787.9
"10_timeout_manager" 3794.2 3794.2 3794.2
"11_parallel_io_managers" 3940.6 3940.6 3940.6
EOD
$p02 << EOD
"01_blocking_threads" 7.026 7.026 7.026
"02_select" 9.013 9.013 9.013
"03_epoll" 9.016 9.016 9.016
"04_prefork" 9.03 9.03 9.03
"05_accept4" 9.028 9.028 9.028
"06_sendfile_msg_more" 8.028 8.028 8.028
"07_date_cache" 8.025 8.025 8.025
"08_fd_cache" 5.023 5.023 5.023
"09_fibers" 4.023 4.023 4.023
"10_timeout_manager" 4.027 4.027 4.027
"11_parallel_io_managers" 4.018 4.018 4.018
EOD
$p10 << EOD
"01_blocking_threads" 37.7607 36.629 37.948
"02_select" 15.4004 15.3512 15.87
"03_epoll" 14.1165 13.9819 14.6397
"04_prefork" 14.2479 14.0401 14.6597
"05_accept4" 14.4366 13.906 14.5773
"06_sendfile_msg_more" 13.3332 12.9058 13.4622
"07_date_cache" 12.9579 12.6929 13.2608
"08_fd_cache" 12.4116 12.3944 12.6776
"09_fibers" 12.7911 12.758 13.1803
"10_timeout_manager" 12.9376 12.8256 12.9682
"11_parallel_io_managers" 13.1319 12.9488 13.5493
EOD
$p11 << EOD
"01_blocking_threads" 14397.2 14397.2 14397.2
"02_select" 16958.1 16958.1 16958.1
"03_epoll" 6435.1 6435.1 6435.1
"04_prefork" 6455.1 6455.1 6455.1
"05_accept4" 6399.2 6399.2 6399.2
"06_sendfile_msg_more" 6076.9 6076.9 6076.9
"07_date_cache" 4445 4445 4445
"08_fd_cache" 4728.6 4728.6 4728.6
"09_fibers" 6057 6057 6057
"10_timeout_manager" 6823.3 6823.3 6823.3
"11_parallel_io_managers" 7988.2 7988.2 7988.2
EOD
$p12 << EOD
"01_blocking_threads" 18.075 18.075 18.075
"02_select" 14.035 14.035 14.035
"03_epoll" 17.035 17.035 17.035
"04_prefork" 17.045 17.045 17.045
"05_accept4" 15.055 15.055 15.055
"06_sendfile_msg_more" 14.055 14.055 14.055
"07_date_cache" 14.02 14.02 14.02
"08_fd_cache" 11.03 11.03 11.03
"09_fibers" 12.045 12.045 12.045
"10_timeout_manager" 12.05 12.05 12.05
"11_parallel_io_managers" 14.07 14.07 14.07
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'what_each_idea_bought.svg'
reset
TITLE = "What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floor)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'

set multiplot layout 2,3 title TITLE margins 0.06,0.98,0.12,0.86 spacing 0.07,0.17
unset arrow
unset label
set title "CPU µs/req (seed scenario, min–max)" font SMALL
set yrange [0:20.9387]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 6.34883 to graph 1, first 6.34883 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 6.34883 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 5.18583 to graph 1, first 5.18583 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 5.18583 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 3.63644 to graph 1, first 3.63644 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 3.63644 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p00 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p00 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, keep-alive)" font SMALL
set yrange [0:13141.9]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 11427.7 to graph 1, first 11427.7 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 11427.7 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 6735.2 to graph 1, first 6735.2 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 6735.2 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 372.6 to graph 1, first 372.6 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 372.6 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p01 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p01 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, keep-alive)" font SMALL
set yrange [0:10.3845]
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
set yrange [0:43.6402]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 11.3032 to graph 1, first 11.3032 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 11.3032 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 14.54 to graph 1, first 14.54 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 14.54 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 10.9741 to graph 1, first 10.9741 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 10.9741 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p10 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p10 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, Connection: close)" font SMALL
set yrange [0:19501.8]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 14058.2 to graph 1, first 14058.2 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 14058.2 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 8987.5 to graph 1, first 8987.5 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 8987.5 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
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
set arrow from graph 0, first 14.9 to graph 1, first 14.9 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 14.9 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 8.995 to graph 1, first 8.995 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 8.995 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p12 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p12 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset multiplot
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'what_each_idea_bought.png'
reset
TITLE = "What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floor)\nrun 20261201T061358Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v857 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'

set multiplot layout 2,3 title TITLE margins 0.06,0.98,0.12,0.86 spacing 0.07,0.17
unset arrow
unset label
set title "CPU µs/req (seed scenario, min–max)" font SMALL
set yrange [0:20.9387]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 6.34883 to graph 1, first 6.34883 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 6.34883 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 5.18583 to graph 1, first 5.18583 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 5.18583 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 3.63644 to graph 1, first 3.63644 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 3.63644 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p00 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p00 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, keep-alive)" font SMALL
set yrange [0:13141.9]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 11427.7 to graph 1, first 11427.7 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 11427.7 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 6735.2 to graph 1, first 6735.2 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 6735.2 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 372.6 to graph 1, first 372.6 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 372.6 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p01 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p01 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, keep-alive)" font SMALL
set yrange [0:10.3845]
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
set yrange [0:43.6402]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 11.3032 to graph 1, first 11.3032 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 11.3032 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 14.54 to graph 1, first 14.54 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 14.54 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 10.9741 to graph 1, first 10.9741 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 10.9741 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p10 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p10 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, Connection: close)" font SMALL
set yrange [0:19501.8]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 14058.2 to graph 1, first 14058.2 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 14058.2 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 8987.5 to graph 1, first 8987.5 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 8987.5 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
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
set arrow from graph 0, first 14.9 to graph 1, first 14.9 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 14.9 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 8.995 to graph 1, first 8.995 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 8.995 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
plot $p12 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p12 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset multiplot
unset output

