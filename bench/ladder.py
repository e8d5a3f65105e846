#!/usr/bin/env python3
"""The tenk benchmark ladder: every server through the same scenarios, side by side (DESIGN.md §7).

bench/run builds the release binaries and then calls this script with its own arguments; call it
directly only when build/bin/ is up to date.

What one run does:
  1. picks the servers (step binaries, nginx, lighttpd, the floor) and the scenarios;
  2. for each repeat, for each scenario, for each server -- the server order rotates every repeat,
     so a slow drift of the machine (another job, thermal throttling) hits every server alike --
     it starts a fresh server pinned to the server CPU, runs bench/loadgen pinned to the client
     CPU, reads the CPU time of the whole server process tree before and after the load, stops
     the server with SIGTERM and checks that it exited cleanly;
  3. runs the three studies that need their own setup: system calls per request (the server runs
     under strace), the thundering herd of the prefork steps (two workers, with and without
     EPOLLEXCLUSIVE) and the wrk cross-check of the load generator;
  4. writes the results folder (see bench/results/README.md) and prints a summary.

Python standard library only. Every child process has a timeout, and every server started is
stopped on the way out, even after Ctrl-C.
"""

import argparse
import csv
import dataclasses
import datetime
import json
import os
import re
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "build" / "bin"
WWW = REPO / "bench" / "www"
PEER_TEMPLATES = REPO / "bench" / "peers"
LOADGEN = BIN / "loadgen"
CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")  # unit of utime/stime in /proc/PID/stat

PEERS = ("nginx", "lighttpd")
STUDIES = ("syscalls", "herd", "crosscheck")


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


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

    def loadgen_args(self):
        args = ["-n", str(self.requests), "-c", str(self.connections), "--duration", str(self.duration)]
        if self.keepalive:
            args.append("-k")
        if self.pipeline > 1:
            args += ["--pipeline", str(self.pipeline)]
        if self.idle:
            args += ["--idle", str(self.idle)]
        if self.slowloris:
            args += ["--slowloris", str(self.slowloris)]
        return args


SCENARIOS = [
    Scenario("seed", "keep-alive GET /index.html (151 bytes), 1000 connections: the seed's weighttp run",
             connections=1000, requests=100000, duration=5),
    Scenario("c1", "one keep-alive connection, one request at a time: latency (the Nagle/delayed-ACK cliff)",
             connections=1, requests=20000, duration=2),
    Scenario("close", "a new connection for every request (no keep-alive), 100 at a time",
             connections=100, requests=20000, keepalive=False, duration=3),
    Scenario("pipeline", "keep-alive, 16 requests in flight per connection, 100 connections",
             connections=100, requests=300000, pipeline=16, duration=3),
    Scenario("c10k", "10,000 keep-alive connections, all busy",
             connections=10000, requests=50000, duration=5),
    Scenario("idle", "10,000 idle connections held open + the seed load (1000 connections)",
             connections=1000, requests=40000, idle=10000, duration=3),
    Scenario("slowloris", "1000 slowloris connections (1 byte/s, never finish) + the seed load",
             connections=1000, requests=40000, slowloris=1000, duration=3),
    Scenario("bigfile", "keep-alive GET /1MiB.bin, 10 connections",
             connections=10, requests=3000, path="/1MiB.bin", duration=3),
    Scenario("c10", "keep-alive GET /index.html, 10 connections (a point of the connections sweep)",
             connections=10, requests=50000, duration=2),
    Scenario("c100", "keep-alive GET /index.html, 100 connections (a point of the connections sweep)",
             connections=100, requests=100000, duration=2),
]

# --smoke: the same shapes, tiny; only checks that the whole pipeline works.
SMOKE_SIZES = {
    "seed": dict(requests=10000, duration=2),  # enough CPU ticks for cpu_per_request.svg
    "c1": dict(requests=200, duration=1),
    "close": dict(connections=10, requests=500, duration=1),
    "pipeline": dict(connections=10, requests=5000, duration=1),
    "c10k": dict(connections=1000, requests=5000, duration=2),
    "idle": dict(connections=100, requests=2000, idle=200, duration=1),
    "slowloris": dict(connections=100, requests=2000, slowloris=50, duration=1),
    "bigfile": dict(connections=2, requests=100, duration=1),
    "c10": dict(requests=500, duration=1),
    "c100": dict(requests=2000, duration=1),
}

# The connections sweep of rps_vs_connections.svg: (connections, scenario measured there).
SWEEP = [(1, "c1"), (10, "c10"), (100, "c100"), (1000, "seed"), (10000, "c10k")]

# The three kinds of run and their defaults: scenarios, repeats.
PROFILES = {
    "full": (["seed", "c1", "close", "pipeline", "c10k", "idle", "slowloris", "bigfile", "c10", "c100",
              "syscalls", "herd", "crosscheck"], 3),
    "step": (["seed", "c1", "close", "c10k", "syscalls", "herd"], 2),
    "smoke": (["seed", "c1", "close", "idle", "syscalls", "herd", "crosscheck"], 1),
}

# The studies' own runs (see measure_syscalls, measure_herd, crosscheck).
SYSCALL_RUNS = {
    "seed": Scenario("seed", "", connections=1000, requests=10000, duration=10),
    "close": Scenario("close", "", connections=100, requests=5000, keepalive=False, duration=10),
}
SMOKE_SYSCALL_RUNS = {
    "seed": Scenario("seed", "", connections=50, requests=500, duration=5),
    "close": Scenario("close", "", connections=10, requests=200, keepalive=False, duration=5),
}
HERD_RUN = Scenario("close", "", connections=100, requests=5000, keepalive=False, duration=5)
SMOKE_HERD_RUN = Scenario("close", "", connections=10, requests=500, keepalive=False, duration=2)
CROSSCHECK_CONNECTIONS = 1000
CROSSCHECK_SECONDS = {"full": 5, "step": 5, "smoke": 1}

ALL_CPUS = ",".join(map(str, sorted(os.sched_getaffinity(0))))  # the herd study's servers
IDLE_HOLD_MAX_S = 15
# CPU time is counted in clock ticks (10 ms on Linux): below this many, CPU per request is not
# reported (a nearly idle server, e.g. a step at c1, 23 requests a second).
MIN_CPU_TICKS = 5  # the idle scenario's RSS sample must be taken within this time
SERVER_START_TIMEOUT_S = 10
SERVER_STOP_TIMEOUT_S = 15
SERVER_SETTLE_TIMEOUT_S = 2


def scenario_table(profile):
    """The scenarios by name, sized for the profile."""
    table = {s.name: s for s in SCENARIOS}
    if profile == "smoke":
        table = {name: dataclasses.replace(s, **SMOKE_SIZES[name]) for name, s in table.items()}
    return table


# ---------------------------------------------------------------------------------------------
# Process trees in /proc: CPU time, memory, file descriptors
# ---------------------------------------------------------------------------------------------


def read_stat(pid):
    """The fields of /proc/PID/stat after the command name (which may contain spaces), so that
    fields[0] is field 3 (state), fields[1] is the ppid, fields[11] utime, fields[12] stime."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    return data[data.rindex(")") + 2:].split()


def process_tree(root):
    """root and all its descendant processes (threads are not processes: /proc/PID/stat of a
    process already includes the CPU time of all its threads, living and exited)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(read_stat(entry)[1]), []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass  # the process exited while we looked
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def cpu_ticks(pids):
    """{pid: utime + stime} in clock ticks, for the processes still alive."""
    ticks = {}
    for pid in pids:
        try:
            fields = read_stat(pid)
            ticks[pid] = int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return ticks


def cpu_seconds_between(before, after):
    """CPU seconds the tree used between two cpu_ticks() snapshots. A process born in between
    counts from zero; one that died in between is lost (servers do not fork during a run)."""
    return sum(t - before.get(pid, 0) for pid, t in after.items()) / CLOCK_TICKS_PER_S


