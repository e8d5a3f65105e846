# what_each_idea_bought: What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floors)
$p00 << EOD
"13_batched_writes" 4.05988 3.94389 4.09542
"14_io_uring" 3.78319 3.76816 3.92788
EOD
$p01 << EOD
"13_batched_writes" 2564.9 2564.9 2564.9
"14_io_uring" 3115.2 3115.2 3115.2
EOD
$p02 << EOD
"13_batched_writes" 3.018 3.018 3.018
"14_io_uring" 2.018 2.018 2.018
EOD
$p10 << EOD
"13_batched_writes" 14.8246 14.6284 16.6531
"14_io_uring" 14.7763 14.038 15.6403
EOD
$p11 << EOD
"13_batched_writes" 8256.4 8256.4 8256.4
"14_io_uring" 13514.8 13514.8 13514.8
EOD
$p12 << EOD
"13_batched_writes" 15.065 15.065 15.065
"14_io_uring" 11.11 11.11 11.11
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'what_each_idea_bought.svg'
reset
TITLE = "What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floors)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'

set multiplot layout 2,3 title TITLE margins 0.06,0.98,0.12,0.86 spacing 0.07,0.17
unset arrow
unset label
set title "CPU µs/req (seed scenario, min–max)" font SMALL
set yrange [0:8.82109]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 7.54739 to graph 1, first 7.54739 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 7.54739 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 5.56735 to graph 1, first 5.56735 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 5.56735 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 4.10327 to graph 1, first 4.10327 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 4.10327 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 3.89795 to graph 1, first 3.89795 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 3.89795 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 4.23318 to graph 1, first 4.23318 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 4.23318 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p00 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p00 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, keep-alive)" font SMALL
set yrange [0:13153.7]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 11438 to graph 1, first 11438 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 11438 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 6740.6 to graph 1, first 6740.6 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 6740.6 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 372.7 to graph 1, first 372.7 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 372.7 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 657.2 to graph 1, first 657.2 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 657.2 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 663.1 to graph 1, first 663.1 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 663.1 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p01 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p01 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, keep-alive)" font SMALL
set yrange [0:6.91495]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 6.013 to graph 1, first 6.013 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 6.013 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 5.019 to graph 1, first 5.019 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 5.019 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 3.008 to graph 1, first 3.008 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 3.008 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 2.002 to graph 1, first 2.002 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 2.002 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 2.002 to graph 1, first 2.002 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 2.002 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p02 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p02 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "CPU µs/req (close scenario, min–max)" font SMALL
set yrange [0:27.9398]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 14.7413 to graph 1, first 14.7413 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 14.7413 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 18.9791 to graph 1, first 18.9791 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 18.9791 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 11.3988 to graph 1, first 11.3988 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 11.3988 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 11.4278 to graph 1, first 11.4278 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 11.4278 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 23.4944 to graph 1, first 23.4944 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 23.4944 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p10 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p10 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, Connection: close)" font SMALL
set yrange [0:16217.8]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 14102.4 to graph 1, first 14102.4 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 14102.4 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 9058.1 to graph 1, first 9058.1 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 9058.1 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 739 to graph 1, first 739 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 739 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 1059.1 to graph 1, first 1059.1 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 1059.1 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 1070.7 to graph 1, first 1070.7 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 1070.7 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p11 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p11 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, Connection: close)" font SMALL
set yrange [0:17.3247]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 9.035 to graph 1, first 9.035 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 9.035 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 13.14 to graph 1, first 13.14 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 13.14 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 8.995 to graph 1, first 8.995 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 8.995 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 3 to graph 1, first 3 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 3 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 3 to graph 1, first 3 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 3 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p12 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p12 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset multiplot
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'what_each_idea_bought.png'
reset
TITLE = "What each idea bought: per request, step by step (dashed: nginx, lighttpd, the floors)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'

