"""The run: the interleaved measurements, the studies, the reports; main()."""

import dataclasses
import datetime
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from .cli import Context, default_out, parse_args, raise_fd_limit
from .config import BIN, ERROR_KINDS, EXPECTATIONS, LOADGEN, QUIET_LOAD, STUDIES, scenario_table
from .deterministic import DETERMINISTIC_FIELDS, SHIM_NOTE, check_rows, load_expectations, measure_all, \
    openat2_shim_needed, toolchain, updated_expectations, write_expectations
from .fmt import fmt_cpu, fmt_duration, fmt_rps, fmt_us
from .machine import write_machine_txt
from .measure import RESULT_FIELDS, measure
from .plots import plots
from .procfs import load_average
from .report import deterministic_text, write_crosscheck_md, write_csv, write_results_md
from .servers import stop_everything
from .scaling import measure_scaling, write_scaling
from .sizes import SIZES_FIELDS, measure_sizes
from .studies import HERD_FIELDS, crosscheck, herd_configs, measure_herd, measure_syscalls
from .summary import SUMMARY_FIELDS, floor_check, summarize


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
    herd_na: list = dataclasses.field(default_factory=list)  # steps without workers or threads
    cross: list = dataclasses.field(default_factory=list)  # crosscheck.md
    det_rows: list = dataclasses.field(default_factory=list)  # deterministic.csv
    det_syscall_rows: list = dataclasses.field(default_factory=list)  # syscalls.csv, c1-* scenarios
    det_failures: list = dataclasses.field(default_factory=list)  # against bench/expectations.json
    det_warnings: list = dataclasses.field(default_factory=list)
    floor_flags: list = dataclasses.field(default_factory=list)  # where a server beat the floor
    size_rows: list = dataclasses.field(default_factory=list)  # sizes.csv
    scaling_rows: list = dataclasses.field(default_factory=list)  # scaling.csv
    scaling_thread_rows: list = dataclasses.field(default_factory=list)  # scaling_threads.csv
    scaling_extra: dict = dataclasses.field(default_factory=dict)  # nginx's futile wake-ups


def wait_for_quiet(ctx):
    """Waits (at most ctx.max_wait seconds) for the 1-minute load average to drop below
    QUIET_LOAD; remembers the load it started with and how long it waited."""
    start = time.monotonic()
    load = load_average()
    while load >= QUIET_LOAD and time.monotonic() - start < ctx.max_wait:
        print(f"waiting for a quiet machine: 1-minute load average {load:.2f} "
              f"(≥ {QUIET_LOAD}; at most {ctx.max_wait} s, --max-wait)", flush=True)
        time.sleep(min(10, max(0.0, ctx.max_wait - (time.monotonic() - start))))
        load = load_average()
    ctx.quiet = (load, time.monotonic() - start)
    if load >= QUIET_LOAD:
        ctx.notes.append(f"the machine was not quiet: the 1-minute load average was {load:.2f} "
                         f"(≥ {QUIET_LOAD}) when the measurements started, after waiting "
                         f"{ctx.quiet[1]:.0f} s; the load at the start of every run is in results.csv (load_1m)")


