"""The file-size study: where does step 06 (header with send(MSG_MORE), body with sendfile())
start to cost less than step 05 (the file read() into memory, header and body in two send()
calls)? sendfile saves the read() and the copies through user space, which grow with the file;
for a small body the question is whether MSG_MORE + sendfile() (page references, a corked
socket) costs more than copying a few bytes twice.

For each size in SIZES a file of that many bytes is made at run time in a temporary document root
(size-<bytes>.bin; nothing is committed), and both servers are measured three ways, all with one
client on one keep-alive connection, one request at a time, TCP_QUICKACK set before every read
(the deterministic client of deterministic.py): 05 sends header and body in two send() calls with
Nagle on, so a client that delays its ACKs (loadgen) would make it wait ~40 ms for every
response, and its CPU per request would then measure the wait, not the work.

  instructions/req   callgrind, the no-load run subtracted (user space only: the copies the
                     kernel makes do not show here). 05's grow by about one per byte: its
                     buffer is zero-filled by glibc's memset with `rep stosb`, and callgrind
                     counts each iteration of a rep-prefixed instruction as one;
  syscalls/req       strace -f -c, likewise;
  CPU µs/req         the server's CPU time (user + system, its process CPU clock) over N requests
                     sent back to back by the same client pinned to the client CPU, the server
                     pinned to the server CPU: the number that includes the kernel's copies.

The crossover is the smallest size from which on 06 costs less than 05 at every larger size too
(crossover()); results.md gives it for each of the three measures.
"""

import concurrent.futures
import math
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .cli import cpu_list
from .config import SIZES, SIZES_DETERMINISTIC_REQUESTS, SIZES_SERVERS, SIZES_TIMED_BYTES, \
    SIZES_TIMED_REQUESTS, SMOKE_SIZES_STUDY
from .deterministic import ExchangeError, counted_run, exchange
from .fmt import fmt_size
from .procfs import cpu_seconds_between, cpu_snapshot
from .servers import ServerSpec, ServerStartError, start_server
from .studies import syscall_rows

SIZES_FIELDS = ["server", "size", "path", "instructions_per_request", "syscalls_per_request",
                "deterministic_requests", "cpu_us_per_request", "cpu_us_per_request_min",
                "cpu_us_per_request_max", "cpu_us_runs", "timed_requests", "rps"]
WARMUP_REQUESTS = 20  # before each timed run: the file in the page cache, the server's paths warm


def study_plan(profile):
    """(sizes, deterministic requests per size, (min, max) timed requests) for the profile."""
    if profile == "smoke":
        return SMOKE_SIZES_STUDY["sizes"], SMOKE_SIZES_STUDY["deterministic_requests"], \
            SMOKE_SIZES_STUDY["timed_requests"]
    return SIZES, SIZES_DETERMINISTIC_REQUESTS, SIZES_TIMED_REQUESTS


def file_name(size):
    return f"size-{size}.bin"


