"""The deterministic counts: user-space instructions and system calls per request.

Every other number of the ladder moves with the machine's noise; these two do not. Each server
serves requests for /index.html (151 bytes) to one client, one request at a time:

  keepalive  DETERMINISTIC_RUNS["keepalive"] requests on one keep-alive connection;
  close      DETERMINISTIC_RUNS["close"] connections of one request each ("Connection: close").

Instructions: the server runs under valgrind --tool=callgrind --trace-children=yes; when it exits
(SIGTERM; the steps exit 0 and callgrind writes one profile per process, %p) the "summary:" Ir of
every profile is summed. A run with no load (start, then stop) is subtracted and the rest divided
by the requests. System calls: the same three runs under strace -f -c. Both count the whole
process tree: master and workers, every thread.

The client is not bench/loadgen but a few lines of Python here: it sets TCP_QUICKACK before every
read, so that the steps that send header and body in two send() calls with Nagle on (01-05) do
not wait for the client's delayed ACK (~40 ms per response, 40 s for 1000 requests); what the
server does in user space and which system calls it makes do not depend on it.

The servers do not compete for anything that changes a count, so they are measured in parallel,
one per CPU. Per-server runs are sequential.

Valgrind 3.19 (Debian 12) does not know openat2, which the steps open files with: when
build/bin/tenk_openat2_probe fails under valgrind, the steps run under callgrind with
build/bin/libtenk_openat2_shim.so preloaded (bench/valgrind/openat2_shim.cpp), and results.md says so.
"""

import concurrent.futures
import functools
import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

from .config import ALL_CPUS, BIN, DETERMINISTIC_PATH, DETERMINISTIC_RUNS, VALGRIND_START_TIMEOUT_S, \
    VALGRIND_STOP_TIMEOUT_S
from .machine import command_output
from .procfs import wait_until_asleep
from .servers import Launch, ServerStartError, start_server
from .studies import parse_strace_summary, syscall_rows

# The expectations' tolerances (bench/expectations.json may set its own): instructions per
# request relative, system calls per request absolute.
DEFAULT_TOLERANCE = {"instructions_per_request": 0.03, "syscalls_per_request": 0.25}
UPDATE_COMMAND = "bench/run --deterministic --update-expectations"
CLIENT_TIMEOUT_S = 30  # one response, from a server under callgrind
IDLE_TIMEOUT_S = 10  # for the server to go back to sleep after a response


class ExchangeError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# The client: one connection, one request at a time
# ---------------------------------------------------------------------------------------------


def request_bytes(path, close):
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + ("Connection: close\r\n" if close else "") + "\r\n").encode()


def response_length(head):
    """The length of the response whose header block is `head` (up to and including the blank
    line), from its status line and Content-Length; raises ExchangeError if it is not a 200."""
    lines = head.decode("latin-1").split("\r\n")
    if not re.match(r"HTTP/1\.[01] 200 ", lines[0] + " "):
        raise ExchangeError(f"unexpected status line {lines[0]!r}")
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return len(head) + int(value.strip())
    raise ExchangeError("no Content-Length")


def quickack(sock):
    # Acknowledge at once what arrives next (the kernel turns it off again by itself).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def read_response(sock, buffer):
    """Reads one whole response; returns what was read beyond it."""
    while True:
        end = buffer.find(b"\r\n\r\n")
        if end >= 0:
            length = response_length(buffer[:end + 4])
            if len(buffer) >= length:
                return buffer[length:]
        quickack(sock)
        chunk = sock.recv(65536)
        if not chunk:
            raise ExchangeError("the server closed the connection before the response ended")
        buffer += chunk