def rss_kib(pids):
    """Sum of VmRSS (KiB) over the processes."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def open_fds(pids, sockets_only=False):
    """Number of open file descriptors (or only sockets) over the processes."""
    total = 0
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if sockets_only:
                fds = [fd for fd in fds if readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")]
            total += len(fds)
        except OSError:
            pass
    return total


def readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return ""  # closed meanwhile


# ---------------------------------------------------------------------------------------------
# Servers: the step binaries and the floor (which print their port), nginx and lighttpd (which
# get a free port in their configuration file)
# ---------------------------------------------------------------------------------------------


class ServerStartError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class ServerSpec:
    name: str  # "03_epoll", "floor", "nginx", "lighttpd"
    kind: str  # "step", "floor" or "peer"


class Server:
    """A running server: the process we started (taskset exec's the server, or strace) and the
    server's own root process (the same, unless under strace)."""

    def __init__(self, spec, proc, pid, port, log_path, log_offset):
        self.spec, self.proc, self.pid, self.port = spec, proc, pid, port
        self.log_path, self.log_offset = log_path, log_offset
        self.exit_note = ""
        self.idle_sockets = 0  # open sockets when it was ready, before any load

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def tree(self):
        return process_tree(self.pid)

    def alive(self):
        return self.proc.poll() is None

    def log_text(self):
        """What the server wrote on stderr since this start."""
        with open(self.log_path, errors="replace") as f:
            f.seek(self.log_offset)
            return f.read()

    def settle(self, timeout=SERVER_SETTLE_TIMEOUT_S):
        """Waits (a little) until the server has closed the connections of the last load, so that
        it is stopped idle: SIGTERM with connections still open is the conformance tests'
        business, not the benchmark's (lighttpd, for one, then sometimes exits with status 1)."""
        deadline = time.monotonic() + timeout
        while (self.idle_sockets and self.alive() and time.monotonic() < deadline
               and open_fds(self.tree(), sockets_only=True) > self.idle_sockets):
            time.sleep(0.05)

    def stop(self):
        """SIGTERM, then wait; returns the exit status as text ("exit 0" is the good answer)."""
        self.settle()
        if not self.alive():
            self.exit_note = "died during the run"
        else:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=SERVER_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                kill_group(self.proc)
                self.exit_note = f"did not exit within {SERVER_STOP_TIMEOUT_S} s of SIGTERM: killed"
            except ProcessLookupError:
                self.proc.wait(timeout=SERVER_STOP_TIMEOUT_S)
        RUNNING.discard(self)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # strays: workers of a master that died
        except ProcessLookupError:
            pass
        if self.proc.stdout:
            self.proc.stdout.close()
        code = self.proc.returncode
        return f"exit {code}" if code >= 0 else f"signal {-code}"


RUNNING = set()  # servers started and not yet stopped: stopped by stop_everything() on the way out
CLIENTS = set()  # loadgen processes not yet finished: killed by stop_everything()


def kill_group(proc):
    """SIGKILL the whole process group of a child started with start_new_session."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def stop_everything():
    for client in list(CLIENTS):
        client.kill()
        client.wait()
    for server in list(RUNNING):
        try:
            server.stop()
        except Exception:  # noqa: BLE001 -- on the way out, kill whatever is left
            kill_group(server.proc)
        RUNNING.discard(server)


def free_port():
    """A port nobody listens on right now (a peer binds it a moment later: a small race, retried)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peer_command(ctx, spec, port):
    """Writes the peer's configuration from its template; returns the command that runs it."""
    run_dir = ctx.out / "peers" / spec.name
    run_dir.mkdir(parents=True, exist_ok=True)
    template = (PEER_TEMPLATES / f"{spec.name}.conf.in").read_text()
    conf = run_dir / f"{spec.name}.conf"
    conf.write_text(template.replace("@PORT@", str(port)).replace("@ROOT@", str(WWW))
                    .replace("@RUN_DIR@", str(run_dir)))
    if spec.name == "nginx":
        return ["nginx", "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(conf)]
    return ["lighttpd", "-D", "-f", str(conf)]


def read_line(fd, timeout):
    """One line from a pipe, or None after `timeout` seconds or at end of file."""
    data, deadline = b"", time.monotonic() + timeout
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        data += chunk
    return data.decode(errors="replace")


def wait_for_port(proc, port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.02)
    return False


def start_server(ctx, spec, label, *, workers=1, quiet=True, env=None, strace_out=None, cpus=None):
    """Starts a server pinned to `cpus` (default: the server CPU) and waits until it serves.
    Raises ServerStartError with what went wrong."""
    for attempt in range(3):  # a peer may lose the race for its free port
        try:
            return start_server_once(ctx, spec, label, workers, quiet, env, strace_out,
                                     cpus or ctx.server_cpu)
        except ServerStartError:
            if spec.kind != "peer" or attempt == 2:
                raise


def start_server_once(ctx, spec, label, workers, quiet, env, strace_out, cpus):
    port = 0
    if spec.kind == "peer":
        port = free_port()
        command = peer_command(ctx, spec, port)
    else:
        command = [str(BIN / spec.name), "--bind", "127.0.0.1", "--port", "0", "--root", str(WWW),
                   "--workers", str(workers)] + (["--quiet"] if quiet else [])
    if strace_out:
        command = ["strace", "-f", "-c", "-o", str(strace_out)] + command
    command = ["taskset", "-c", cpus] + command

    log_path = ctx.out / "logs" / f"{spec.name}.log"
    with open(log_path, "a") as log:
        log.write(f"=== {label}: {' '.join(command)}\n")
        offset = log.tell()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=log,
                                stdout=subprocess.PIPE if spec.kind != "peer" else subprocess.DEVNULL,
                                env=dict(os.environ, **(env or {})), start_new_session=True)
    server = Server(spec, proc, proc.pid, port, log_path, offset)
    RUNNING.add(server)
    if not wait_until_ready(server, spec):
        text = server.log_text().strip().splitlines()
        server.stop()
        raise ServerStartError(text[-1] if text else "no 'listening on' line within "
                               f"{SERVER_START_TIMEOUT_S} s")
    if strace_out:
        server.pid = process_tree(proc.pid)[1]  # the traced server: strace's only child
    server.idle_sockets = open_fds(server.tree(), sockets_only=True)
    return server


def wait_until_ready(server, spec):
    if spec.kind == "peer":
        if not wait_for_port(server.proc, server.port, SERVER_START_TIMEOUT_S):
            return False
        # nginx answers from its worker: wait until the master has started it.
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while spec.name == "nginx" and len(process_tree(server.proc.pid)) < 2:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True
    line = read_line(server.proc.stdout.fileno(), SERVER_START_TIMEOUT_S)
    match = re.match(r"listening on http://[^/]*:(\d+)/", line or "")
    if match:
        server.port = int(match.group(1))
    return bool(match)


# ---------------------------------------------------------------------------------------------
# The load generator
# ---------------------------------------------------------------------------------------------


def start_loadgen(ctx, url, args):
    command = ["taskset", "-c", ctx.client_cpu, str(LOADGEN), "--json", "-t", "1"] + args + [url]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    CLIENTS.add(proc)
    return proc


def finish_loadgen(proc, timeout):
    """Waits for loadgen; returns its JSON as a dict, with "status" added: "ok" (at least one
    request completed; errors are data), "no response", "timed out" or "loadgen error: ..."."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return {"status": f"timed out (loadgen killed after {timeout:.0f} s)", "stderr": err}
    finally:
        CLIENTS.discard(proc)
    result = {}
    for line in out.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            result["json"] = line  # kept as printed, for raw/
    if proc.returncode == 0:
        result["status"] = "ok"
    elif proc.returncode == 1 and result:
        result["status"] = "no response"
    else:
        result["status"] = f"loadgen error: {(err.strip().splitlines() or ['exit %d' % proc.returncode])[0]}"
    result["stderr"] = err
    return result


def run_loadgen(ctx, url, scenario):
    proc = start_loadgen(ctx, url, scenario.loadgen_args())
    return finish_loadgen(proc, scenario.duration + 40)


def error_total(result):
    return sum(result.get("errors", {}).values())


# ---------------------------------------------------------------------------------------------
# One measurement: a fresh server, one load, the server's CPU time around it
# ---------------------------------------------------------------------------------------------

ERROR_KINDS = ("connect", "reset", "timeout", "bad_status", "short_body", "parse")
RESULT_FIELDS = (["repeat", "scenario", "server", "status", "requests", "seconds", "rps", "capped",
                  "cpu_ticks", "cpu_us_per_request", "p50_us", "p90_us", "p99_us", "max_us"]
                 + [f"errors_{k}" for k in ERROR_KINDS]
                 + ["idle_requested", "idle_held", "idle_open_at_end", "rss_before_kib", "rss_idle_kib",
                    "rss_per_idle_kib", "slowloris_requested", "slowloris_dropped",
                    "slowloris_first_drop_s", "server_exit", "loadgen_args"])


def measure(ctx, spec, scenario, repeat):
    """One row of results.csv."""
    row = {"repeat": repeat, "scenario": scenario.name, "server": spec.name,
           "loadgen_args": " ".join(scenario.loadgen_args() + [scenario.path])}
    try:
        server = start_server(ctx, spec, f"repeat {repeat}, {scenario.name}")
    except ServerStartError as e:
        row["status"] = f"failed to start: {e}"
        return row
    try:
        if scenario.idle:
            row.update(sample_idle_rss(ctx, server, scenario))
        pids = server.tree()
        before = cpu_ticks(pids)
        result = run_loadgen(ctx, server.url(scenario.path), scenario)
        if server.alive():
            pids = set(pids) | set(server.tree())  # and any process born during the run
        after = cpu_ticks(pids)
        save_raw(ctx, f"r{repeat}-{scenario.name}-{spec.name}", result)
        row.update(row_from_result(result, scenario))
        cpu_s = cpu_seconds_between(before, after)
        row["cpu_ticks"] = round(cpu_s * CLOCK_TICKS_PER_S)
        if row["requests"] and row["cpu_ticks"] >= MIN_CPU_TICKS:
            row["cpu_us_per_request"] = cpu_s * 1e6 / row["requests"]
    finally:
        row["server_exit"] = server.stop()
        if server.exit_note:
            row["server_exit"] += f" ({server.exit_note})"
    return row


def row_from_result(result, scenario):
    row = {"status": result["status"], "requests": result.get("requests", 0)}
    if "rps" not in result:
        return row
    row.update(seconds=result["seconds"], rps=result["rps"],
               capped=int(result["requests"] + error_total(result) < scenario.requests))
    if result["requests"]:  # no latency without a response
        latency = result["latency_us"]
        row.update(p50_us=latency["p50"], p90_us=latency["p90"], p99_us=latency["p99"],
                   max_us=latency["max"])
    for kind in ERROR_KINDS:
        row[f"errors_{kind}"] = result["errors"].get(kind, 0)
    if scenario.idle:
        row["idle_requested"] = result["idle"]["requested"]
        row["idle_open_at_end"] = result["idle"]["open_at_end"]
    if scenario.slowloris:
        slow = result["slowloris"]
        row.update(slowloris_requested=slow["requested"], slowloris_dropped=slow["dropped"],
                   slowloris_first_drop_s=slow["first_drop_s"])
    return row


def sample_idle_rss(ctx, server, scenario):
    """RSS per idle connection: the RSS of the whole server tree with the idle connections open,
    minus its RSS before, divided by the idle connections the server holds (its open file
    descriptors minus those before, minus the one load connection). The connections are held by
    a loadgen run of its own (one keep-alive load connection + the idle ones) that is stopped
    once the server's file descriptors stop growing."""
    pids = server.tree()
    rss_before, fds_before = rss_kib(pids), open_fds(pids)
    hold = dataclasses.replace(scenario, connections=1, requests=10**9, duration=IDLE_HOLD_MAX_S)
    proc = start_loadgen(ctx, server.url(scenario.path), hold.loadgen_args())
    target = fds_before + 1 + scenario.idle
    start = last_change = time.monotonic()
    fds = fds_before
    while proc.poll() is None and time.monotonic() - start < IDLE_HOLD_MAX_S - 2:
        time.sleep(0.1)
        now_fds = open_fds(server.tree())
        if now_fds != fds:
            fds, last_change = now_fds, time.monotonic()
        if fds >= target or (fds > fds_before + 1 and time.monotonic() - last_change > 1.0):
            break
    time.sleep(0.3)  # let the last accepted connections settle
    pids = server.tree()
    rss_held, fds = rss_kib(pids), open_fds(pids)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # loadgen stops, reports and closes everything
    finish_loadgen(proc, 30)
    server.settle()  # the measured load starts once those connections are closed
    held = max(0, min(scenario.idle, fds - fds_before - 1))
    return {"idle_held": held, "rss_before_kib": rss_before, "rss_idle_kib": rss_held,
            "rss_per_idle_kib": (rss_held - rss_before) / held if held else None}


def save_raw(ctx, name, result):
    """raw/NAME.json: the loadgen JSON exactly as the run printed it (+ NAME.stderr if any)."""
    if "json" in result:
        (ctx.out / "raw" / f"{name}.json").write_text(result["json"] + "\n")
    if result.get("stderr", "").strip():
        (ctx.out / "raw" / f"{name}.stderr").write_text(result["stderr"])


# ---------------------------------------------------------------------------------------------
# Study 1: system calls per request (strace -f -c)
# ---------------------------------------------------------------------------------------------


def parse_strace_summary(path):
    """{syscall: calls} from the table that strace -c writes."""
    calls = {}
    pattern = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$")
    for line in Path(path).read_text().splitlines():
        match = pattern.match(line)
        if match and match.group(2) != "total":
            calls[match.group(2)] = calls.get(match.group(2), 0) + int(match.group(1))
    return calls


def strace_run(ctx, spec, name, scenario):
    """Runs the server under strace -f -c (the whole tree: master, workers, threads) with one
    loadgen run (or none, for the baseline). Returns ({syscall: calls}, loadgen result)."""
    trace = ctx.out / f"strace-{spec.name}-{name}.txt"
    server = start_server(ctx, spec, f"syscalls, {name}", strace_out=trace)
    result = {}
    try:
        if scenario:
            result = run_loadgen(ctx, server.url(scenario.path), scenario)
    finally:
        server.stop()
    if not trace.exists():
        raise ServerStartError("strace wrote no summary")
    return parse_strace_summary(trace), result


def measure_syscalls(ctx, spec):
    """Rows of syscalls.csv for one server. The calls of a run with no load (start, then stop)
    are subtracted, so what is left is what the requests cost."""
    rows, notes = [], []
    try:
        baseline, _ = strace_run(ctx, spec, "baseline", None)
        for name, scenario in ctx.syscall_runs.items():
            calls, result = strace_run(ctx, spec, name, scenario)
            requests = result.get("requests", 0)
            if not requests:
                notes.append(f"{spec.name} {name}: {result.get('status', 'no result')}")
                continue
            # A keep-alive run opens its connections once; a close run opens one per request.
            # Every error (reset, timeout...) makes the client open a connection again.
            connections = (scenario.connections if scenario.keepalive else requests) + error_total(result)
            total = 0
            for syscall in sorted(set(calls) | set(baseline)):
                net = max(0, calls.get(syscall, 0) - baseline.get(syscall, 0))
                if net:
                    total += net
                    rows.append(syscall_row(spec.name, name, syscall, net, requests, connections))
            rows.append(syscall_row(spec.name, name, "total", total, requests, connections))
    except ServerStartError as e:
        notes.append(f"{spec.name}: strace run failed: {e}")
    return rows, notes


def syscall_row(server, scenario, syscall, calls, requests, connections):
    return {"server": server, "scenario": scenario, "syscall": syscall, "calls": calls,
            "requests": requests, "connections": connections,
            "per_request": round(calls / requests, 4), "per_connection": round(calls / connections, 4)}


# ---------------------------------------------------------------------------------------------
# Study 2: the thundering herd of the prefork steps
# ---------------------------------------------------------------------------------------------

WORKER_LINE = re.compile(r"worker (\d+): (\d+) connections accepted, (\d+) wakeups found nothing")


def measure_herd(ctx, spec):
    """Two workers share the listener; each says at exit how many connections it accepted and how
    many times it was woken for nothing. Once without and once with TENK_EPOLLEXCLUSIVE=1. The
    workers are not pinned: a worker woken for nothing is one that ran on another core while its
    sibling took the connection (on a single core, the kernel sees the listener empty again before
    the second worker returns from epoll_wait). Returns (rows, notes); no rows when --workers 2
    does not make worker processes (a single-process step)."""
    rows, notes = [], []
    for exclusive in (0, 1):
        env = {"TENK_EPOLLEXCLUSIVE": "1" if exclusive else "0"}
        try:
            server = start_server(ctx, spec, f"herd, EPOLLEXCLUSIVE={exclusive}", workers=2,
                                  quiet=False, env=env, cpus=ALL_CPUS)
        except ServerStartError as e:
            return rows, notes + [f"{spec.name}: {e}"]
        try:
            if len(server.tree()) < 3:  # no master + 2 workers: nothing to measure
                return [], []
            result = run_loadgen(ctx, server.url(ctx.herd_run.path), ctx.herd_run)
        finally:
            exit_status = server.stop()
        workers = WORKER_LINE.findall(server.log_text())
        if exit_status != "exit 0" or len(workers) != 2:
            notes.append(f"{spec.name} herd (EPOLLEXCLUSIVE={exclusive}): {exit_status}, "
                         f"{len(workers)} worker lines")
        for pid, accepted, empty in workers:
            rows.append({"server": spec.name, "epollexclusive": exclusive, "worker_pid": int(pid),
                         "connections_accepted": int(accepted), "wakeups_found_nothing": int(empty),
                         "requests": result.get("requests", 0), "rps": result.get("rps", ""),
                         "errors": error_total(result)})
    return rows, notes


# ---------------------------------------------------------------------------------------------
# Study 3: loadgen against wrk on the same server
# ---------------------------------------------------------------------------------------------


def measured(run, server):
    """Runs run() and returns (its result, server CPU seconds, client CPU seconds). The client
    (loadgen or wrk) is a child we wait for, so its CPU shows up in RUSAGE_CHILDREN."""
    server_before = cpu_ticks(server.tree())
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run()
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = cpu_seconds_between(server_before, cpu_ticks(server.tree()))
    client_cpu = (client_after.ru_utime + client_after.ru_stime
                  - client_before.ru_utime - client_before.ru_stime)
    return result, server_cpu, client_cpu


def per_request_us(seconds, requests):
    return seconds * 1e6 / requests if requests else None


def crosscheck(ctx, spec):
    """Same server, same URL, same connections and duration: loadgen, then wrk.

    Where the server is faster than one client core (the floor), each client measures itself
    and req/s may differ; then two numbers still check that both COUNT right: the server's CPU
    per request each client counted (the same server work must give the same figure), and each
    client's own CPU per request (which explains the req/s gap)."""
    seconds = CROSSCHECK_SECONDS[ctx.profile]
    entry = {"server": spec.name, "seconds": seconds}
    try:
        server = start_server(ctx, spec, "crosscheck")
    except ServerStartError as e:
        return {**entry, "note": f"failed to start: {e}"}
    try:
        url = server.url("/index.html")
        scenario = Scenario("crosscheck", "", connections=CROSSCHECK_CONNECTIONS, requests=10**9,
                            duration=seconds)
        result, server_cpu, client_cpu = measured(lambda: run_loadgen(ctx, url, scenario), server)
        entry["loadgen_rps"] = result.get("rps")
        entry["loadgen_errors"] = error_total(result)
        entry["loadgen_server_us"] = per_request_us(server_cpu, result.get("requests"))
        entry["loadgen_client_us"] = per_request_us(client_cpu, result.get("requests"))
        wrk, server_cpu, client_cpu = measured(lambda: run_wrk(ctx, url, seconds), server)
        entry.update(wrk)
        entry["wrk_server_us"] = per_request_us(server_cpu, wrk.get("wrk_requests"))
        entry["wrk_client_us"] = per_request_us(client_cpu, wrk.get("wrk_requests"))
    finally:
        server.stop()
    return entry


def run_wrk(ctx, url, seconds):
    command = ["taskset", "-c", ctx.client_cpu, "wrk", "-t1", f"-c{CROSSCHECK_CONNECTIONS}",
               f"-d{seconds}s", url]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    except subprocess.TimeoutExpired:
        return {"note": "wrk timed out"}
    except FileNotFoundError:
        return {"note": "wrk not installed"}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    requests = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Socket errors:.*", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"wrk_rps": float(rps.group(1)) if rps else None,
            "wrk_requests": int(requests.group(1)) if requests else None,
            "wrk_errors": " ".join(filter(None, [errors and errors.group(0),
                                                 non2xx and f"non-2xx {non2xx.group(1)}"])) or "0",
            "wrk_output": out.strip()}


