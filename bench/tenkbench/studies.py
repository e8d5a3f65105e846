"""The three studies that need their own setup: system calls per request (strace -f -c), the
thundering herd of the prefork steps, and loadgen against wrk on the same server."""

import re
import resource
from pathlib import Path

from .client import error_total, run_loadgen, run_wrk
from .config import ALL_CPUS, CROSSCHECK_CONNECTIONS, CROSSCHECK_SECONDS, Scenario
from .procfs import cpu_seconds_between, cpu_snapshot
from .servers import ServerStartError, start_server
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
    """One row per system call the load made (calls minus the baseline's), then the total."""
    rows, total = [], 0
    for syscall in sorted(set(calls) | set(baseline)):
        net = max(0, calls.get(syscall, 0) - baseline.get(syscall, 0))
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