def exchange(port, requests, keepalive, wait_idle=lambda: True, path=DETERMINISTIC_PATH,
             timeout=CLIENT_TIMEOUT_S):
    """Sends `requests` GETs, one at a time: all on one connection (keepalive), or one connection
    each with "Connection: close", waiting for the server to close it. Before every request (and
    in close mode before every connection too) it calls wait_idle(), which returns once the server
    sleeps: every request then takes the same path through the server (woken by the request,
    never finding it already there on its way back to sleep), whatever the relative speed of
    client and server. Returns the notes (a server that did not close when asked, one that did
    not go back to sleep)."""
    notes = set()

    def idle():
        if not wait_idle():
            notes.add("did not go back to sleep between requests (still running after "
                      f"{IDLE_TIMEOUT_S} s)")

    if keepalive:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            buffer, request = b"", request_bytes(path, close=False)
            for _ in range(requests):
                idle()
                quickack(sock)
                sock.sendall(request)
                buffer = read_response(sock, buffer)
        return sorted(notes)
    request = request_bytes(path, close=True)
    for _ in range(requests):
        idle()
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            idle()  # the server has taken the connection and waits for its request
            quickack(sock)
            sock.sendall(request)
            read_response(sock, b"")
            sock.settimeout(2)
            try:
                while sock.recv(65536):
                    pass  # until the server's close
            except socket.timeout:
                notes.add("did not close the connection within 2 s of a Connection: close response")
    return sorted(notes)


# ---------------------------------------------------------------------------------------------
# One server, one tool, one load
# ---------------------------------------------------------------------------------------------


def parse_callgrind_total(text):
    """The instructions (Ir) of one callgrind profile: its "summary:" line (or "totals:")."""
    summary = re.search(r"^summary:\s+(\d+)", text, re.M) or re.search(r"^totals:\s+(\d+)", text, re.M)
    if not summary:
        raise ValueError("no summary: line")
    return int(summary.group(1))


def callgrind_total(folder):
    """Sum of Ir over the profiles in `folder` (one per process): (total, profiles summed, profiles
    left out). Callgrind fills a process's profile when the process exits: one killed first (a
    server that did not stop on SIGTERM) leaves it empty, without a count, and is left out."""
    total = summed = left_out = 0
    for f in sorted(Path(folder).glob("callgrind.out.*")):
        try:
            total += parse_callgrind_total(f.read_text(errors="replace"))
            summed += 1
        except ValueError:
            left_out += 1
    return total, summed, left_out


@functools.lru_cache(maxsize=None)
def openat2_shim_needed():
    """True when valgrind answers openat2 with ENOSYS (see the module's docstring)."""
    probe = BIN / "tenk_openat2_probe"
    if not probe.exists() or not (BIN / "libtenk_openat2_shim.so").exists():
        return False
    done = subprocess.run(["valgrind", "--tool=none", "-q", str(probe)], capture_output=True, timeout=60)
    return done.returncode == 3


SHIM_NOTE = ("this valgrind does not handle openat2 (system call 437): the steps ran under callgrind with "
             "build/bin/libtenk_openat2_shim.so preloaded, which turns it into openat "
             "(bench/valgrind/openat2_shim.cpp); their instruction counts include the shim's few")


def counted_run(ctx, spec, tool, kind, requests, *, keepalive=None, path=DETERMINISTIC_PATH, root=None,
                folder=None):
    """Starts the server under the tool, sends the load (none when requests == 0), stops it.
    Returns {"count": Ir total or {syscall: calls}, "exit": ..., "notes": [...]}. The load is
    `requests` GETs of `path` (from the document root `root`, default bench/www), on one
    keep-alive connection if keepalive (default: kind == "keepalive"), else one connection each.
    One worker process whatever the placement (the expectations are made with one)."""
    folder = folder or ctx.out / "deterministic" / spec.name / f"{tool}-{kind}"
    keepalive = kind == "keepalive" if keepalive is None else keepalive
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if tool == "callgrind":
        wrapper = ("valgrind", "--tool=callgrind", "--trace-children=yes",
                   f"--callgrind-out-file={folder}/callgrind.out.%p", f"--log-file={folder}/valgrind.%p.log")
        env = {}
        if spec.kind == "step" and openat2_shim_needed():
            env["LD_PRELOAD"] = str(BIN / "libtenk_openat2_shim.so")
        launch = Launch(cpus=ALL_CPUS, wrapper=wrapper, peer_variant="deterministic", env=env,
                        start_timeout=VALGRIND_START_TIMEOUT_S, workers=1, root=root)
    else:
        launch = Launch(cpus=ALL_CPUS, wrapper=("strace", "-f", "-c", "-o", str(folder / "strace.txt")),
                        wrapper_forks=True, peer_variant="deterministic", workers=1, root=root)
    server = start_server(ctx, spec, f"deterministic, {tool}, {kind}", launch)
    notes = []
    try:
        if requests:
            pids = server.tree()  # the servers do not fork while they serve
            notes = exchange(server.port, requests, keepalive=keepalive, path=path,
                             wait_idle=lambda: wait_until_asleep(pids, IDLE_TIMEOUT_S))
    except (OSError, ExchangeError) as e:
        notes = [f"client: {e}"]
    finally:
        status = server.stop(timeout=VALGRIND_STOP_TIMEOUT_S)
        if server.exit_note:
            status += f" ({server.exit_note})"
    if tool == "callgrind":
        count, profiles, left_out = callgrind_total(folder)
        if left_out:
            notes.append(f"{left_out} callgrind profile(s) without a count, left out: killed before it exited")
        if not profiles:
            notes.append("callgrind wrote no profile")
    else:
        trace = folder / "strace.txt"
        count = parse_strace_summary(trace.read_text()) if trace.exists() else {}
    return {"count": count, "exit": status, "notes": notes}


