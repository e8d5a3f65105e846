"""tenkbench: the tenk benchmark ladder as a package (bench/ladder.py is its entry point).

Modules, in the order a run uses them:
  config         paths, the scenarios, the profiles (full, step, smoke), timeouts
  cli            the command line, the servers of a run, the run's Context
  procfs         process trees in /proc: CPU time (ns), memory, file descriptors, load average
  servers        starting and stopping the servers (steps, floor, nginx, lighttpd)
  client         the load generators: bench/loadgen, wrk, and the one-connection client of the
                 deterministic counts
  measure        one measurement: a fresh server, one load, its CPU time around it
  studies        system calls under strace, the thundering herd, the wrk cross-check
  deterministic  instructions (callgrind) and system calls (strace) per request at c=1, and
                 their committed expectations (bench/expectations.json)
  summary        medians, spreads, per-request division, the floor check
  fmt            how numbers are written in tables
  report         results.md, the CSV files, crosscheck.md
  plots          the gnuplot figures (SVG and PNG)
  machine        machine.txt
  ladder         the run itself and main()
  compare        bench/compare RUN_A RUN_B

Python standard library only. The unit tests are in tests/ (python3 -m unittest discover -s
bench/tenkbench/tests -t bench).
"""