# ---------------------------------------------------------------------------------------------
# Summaries: medians and spreads per (scenario, server)
# ---------------------------------------------------------------------------------------------


def median_of(rows, field):
    values = [r[field] for r in rows if r.get(field) not in (None, "")]
    return statistics.median(values) if values else None


def summarize(rows, scenario_names, servers):
    """{(scenario, server): summary dict}: medians over the repeats that completed, the min-max
    spread of req/s, and how the other repeats ended."""
    out = {}
    for scenario in scenario_names:
        for server in servers:
            runs = [r for r in rows if r["scenario"] == scenario and r["server"] == server]
            if not runs:
                continue
            ok = [r for r in runs if r.get("status") == "ok"]
            rps = [r["rps"] for r in ok]
            summary = {"scenario": scenario, "server": server, "runs": len(runs), "ok_runs": len(ok),
                       "rps_median": statistics.median(rps) if rps else None,
                       "rps_min": min(rps) if rps else None, "rps_max": max(rps) if rps else None,
                       "capped_runs": sum(int(r.get("capped") or 0) for r in ok),
                       "failures": sorted({r["status"] for r in runs if r.get("status") != "ok"}),
                       "exits": sorted({r.get("server_exit", "") for r in runs} - {"exit 0", ""})}
            for field in ("cpu_us_per_request", "p50_us", "p99_us", "rss_per_idle_kib", "idle_held",
                          "idle_open_at_end", "slowloris_dropped", "slowloris_first_drop_s"):
                summary[field] = median_of(runs, field)
            for kind in ERROR_KINDS:
                summary[f"errors_{kind}"] = median_of(runs, f"errors_{kind}")
            out[(scenario, server)] = summary
    return out


