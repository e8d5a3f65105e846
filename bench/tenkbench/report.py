"""Writing the results folder: results.md, the CSV files, crosscheck.md."""

import csv

from .config import ALL_CPUS, CROSSCHECK_CONNECTIONS, CROSSCHECK_SECONDS, DETERMINISTIC_RUNS, QUIET_LOAD, \
    SWEEP, scenario_table
from .fmt import fmt_count, fmt_cpu, fmt_csv, fmt_duration, fmt_errors, fmt_rps, fmt_rps_cell, \
    fmt_us, fmt_us_number, md_table


def write_csv(path, rows, fields):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: fmt_csv(row.get(k)) for k in fields})


def syscalls_per_request(syscall_rows, server, scenario):
    for row in syscall_rows:
        if row["server"] == server and row["scenario"] == scenario and row["syscall"] == "total":
            return row["per_request"]
    return None


def deterministic_value(det_rows, server, kind, field):
    for row in det_rows:
        if row["server"] == server and row["kind"] == kind:
            return row.get(field)
    return None


def scenario_table_md(scenario, servers, summaries, syscall_rows, det_rows=()):
    """The markdown table of one scenario. c1 gets the deterministic counts at one keep-alive
    connection (the same load shape, under callgrind and strace)."""
    extra = {"idle": ["RSS / idle conn", "idle held", "idle open at end"],
             "slowloris": ["slow ones dropped", "first drop"]}.get(scenario.name, [])
    with_syscalls = scenario.name in ("seed", "close") and syscall_rows
    header = ["server", "req/s median [min–max]", "CPU µs/req", "p50", "p99", "errors/run"] + extra
    if with_syscalls:
        header.append("syscalls/req")
    with_counts = scenario.name == "c1" and det_rows
    if with_counts:
        header += ["instructions/req", "syscalls/req"]
    rows = []
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
        if with_counts:
            cells += [fmt_count(deterministic_value(det_rows, server, "keepalive", "instructions_per_request")),
                      fmt_syscalls(deterministic_value(det_rows, server, "keepalive", "syscalls_per_request"))]
        if s["exits"]:
            cells[0] += " ⚠"
        rows.append(cells)
    return md_table(header, rows)


def fmt_syscalls(value):
    return "–" if value is None else f"{value:.2f}"


DETERMINISTIC_HEADER = ["server", "keep-alive: instructions/req", "keep-alive: syscalls/req",
                        "close: instructions/req", "close: syscalls/req", "check"]


def deterministic_cells(det_rows, server):
    value = lambda kind, field: deterministic_value(det_rows, server, kind, field)
    checks = [f"{kind}: {value(kind, 'check')}" for kind in ("keepalive", "close")
              if value(kind, "check") not in (None, "ok")]
    verdict = "; ".join(checks) or ("ok" if value("keepalive", "check") else "–")
    return [server, fmt_count(value("keepalive", "instructions_per_request")),
            fmt_syscalls(value("keepalive", "syscalls_per_request")),
            fmt_count(value("close", "instructions_per_request")),
            fmt_syscalls(value("close", "syscalls_per_request")), verdict]


def deterministic_servers(det_rows):
    return list(dict.fromkeys(row["server"] for row in det_rows))


def deterministic_table_md(det_rows):
    return md_table(DETERMINISTIC_HEADER, [deterministic_cells(det_rows, s) for s in deterministic_servers(det_rows)])


def deterministic_text(det_rows):
    """The same table for a terminal: aligned columns."""
    rows = [DETERMINISTIC_HEADER] + [deterministic_cells(det_rows, s) for s in deterministic_servers(det_rows)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(DETERMINISTIC_HEADER) - 1)]
    return "\n".join("  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(r, widths)))
                     + "  " + r[-1] for r in rows)


def sweep_table_md(servers, summaries):
    header = ["server"] + [f"c={c:,}" for c, _ in SWEEP]
    rows = []
    for server in servers:
        cells = [server]
        for _, scenario in SWEEP:
            s = summaries.get((scenario, server))
            cells.append("–" if not s else fmt_rps(s["rps_median"]) if s["rps_median"] else "failed")
        rows.append(cells)
    return md_table(header, rows)