def make_root(sizes):
    """A temporary document root with one file per size (a repeated byte pattern)."""
    root = Path(tempfile.mkdtemp(prefix="tenk-sizes-www-"))
    pattern = bytes(range(256))
    for size in sizes:
        (root / file_name(size)).write_bytes((pattern * (size // 256 + 1))[:size])
    return root


def timed_requests(size, limits, budget=SIZES_TIMED_BYTES):
    """Requests of a timed run: about `budget` bytes, within limits = (fewest, most)."""
    low, high = limits
    return max(low, min(high, budget // size))


def measure_sizes(ctx, progress=print):
    """The study: (rows for sizes.csv, notes). Servers: SIZES_SERVERS that are built."""
    sizes, det_requests, timed_limits = study_plan(ctx.profile)
    specs = [ServerSpec(name, "step") for name in SIZES_SERVERS]
    root = make_root(sizes)
    notes = []
    try:
        counts, det_notes = deterministic_counts(ctx, specs, sizes, det_requests, root, progress)
        notes += det_notes
        cpu, timed_notes = timed_cpu(ctx, specs, sizes, timed_limits, root, progress)
        notes += timed_notes
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = []
    for spec in specs:
        for size in sizes:
            instructions, syscalls = counts.get((spec.name, size), (None, None))
            runs = cpu.get((spec.name, size), {"us": [], "requests": None, "rps": []})
            rows.append({"server": spec.name, "size": size, "path": "/" + file_name(size),
                         "instructions_per_request": instructions, "syscalls_per_request": syscalls,
                         "deterministic_requests": det_requests,
                         "cpu_us_per_request": statistics.median(runs["us"]) if runs["us"] else None,
                         "cpu_us_per_request_min": min(runs["us"]) if runs["us"] else None,
                         "cpu_us_per_request_max": max(runs["us"]) if runs["us"] else None,
                         "cpu_us_runs": [f"{us:.2f}" for us in runs["us"]], "timed_requests": runs["requests"],
                         "rps": statistics.median(runs["rps"]) if runs["rps"] else None})
    return rows, notes


def deterministic_counts(ctx, specs, sizes, requests, root, progress):
    """{(server, size): (instructions/req, syscalls/req)}: callgrind and strace runs of
    `requests` keep-alive requests per size, minus one no-load run per server and tool; all runs
    in parallel, one per CPU (nothing they share changes a count)."""
    jobs = [(spec, tool, size) for spec in specs for tool in ("callgrind", "strace") for size in (0, *sizes)]

    def run(job):
        spec, tool, size = job
        folder = ctx.out / "deterministic" / "sizes" / spec.name / f"{tool}-{size or 'baseline'}"
        return counted_run(ctx, spec, tool, f"size {size or 'baseline'}", requests if size else 0,
                           keepalive=True, path="/" + file_name(size or sizes[0]), root=str(root), folder=folder)

    results, notes = {}, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(os.sched_getaffinity(0)))) as pool:
        futures = {pool.submit(run, job): job for job in jobs}
        for future in concurrent.futures.as_completed(futures):
            spec, tool, size = futures[future]
            try:
                results[(spec.name, tool, size)] = future.result()
            except ServerStartError as e:
                notes.append(f"sizes {spec.name} {tool} {size or 'baseline'}: failed to start: {e}")
    counts = {}
    for spec in specs:
        for size in sizes:
            runs = {tool: (results.get((spec.name, tool, size)), results.get((spec.name, tool, 0)))
                    for tool in ("callgrind", "strace")}
            for tool, pair in runs.items():
                for run_result in filter(None, pair):
                    notes += [f"sizes {spec.name} {size} B {tool}: {note}" for note in run_result["notes"]]
                    if run_result["exit"] != "exit 0":
                        notes.append(f"sizes {spec.name} {size} B {tool}: server {run_result['exit']}")
            if None in runs["callgrind"] + runs["strace"]:
                continue
            (loaded, baseline), (traced, traced_baseline) = runs["callgrind"], runs["strace"]
            instructions = (loaded["count"] - baseline["count"]) / requests
            calls = syscall_rows(spec.name, f"size-{size}", traced["count"], traced_baseline["count"], requests, 1)
            counts[(spec.name, size)] = (round(instructions, 1), round(calls[-1]["calls"] / requests, 3))
        progress(f"sizes {spec.name}: " + ", ".join(
            f"{size} B {counts[(spec.name, size)][0]:,.0f} instr {counts[(spec.name, size)][1]:.2f} calls"
            for size in sizes if (spec.name, size) in counts))
    return counts, sorted(set(notes))


def timed_cpu(ctx, specs, sizes, limits, root, progress):
    """{(server, size): {"us": [CPU µs/req per repeat], "requests": N, "rps": [...]}}: for each
    repeat, size and server (order rotated every repeat), a fresh server pinned to the server CPU
    serves WARMUP_REQUESTS, then N requests back to back to the deterministic client, which runs
    in this process pinned to the client CPU."""
    out, notes = {}, []
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, set(cpu_list(ctx.client_cpu)))  # this thread only
    try:
        for repeat in range(1, ctx.repeat + 1):
            shift = (repeat - 1) % len(specs)
            for size in sizes:
                for spec in specs[shift:] + specs[:shift]:
                    requests = timed_requests(size, limits)
                    try:
                        cpu_us, rps = timed_run(ctx, spec, size, requests, root)
                    except (ServerStartError, OSError, ExchangeError) as e:
                        notes.append(f"sizes {spec.name} {size} B, repeat {repeat}: {e}")
                        continue
                    entry = out.setdefault((spec.name, size), {"us": [], "requests": requests, "rps": []})
                    entry["us"].append(cpu_us)
                    entry["rps"].append(rps)
            progress(f"sizes, CPU per request, repeat {repeat}: " + ", ".join(
                f"{size} B " + " / ".join(f"{out[(s.name, size)]['us'][-1]:.1f}" for s in specs
                                          if (s.name, size) in out) + " µs" for size in sizes))
    finally:
        os.sched_setaffinity(0, allowed)
    return out, notes


def timed_run(ctx, spec, size, requests, root):
    """(server CPU µs per request, requests per second) of one timed run."""
    server = start_server(ctx, spec, f"sizes, {size} B", root=str(root))
    try:
        path = "/" + file_name(size)
        exchange(server.port, WARMUP_REQUESTS, keepalive=True, path=path)
        pids = server.tree()
        before, start = cpu_snapshot(pids), time.monotonic()
        exchange(server.port, requests, keepalive=True, path=path)
        seconds, after = time.monotonic() - start, cpu_snapshot(pids)
    finally:
        server.stop()
    return cpu_seconds_between(before, after) * 1e6 / requests, requests / seconds


# ---------------------------------------------------------------------------------------------
# The crossover
# ---------------------------------------------------------------------------------------------


def crossover(sizes, cost_a, cost_b):
    """Where b starts to cost less than a. sizes ascending; cost_a, cost_b the costs at each size
    (None where not measured: that size is left out). Returns a dict:

      index     the first size (in the measured ones) from which on b < a at every larger size;
                None if b is not cheaper at the largest size; 0 if b is cheaper everywhere
      low, high the sizes around the crossover (low None when index is 0, both None when index
                is None)
      estimate  where the difference b - a crosses zero between low and high, linear in log(size)
      monotonic False when b was cheaper at some size below low too (noise, or a real bump)
    """
    points = [(s, a, b) for s, a, b in zip(sizes, cost_a, cost_b) if a is not None and b is not None]
    result = {"index": None, "low": None, "high": None, "estimate": None, "monotonic": True}
    if not points:
        return result
    index = len(points)
    while index > 0 and points[index - 1][2] < points[index - 1][1]:
        index -= 1
    if index == len(points):
        result["monotonic"] = not any(b < a for _, a, b in points)
        return result
    result["index"] = index
    result["high"] = points[index][0]
    if index == 0:
        result["estimate"] = points[0][0]
        return result
    (low, a0, b0), (high, a1, b1) = points[index - 1], points[index]
    d0, d1 = b0 - a0, b1 - a1  # d0 >= 0 > d1
    fraction = d0 / (d0 - d1) if d0 != d1 else 0.5
    result["low"] = low
    result["estimate"] = math.exp(math.log(low) + fraction * (math.log(high) - math.log(low)))
    result["monotonic"] = not any(b < a for _, a, b in points[:index - 1])
    return result


def spread_verdict(a, b):
    """Compares two (median, min, max): "less" when b's max is below a's min (b costs less beyond
    the spread of the repeats), "more" when b's min is above a's max, "within the spread" when
    the ranges overlap, None without values. With one repeat the ranges are single points."""
    if a is None or b is None or None in a or None in b:
        return None
    if b[2] < a[1]:
        return "less"
    if b[1] > a[2]:
        return "more"
    return "within the spread"


def spread_sentence(sizes, verdicts, a, b, what):
    """Where b costs less, more, or the same as a, beyond the spread of the repeats."""
    groups = {}
    for size, verdict in zip(sizes, verdicts):
        if verdict:
            groups.setdefault(verdict, []).append(fmt_size(size))
    parts = [f"{b} costs less beyond the spread at {', '.join(groups['less'])}" if "less" in groups
             else f"{b} never costs less beyond the spread",
             f"more at {', '.join(groups['more'])}" if "more" in groups else "never more",
             f"within the spread at {', '.join(groups['within the spread'])}" if "within the spread" in groups
             else ""]
    return f"{what}, against {a}: " + "; ".join(filter(None, parts))


def crossover_sentence(result, a, b, what):
    """One line of results.md about one measure's crossover."""
    if result["index"] is None:
        return (f"{what}: {b} does not cost less than {a} at the largest size"
                + ("" if result["monotonic"] else " (though it does at some smaller size)"))
    if result["index"] == 0:
        return f"{what}: {b} costs less than {a} at every size measured (from {fmt_size(result['high'])})"
    line = (f"{what}: {b} costs less than {a} from {fmt_size(result['high'])} on (crossover between "
            f"{fmt_size(result['low'])} and {fmt_size(result['high'])}, about {fmt_size(result['estimate'])})")
    if not result["monotonic"]:
        line += "; not monotonic: it also costs less at some size below"
    return line