def measure_server(ctx, spec):
    """The deterministic rows of one server: (rows, syscall rows, notes)."""
    rows, by_kind, notes = [], [], []
    try:
        runs = {tool: {kind: counted_run(ctx, spec, tool, kind, requests)
                       for kind, requests in [("baseline", 0), *DETERMINISTIC_RUNS.items()]}
                for tool in ("callgrind", "strace")}
    except ServerStartError as e:
        return [], [], [f"{spec.name}: deterministic runs: failed to start: {e}"]
    for tool, kinds in runs.items():
        for kind, run in kinds.items():
            notes += [f"{spec.name} {tool} {kind}: {note}" for note in run["notes"]]
            if run["exit"] != "exit 0":
                notes.append(f"{spec.name} {tool} {kind}: server {run['exit']}")
    for kind, requests in DETERMINISTIC_RUNS.items():
        connections = 1 if kind == "keepalive" else requests
        instructions = runs["callgrind"][kind]["count"] - runs["callgrind"]["baseline"]["count"]
        syscalls = syscall_rows(spec.name, f"c1-{kind}", runs["strace"][kind]["count"],
                                runs["strace"]["baseline"]["count"], requests, connections)
        by_kind += syscalls
        rows.append(deterministic_row(spec.name, kind, requests, connections, instructions,
                                      syscalls[-1]["calls"], peer=spec.kind == "peer"))
    return rows, by_kind, notes


def deterministic_row(server, kind, requests, connections, instructions, syscalls, peer=False):
    return {"server": server, "kind": kind, "peer": peer, "requests": requests, "connections": connections,
            "instructions": instructions, "instructions_per_request": round(instructions / requests, 1),
            "syscalls": syscalls, "syscalls_per_request": round(syscalls / requests, 3)}


DETERMINISTIC_FIELDS = ["server", "kind", "requests", "connections", "instructions",
                        "instructions_per_request", "syscalls", "syscalls_per_request",
                        "expected_instructions_per_request", "expected_syscalls_per_request", "check"]


def measure_all(ctx, specs, progress=print):
    """Every server's deterministic rows, measured in parallel (one server per CPU)."""
    results = {}
    workers = max(1, min(len(specs), len(os.sched_getaffinity(0))))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(timed, measure_server, ctx, spec): spec for spec in specs}
        for future in concurrent.futures.as_completed(futures):
            spec = futures[future]
            (rows, by_kind, notes), seconds = future.result()
            results[spec.name] = (rows, by_kind, notes)
            progress(f"deterministic {spec.name}: {describe(rows)} ({seconds:.0f} s)")
    rows, by_kind, notes = [], [], []
    for spec in specs:  # in the order of the tables
        rows += results[spec.name][0]
        by_kind += results[spec.name][1]
        notes += results[spec.name][2]
    return rows, by_kind, notes


def timed(function, *args):
    start = time.monotonic()
    return function(*args), time.monotonic() - start


def describe(rows):
    return "; ".join(f"{r['kind']} {r['instructions_per_request']:,.0f} instructions/req, "
                     f"{r['syscalls_per_request']:.2f} syscalls/req" for r in rows) or "no counts"


# ---------------------------------------------------------------------------------------------
# The committed expectations (bench/expectations.json)
# ---------------------------------------------------------------------------------------------