def syscall_value(syscall_rows, server, scenario, syscall, field):
    for row in syscall_rows:
        if (row["server"], row["scenario"], row["syscall"]) == (server, scenario, syscall):
            return row[field]
    return 0.0


def syscalls_table_md(servers, syscall_rows):
    header = ["server", "seed: calls/req", "close: calls/req", "close: accept/conn",
              "close: accept4/conn", "close: fcntl/conn"]
    rows = []
    for server in servers:
        if not any(row["server"] == server for row in syscall_rows):
            continue
        value = lambda scenario, syscall, field: syscall_value(syscall_rows, server, scenario, syscall, field)
        rows.append([server, f"{value('seed', 'total', 'per_request'):.2f}",
                     f"{value('close', 'total', 'per_request'):.2f}",
                     f"{value('close', 'accept', 'per_connection'):.2f}",
                     f"{value('close', 'accept4', 'per_connection'):.2f}",
                     f"{value('close', 'fcntl', 'per_connection'):.2f}"])
    return md_table(header, rows)


def herd_table_md(herd_rows):
    header = ["server", "EPOLLEXCLUSIVE", "accepted (per worker)", "wakeups found nothing (per worker)",
              "empty wakeups per 1000 connections", "req/s"]
    groups = {}
    for row in herd_rows:
        groups.setdefault((row["server"], row["epollexclusive"]), []).append(row)
    rows = []
    for (server, exclusive), group in groups.items():
        accepted = [r["connections_accepted"] for r in group]
        empty = [r["wakeups_found_nothing"] for r in group]
        ratio = 1000 * sum(empty) / sum(accepted) if sum(accepted) else 0
        rows.append([server, "on" if exclusive else "off", " + ".join(map(str, accepted)),
                     " + ".join(map(str, empty)), f"{ratio:.1f}", fmt_rps(group[0]["rps"] or None)])
    return md_table(header, rows)


