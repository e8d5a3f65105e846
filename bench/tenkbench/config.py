"""Paths, scenarios, profiles and timeouts: everything a run is configured with."""

import dataclasses
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BIN = REPO / "build" / "bin"
WWW = REPO / "bench" / "www"
PEER_TEMPLATES = REPO / "bench" / "peers"
LOADGEN = BIN / "loadgen"
CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")  # unit of utime/stime in /proc/PID/stat
TICK_NS = 10**9 // CLOCK_TICKS_PER_S
# The user/kernel split of a run's CPU time (procfs.split_cpu) needs at least this many clock
# ticks (200 ms at USER_HZ 100): each part is uncertain by about 2 ticks per process, so below
# it the kernel's share could be off by more than 10 points. In the reference run
# 20261201T061358Z-vm every seed, close, c10k and slowloris run had more (34 to 604 ticks);
# a third of the c1, c10 and c100 runs (a fast server's short run) and most --smoke runs fewer.
SPLIT_MIN_TICKS = 20

PEERS = ("nginx", "lighttpd")
STUDIES = ("syscalls", "herd", "crosscheck", "deterministic", "sizes", "scaling")

# Server variants: a binary run with one environment variable set, named BASE+VARIANT
# ("09_fibers+pessimistic", "floor+io_uring"). Which bases a variant applies to is read from the
# binaries, not listed here: a variant exists where build/bin/BASE reads its variable
# (servers.binary_mentions), so pessimistic exists for the fiber steps (09 on), io_uring for the
# floor, sqpoll for the steps whose I/O runs on io_uring (14 on) and for the floor (its io_uring
# loop with a polling kernel thread: the floor of 14_io_uring+sqpoll), and a new step gets the
# variants its code reads.
VARIANTS = {"pessimistic": ("TENK_PESSIMISTIC_IO", "1"),  # common/fiber/scheduler.hpp
            "io_uring": ("TENK_IO_URING", "1"),  # bench/floor/uring.cpp: the floor's io_uring loop
            "sqpoll": ("TENK_SQPOLL", "1")}  # step 14: a kernel thread polls the ring (IORING_SETUP_SQPOLL)
# The floor's variants, each a floor of its own (kind "floor", summary.floor_check): they join every
# run that has the floor by default (the full ladder, a one-step run, --deterministic; not --smoke,
# whose CI machine may refuse io_uring), in every scenario the floor runs.
FLOOR_VARIANTS = ("floor+io_uring", "floor+sqpoll")  # floor+sqpoll: the io_uring loop, SQPOLL
# The steps' variants the default runs add (full ladder, --deterministic, a one-step run) when their
# base step is in the run, and the scenarios they take part in there (all of them when named with
# --servers).
DEFAULT_VARIANTS = ("09_fibers+pessimistic", "14_io_uring+sqpoll")
DEFAULT_VARIANT_SCENARIOS = ("seed", "c1", "deterministic")

# The timeouts (seconds) a scenario configures, the same in every server that has one: steps
# 10-11 get --timeout T (steps 01-09 have none), nginx client_header_timeout, keepalive_timeout
# and send_timeout T, lighttpd server.max-read-idle, max-keep-alive-idle and max-write-idle T.
# Without one the steps keep their default (30 s) and the peers the template's defaults
# (PEER_DEFAULT_TIMEOUTS): nothing times out during a run.
SLOWLORIS_TIMEOUT_S = 2  # T of the slowloris scenario, which lasts 2T + SLOWLORIS_MARGIN_S
SLOWLORIS_MARGIN_S = 2
IDLE_SCENARIO_TIMEOUT_S = 120  # the idle scenario: far longer than it lasts (< IDLE_HOLD_MAX_S + 5 s)
PEER_DEFAULT_TIMEOUTS = {"header": 60, "keepalive": 300}


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One load shape. A run ends after `requests` responses or `duration` seconds, whichever
    comes first: a fast server is measured on a fixed amount of work (like the seed's weighttp
    run), a slow one cannot hold the ladder up for minutes. Runs that hit the time cap are
    marked in the results."""

    name: str
    what: str  # one line for results.md
    connections: int
    requests: int
    duration: float
    path: str = "/index.html"
    keepalive: bool = True
    pipeline: int = 1
    idle: int = 0  # extra connections that connect and stay silent
    slowloris: int = 0  # extra connections that trickle a request one byte a second
    server_timeout: int = 0  # seconds: the servers' header/idle timeout T (0: their defaults)
    # The measured window (keep-alive only): loadgen --window opens every load connection and
    # has it answer one warm-up request first, and req/s, latency and the server's CPU cover only
    # the timed requests that follow, sampled at the edges loadgen signals (client.run_loadgen):
    # steady-state serving, connects and closes outside. False: the whole run, connects, closes
    # and the extras' setup included (close: that is what it measures; slowloris: the drops are
    # the point). Off by default, so the studies' runs (syscalls, herd) stay whole runs.
    window: bool = False

    def loadgen_args(self):
        """loadgen's arguments; requests == 0 means no request limit: the run lasts `duration`."""
        args = (["-n", str(self.requests)] if self.requests else []) + \
            ["-c", str(self.connections), "--duration", str(self.duration)]
        if self.keepalive:
            args.append("-k")
        if self.window:
            args.append("--window")
        if self.pipeline > 1:
            args += ["--pipeline", str(self.pipeline)]
        if self.idle:
            args += ["--idle", str(self.idle)]
        if self.slowloris:
            args += ["--slowloris", str(self.slowloris)]
        return args