def toolchain():
    """What the instruction counts depend on besides the code: compiler, C library, valgrind."""
    first = lambda text: text.splitlines()[0].strip() if text else ""
    return {"compiler": first(command_output(["c++", "--version"])),
            "libc": first(command_output(["ldd", "--version"])),
            "valgrind": first(command_output(["valgrind", "--version"]))
            + (" + openat2 shim" if openat2_shim_needed() else "")}


def load_expectations(path):
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        return None


def check_rows(rows, expectations, here):
    """Compares the rows with the expectations; fills in each row's expected_* and check fields.
    Returns (failures, warnings): lines that say what moved, by how much, and what to do.
    Instructions depend on the compiler and the C library: when `here` (toolchain()) differs from
    the one the expectations were made with, they are reported but do not fail."""
    failures, warnings = [], []
    if expectations is None:
        return [f"no expectations file: make it with {UPDATE_COMMAND}"], []
    tolerance = {**DEFAULT_TOLERANCE, **expectations.get("tolerance", {})}
    made_with = expectations.get("toolchain", {})
    same_toolchain = all(made_with.get(k) == v for k, v in here.items())
    if not same_toolchain:
        differ = [f"{k}: {made_with.get(k)!r} there, {v!r} here" for k, v in here.items() if made_with.get(k) != v]
        warnings.append("the expectations were made with another toolchain, so instructions per "
                        "request are not checked (" + "; ".join(differ) + ")")
    servers = expectations.get("servers", {})
    for row in rows:
        expected = servers.get(row["server"], {}).get(row["kind"])
        if expected is None:
            if row["server"] in servers or not row.get("peer"):
                row["check"] = "no expectation"
                failures.append(f"{row['server']} {row['kind']}: no expectation in bench/expectations.json; "
                                f"add it with {UPDATE_COMMAND}")
            continue
        problems = []
        want_i, got_i = expected["instructions_per_request"], row["instructions_per_request"]
        row["expected_instructions_per_request"] = want_i
        change = got_i / want_i - 1 if want_i else float("inf")
        if abs(change) > tolerance["instructions_per_request"]:
            line = (f"instructions/req {got_i:,.0f}, expected {want_i:,.0f} "
                    f"({change:+.1%}, tolerance ±{tolerance['instructions_per_request']:.0%})")
            if same_toolchain:
                problems.append(line)
            else:
                warnings.append(f"{row['server']} {row['kind']}: {line}")
        want_s, got_s = expected["syscalls_per_request"], row["syscalls_per_request"]
        row["expected_syscalls_per_request"] = want_s
        if abs(got_s - want_s) > tolerance["syscalls_per_request"]:
            problems.append(f"syscalls/req {got_s:.2f}, expected {want_s:.2f} "
                            f"({got_s - want_s:+.2f}, tolerance ±{tolerance['syscalls_per_request']})")
        row["check"] = "; ".join(problems) or "ok"
        if problems:
            failures.append(f"{row['server']} {row['kind']}: " + "; ".join(problems)
                            + f". If the change is on purpose, update the expectations: {UPDATE_COMMAND}")
    return failures, warnings


def updated_expectations(old, rows, here):
    """The expectations with the servers of `rows` (not the peers: their counts belong to the
    installed nginx and lighttpd, not to this repository) replaced by what was measured."""
    new = {"about": "Deterministic counts per request at one connection (bench/tenkbench/"
                    "deterministic.py), checked by bench/run --smoke. Regenerate after a change that "
                    f"moves them on purpose: {UPDATE_COMMAND}",
           "tolerance": (old or {}).get("tolerance", DEFAULT_TOLERANCE),
           "toolchain": here,
           "servers": dict((old or {}).get("servers", {}))}
    for row in rows:
        if not row.get("peer"):
            new["servers"].setdefault(row["server"], {})[row["kind"]] = {
                "instructions_per_request": row["instructions_per_request"],
                "syscalls_per_request": round(row["syscalls_per_request"], 2)}
    new["servers"] = dict(sorted(new["servers"].items()))
    return new


def write_expectations(path, expectations):
    Path(path).write_text(json.dumps(expectations, indent=2, ensure_ascii=False) + "\n")