# ---------------------------------------------------------------------------------------------
# Writing the results folder
# ---------------------------------------------------------------------------------------------


def write_csv(path, rows, fields):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: fmt_csv(row.get(k)) for k in fields})


def fmt_csv(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "; ".join(value)
    return "" if value is None else value


def fmt_rps(value):
    return "–" if value is None else f"{value:,.0f}"


def fmt_us(value):
    """Latency or CPU time, in the unit that reads best."""
    if value is None:
        return "–"
    if value >= 10000:
        return f"{value / 1000:,.0f} ms"
    if value >= 1000:
        return f"{value / 1000:.1f} ms"
    return f"{value:.1f} µs" if value < 100 else f"{value:.0f} µs"


def fmt_cpu(value):
    """CPU µs per request."""
    return "–" if value is None else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def fmt_errors(summary):
    kinds = [f"{kind} {summary[f'errors_{kind}']:,.0f}" for kind in ERROR_KINDS
             if summary.get(f"errors_{kind}")]
    return ", ".join(kinds) or "0"


def fmt_rps_cell(s):
    if s["rps_median"] is None:
        return "**" + "; ".join(s["failures"]) + "**"
    cell = fmt_rps(s["rps_median"])
    if s["runs"] > 1:
        cell += f" [{fmt_rps(s['rps_min'])}–{fmt_rps(s['rps_max'])}]"
    if s["capped_runs"]:
        cell += " †"
    if s["ok_runs"] < s["runs"]:
        cell += f" ({s['runs'] - s['ok_runs']} of {s['runs']} runs: {'; '.join(s['failures'])})"
    return cell


def syscalls_per_request(syscall_rows, server, scenario):
    for row in syscall_rows:
        if row["server"] == server and row["scenario"] == scenario and row["syscall"] == "total":
            return row["per_request"]
    return None


def scenario_table_md(scenario, servers, summaries, syscall_rows):
    """The markdown table of one scenario."""
    extra = {"idle": ["RSS / idle conn", "idle held", "idle open at end"],
             "slowloris": ["slow ones dropped", "first drop"]}.get(scenario.name, [])
    with_syscalls = scenario.name in ("seed", "close") and syscall_rows
    header = ["server", "req/s median [min–max]", "CPU µs/req", "p50", "p99", "errors/run"] + extra
    if with_syscalls:
        header.append("syscalls/req")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for server in servers:
        s = summaries.get((scenario.name, server))
        if not s:
            continue
        cells = [server, fmt_rps_cell(s), fmt_cpu(s["cpu_us_per_request"]),
                 fmt_us(s["p50_us"]), fmt_us(s["p99_us"]), fmt_errors(s)]
        if scenario.name == "idle":
            rss = s["rss_per_idle_kib"]
            cells += ["–" if rss is None else f"{rss:.1f} KiB", fmt_count(s["idle_held"]),
                      fmt_count(s["idle_open_at_end"])]
        if scenario.name == "slowloris":
            first = s["slowloris_first_drop_s"]
            cells += [fmt_count(s["slowloris_dropped"]), "none in the run" if first is None else f"{first:.1f} s"]
        if with_syscalls:
            per = syscalls_per_request(syscall_rows, server, scenario.name)
            cells.append("–" if per is None else f"{per:.1f}")
        if s["exits"]:
            cells[0] += " ⚠"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fmt_count(value):
    return "–" if value is None else f"{value:,.0f}"


def sweep_table_md(servers, summaries):
    header = ["server"] + [f"c={c:,}" for c, _ in SWEEP]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for server in servers:
        cells = [server]
        for _, scenario in SWEEP:
            s = summaries.get((scenario, server))
            cells.append("–" if not s else fmt_rps(s["rps_median"]) if s["rps_median"] else "failed")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def syscalls_table_md(servers, syscall_rows):
    def value(server, scenario, syscall, field):
        for row in syscall_rows:
            if (row["server"], row["scenario"], row["syscall"]) == (server, scenario, syscall):
                return row[field]
        return 0.0

    header = ["server", "seed: calls/req", "close: calls/req", "close: accept/conn",
              "close: accept4/conn", "close: fcntl/conn"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for server in servers:
        if not any(row["server"] == server for row in syscall_rows):
            continue
        lines.append("| " + " | ".join([
            server, f"{value(server, 'seed', 'total', 'per_request'):.2f}",
            f"{value(server, 'close', 'total', 'per_request'):.2f}",
            f"{value(server, 'close', 'accept', 'per_connection'):.2f}",
            f"{value(server, 'close', 'accept4', 'per_connection'):.2f}",
            f"{value(server, 'close', 'fcntl', 'per_connection'):.2f}"]) + " |")
    return "\n".join(lines)


def herd_table_md(herd_rows):
    header = ["server", "EPOLLEXCLUSIVE", "accepted (per worker)", "wakeups found nothing (per worker)",
              "empty wakeups per 1000 connections", "req/s"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    groups = {}
    for row in herd_rows:
        groups.setdefault((row["server"], row["epollexclusive"]), []).append(row)
    for (server, exclusive), rows in groups.items():
        accepted = [r["connections_accepted"] for r in rows]
        empty = [r["wakeups_found_nothing"] for r in rows]
        ratio = 1000 * sum(empty) / sum(accepted) if sum(accepted) else 0
        lines.append(f"| {server} | {'on' if exclusive else 'off'} | {' + '.join(map(str, accepted))} | "
                     f"{' + '.join(map(str, empty))} | {ratio:.1f} | {fmt_rps(rows[0]['rps'] or None)} |")
    return "\n".join(lines)


HOW_TO_READ = """\
## How to read this

- **req/s** is the median of the repeats, with the slowest and fastest in brackets. The machine
  is shared and noisy: trust a ratio between two servers of the same run more than an absolute
  number, and a difference smaller than the spread not at all. † marks a server that hit the
  scenario's time cap before its request count (it was measured on fewer requests).
- **CPU µs/req** is the CPU time (user + system) of every process and thread of the server, over
  the load window, divided by the requests served. When the load generator, not the server, is
  the bottleneck (it has one core, like the server), req/s says little about the server but CPU
  per request still does: it is the number that compares servers fairly. It is counted in 10 ms
  clock ticks: "–" means fewer than 5 ticks, too little to divide (a nearly idle server).
- **p50 / p99** latency is measured by the client, from the request's send() to the response's
  last byte; with 1000 connections it is mostly queueing. The steps that send header and body in
  two send() calls with Nagle on wait for the client's delayed ACK (~40 ms) on every keep-alive
  response: look at c1.
- **errors/run** is the median per run, by kind: bad_status includes the 503 that 02_select gives
  above FD_SETSIZE connections; connect/timeout mean refused or never answered.
- **syscalls/req** (seed, close) comes from a separate, shorter run under strace -f -c, with a
  no-load run's calls subtracted; see the system-calls section and syscalls.csv.
- ⚠ after a server's name: it did not exit cleanly on SIGTERM in at least one run (see results.csv).
"""


def write_results_md(ctx, summaries, results):
    """results.md: a header, how to read it, a table per scenario, then the studies and notes."""
    servers = [s.name for s in ctx.servers]
    scenarios = scenario_table(ctx.profile)
    md = [f"# tenk benchmark: {ctx.out.name}", "",
          f"{ctx.machine['cpu']}, {ctx.machine['cores']} cores, Linux {ctx.machine['kernel']}; "
          f"server on CPU {ctx.server_cpu}, load generator on CPU {ctx.client_cpu} (machine.txt). "
          f"{ctx.repeat} repeat(s), servers interleaved and their order rotated every repeat. "
          f"Started {ctx.started:%Y-%m-%d %H:%M} UTC, took {fmt_duration(ctx.elapsed())}. "
          f"Git {ctx.machine['git']}.", "", HOW_TO_READ]
    for name in ctx.scenarios:
        if name in scenarios:
            scenario = scenarios[name]
            md += [f"## {name}: {scenario.what}", "",
                   f"`loadgen {' '.join(scenario.loadgen_args())} http://127.0.0.1:PORT{scenario.path}`", "",
                   scenario_table_md(scenario, servers, summaries, results.syscall_rows), ""]
    if all(name in ctx.scenarios for _, name in SWEEP):
        md += ["## Connections sweep: keep-alive /index.html, req/s median", "",
               sweep_table_md(servers, summaries), ""]
    md += studies_md(ctx, servers, results)
    if ctx.plots:
        md += ["## Plots", "", " ".join(f"[{name}.svg]({name}.svg)" for name in ctx.plots), ""]
    if ctx.notes:
        md += ["## Notes", ""] + [f"- {note}" for note in ctx.notes] + [""]
    (ctx.out / "results.md").write_text("\n".join(md))


def studies_md(ctx, servers, results):
    md = []
    if "syscalls" in ctx.scenarios:
        runs = ctx.syscall_runs
        md += ["## System calls (strace -f -c, whole server tree; a no-load run subtracted)", "",
               f"Separate runs under strace: seed `{' '.join(runs['seed'].loadgen_args())}`, close "
               f"`{' '.join(runs['close'].loadgen_args())}` (the syscalls/req columns above come from "
               "these). Per connection = calls / connections the client opened. Every call: "
               "syscalls.csv.", "", syscalls_table_md(servers, results.syscall_rows), ""]
    if "herd" in ctx.scenarios:
        skipped = f" Single-process servers, not measured: {', '.join(results.herd_na)}." if results.herd_na else ""
        md += [f"## Thundering herd (--workers 2 on CPUs {ALL_CPUS}, not pinned to one; close scenario)", "",
               f"`{' '.join(ctx.herd_run.loadgen_args())}`; each worker's count from its exit line "
               f"(herd.csv).{skipped}", "",
               herd_table_md(results.herd_rows) if results.herd_rows else "(no server with worker processes in this run)",
               ""]
    if "crosscheck" in ctx.scenarios:
        md += ["## wrk cross-check", "", crosscheck_summary(results.cross), "See crosscheck.md.", ""]
    return md


def fmt_duration(seconds):
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def crosscheck_summary(cross):
    lines = []
    for entry in cross:
        if entry.get("loadgen_rps") and entry.get("wrk_rps"):
            ratio = entry["loadgen_rps"] / entry["wrk_rps"]
            flag = " **differ by more than 15%**" if abs(ratio - 1) > 0.15 else ""
            lines.append(f"- {entry['server']}: loadgen {fmt_rps(entry['loadgen_rps'])} req/s, "
                         f"wrk {fmt_rps(entry['wrk_rps'])} req/s, ratio {ratio:.2f}{flag}; "
                         f"{count_check(entry)}")
        else:
            lines.append(f"- {entry['server']}: {entry.get('note', 'no result')}")
    return "\n".join(lines) + "\n" if lines else "(no floor or nginx in this run)\n"


def fmt_us(value):
    return "–" if value is None else f"{value:.1f}"


def count_check(entry):
    """Do both clients count the same server work? Server CPU per counted request, side by side."""
    a, b = entry.get("loadgen_server_us"), entry.get("wrk_server_us")
    if not a or not b:
        return "server CPU per counted request: not measured"
    flag = " **differ by more than 15%**" if abs(a / b - 1) > 0.15 else " (agree within 15%)"
    return (f"server CPU per counted request {fmt_us(a)} vs {fmt_us(b)} µs{flag}; client CPU "
            f"per request {fmt_us(entry.get('loadgen_client_us'))} vs "
            f"{fmt_us(entry.get('wrk_client_us'))} µs")


def write_crosscheck_md(ctx, cross):
    seconds = CROSSCHECK_SECONDS[ctx.profile]
    md = ["# loadgen vs wrk", "",
          f"The same server (fresh start), the same URL (/index.html), {CROSSCHECK_CONNECTIONS} keep-alive "
          f"connections, {seconds} s each, one client thread pinned to CPU {ctx.client_cpu}; loadgen first, "
          "then wrk. A ratio far from 1 means one of the two load generators is the bottleneck or "
          "counts differently; more than 15% apart is flagged. To tell the two apart, the server's "
          "CPU time is divided by the requests each client counted: if both count right, the same "
          "server work gives the same figure, whatever the req/s; and each client's own CPU per "
          "request shows which one is the bottleneck.", "",
          "| server | loadgen req/s | loadgen errors | wrk req/s | wrk errors | loadgen / wrk "
          "| server CPU µs per counted req (loadgen / wrk) | client CPU µs/req (loadgen / wrk) |",
          "|---|---|---|---|---|---|---|---|"]
    for e in cross:
        ratio = (e["loadgen_rps"] / e["wrk_rps"]) if e.get("loadgen_rps") and e.get("wrk_rps") else None
        flag = " ⚠ >15%" if ratio and abs(ratio - 1) > 0.15 else ""
        md.append(f"| {e['server']} | {fmt_rps(e.get('loadgen_rps'))} | {e.get('loadgen_errors', '–')} | "
                  f"{fmt_rps(e.get('wrk_rps'))} | {e.get('wrk_errors', '–')} | "
                  f"{'–' if ratio is None else f'{ratio:.2f}'}{flag} | "
                  f"{fmt_us(e.get('loadgen_server_us'))} / {fmt_us(e.get('wrk_server_us'))} | "
                  f"{fmt_us(e.get('loadgen_client_us'))} / {fmt_us(e.get('wrk_client_us'))} |")
    md.append("")
    for e in cross:
        if e.get("note"):
            md.append(f"- {e['server']}: {e['note']}")
        if e.get("wrk_output"):
            md += [f"wrk output, {e['server']}:", "", "```", e["wrk_output"], "```", ""]
    (ctx.out / "crosscheck.md").write_text("\n".join(md) + "\n")


# ---------------------------------------------------------------------------------------------
# Plots (gnuplot, SVG): the data goes into the script as inline data blocks
# ---------------------------------------------------------------------------------------------

PLOT_HEADER = """set terminal svg size 800,450 dynamic noenhanced font 'sans,12' background '#ffffff'
set output '{output}'
set title '{title}'
set grid ytics
set key top left
set datafile missing '?'
"""


def gp_value(value):
    return "?" if value is None else f"{value:.6g}"


def bar_plot(name, title, ylabel, servers, values, log_y=False):
    if all(v is None for v in values):
        return None  # nothing measured: no plot
    data = "\n".join(f'"{s}" {gp_value(v)}' for s, v in zip(servers, values))
    return (PLOT_HEADER.format(output=f"{name}.svg", title=title)
            + ("set logscale y\n" if log_y else "set yrange [0:*]\n")
            + f"set ylabel '{ylabel}'\nset style fill solid 0.6\nset boxwidth 0.6\nunset key\n"
            + "set xtics rotate by -30\n"
            + f"$data << EOD\n{data}\nEOD\nplot $data using 0:2:xtic(1) with boxes lc rgb '#4472c4'\n")


def c1_latency_plot(servers, p50, p99):
    if all(v is None for v in p50 + p99):
        return None
    data = "\n".join(f'"{s}" {gp_value(a)} {gp_value(b)}' for s, a, b in zip(servers, p50, p99))
    return (PLOT_HEADER.format(output="c1_latency.svg", title="Latency at one keep-alive connection (c1)")
            + "set logscale y\nset ylabel 'latency, µs (log scale)'\nset style data histograms\n"
            + "set style histogram clustered gap 1\nset style fill solid 0.6\nset xtics rotate by -30\n"
            + "set key top right\n"
            + f"$data << EOD\n{data}\nEOD\n"
            + "plot $data using 2:xtic(1) title 'p50', '' using 3 title 'p99'\n")


def sweep_plot(servers, points, summaries):
    """req/s against connections, one line per server; both axes logarithmic (the steps' Nagle
    cliff puts them three orders of magnitude below the others at low concurrency)."""
    blocks, plot_items = [], []
    for i, server in enumerate(servers):
        rows = [f"{c} {gp_value((summaries.get((name, server)) or {}).get('rps_median'))}"
                for c, name in points]
        blocks.append(f"$s{i} << EOD\n" + "\n".join(rows) + "\nEOD")
        plot_items.append(f"$s{i} using 1:2 with linespoints title '{server}'")
    return (PLOT_HEADER.format(output="rps_vs_connections.svg",
                               title="Throughput vs keep-alive connections (/index.html)")
            + "set logscale xy\nset xlabel 'connections (log scale)'\n"
            + "set ylabel 'requests per second (log scale)'\nset key outside right\n"
            + "\n".join(blocks) + "\nplot " + ", \\\n     ".join(plot_items) + "\n")


def plots(ctx, summaries):
    """The four SVG plots, for the scenarios that ran; their gnuplot scripts go to plots/."""
    servers = [s.name for s in ctx.servers]
    get = lambda scenario, field: [(summaries.get((scenario, s)) or {}).get(field) for s in servers]
    scripts = {}
    if "seed" in ctx.scenarios:
        scripts["cpu_per_request"] = bar_plot(
            "cpu_per_request", "Server CPU per request, seed (1000 keep-alive connections)",
            "CPU µs per request (user + system)", servers, get("seed", "cpu_us_per_request"))
    if "idle" in ctx.scenarios:
        scripts["rss_per_idle_connection"] = bar_plot(
            "rss_per_idle_connection", "Server memory per idle connection (RSS of the whole tree)",
            "KiB per idle connection", servers, get("idle", "rss_per_idle_kib"))
    if "c1" in ctx.scenarios:
        scripts["c1_latency"] = c1_latency_plot(servers, get("c1", "p50_us"), get("c1", "p99_us"))
    points = [(c, name) for c, name in SWEEP if name in ctx.scenarios]
    if len(points) >= 2:
        scripts["rps_vs_connections"] = sweep_plot(servers, points, summaries)
    plot_dir = ctx.out / "plots"
    plot_dir.mkdir(exist_ok=True)
    for name, script in scripts.items():
        if script is None:
            ctx.notes.append(f"{name}.svg: not drawn, no values measured")
            continue
        (plot_dir / f"{name}.gp").write_text(script)
        try:
            done = subprocess.run(["gnuplot", f"plots/{name}.gp"], cwd=ctx.out, capture_output=True,
                                  text=True, timeout=60)
            if done.returncode == 0:
                ctx.plots.append(name)
            else:
                ctx.notes.append(f"gnuplot {name}: {' '.join(done.stderr.split())[:200]}")
        except (FileNotFoundError, subprocess.TimeoutExpired) as e:
            ctx.notes.append(f"gnuplot {name}: {e}")


# ---------------------------------------------------------------------------------------------
# machine.txt
# ---------------------------------------------------------------------------------------------


def command_output(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return (done.stdout + done.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return "not available"


def describe_machine(ctx):
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = command_output(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"])
    dirty = command_output(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"])
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": os.uname().release,
            "git": commit + (" (with uncommitted changes)" if dirty else "")}


def write_machine_txt(ctx, load_before):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    first = lambda text: text.splitlines()[0] if text else text
    lines = [
        f"run: {ctx.out.name}",
        f"date (UTC): {ctx.started:%Y-%m-%d %H:%M:%S} start, took {fmt_duration(ctx.elapsed())}",
        f"host: {socket.gethostname()}",
        f"command: bench/run {' '.join(ctx.argv)}".rstrip(),
        f"profile: {ctx.profile}; repeats: {ctx.repeat}; scenarios: {', '.join(ctx.scenarios)}",
        f"servers: {', '.join(s.name for s in ctx.servers)}",
        f"placement: servers pinned to CPU {ctx.server_cpu} (taskset -c), loadgen and wrk pinned to CPU "
        f"{ctx.client_cpu}; prefork steps run with --workers 1, nginx and lighttpd with one worker",
        f"cpu: {ctx.machine['cpu']}",
        f"cores: {ctx.machine['cores']}",
        f"kernel: {command_output(['uname', '-srvm'])}",
        f"load average at start: {load_before}; at end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
        f"RLIMIT_NOFILE: soft {soft}, hard {hard} (servers and clients run with soft = hard)",
        f"git commit: {ctx.machine['git']}",
        f"compiler: {first(command_output(['c++', '--version']))}",
        f"cmake: {first(command_output(['cmake', '--version']))}",
        f"python: {sys.version.split()[0]}",
        f"nginx: {first(command_output(['nginx', '-v']))}",
        f"lighttpd: {first(command_output(['lighttpd', '-v']))}",
        f"wrk: {first(command_output(['wrk', '-v']))}",
        f"strace: {first(command_output(['strace', '-V']))}",
        f"gnuplot: {first(command_output(['gnuplot', '--version']))}",
        f"net.ipv4.tcp_tw_reuse: {read_text('/proc/sys/net/ipv4/tcp_tw_reuse')}",
        f"net.core.somaxconn: {read_text('/proc/sys/net/core/somaxconn')}",
        f"cpu governor: {read_text('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor')}",
    ]
    (ctx.out / "machine.txt").write_text("\n".join(lines) + "\n")


def read_text(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return "not available"


# ---------------------------------------------------------------------------------------------
# The command line and the plan
# ---------------------------------------------------------------------------------------------

USAGE = """\
bench/run [STEP...] [--smoke | --micro] [--repeat N] [--scenarios a,b] [--servers x,y]
          [--server-cpu CPUS] [--client-cpu CPUS] [--out DIR]

  (no STEP)     the whole ladder: every step, nginx, lighttpd, the floor (about 15 minutes)
  STEP...       a one-step run: those steps, the step before the first one, the floor (~1 minute)
  --smoke       tiny counts, the floor and the last step, results in a temporary folder (CI)
  --micro       only the micro benchmarks (build/bin/tenk_micro), JSON into the results folder
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench/run", usage=USAGE,
                                     description="The tenk benchmark ladder (see book/appendix-benchmark.md).")
    parser.add_argument("steps", nargs="*", metavar="STEP", help="step names, e.g. 03_epoll")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--smoke", action="store_true", help="tiny counts, two servers, a temporary folder")
    mode.add_argument("--micro", action="store_true", help="run the micro benchmarks only")
    parser.add_argument("--repeat", type=positive_int, help="repeats (default 3; 1 for a one-step run or --smoke)")
    parser.add_argument("--scenarios", type=comma_list, help="a,b: scenarios and studies to run: "
                        + ", ".join([s.name for s in SCENARIOS] + list(STUDIES)))
    parser.add_argument("--servers", type=comma_list, help="x,y: step names, nginx, lighttpd, floor")
    parser.add_argument("--server-cpu", default="0", help="taskset CPU list for the servers (default 0)")
    parser.add_argument("--client-cpu", default="1", help="taskset CPU list for loadgen and wrk (default 1)")
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
        if server not in known_steps + ["floor", *PEERS]:
            parser.error(f"unknown server {server!r}; choose from: {', '.join(known_steps + ['floor', *PEERS])}")
    if args.smoke and args.steps:
        parser.error("--smoke runs the floor and the last step; name no step")
    if not re.fullmatch(r"[0-9,-]+", args.server_cpu) or not re.fullmatch(r"[0-9,-]+", args.client_cpu):
        parser.error("--server-cpu and --client-cpu take a taskset CPU list such as 0 or 2-3")
    return args


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
    """The servers of this run, in the order of the tables: steps, nginx, lighttpd, floor."""
    steps = built_steps()
    if args.servers:
        wanted = args.servers
    elif profile == "smoke":
        wanted = ["floor"] + steps[-1:]
    elif args.steps:
        first = steps.index(args.steps[0]) if args.steps[0] in steps else 0
        wanted = steps[max(0, first - 1):first] + args.steps + ["floor"]
    else:
        wanted = steps + list(PEERS) + ["floor"]
    servers = []
    order = steps + list(PEERS) + ["floor"]
    for name in sorted(set(wanted), key=lambda n: order.index(n) if n in order else len(order)):
        if name in PEERS:
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
    """Everything a run needs to know, passed to the functions above."""

    def __init__(self, args, argv):
        self.argv = argv
        self.profile = "smoke" if args.smoke else "step" if args.steps else "full"
        default_scenarios, default_repeat = PROFILES[self.profile]
        self.scenarios = args.scenarios or default_scenarios
        self.repeat = args.repeat or default_repeat
        self.server_cpu, self.client_cpu = args.server_cpu, args.client_cpu
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
        self.machine = describe_machine(self)

    def elapsed(self):
        return time.monotonic() - self.t0


def default_out(profile, started):
    if profile == "smoke":
        return Path(tempfile.mkdtemp(prefix="tenk-bench-smoke-"))
    host = socket.gethostname().split(".")[0]
    return REPO / "bench" / "results" / f"{started:%Y%m%dT%H%M%SZ}-{host}"


def raise_fd_limit():
    """Servers and clients inherit soft RLIMIT_NOFILE = hard: c10k and idle need ~11,000 fds."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def run_micro(args, argv):
    out = args.out or default_out("full", datetime.datetime.now(datetime.timezone.utc))
    out.mkdir(parents=True, exist_ok=True)
    command = ["taskset", "-c", args.server_cpu, str(BIN / "tenk_micro"), "--benchmark_repetitions=5",
               "--benchmark_report_aggregates_only=true", f"--benchmark_out={out / 'micro.json'}",
               "--benchmark_out_format=json"]
    print("running:", " ".join(command), flush=True)
    with open(out / "micro.txt", "w") as log:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in proc.stdout:
                sys.stdout.write(line)
                log.write(line)
            proc.wait(timeout=1800)
        finally:
            if proc.poll() is None:
                proc.kill()
    print(f"\nmicro benchmarks: {out / 'micro.json'} (console output: {out / 'micro.txt'})")
    return proc.returncode


def progress(ctx, done, total, text):
    print(f"[{done:3d}/{total} {fmt_duration(ctx.elapsed()):>12}] {text}", flush=True)


def describe_row(row):
    if row.get("status") != "ok":
        return row.get("status", "?")
    text = (f"{fmt_rps(row['rps']):>9} req/s{' †' if row.get('capped') else '  '}"
            f"  CPU {fmt_cpu(row.get('cpu_us_per_request')):>7} µs/req  p99 {fmt_us(row['p99_us']):>9}"
            f"  errors {sum(row.get(f'errors_{k}', 0) for k in ERROR_KINDS):,}")
    if row.get("rss_per_idle_kib") is not None:
        text += f"  RSS {row['rss_per_idle_kib']:.1f} KiB/idle conn ({row['idle_held']} held)"
    if row.get("server_exit") != "exit 0":
        text += f"  server: {row.get('server_exit')}"
    return text


@dataclasses.dataclass
class Results:
    """What a run has measured so far (kept when the run is interrupted)."""

    rows: list = dataclasses.field(default_factory=list)  # results.csv
    syscall_rows: list = dataclasses.field(default_factory=list)  # syscalls.csv
    herd_rows: list = dataclasses.field(default_factory=list)  # herd.csv
    herd_na: list = dataclasses.field(default_factory=list)  # steps without worker processes
    cross: list = dataclasses.field(default_factory=list)  # crosscheck.md


def run_ladder(ctx, results):
    """The interleaved measurements, then the studies, appended to `results` as they finish."""
    table = scenario_table(ctx.profile)
    load_scenarios = [table[name] for name in ctx.scenarios if name in table]
    total, done = ctx.repeat * len(load_scenarios) * len(ctx.servers), 0
    if any(s.kind == "floor" for s in ctx.servers) and any(s.path != "/index.html" for s in load_scenarios):
        ctx.notes.append("floor: not run on the scenarios that fetch another file than /index.html "
                         "(bigfile): it answers every path with the same 151 bytes")
        total -= ctx.repeat * sum(s.path != "/index.html" for s in load_scenarios)
    for repeat in range(1, ctx.repeat + 1):
        shift = (repeat - 1) % max(1, len(ctx.servers))
        order = ctx.servers[shift:] + ctx.servers[:shift]
        for scenario in load_scenarios:
            for spec in order:
                if spec.kind == "floor" and scenario.path != "/index.html":
                    continue  # the floor answers every path with the same 151 bytes
                row = measure(ctx, spec, scenario, repeat)
                results.rows.append(row)
                done += 1
                progress(ctx, done, total, f"r{repeat} {scenario.name:<9} {spec.name:<20} {describe_row(row)}")

    if "syscalls" in ctx.scenarios:
        for spec in ctx.servers:
            progress(ctx, done, total, f"syscalls {spec.name}: under strace -f -c")
            new_rows, notes = measure_syscalls(ctx, spec)
            results.syscall_rows += new_rows
            ctx.notes += notes
    if "herd" in ctx.scenarios:
        for spec in ctx.servers:
            if spec.kind != "step":
                continue
            progress(ctx, done, total, f"herd {spec.name}: --workers 2, EPOLLEXCLUSIVE off and on")
            new_rows, notes = measure_herd(ctx, spec)
            if not new_rows and not notes:
                results.herd_na.append(spec.name)
            results.herd_rows += new_rows
            ctx.notes += notes
    if "crosscheck" in ctx.scenarios:
        for spec in ctx.servers:
            if spec.name in ("floor", "nginx"):
                progress(ctx, done, total, f"crosscheck {spec.name}: loadgen, then wrk")
                results.cross.append(crosscheck(ctx, spec))


def exit_notes(rows):
    """One note per server that did not exit 0 after SIGTERM in some runs."""
    notes, bad = [], {}
    for row in rows:
        if row.get("server_exit") not in (None, "exit 0"):
            bad.setdefault((row["server"], row["server_exit"]), []).append(row["scenario"])
    for (server, status), scenarios in bad.items():
        notes.append(f"{server}: {status} after SIGTERM in {len(scenarios)} run(s) "
                     f"({', '.join(sorted(set(scenarios)))}); the stderr is in logs/{server}.log")
    return notes


def peer_log_notes(ctx):
    """What the peers' own error logs say, beyond the routine start and stop lines: each distinct
    message once, with its count."""
    notes = []
    routine = re.compile(r"server started|server stopped|gracefully shutting down|exiting|exit$")
    for spec in ctx.servers:
        log = ctx.out / "peers" / spec.name / "error.log"
        if spec.kind != "peer" or not log.exists():
            continue
        counts = {}
        for line in log.read_text(errors="replace").splitlines():
            if line.strip() and not routine.search(line):
                message = re.sub(r"^[\d/:\- ]+", "", line)  # without the timestamp
                message = re.sub(r"\d+#\d+: (\*\d+ )?", "", message)  # nginx pid#tid and connection
                counts[message] = counts.get(message, 0) + 1
        if counts:
            notes.append(f"{spec.name} error.log: " + "; ".join(
                f"{n}× {message[:160]}" for message, n in counts.items()))
    return notes


def write_reports(ctx, results, load_before):
    rows, syscall_rows, herd_rows = results.rows, results.syscall_rows, results.herd_rows
    servers = [s.name for s in ctx.servers]
    load_names = [n for n in ctx.scenarios if n not in STUDIES]
    summaries = summarize(rows, load_names, servers)
    ctx.notes += exit_notes(rows) + peer_log_notes(ctx)
    write_csv(ctx.out / "results.csv", rows, RESULT_FIELDS)
    summary_fields = (["scenario", "server", "runs", "ok_runs", "rps_median", "rps_min", "rps_max",
                       "capped_runs", "cpu_us_per_request", "p50_us", "p99_us"]
                      + [f"errors_{k}" for k in ERROR_KINDS]
                      + ["rss_per_idle_kib", "idle_held", "idle_open_at_end", "slowloris_dropped",
                         "slowloris_first_drop_s", "failures", "exits"])
    write_csv(ctx.out / "summary.csv", summaries.values(), summary_fields)
    if "syscalls" in ctx.scenarios:
        write_csv(ctx.out / "syscalls.csv", syscall_rows,
                  ["server", "scenario", "syscall", "calls", "per_request", "per_connection",
                   "requests", "connections"])
    if "herd" in ctx.scenarios:
        write_csv(ctx.out / "herd.csv", herd_rows,
                  ["server", "epollexclusive", "worker_pid", "connections_accepted",
                   "wakeups_found_nothing", "requests", "rps", "errors"])
    if "crosscheck" in ctx.scenarios:
        write_crosscheck_md(ctx, results.cross)
    plots(ctx, summaries)
    write_machine_txt(ctx, load_before)
    write_results_md(ctx, summaries, results)
    return summaries


def print_summary(ctx, summaries):
    servers = [s.name for s in ctx.servers]
    names = [n for n in ctx.scenarios if n not in STUDIES]
    width = max([len(s) for s in servers] + [6])
    print("\nreq/s, median of the repeats (CPU µs per request below, for seed):")
    print(" " * width + "".join(f"{n:>11}" for n in names))
    for server in servers:
        cells = []
        for name in names:
            s = summaries.get((name, server))
            cells.append("–" if not s else fmt_rps(s["rps_median"]) if s["rps_median"] else "failed")
        print(f"{server:<{width}}" + "".join(f"{c:>11}" for c in cells))
    if "seed" in names:
        print("CPU µs/req, seed: " + ", ".join(
            f"{s} {fmt_cpu((summaries.get(('seed', s)) or {}).get('cpu_us_per_request'))}" for s in servers))
    for note in ctx.notes:
        print(f"note: {note}")


def smoke_problems(ctx, results):
    """For --smoke (CI): what did not work end to end. Errors are data in a real run; in the
    smoke run every server must start, answer, stop cleanly and show up in every study."""
    problems = [f"{r['scenario']} {r['server']}: {r.get('status')}, server {r.get('server_exit')}"
                for r in results.rows if r.get("status") != "ok" or r.get("server_exit") != "exit 0"]
    traced = {row["server"] for row in results.syscall_rows}
    problems += [f"syscalls {s.name}: no counts" for s in ctx.servers
                 if "syscalls" in ctx.scenarios and s.name not in traced]
    if "crosscheck" in ctx.scenarios and not all(e.get("wrk_rps") for e in results.cross):
        problems.append("crosscheck: no wrk result")
    return problems


def interrupt(signum, frame):
    """SIGTERM (a CI timeout, say) ends the run like Ctrl-C: servers stopped, partial results."""
    raise KeyboardInterrupt


def main(argv):
    args = parse_args(argv)
    if args.check:
        return 0
    raise_fd_limit()
    if args.micro:
        return run_micro(args, argv)
    ctx = Context(args, argv)
    for sub in ("raw", "logs"):
        (ctx.out / sub).mkdir(parents=True, exist_ok=True)
    if not LOADGEN.exists():
        print(f"bench/ladder.py: {LOADGEN} is missing: build first (bench/run does)", file=sys.stderr)
        return 1
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"tenk ladder ({ctx.profile}): {len(ctx.servers)} servers ({', '.join(s.name for s in ctx.servers)}), "
          f"scenarios {', '.join(ctx.scenarios)}, {ctx.repeat} repeat(s); results in {ctx.out}", flush=True)
    for note in ctx.notes:
        print(f"note: {note}")

    signal.signal(signal.SIGTERM, interrupt)
    interrupted = False
    results = Results()
    try:
        run_ladder(ctx, results)
    except KeyboardInterrupt:
        interrupted = True
        ctx.notes.append("the run was interrupted: partial results")
        print("\ninterrupted: stopping the servers, writing partial results", file=sys.stderr)
    finally:
        stop_everything()
    summaries = write_reports(ctx, results, load_before)
    print_summary(ctx, summaries)
    print(f"\nresults: {ctx.out / 'results.md'} (took {fmt_duration(ctx.elapsed())})")
    if interrupted:
        return 130
    problems = smoke_problems(ctx, results) if ctx.profile == "smoke" else []
    for problem in problems:
        print(f"smoke: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
