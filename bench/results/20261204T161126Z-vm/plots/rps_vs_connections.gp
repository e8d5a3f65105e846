# rps_vs_connections: Throughput vs keep-alive connections (/index.html)
$s0 << EOD
1 22.6 22.6 22.6
10 225.9 225.9 226.1
100 2240.6 2233.9 2261.1
1000 22429.3 22291.9 22443.3
10000 30905.7 30876.5 34642.7
EOD
$s1 << EOD
1 22.6 22.6 22.6
10 226.1 226 226.2
100 2265.7 2218 2269.9
1000 22424.2 22373.1 22467.5
10000 3953.3 3856.5 4291.1
EOD
$s2 << EOD
1 22.6 22.6 22.6
10 226 225.7 226.1
100 2264.8 2250 2266.6
1000 22382.5 22240.7 22409.5
10000 47717.6 44224.4 66525
EOD
$s3 << EOD
1 22.6 22.6 22.6
10 225.9 225.8 226
100 2261.3 2222.6 2266.1
1000 22424.6 22415.4 22460.2
10000 55785.6 53011.2 68329.6
EOD
$s4 << EOD
1 22.6 22.6 22.6
10 226.1 225.9 226.2
100 2264.2 2263.7 2265.1
1000 22305.4 22203.3 22403
10000 51490.2 50241.2 56784.3
EOD
$s5 << EOD
1 10826.9 10478.5 11598.7
10 98907.2 86269.3 134108
100 153298 142041 156006
1000 128304 94349.7 131181
10000 82561.6 72336.2 86263.7
EOD
$s6 << EOD
1 10146.4 9941.4 11673.5
10 106416 86386.8 108032
100 135524 128462 148080
1000 128895 98955.4 129355
10000 92523 87270.3 103561
EOD
$s7 << EOD
1 11082.7 10445 12507.2
10 132048 123878 148108
100 191099 140604 191462
1000 159246 117736 169363
10000 96772.7 92148.1 111626
EOD
$s8 << EOD
1 10337.5 9952.5 11926.7
10 139526 134582 171436
100 144253 138223 201633
1000 132000 119628 149810
10000 93617.7 91209.1 96155.5
EOD
$s9 << EOD
1 10580.3 9485.4 12777
10 149775 132683 177778
100 187453 137873 194078
1000 145244 132682 151929
10000 110701 108444 111559
EOD
$s10 << EOD
1 11430.6 9066.2 12285.2
10 135017 134016 150904
100 163967 141980 175650
1000 148359 134628 152294
10000 118217 118147 118519
EOD
$s11 << EOD
1 11170.5 6827.7 11278.9
10 169811 147240 179514
100 187263 183582 235672
1000 158744 144288 171660
10000 129164 97865.8 129229
EOD
$s12 << EOD
1 10402.8 6787.7 11358.9
10 175582 155901 179642
100 198783 189928 218733
1000 157962 155460 164691
10000 118868 109112 119588
EOD
$s13 << EOD
1 10347.9 5579.5 10908.4
10 115272 97235.4 116318
100 123376 96501.3 137278
1000 103922 84607.2 111772
10000 86468.1 76526.4 89341.7
EOD
$s14 << EOD
1 10735.3 8595 11601.4
10 141799 130526 163361
100 169108 156634 176486
1000 140804 112858 170400
10000 103918 95908.5 113716
EOD
$s15 << EOD
1 11669.8 10676.6 12005.5
10 196076 169535 204079
100 199788 190855 214694
1000 148634 146538 186437
10000 129239 113955 149520
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'rps_vs_connections.svg'
reset
TITLE = "Throughput vs keep-alive connections (/index.html)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
     $s11 using 1:2:3:4 with yerrorlines lw 2 title '12_response_cache', \
     $s12 using 1:2:3:4 with yerrorlines lw 2 title '13_batched_writes', \
     $s13 using 1:2:3:4 with yerrorlines lw 2 title 'nginx', \
     $s14 using 1:2:3:4 with yerrorlines lw 2 title 'lighttpd', \
     $s15 using 1:2:3:4 with yerrorlines lw 2 title 'floor'
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'rps_vs_connections.png'
reset
TITLE = "Throughput vs keep-alive connections (/index.html)\nrun 20261204T161126Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
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
     $s11 using 1:2:3:4 with yerrorlines lw 2 title '12_response_cache', \
     $s12 using 1:2:3:4 with yerrorlines lw 2 title '13_batched_writes', \
     $s13 using 1:2:3:4 with yerrorlines lw 2 title 'nginx', \
     $s14 using 1:2:3:4 with yerrorlines lw 2 title 'lighttpd', \
     $s15 using 1:2:3:4 with yerrorlines lw 2 title 'floor'
unset output