SCENARIOS = [
    Scenario("seed", "keep-alive GET /index.html (151 bytes), 1000 connections: the seed's weighttp run",
             connections=1000, requests=100000, duration=5, window=True),
    Scenario("c1", "one keep-alive connection, one request at a time: latency (the Nagle/delayed-ACK cliff)",
             connections=1, requests=20000, duration=2, window=True),
    Scenario("close", "a new connection for every request (no keep-alive), 100 at a time",
             connections=100, requests=20000, keepalive=False, duration=3),
    Scenario("pipeline", "keep-alive, 16 requests in flight per connection, 100 connections",
             connections=100, requests=300000, pipeline=16, duration=3, window=True),
    # 20 timed requests per connection: the window measures serving 10,000 busy connections (1.3 to
    # 2.5 s of CPU at the reference run's speeds), not accepting and closing them (-n 50000, 5 per
    # connection until 2026-12-04, mostly measured that; "close" and the setup section do now). The
    # cap leaves room for a server at 30,000 req/s (01 in the reference run); 02_select hits it.
    Scenario("c10k", "10,000 keep-alive connections, all busy, 20 requests each in the window",
             connections=10000, requests=200000, duration=8, window=True),
    Scenario("idle", "10,000 idle connections held open + the seed load (1000 connections); "
             f"steps 10-11 and the peers with a {IDLE_SCENARIO_TIMEOUT_S} s timeout, longer than the scenario",
             connections=1000, requests=40000, idle=10000, duration=3, server_timeout=IDLE_SCENARIO_TIMEOUT_S,
             window=True),
    Scenario("slowloris", "1000 slowloris connections (1 byte/s, never finish) + the seed load (1000 "
             f"keep-alive connections) for 2T + {SLOWLORIS_MARGIN_S} s, every server's header/idle timeout "
             f"T = {SLOWLORIS_TIMEOUT_S} s (steps 01-09 have none)",
             connections=1000, requests=0, slowloris=1000, duration=2 * SLOWLORIS_TIMEOUT_S + SLOWLORIS_MARGIN_S,
             server_timeout=SLOWLORIS_TIMEOUT_S),
    Scenario("bigfile", "keep-alive GET /1MiB.bin, 10 connections",
             connections=10, requests=3000, path="/1MiB.bin", duration=3, window=True),
    Scenario("c10", "keep-alive GET /index.html, 10 connections (a point of the connections sweep)",
             connections=10, requests=50000, duration=2, window=True),
    Scenario("c100", "keep-alive GET /index.html, 100 connections (a point of the connections sweep)",
             connections=100, requests=100000, duration=2, window=True),
]
# loadgen's warm-up (every connect, one request each) must end within its --timeout (10 s); the
# driver's limit on a windowed run adds this to the scenario's duration + 40 s.
WINDOW_SETUP_S = 15

# --smoke: the same shapes, tiny; only checks that the whole pipeline works.
SMOKE_SIZES = {
    "seed": dict(requests=10000, duration=2),
    "c1": dict(requests=200, duration=1),
    "close": dict(connections=10, requests=500, duration=1),
    "pipeline": dict(connections=10, requests=5000, duration=1),
    "c10k": dict(connections=1000, requests=20000, duration=2),
    "idle": dict(connections=100, requests=2000, idle=200, duration=1),
    "slowloris": dict(connections=100, slowloris=50),  # 2T + a margin, whatever the profile
    "bigfile": dict(connections=2, requests=100, duration=1),
    "c10": dict(requests=500, duration=1),
    "c100": dict(requests=2000, duration=1),
}