HOW_TO_READ = """\
## How to read this

- **req/s** is the median of the repeats, with the slowest and fastest in brackets. The machine
  is shared and noisy: trust a ratio between two servers of the same run more than an absolute
  number, and a difference smaller than the spread not at all. † marks a server that hit the
  scenario's time cap before its request count (it was measured on fewer requests).
- **CPU µs/req** is the CPU time (user + system) of every process and thread of the server, over
  the load window, divided by the requests served. When the load generator, not the server, is
  the bottleneck (it has one core, like the server), req/s says little about the server but CPU
  per request still does: it is the number that compares servers fairly. It is read in
  nanoseconds from each process's CPU clock, which includes the threads that exited during the
  window (step 01's thread per connection); see bench/results/README.md for the one limit.
- **p50 / p99** latency is measured by the client, from the request's send() to the response's
  last byte; with 1000 connections it is mostly queueing. The steps that send header and body in
  two send() calls with Nagle on wait for the client's delayed ACK (~40 ms) on every keep-alive
  response: look at c1.
- **errors/run** is the median per run, by kind: bad_status includes the 503 that 02_select gives
  above FD_SETSIZE connections; connect/timeout mean refused or never answered.
- **syscalls/req** (seed, close) comes from a separate, shorter run under strace -f -c, with a
  no-load run's calls subtracted; see the system-calls section and syscalls.csv.
- **instructions/req, syscalls/req** in the c1 table are the deterministic counts: one client, one
  request at a time on one keep-alive connection, under callgrind (user-space instructions) and
  strace; they do not move with the machine's noise (see the section near the end).
- ⚠ after a server's name: it did not exit cleanly on SIGTERM in at least one run (see results.csv).
- The floor check (near the end) lists every scenario where a server beat the floor.
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
          f"Git {ctx.machine['git']}. {quiet_sentence(ctx)}", "", HOW_TO_READ]
    for name in ctx.scenarios:
        if name in scenarios:
            scenario = scenarios[name]
            md += [f"## {name}: {scenario.what}", "",
                   f"`loadgen {' '.join(scenario.loadgen_args())} http://127.0.0.1:PORT{scenario.path}`", "",
                   scenario_table_md(scenario, servers, summaries, results.syscall_rows, results.det_rows), ""]
    if all(name in ctx.scenarios for _, name in SWEEP):
        md += ["## Connections sweep: keep-alive /index.html, req/s median", "",
               sweep_table_md(servers, summaries), ""]
    md += studies_md(ctx, servers, results)
    if any(s.kind == "floor" for s in ctx.servers):
        md += floor_check_md(results.floor_flags)
    if ctx.plots:
        md += ["## Plots", "", " ".join(f"[{name}.svg]({name}.svg) ([png]({name}.png))" for name in ctx.plots), ""]
    if ctx.notes:
        md += ["## Notes", ""] + [f"- {note}" for note in ctx.notes] + [""]
    (ctx.out / "results.md").write_text("\n".join(md))


def floor_check_md(flags):
    md = ["## Floor check", "",
          "The floor must not lose: a server that beats it (req/s, CPU per request, instructions or "
          "system calls per request) by more than the spread of the repeats, and by more than 5% (15% "
          "with one repeat), "
          "shows work the floor does and need not. Then the floor is wrong and must be fixed.", ""]
    if not flags:
        return md + ["No server beat the floor.", ""]
    return md + [f"- **{flag}**" for flag in flags] + [""]


def quiet_sentence(ctx):
    """What the load average was when the timed runs started."""
    if ctx.quiet is None:
        return ""
    load, waited = ctx.quiet
    after = f" after waiting {waited:.0f} s" if waited >= 1 else ""
    if load < QUIET_LOAD:
        return f"Quiet machine: 1-minute load average {load:.2f} at the start{after}."
    return (f"**The machine was not quiet**: 1-minute load average {load:.2f} (≥ {QUIET_LOAD}) at the "
            f"start{after}; read the numbers with that in mind (results.csv: load_1m per run).")


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
    if "deterministic" in ctx.scenarios:
        md += deterministic_md(results)
    return md


def deterministic_md(results):
    runs = ", ".join(f"{kind} {n:,} requests" for kind, n in DETERMINISTIC_RUNS.items())
    md = ["## Deterministic counts: instructions and system calls per request, one connection", "",
          "The two columns that do not depend on the machine's noise. Each server serves /index.html to "
          f"one client, one request at a time ({runs}; close = one connection per request, "
          "\"Connection: close\"), once under `valgrind --tool=callgrind --trace-children=yes` "
          "(user-space instructions, every process) and once under `strace -f -c`; a run with no "
          "load (start, stop) is subtracted and the rest divided by the requests. Checked against "
          "bench/expectations.json (steps and floor; ±3% instructions, ±0.25 system calls). "
          "Per system call: syscalls.csv, scenarios c1-keepalive and c1-close; the callgrind "
          "profiles are in deterministic/.", "",
          deterministic_table_md(results.det_rows) if results.det_rows else "(no counts)", ""]
    md += [f"- **check failed**: {line}" for line in results.det_failures]
    md += [f"- warning: {line}" for line in results.det_warnings]
    return md + ([""] if results.det_failures or results.det_warnings else [])


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


def count_check(entry):
    """Do both clients count the same server work? Server CPU per counted request, side by side."""
    a, b = entry.get("loadgen_server_us"), entry.get("wrk_server_us")
    if not a or not b:
        return "server CPU per counted request: not measured"
    flag = " **differ by more than 15%**" if abs(a / b - 1) > 0.15 else " (agree within 15%)"
    return (f"server CPU per counted request {fmt_us_number(a)} vs {fmt_us_number(b)} µs{flag}; "
            f"client CPU per request {fmt_us_number(entry.get('loadgen_client_us'))} vs "
            f"{fmt_us_number(entry.get('wrk_client_us'))} µs")


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
                  f"{fmt_us_number(e.get('loadgen_server_us'))} / {fmt_us_number(e.get('wrk_server_us'))} | "
                  f"{fmt_us_number(e.get('loadgen_client_us'))} / {fmt_us_number(e.get('wrk_client_us'))} |")
    md.append("")
    for e in cross:
        if e.get("note"):
            md.append(f"- {e['server']}: {e['note']}")
        if e.get("wrk_output"):
            md += [f"wrk output, {e['server']}:", "", "```", e["wrk_output"], "```", ""]
    (ctx.out / "crosscheck.md").write_text("\n".join(md) + "\n")