set multiplot layout 2,3 title TITLE margins 0.06,0.98,0.12,0.86 spacing 0.07,0.17
unset arrow
unset label
set title "CPU µs/req (seed scenario, min–max)" font SMALL
set yrange [0:8.82109]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 7.54739 to graph 1, first 7.54739 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 7.54739 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 5.56735 to graph 1, first 5.56735 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 5.56735 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 4.10327 to graph 1, first 4.10327 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 4.10327 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 3.89795 to graph 1, first 3.89795 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 3.89795 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 4.23318 to graph 1, first 4.23318 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 4.23318 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p00 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p00 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, keep-alive)" font SMALL
set yrange [0:13153.7]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 11438 to graph 1, first 11438 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 11438 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 6740.6 to graph 1, first 6740.6 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 6740.6 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 372.7 to graph 1, first 372.7 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 372.7 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 657.2 to graph 1, first 657.2 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 657.2 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 663.1 to graph 1, first 663.1 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 663.1 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p01 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p01 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, keep-alive)" font SMALL
set yrange [0:6.91495]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 6.013 to graph 1, first 6.013 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 6.013 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 5.019 to graph 1, first 5.019 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 5.019 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 3.008 to graph 1, first 3.008 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 3.008 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 2.002 to graph 1, first 2.002 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 2.002 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 2.002 to graph 1, first 2.002 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 2.002 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p02 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p02 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "CPU µs/req (close scenario, min–max)" font SMALL
set yrange [0:27.9398]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 14.7413 to graph 1, first 14.7413 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 14.7413 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 18.9791 to graph 1, first 18.9791 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 18.9791 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 11.3988 to graph 1, first 11.3988 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 11.3988 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 11.4278 to graph 1, first 11.4278 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 11.4278 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 23.4944 to graph 1, first 23.4944 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 23.4944 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p10 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p10 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "instructions/req (1 connection, Connection: close)" font SMALL
set yrange [0:16217.8]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 14102.4 to graph 1, first 14102.4 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 14102.4 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 9058.1 to graph 1, first 9058.1 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 9058.1 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 739 to graph 1, first 739 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 739 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 1059.1 to graph 1, first 1059.1 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 1059.1 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 1070.7 to graph 1, first 1070.7 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 1070.7 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p11 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p11 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset arrow
unset label
set title "system calls/req (1 connection, Connection: close)" font SMALL
set yrange [0:17.3247]
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
unset key
set xtics rotate by -25 font SMALL
set arrow from graph 0, first 9.035 to graph 1, first 9.035 nohead dt 2 lw 1.5 lc rgb '#009e73' front
set label "nginx" at graph 0.99, first 9.035 right offset 0,0.6 textcolor rgb '#009e73' font SMALL front
set arrow from graph 0, first 13.14 to graph 1, first 13.14 nohead dt 2 lw 1.5 lc rgb '#e69f00' front
set label "lighttpd" at graph 0.5, first 13.14 center offset 0,0.6 textcolor rgb '#e69f00' font SMALL front
set arrow from graph 0, first 8.995 to graph 1, first 8.995 nohead dt 2 lw 1.5 lc rgb '#cc0000' front
set label "floor" at graph 0.01, first 8.995 left offset 0,0.6 textcolor rgb '#cc0000' font SMALL front
set arrow from graph 0, first 3 to graph 1, first 3 nohead dt 2 lw 1.5 lc rgb '#cc79a7' front
set label "floor+io_uring" at graph 0.25, first 3 center offset 0,0.6 textcolor rgb '#cc79a7' font SMALL front
set arrow from graph 0, first 3 to graph 1, first 3 nohead dt 2 lw 1.5 lc rgb '#555555' front
set label "floor+sqpoll" at graph 0.75, first 3 center offset 0,0.6 textcolor rgb '#555555' font SMALL front
plot $p12 using 0:2:xtic(1) with boxes lc rgb '#4472c4', $p12 using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0
unset multiplot
unset output

