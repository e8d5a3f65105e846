# rps_vs_connections: Throughput vs keep-alive connections (/index.html)
$s0 << EOD
1 13695.6 11575.2 14416.8
10 226188 211756 232810
100 246360 243281 250466
1000 229179 227198 252094
10000 177202 151299 178482
EOD
$s1 << EOD
1 13775.4 11742.3 14211.8
10 219140 212710 221695
100 251577 245145 252687
1000 245303 235812 248288
10000 189842 174242 191431
EOD
$s2 << EOD
1 37772.3 34979 40786.1
10 151886 146510 180668
100 226654 215855 230015
1000 239349 235689 244272
10000 120116 117527 126271
EOD
$s3 << EOD
1 11924 11230.6 12586.2
10 139081 135835 141162
100 144209 142255 147651
1000 132358 129807 140077
10000 120725 117516 120777
EOD
$s4 << EOD
1 12395 11097.6 13731.9
10 183572 182154 191126
100 194929 191945 204801
1000 179333 150413 194855
10000 144476 141730 145239
EOD
$s5 << EOD
1 13791.3 10797.5 13831.7
10 219978 185958 224000
100 240247 219053 243883
1000 220433 199707 220825
10000 176705 176009 181966
EOD
$s6 << EOD
1 13725.7 13135.1 13737.3
10 209205 207044 218700
100 243967 233167 248037
1000 218695 215716 220233
10000 182058 155365 189050
EOD
$s7 << EOD
1 38652.5 36695 40431.1
10 192257 166087 199585
100 217309 205890 224012
1000 236326 207844 239943
10000 195168 186818 195420
EOD

set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'
set output 'rps_vs_connections.svg'
reset
TITLE = "Throughput vs keep-alive connections (/index.html)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",8"
set datafile missing '?'
set title TITLE
set logscale xy
set grid ytics
set xlabel 'connections (log scale)'
set ylabel 'requests per second (log scale)'
set key outside right
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title '13_batched_writes', \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title '14_io_uring', \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title '14_io_uring+sqpoll', \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title 'nginx', \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title 'lighttpd', \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title 'floor', \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title 'floor+io_uring', \
     $s7 using 1:2:3:4 with yerrorlines lw 2 title 'floor+sqpoll'
unset output

set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'
set output 'rps_vs_connections.png'
reset
TITLE = "Throughput vs keep-alive connections (/index.html)\nrun 20261204T193232Z-vm · 2 cores, Intel(R) Xeon(R) Processor, Linux 6.18.44-fc-v1252 · servers on CPU 0, load generator on CPU 1"
SMALL = ",13"
set datafile missing '?'
set title TITLE
set logscale xy
set grid ytics
set xlabel 'connections (log scale)'
set ylabel 'requests per second (log scale)'
set key outside right
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title '13_batched_writes', \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title '14_io_uring', \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title '14_io_uring+sqpoll', \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title 'nginx', \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title 'lighttpd', \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title 'floor', \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title 'floor+io_uring', \
     $s7 using 1:2:3:4 with yerrorlines lw 2 title 'floor+sqpoll'
unset output