# The connections sweep of rps_vs_connections.svg: (connections, scenario measured there).
SWEEP = [(1, "c1"), (10, "c10"), (100, "c100"), (1000, "seed"), (10000, "c10k")]

# The three kinds of run and their defaults: scenarios, repeats.
PROFILES = {
    "full": (["seed", "c1", "close", "pipeline", "c10k", "idle", "slowloris", "bigfile", "c10", "c100",
              "syscalls", "herd", "crosscheck", "deterministic", "sizes", "scaling"], 3),
    "step": (["seed", "c1", "close", "c10k", "syscalls", "herd", "deterministic"], 2),
    "smoke": (["seed", "c1", "close", "idle", "syscalls", "herd", "crosscheck", "deterministic"], 1),
    "deterministic": (["deterministic"], 1),
}

# The studies' own runs (see studies.measure_syscalls, studies.measure_herd, studies.crosscheck).
SYSCALL_RUNS = {
    "seed": Scenario("seed", "", connections=1000, requests=10000, duration=10),
    "close": Scenario("close", "", connections=100, requests=5000, keepalive=False, duration=10),
}
SMOKE_SYSCALL_RUNS = {
    "seed": Scenario("seed", "", connections=50, requests=500, duration=5),
    "close": Scenario("close", "", connections=10, requests=200, keepalive=False, duration=5),
}
HERD_RUN = Scenario("close", "", connections=100, requests=5000, keepalive=False, duration=5)
HERD_PARALLEL = 2  # --workers 2 (steps 04-10), --threads 2 (step 11)
SMOKE_HERD_RUN = Scenario("close", "", connections=10, requests=500, keepalive=False, duration=2)
CROSSCHECK_CONNECTIONS = 1000
CROSSCHECK_SECONDS = {"full": 5, "step": 5, "smoke": 1, "deterministic": 1}

# The deterministic counts (deterministic.py): one connection, one request at a time, the same
# numbers on a quiet machine and a busy one.
DETERMINISTIC_PATH = "/index.html"
DETERMINISTIC_RUNS = {"keepalive": 1000, "close": 200}  # requests: on one keep-alive connection;
#                                                         one connection each ("Connection: close")
EXPECTATIONS = REPO / "bench" / "expectations.json"

# The file-size study (sizes.py): 05 (read() into memory, header and body in two send() calls)
# against 06 (header with MSG_MORE, body with sendfile()), over files made at run time.
SIZES = (151, 1024, 4096, 16384, 65536, 262144, 1048576)
SIZES_SERVERS = ("05_accept4", "06_sendfile_msg_more")
SIZES_DETERMINISTIC_REQUESTS = 200  # per size, on one keep-alive connection, under callgrind/strace
SIZES_TIMED_BYTES = 256 << 20  # the timed runs: about this many bytes per size and server ...
SIZES_TIMED_REQUESTS = (500, 5000)  # ... but no fewer / more requests than these
SMOKE_SIZES_STUDY = {"sizes": (151, 65536), "deterministic_requests": 20, "timed_requests": (50, 100)}
# Before the timed runs: wait (at most --max-wait, default QUIET_WAIT_MAX_S) until the 1-minute
# load average is below QUIET_LOAD; results.md says when it was not.
QUIET_LOAD = 1.5
QUIET_WAIT_MAX_S = 180
VALGRIND_START_TIMEOUT_S = 120  # callgrind runs a server ~50x slower, and starts in seconds
VALGRIND_STOP_TIMEOUT_S = 120  # ... and writes its profile on the way out

ALL_CPUS = ",".join(map(str, sorted(os.sched_getaffinity(0))))  # the herd study's servers
IDLE_HOLD_MAX_S = 15  # the idle scenario's RSS sample must be taken within this time
SERVER_START_TIMEOUT_S = 10
SERVER_STOP_TIMEOUT_S = 15
SERVER_SETTLE_TIMEOUT_S = 2


def scenario_table(profile):
    """The scenarios by name, sized for the profile."""
    table = {s.name: s for s in SCENARIOS}
    if profile == "smoke":
        table = {name: dataclasses.replace(s, **SMOKE_SIZES[name]) for name, s in table.items()}
    return table

# The kinds of error loadgen counts (its JSON "errors" object).
ERROR_KINDS = ("connect", "reset", "timeout", "bad_status", "short_body", "parse")
