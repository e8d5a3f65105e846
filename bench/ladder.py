#!/usr/bin/env python3
"""The tenk benchmark ladder: every server through the same scenarios, side by side (DESIGN.md §7).

bench/run builds the release binaries and then calls this script with its own arguments; call it
directly only when build/bin/ is up to date. The code is the package bench/tenkbench/ (see its
__init__.py for a map of the modules); this file only makes it importable and calls main().

What one run does:
  1. picks the servers (step binaries, nginx, lighttpd, the floor) and the scenarios;
  2. for each repeat, for each scenario, for each server -- the server order rotates every repeat,
     so a slow drift of the machine (another job, thermal throttling) hits every server alike --
     it starts a fresh server pinned to the server CPU, runs bench/loadgen pinned to the client
     CPU, reads the CPU time of the whole server process tree before and after the load, stops
     the server with SIGTERM and checks that it exited cleanly;
  3. runs the studies that need their own setup: system calls per request (the server runs under
     strace), the thundering herd of the prefork steps (two workers, with and without
     EPOLLEXCLUSIVE) and the wrk cross-check of the load generator;
  4. writes the results folder (see bench/results/README.md) and prints a summary.

Python standard library only. Every child process has a timeout, and every server started is
stopped on the way out, even after Ctrl-C.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tenkbench.ladder import main  # noqa: E402 -- after the path is set

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
