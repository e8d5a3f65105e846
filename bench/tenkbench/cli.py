"""The command line, the servers of a run, and the Context every part of a run is handed."""

import argparse
import datetime
import os
import re
import resource
import shutil
import socket
import tempfile
import time
from pathlib import Path

from .config import BIN, DEFAULT_VARIANT_SCENARIOS, DEFAULT_VARIANTS, FLOOR_VARIANTS, HERD_RUN, PEERS, PROFILES, \
    QUIET_LOAD, QUIET_WAIT_MAX_S, REPO, SCENARIOS, SMOKE_HERD_RUN, SMOKE_SYSCALL_RUNS, STUDIES, SYSCALL_RUNS, VARIANTS
from .machine import describe_machine
from .servers import ServerSpec, binary_mentions, split_variant, start_problem, variant_spec

USAGE = """\
bench/run [STEP...] [--smoke | --micro | --deterministic [--update-expectations]]
          [--repeat N] [--scenarios a,b] [--servers x,y] [--server-cpu CPUS] [--client-cpu CPUS]
          [--max-wait SECONDS] [--out DIR]

  (no STEP)     the whole ladder: every step, nginx, lighttpd, the floor, floor+io_uring (the
                floor's io_uring loop, TENK_IO_URING=1) and floor+sqpoll (that loop with SQPOLL,
                TENK_SQPOLL=1), about 12-20 minutes; and in seed, c1 and
                the deterministic counts 09_fibers+pessimistic (TENK_PESSIMISTIC_IO=1) and, once
                step 14 is built, 14_io_uring+sqpoll (TENK_SQPOLL=1)
  STEP...       a one-step run: those steps, the step before the first one, the two floors, and
                the default variants of those steps (~1 minute)
  --smoke       tiny counts, the floor, floor+io_uring (where io_uring starts) and the last
                step, results in a temporary folder (CI)
  --micro       only the micro benchmarks (build/bin/tenk_micro), JSON into the results folder
  --deterministic
                only the counts that do not depend on the machine's noise: instructions
                (callgrind) and system calls (strace) per request at one connection, for every
                server (or STEP... / --servers), checked against bench/expectations.json; a
                temporary results folder unless --out (under 2 minutes)
  --update-expectations
                with --deterministic: write the measured counts of the steps, their variants
                and the floors into bench/expectations.json (after a change that moves them on
                purpose)
  --servers     also BASE+VARIANT: the same binary with one environment variable set, where
                the binary reads it: STEP+pessimistic for the fiber steps (09 on;
                TENK_PESSIMISTIC_IO=1, wait for readiness before every call), floor+io_uring
                (TENK_IO_URING=1), STEP+sqpoll for the io_uring steps (14 on; TENK_SQPOLL=1)
                and floor+sqpoll
  --server-cpu, --client-cpu
                taskset CPU lists (0, 2-3, 0,2,4): the prefork steps get --workers and nginx
                worker_processes = the server CPUs, step 11 one thread per server CPU (its default:
                the CPUs it may run on), loadgen one thread per client CPU
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench/run", usage=USAGE,
                                     description="The tenk benchmark ladder (see book/appendix-benchmark.md).")
    parser.add_argument("steps", nargs="*", metavar="STEP", help="step names, e.g. 03_epoll")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--smoke", action="store_true", help="tiny counts, the floors and the last step, a temporary folder")
    mode.add_argument("--micro", action="store_true", help="run the micro benchmarks only")
    mode.add_argument("--deterministic", action="store_true",
                      help="only instructions and system calls per request, checked against bench/expectations.json")
    parser.add_argument("--update-expectations", action="store_true",
                        help="with --deterministic: write bench/expectations.json from this run")
    parser.add_argument("--repeat", type=positive_int, help="repeats (default 3; 1 for a one-step run or --smoke)")
    parser.add_argument("--scenarios", type=comma_list, help="a,b: scenarios and studies to run: "
                        + ", ".join([s.name for s in SCENARIOS] + list(STUDIES)))
    parser.add_argument("--servers", type=comma_list,
                        help="x,y: step names, nginx, lighttpd, floor, BASE+VARIANT (" + ", ".join(VARIANTS) + ")")
    parser.add_argument("--server-cpu", default="0", help="taskset CPU list for the servers (default 0)")
    parser.add_argument("--client-cpu", default="1", help="taskset CPU list for loadgen and wrk (default 1)")
    parser.add_argument("--max-wait", type=int, metavar="SECONDS",
                        help=f"before the timed runs, wait at most this long for the 1-minute load average "
                        f"to drop below {QUIET_LOAD} (default {QUIET_WAIT_MAX_S}; 0 with --smoke and "
                        "--deterministic, whose counts do not depend on it)")
    parser.add_argument("--out", type=Path, help="results folder (default bench/results/<UTC time>-<host>)")
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)  # bench/run: validate only
    args = parser.parse_args(argv)

    known_steps = source_steps()
    names = [s.name for s in SCENARIOS] + list(STUDIES)
    for step in args.steps:
        if step not in known_steps:
            parser.error(f"unknown step {step!r}; the steps are: {', '.join(known_steps)}")
    for scenario in args.scenarios or []:
        if scenario not in names:
            parser.error(f"unknown scenario {scenario!r}; choose from: {', '.join(names)}")
    for server in args.servers or []:
        base, variant = split_variant(server)
        known = base in known_steps + ["floor"] if variant else base in known_steps + ["floor", *PEERS]
        if not known or (variant and variant not in VARIANTS):
            parser.error(f"unknown server {server!r}; choose from: {', '.join(known_steps + ['floor', *PEERS])}, "
                         f"or STEP+VARIANT or floor+VARIANT with VARIANT one of: {', '.join(VARIANTS)}")
    if args.smoke and args.steps:
        parser.error("--smoke runs the floors and the last step; name no step")
    if args.update_expectations and not args.deterministic:
        parser.error("--update-expectations goes with --deterministic")
    for option, value in (("--server-cpu", args.server_cpu), ("--client-cpu", args.client_cpu)):
        try:
            cpus = cpu_list(value)
        except ValueError:
            parser.error(f"{option} takes a taskset CPU list such as 0, 2-3 or 0,2,4: not {value!r}")
        if not set(cpus) <= os.sched_getaffinity(0):
            parser.error(f"{option} {value}: this machine (this process) may only use CPUs "
                         f"{','.join(map(str, sorted(os.sched_getaffinity(0))))}")
    return args


def cpu_list(text):
    """The CPUs of a taskset CPU list: "0-2,5" -> [0, 1, 2, 5]. Raises ValueError if malformed."""
    cpus = set()
    for part in text.split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part.strip())
        if not match:
            raise ValueError(f"not a CPU list: {text!r}")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise ValueError(f"not a CPU list: {text!r}")
        cpus.update(range(first, last + 1))
    return sorted(cpus)


def positive_int(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return int(text)


def comma_list(text):
    return [item for item in text.split(",") if item]


def source_steps():
    """Step folders in the source tree (what the build turns into build/bin/<name>)."""
    return sorted(p.name for p in (REPO / "steps").glob("[0-9][0-9]_*") if (p / "CMakeLists.txt").exists())


def built_steps():
    return sorted(p.name for p in BIN.glob("[0-9][0-9]_*") if os.access(p, os.X_OK))


def choose_servers(args, profile, notes):
    """The servers of this run, in the order of the tables: steps (each variant after its step),
    nginx, lighttpd, the floor and its variants. The floor's variants (FLOOR_VARIANTS) join every
    run that has the floor by default, in every scenario; --smoke takes floor+io_uring only. The steps' default variants
    (DEFAULT_VARIANTS) join the full ladder and --deterministic, and a one-step run of their base
    step, when the base step is in the run, limited to DEFAULT_VARIANT_SCENARIOS; a variant named
    with --servers runs in every scenario. A variant is skipped, with a note, where its binary does
    not read its variable or does not start on this machine (start_problem)."""
    steps = built_steps()
    variants = []  # default variants, limited
    if args.servers:
        wanted = args.servers
    elif profile == "smoke":
        # The last step runs on io_uring: its floor comes too, skipped where io_uring is refused.
        wanted = ["floor", "floor+io_uring"] + steps[-1:]
    elif args.steps:
        first = steps.index(args.steps[0]) if args.steps[0] in steps else 0
        wanted = steps[max(0, first - 1):first] + args.steps + ["floor", *FLOOR_VARIANTS]
        variants = [v for v in DEFAULT_VARIANTS if split_variant(v)[0] in args.steps]
    else:
        wanted = steps + list(PEERS) + ["floor", *FLOOR_VARIANTS]
        variants = [v for v in DEFAULT_VARIANTS if split_variant(v)[0] in steps]
    servers = []
    order = steps + list(PEERS) + ["floor"]
    rank = lambda n: (order.index(split_variant(n)[0]) if split_variant(n)[0] in order else len(order), n)
    for name in sorted(set(wanted) | set(variants), key=rank):
        base, variant = split_variant(name)
        if variant:
            variable = VARIANTS[variant][0]
            if not os.access(BIN / base, os.X_OK):
                notes.append(f"{name}: skipped: build/bin/{base} not found")
            elif not binary_mentions(base, variable):
                notes.append(f"{name}: skipped: {base} does not read {variable}")
            else:
                only = DEFAULT_VARIANT_SCENARIOS if name in variants and name not in wanted else ()
                spec = variant_spec(name, only)
                problem = start_problem(spec)
                if problem:
                    notes.append(f"{name}: skipped: it does not start here: {problem}")
                else:
                    servers.append(spec)
        elif name in PEERS:
            if shutil.which(name) is None:
                notes.append(f"{name}: skipped: not installed")
                continue
            servers.append(ServerSpec(name, "peer"))
        elif name == "floor" or name in steps:
            servers.append(ServerSpec(name, "floor" if name == "floor" else "step"))
        else:
            notes.append(f"{name}: skipped: build/bin/{name} not found")
    return servers


class Context:
    """Everything a run needs to know, passed to the functions of the other modules."""

    def __init__(self, args, argv):
        self.argv = argv
        self.profile = ("smoke" if args.smoke else "deterministic" if args.deterministic
                        else "step" if args.steps else "full")
        self.update_expectations = args.update_expectations
        quick = self.profile in ("smoke", "deterministic")
        self.max_wait = args.max_wait if args.max_wait is not None else 0 if quick else QUIET_WAIT_MAX_S
        self.quiet = None  # (load at the start, seconds waited) once wait_for_quiet() ran
        default_scenarios, default_repeat = PROFILES[self.profile]
        self.scenarios = args.scenarios or default_scenarios
        self.repeat = args.repeat or default_repeat
        self.server_cpu, self.client_cpu = args.server_cpu, args.client_cpu
        # One worker process (prefork steps, nginx) per server CPU; one loadgen thread per client CPU.
        self.workers = len(cpu_list(self.server_cpu))
        self.client_threads = len(cpu_list(self.client_cpu))
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.t0 = time.monotonic()
        self.syscall_runs = SMOKE_SYSCALL_RUNS if self.profile == "smoke" else SYSCALL_RUNS
        self.herd_run = SMOKE_HERD_RUN if self.profile == "smoke" else HERD_RUN
        self.out = (args.out or default_out(self.profile, self.started)).resolve()
        self.notes = []  # for results.md: skipped servers, failures of the studies, ...
        self.plots = []  # the SVG plots written
        self.servers = choose_servers(args, self.profile, self.notes)
        if "lighttpd" in [s.name for s in self.servers] and {"idle", "c10k"} & set(self.scenarios):
            self.notes.append("lighttpd accepts at most max-fds / 2 = 10,000 connections (see "
                              "bench/peers/lighttpd.conf.in): c10k is at its ceiling, idle is above it")
        self.machine = describe_machine()

    def elapsed(self):
        return time.monotonic() - self.t0


def default_out(profile, started):
    if profile in ("smoke", "deterministic"):
        return Path(tempfile.mkdtemp(prefix=f"tenk-bench-{profile}-"))
    host = socket.gethostname().split(".")[0]
    return REPO / "bench" / "results" / f"{started:%Y%m%dT%H%M%SZ}-{host}"


def raise_fd_limit():
    """Servers and clients inherit soft RLIMIT_NOFILE = hard: c10k and idle need ~11,000 fds."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