def run_ladder(ctx, results):
    """The interleaved measurements, then the studies, appended to `results` as they finish."""
    table = scenario_table(ctx.profile)
    load_scenarios = [table[name] for name in ctx.scenarios if name in table]
    if load_scenarios or {"syscalls", "herd", "crosscheck", "sizes", "scaling"} & set(ctx.scenarios):
        wait_for_quiet(ctx)
    runs = lambda spec, scenario: spec.runs(scenario.name) and not (
        spec.kind == "floor" and scenario.path != "/index.html")  # the floor answers every path alike
    total, done = ctx.repeat * sum(runs(spec, s) for s in load_scenarios for spec in ctx.servers), 0
    if any(s.kind == "floor" for s in ctx.servers) and any(s.path != "/index.html" for s in load_scenarios):
        ctx.notes.append("floor: not run on the scenarios that fetch another file than /index.html "
                         "(bigfile): it answers every path with the same 151 bytes")
    limited = [s for s in ctx.servers if s.only]
    if limited and load_scenarios:
        ctx.notes.append("; ".join(f"{s.name}: only in {', '.join(s.only)}" for s in limited)
                         + " (name it with --servers to run it everywhere)")
    for repeat in range(1, ctx.repeat + 1):
        shift = (repeat - 1) % max(1, len(ctx.servers))
        order = ctx.servers[shift:] + ctx.servers[:shift]
        for scenario in load_scenarios:
            for spec in order:
                if not runs(spec, scenario):
                    continue
                row = measure(ctx, spec, scenario, repeat)
                results.rows.append(row)
                done += 1
                progress(ctx, done, total, f"r{repeat} {scenario.name:<9} {spec.name:<20} {describe_row(row)}")

    if "syscalls" in ctx.scenarios:
        for spec in ctx.servers:
            if not spec.runs("syscalls"):
                continue
            progress(ctx, done, total, f"syscalls {spec.name}: under strace -f -c")
            new_rows, notes = measure_syscalls(ctx, spec)
            results.syscall_rows += new_rows
            ctx.notes += notes
    if "herd" in ctx.scenarios:
        for spec in ctx.servers:
            if spec.kind != "step" or not spec.runs("herd"):
                continue
            if not herd_configs(spec):
                results.herd_na.append(spec.name)
                continue
            progress(ctx, done, total, f"herd {spec.name}: "
                     + ", ".join(f"{flag} 2" + ("" if ex is None else f" EPOLLEXCLUSIVE={ex}")
                                 for flag, ex in herd_configs(spec)) + "; exit lines and strace")
            new_rows, notes = measure_herd(ctx, spec)
            results.herd_rows += new_rows
            ctx.notes += notes
    if "crosscheck" in ctx.scenarios:
        for spec in ctx.servers:
            if spec.name in ("floor", "nginx"):
                progress(ctx, done, total, f"crosscheck {spec.name}: loadgen, then wrk")
                results.cross.append(crosscheck(ctx, spec))
    if "deterministic" in ctx.scenarios:
        progress(ctx, done, total, "deterministic: instructions (callgrind) and system calls (strace) "
                 "per request at one connection")
        run_deterministic(ctx, results, lambda text: progress(ctx, done, total, text))
    if "sizes" in ctx.scenarios:
        progress(ctx, done, total, "sizes: 05 against 06 over file sizes (callgrind, strace, CPU per request)")
        results.size_rows, notes = measure_sizes(ctx, lambda text: progress(ctx, done, total, text))
        ctx.notes += notes
    if "scaling" in ctx.scenarios:
        progress(ctx, done, total, "scaling: 04, 11 and nginx at 1 and 2 threads, per-thread CPU (scaling.py)")
        specs = {s.name: s for s in ctx.servers if s.name in ("04_prefork", "11_parallel_io_managers", "nginx")}
        rows, thread_rows, extra, notes = measure_scaling(ctx, specs, lambda text: progress(ctx, done, total, text))
        results.scaling_rows, results.scaling_thread_rows, results.scaling_extra = rows, thread_rows, extra
        ctx.notes += notes


def run_deterministic(ctx, results, report):
    """The deterministic counts of every server, checked against (or written into) the
    committed expectations."""
    rows, by_kind, notes = measure_all(ctx, [s for s in ctx.servers if s.runs("deterministic")], report)
    results.det_rows += rows
    results.det_syscall_rows += by_kind
    ctx.notes += notes
    if any(spec.kind == "step" for spec in ctx.servers) and openat2_shim_needed():
        ctx.notes.append(SHIM_NOTE)
    here = toolchain()
    expectations = load_expectations(EXPECTATIONS)
    if ctx.update_expectations:
        if notes:
            results.det_failures.append("bench/expectations.json NOT updated: the runs had problems (see the notes)")
            return
        expectations = updated_expectations(expectations, rows, here)
        write_expectations(EXPECTATIONS, expectations)
        ctx.notes.append(f"bench/expectations.json updated for: "
                         f"{', '.join(sorted({r['server'] for r in rows if not r['peer']}))}")
    results.det_failures, results.det_warnings = check_rows(rows, expectations, here)


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
    for spec in ctx.servers:
        log = ctx.out / "peers" / spec.name / "error.log"
        if spec.kind == "peer" and log.exists():
            notes += peer_log_summary(spec.name, log.read_text(errors="replace"))
    return notes


