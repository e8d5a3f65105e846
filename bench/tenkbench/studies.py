"""The three studies that need their own setup: system calls per request (strace -f -c), the
thundering herd (the prefork steps, step 11's single acceptor), and loadgen against wrk on the same
server. (The file-size study is sizes.py.)"""

import functools
import re
import resource
import subprocess
from pathlib import Path

from .client import error_total, run_loadgen, run_wrk
from .config import ALL_CPUS, CROSSCHECK_CONNECTIONS, CROSSCHECK_SECONDS, HERD_PARALLEL, Scenario
from .procfs import cpu_seconds_between, cpu_snapshot
from .servers import ServerStartError, start_server, step_flags
from .summary import per_request_us

# ---------------------------------------------------------------------------------------------
# Study 1: system calls per request (strace -f -c)
# ---------------------------------------------------------------------------------------------


def parse_strace_summary(text):
    """{syscall: calls} from the table that strace -c writes."""
    calls = {}
    pattern = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$")
    for line in text.splitlines():
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
    return parse_strace_summary(Path(trace).read_text()), result


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
            rows += syscall_rows(spec.name, name, calls, baseline, requests, connections)
    except ServerStartError as e:
        notes.append(f"{spec.name}: strace run failed: {e}")
    return rows, notes


def syscall_rows(server, scenario, calls, baseline, requests, connections):
    """One row per system call whose count differs from the baseline's (calls minus the
    baseline's, with its sign), then the total: the sum of those signed differences, which is the
    loaded run's total minus the baseline's.

    A negative difference is noise: the no-load run made that call more often than the loaded
    one (a start or a stop that took a different path: a futex, an extra mmap). Clipping it to 0
    would count that noise on one side only and bias the total upward, so the rows keep the sign
    (syscalls.csv shows e.g. -3 for such a call) and the total is unbiased; the deterministic
    counts and the size study take their system calls per request from it too. What shows the
    calls by kind and cannot draw a negative (the stacked figure, plots.py) leaves them out and
    says so."""
    rows, total = [], 0
    for syscall in sorted(set(calls) | set(baseline)):
        net = calls.get(syscall, 0) - baseline.get(syscall, 0)
        if net:
            total += net
            rows.append(syscall_row(server, scenario, syscall, net, requests, connections))
    rows.append(syscall_row(server, scenario, "total", total, requests, connections))
    return rows


def syscall_row(server, scenario, syscall, calls, requests, connections):
    return {"server": server, "scenario": scenario, "syscall": syscall, "calls": calls,
            "requests": requests, "connections": connections,
            "per_request": round(calls / requests, 4), "per_connection": round(calls / connections, 4)}


# ---------------------------------------------------------------------------------------------
# Study 2: the thundering herd (prefork steps; step 11's single acceptor)
# ---------------------------------------------------------------------------------------------

WORKER_LINE = re.compile(r"worker (\d+): (\d+) connections accepted, (\d+) wakeups found nothing")

HERD_FIELDS = ["server", "parallel", "epollexclusive", "measured_by", "worker_pid", "connections_accepted",
               "wakeups_found_nothing", "accept_eagain", "exit_line_found_nothing", "requests", "rps", "errors"]


def herd_configs(spec):
    """How a step runs in parallel, for the herd: [(flag, EPOLLEXCLUSIVE or None)]. The prefork
    steps (--workers) twice, EPOLLEXCLUSIVE off and on; step 11 (--threads, one acceptor) once;
    none for the others (one process, one thread that accepts)."""
    flags = step_flags(spec.program)
    if "--workers" in flags:
        return [("--workers", 0), ("--workers", 1)]
    if "--threads" in flags:
        return [("--threads", None)]
    return []