def peer_log_summary(name, text):
    routine = re.compile(r"server started|server stopped|gracefully shutting down|exiting|exit$")
    counts = {}
    for line in text.splitlines():
        if line.strip() and not routine.search(line):
            message = re.sub(r"^[\d/:\- ]+", "", line)  # without the timestamp
            message = re.sub(r"\d+#\d+: (\*\d+ )?", "", message)  # nginx pid#tid and connection
            counts[message] = counts.get(message, 0) + 1
    if not counts:
        return []
    return [f"{name} error.log: " + "; ".join(f"{n}× {message[:160]}" for message, n in counts.items())]


def write_reports(ctx, results, load_before):
    rows, syscall_rows, herd_rows = results.rows, results.syscall_rows, results.herd_rows
    servers = [s.name for s in ctx.servers]
    load_names = [n for n in ctx.scenarios if n not in STUDIES]
    summaries = summarize(rows, load_names, servers)
    results.floor_flags = floor_check(summaries, load_names, servers, results.det_rows)
    ctx.notes += exit_notes(rows) + peer_log_notes(ctx)
    write_csv(ctx.out / "results.csv", rows, RESULT_FIELDS)
    write_csv(ctx.out / "summary.csv", summaries.values(), SUMMARY_FIELDS)
    if {"syscalls", "deterministic"} & set(ctx.scenarios):
        write_csv(ctx.out / "syscalls.csv", syscall_rows + results.det_syscall_rows,
                  ["server", "scenario", "syscall", "calls", "per_request", "per_connection",
                   "requests", "connections"])
    if "herd" in ctx.scenarios:
        write_csv(ctx.out / "herd.csv", herd_rows, HERD_FIELDS)
    if "crosscheck" in ctx.scenarios:
        write_crosscheck_md(ctx, results.cross)
    if "deterministic" in ctx.scenarios:
        write_csv(ctx.out / "deterministic.csv", results.det_rows, DETERMINISTIC_FIELDS)
    if "sizes" in ctx.scenarios:
        write_csv(ctx.out / "sizes.csv", results.size_rows, SIZES_FIELDS)
    plots(ctx, summaries, results)
    if "scaling" in ctx.scenarios and results.scaling_rows:
        write_scaling(ctx, results.scaling_rows, results.scaling_thread_rows, results.scaling_extra, write_csv)
        ctx.notes.append("scaling: the model's inputs, predictions and the 2-thread check are in scaling.md "
                         "(scaling*.csv, scaling.svg)")
    write_machine_txt(ctx, load_before)
    write_results_md(ctx, summaries, results)
    return summaries


def print_summary(ctx, summaries, results):
    servers = [s.name for s in ctx.servers]
    names = [n for n in ctx.scenarios if n not in STUDIES]
    width = max([len(s) for s in servers] + [6])
    if names:
        print("\nreq/s, median of the repeats (CPU µs per request below, for seed):")
        print(" " * width + "".join(f"{n:>11}" for n in names))
    for server in servers if names else []:
        cells = []
        for name in names:
            s = summaries.get((name, server))
            cells.append("–" if not s else fmt_rps(s["rps_median"]) if s["rps_median"] else "failed")
        print(f"{server:<{width}}" + "".join(f"{c:>11}" for c in cells))
    if "seed" in names:
        print("CPU µs/req, seed: " + ", ".join(
            f"{s} {fmt_cpu((summaries.get(('seed', s)) or {}).get('cpu_us_per_request'))}" for s in servers))
    print_deterministic(results)
    for flag in results.floor_flags:
        print(f"floor check: {flag}")
    for note in ctx.notes:
        print(f"note: {note}")


def print_deterministic(results):
    if not results.det_rows:
        return
    print("\n" + deterministic_text(results.det_rows))
    for warning in results.det_warnings:
        print(f"deterministic: warning: {warning}")
    for failure in results.det_failures:
        print(f"deterministic: FAILED: {failure}", file=sys.stderr)


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
    if "deterministic" in ctx.scenarios:
        counted = {row["server"] for row in results.det_rows}
        problems += [f"deterministic {s.name}: no counts" for s in ctx.servers if s.name not in counted]
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
    print_summary(ctx, summaries, results)
    print(f"\nresults: {ctx.out / 'results.md'} (took {fmt_duration(ctx.elapsed())})")
    if interrupted:
        return 130
    problems = smoke_problems(ctx, results) if ctx.profile == "smoke" else []
    for problem in problems:
        print(f"smoke: FAILED: {problem}", file=sys.stderr)
    if ctx.profile in ("smoke", "deterministic"):
        problems += results.det_failures  # printed above, with the table
    return 1 if problems else 0