def measure_herd(ctx, spec):
    """The herd of one step: HERD_PARALLEL workers (or threads) share the listener under the
    close load (a new connection per request). Measured twice for the prefork steps:

      exit line  each worker says at exit how many connections it accepted and how many times it
                 was woken for nothing (its first accept() found nothing): the step's own count,
                 without any tracing (steps 04-10);
      strace     the server runs under strace -f --seccomp-bpf -e trace=accept,accept4 (only those
                 calls stop the server): every accept call's result, per process or thread. The
                 same measure for every server: connections accepted, accept calls that returned
                 EAGAIN, and futile wakeups (an EAGAIN right after an EAGAIN in the same thread:
                 woken, nothing to take). A thread that accepts until EAGAIN makes one EAGAIN per
                 wakeup even alone, so EAGAIN per connection is at least 1 / (connections per
                 wakeup); futile wakeups per connection is the herd.

    With TENK_EPOLLEXCLUSIVE=0 and 1 for the prefork steps (04-10; runs made before 09 and 10 read
    it measured the same configuration twice there). The workers are not pinned: a worker woken
    for nothing is one that ran on another core while its sibling took the connection. Returns
    (rows, notes); no rows for a step without --workers or --threads."""
    rows, notes = [], []
    for flag, exclusive in herd_configs(spec):
        launch = {"workers": HERD_PARALLEL} if flag == "--workers" else {"threads": HERD_PARALLEL}
        env = {} if exclusive is None else {"TENK_EPOLLEXCLUSIVE": str(exclusive)}
        parallel = f"{flag} {HERD_PARALLEL}"
        what = parallel + ("" if exclusive is None else f", EPOLLEXCLUSIVE={exclusive}")
        try:
            if flag == "--workers":
                new_rows, new_notes = herd_run_exit_lines(ctx, spec, what, launch, env)
                rows += [dict(r, parallel=parallel, epollexclusive=exclusive) for r in new_rows]
                notes += new_notes
            new_rows, new_notes = herd_run_strace(ctx, spec, what, launch, env)
            rows += [dict(r, parallel=parallel, epollexclusive=exclusive) for r in new_rows]
            notes += new_notes
        except ServerStartError as e:
            notes.append(f"{spec.name} herd ({what}): {e}")
    return rows, notes


def herd_run_exit_lines(ctx, spec, what, launch, env):
    server = start_server(ctx, spec, f"herd, {what}", quiet=False, env=env, cpus=ALL_CPUS, **launch)
    try:
        if len(server.tree()) < 3:  # no master + 2 workers: nothing to measure
            return [], [f"{spec.name} herd ({what}): no worker processes"]
        result = run_loadgen(ctx, server.url(ctx.herd_run.path), ctx.herd_run)
    finally:
        exit_status = server.stop()
    workers = WORKER_LINE.findall(server.log_text())
    notes = []
    if exit_status != "exit 0" or len(workers) != HERD_PARALLEL:
        notes.append(f"{spec.name} herd ({what}): {exit_status}, {len(workers)} worker lines")
    return [{"server": spec.name, "measured_by": "exit line", "worker_pid": int(pid),
             "connections_accepted": int(accepted), "wakeups_found_nothing": int(empty),
             "requests": result.get("requests", 0), "rps": result.get("rps", ""), "errors": error_total(result)}
            for pid, accepted, empty in workers], notes


@functools.lru_cache(maxsize=None)
def strace_seccomp():
    """["--seccomp-bpf"] where strace has it (5.3 and later): only the traced calls stop the server."""
    try:
        done = subprocess.run(["strace", "-f", "--seccomp-bpf", "-e", "trace=accept", "-o", "/dev/null", "true"],
                              capture_output=True, timeout=10)
        return ["--seccomp-bpf"] if done.returncode == 0 else []
    except (OSError, subprocess.TimeoutExpired):
        return []


def herd_run_strace(ctx, spec, what, launch, env):
    folder = ctx.out / "herd"
    folder.mkdir(exist_ok=True)
    trace = folder / f"{spec.name}-{what.replace(' ', '').replace(',', '-').replace('=', '')}.strace"
    wrapper = ("strace", "-f", *strace_seccomp(), "-qq", "-e", "trace=accept,accept4", "-o", str(trace))
    server = start_server(ctx, spec, f"herd under strace, {what}", quiet=False, env=env, cpus=ALL_CPUS,
                          wrapper=wrapper, wrapper_forks=True, **launch)
    try:
        result = run_loadgen(ctx, server.url(ctx.herd_run.path), ctx.herd_run)
    finally:
        exit_status = server.stop()
    notes = [] if exit_status == "exit 0" else [f"{spec.name} herd under strace ({what}): {exit_status}"]
    calls = parse_accept_trace(trace.read_text(errors="replace")) if trace.exists() else {}
    if not calls:
        notes.append(f"{spec.name} herd under strace ({what}): no accept calls traced")
    # The prefork steps' own count in this run too: it must agree with the trace's.
    own = {int(pid): int(empty) for pid, _, empty in WORKER_LINE.findall(server.log_text())}
    rows = []
    for pid, results in sorted(calls.items()):
        accepted, eagain, futile = accept_counts(results)
        rows.append({"server": spec.name, "measured_by": "strace", "worker_pid": pid,
                     "connections_accepted": accepted, "wakeups_found_nothing": futile, "accept_eagain": eagain,
                     "exit_line_found_nothing": own.get(pid), "requests": result.get("requests", 0),
                     "rps": result.get("rps", ""), "errors": error_total(result)})
        if pid in own and abs(own[pid] - futile) > 1:  # 1: a worker's very first call (see accept_counts)
            notes.append(f"{spec.name} herd under strace ({what}): worker {pid} counted {own[pid]} wakeups "
                         f"that found nothing, the trace {futile}")
    return rows, notes


ACCEPT_CALL = re.compile(r"^(\d+)\s+(?:<\.\.\. accept4? resumed>|accept4?\()(.*)$")
ACCEPT_RESULT = re.compile(r"=\s+(-?\d+|\?)(?:\s+(E[A-Z0-9]+))?(?:\s+\([^()]*\))?\s*$")


def parse_accept_trace(text):
    """{pid: [result of each accept/accept4 call, in order]} from strace -f -o output: "ok" for a
    descriptor, else the errno name ("EAGAIN"). A call interrupted by strace's other threads
    shows as "<unfinished ...>" then "<... accept resumed>": it counts once, when it returns;
    a restarted call ("= ?") not at all."""
    calls = {}
    for line in text.splitlines():
        match = ACCEPT_CALL.match(line)
        if not match or line.rstrip().endswith("<unfinished ...>"):
            continue
        result = ACCEPT_RESULT.search(match.group(2))
        if not result or result.group(1) == "?":
            continue
        value = "ok" if int(result.group(1)) >= 0 else (result.group(2) or "error")
        calls.setdefault(int(match.group(1)), []).append(value)
    return calls


def accept_counts(results):
    """(connections accepted, EAGAIN results, futile wakeups) of one thread's accept results in
    order. A thread waits for the listener after every EAGAIN, so the call after an EAGAIN is the
    first of a wakeup: an EAGAIN right after an EAGAIN is a wakeup that found nothing. (The first
    call of a thread is never counted as one: the fiber steps try accept() before their first
    wait.)"""
    accepted = sum(1 for r in results if r == "ok")
    eagain = sum(1 for r in results if r == "EAGAIN")
    futile = sum(1 for before, r in zip(results, results[1:]) if r == "EAGAIN" and before == "EAGAIN")
    return accepted, eagain, futile


def herd_summary(rows):
    """One entry per (server, parallel, EPOLLEXCLUSIVE): the exit lines' and strace's figures, per
    worker and per connection accepted. Keys: server, parallel, epollexclusive, then for each of
    "exit" and "strace" (None when not measured): accepted and futile_each (lists per worker, or
    per thread that accepted), futile, eagain (strace) in all, futile_per_connection,
    eagain_per_connection, rps."""
    groups = {}
    for row in rows:
        key = (row["server"], row.get("parallel", f"--workers {HERD_PARALLEL}"), row.get("epollexclusive"))
        method = "strace" if row.get("measured_by") == "strace" else "exit"
        groups.setdefault(key, {}).setdefault(method, []).append(row)
    out = []
    for (server, parallel, exclusive), methods in groups.items():
        entry = {"server": server, "parallel": parallel, "epollexclusive": exclusive, "exit": None, "strace": None}
        for method, group in methods.items():
            accepted = sum(r["connections_accepted"] for r in group)
            futile = sum(r["wakeups_found_nothing"] for r in group)
            eagain = sum(r.get("accept_eagain") or 0 for r in group) if method == "strace" else None
            shown = [r for r in group if r["connections_accepted"] or method == "exit"]  # threads that accept
            entry[method] = {
                "accepted": [r["connections_accepted"] for r in shown],
                "futile_each": [r["wakeups_found_nothing"] for r in shown],
                "futile": futile, "eagain": eagain, "rps": group[0].get("rps"),
                "futile_per_connection": per_connection(futile, accepted),
                "eagain_per_connection": per_connection(eagain, accepted)}
        out.append(entry)
    return out


def per_connection(count, connections):
    """count / connections, None without connections (or without a count)."""
    if count is None or not connections:
        return None
    return count / connections


# ---------------------------------------------------------------------------------------------
# Study 3: loadgen against wrk on the same server
# ---------------------------------------------------------------------------------------------


def measured(run, server):
    """Runs run() and returns (its result, server CPU seconds, client CPU seconds). The client
    (loadgen or wrk) is a child we wait for, so its CPU shows up in RUSAGE_CHILDREN."""
    server_before = cpu_snapshot(server.tree())
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run()
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = cpu_seconds_between(server_before, cpu_snapshot(server.tree()))
    client_cpu = (client_after.ru_utime + client_after.ru_stime
                  - client_before.ru_utime - client_before.ru_stime)
    return result, server_cpu, client_cpu


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
