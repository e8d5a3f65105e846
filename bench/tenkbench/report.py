"""Writing the results folder: results.md, the CSV files, crosscheck.md."""

import csv

from .config import ALL_CPUS, CLOCK_TICKS_PER_S, CROSSCHECK_CONNECTIONS, CROSSCHECK_SECONDS, DETERMINISTIC_RUNS, \
    HERD_PARALLEL, QUIET_LOAD, SIZES_SERVERS, SPLIT_MIN_TICKS, SWEEP, TICK_NS, scenario_table
from .fmt import fmt_count, fmt_cpu, fmt_csv, fmt_duration, fmt_errors, fmt_rps, fmt_rps_cell, \
    fmt_size, fmt_us, fmt_us_number, md_table
from .numbers import write_numbers_md
from .procfs import split_bound_ns
from .servers import split_variant
from .sizes import crossover, crossover_sentence, spread_sentence, spread_verdict
from .studies import herd_summary
from .summary import best_floor


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
             "slowloris": ["timeout T", "slow ones dropped", "dropped after: first / median",
                           "req/s vs seed"]}.get(scenario.name, [])
    with_syscalls = scenario.name in ("seed", "close") and syscall_rows
    header = ["server", "req/s median [min–max]", "CPU µs/req", "user / kernel µs/req (kernel %)", "p50", "p99",
              "errors/run"] + extra
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
        cells = [server, fmt_rps_cell(s), fmt_cpu(s["cpu_us_per_request"]), fmt_split(s),
                 fmt_us(s["p50_us"]), fmt_us(s["p99_us"]), fmt_errors(s)]
        if scenario.name == "idle":
            rss = s["rss_per_idle_kib"]
            cells += ["–" if rss is None else f"{rss:.1f} KiB", fmt_count(s["idle_held"]),
                      fmt_count(s["idle_open_at_end"])]
        if scenario.name == "slowloris":
            cells += slowloris_cells(s, summaries.get(("seed", server)), scenario.duration)
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


def window_sentence(scenario, servers, summaries):
    """What the scenario's req/s, latency and CPU cover: the window of warm connections (and the
    connections opened inside it anyway), or the whole run."""
    if not scenario.window:
        what = ("every connection's connect, request and close: the setup cost, see \"Connection setup\" below"
                if not scenario.keepalive else "the extra connections' setup and the load's connects and closes included")
        return f"Measured over the whole run: {what}."
    extras = (f" (the {scenario.idle:,} idle connections were opened before)" if scenario.idle else "")
    which = ("the one load connection is open and has answered" if scenario.connections == 1 else
             f"all {scenario.connections:,} load connections are open and have each answered")
    text = (f"Measured in a window: from the moment {which} one warm-up request{extras}, to the last timed "
            "response; the connects, the warm-up and the closes are outside it.")
    rows = [(server, summaries[(scenario.name, server)]) for server in servers if (scenario.name, server) in summaries]
    opened = [(server, s["connections_opened_in_window"]) for server, s in rows
              if s.get("connections_opened_in_window") not in (None, "", 0)]
    if rows and not opened and any(s.get("connections_opened_in_window") is not None for _, s in rows):
        text += " Connections opened in the window: none."
    elif opened:
        text += (" Connections opened in the window anyway (median per run; reconnects after an error or the "
                 "server's close): " + ", ".join(f"{server} {fmt_count(n)}" for server, n in opened) + ".")
    whole = [server for server, s in rows if s.get("cpu_window") and s["cpu_window"] != "warm connections"]
    if whole:
        text += f" **Not windowed** (loadgen gave no window edges, so the whole run): {', '.join(whole)}."
    return text


# The keep-alive scenario whose CPU per request is subtracted from close's CPU per connection, in
# order of preference: c100 has close's 100 connections.
SETUP_REFERENCES = ("c100", "seed")


def setup_md(servers, summaries):
    """Connection setup, apart: close's CPU per accepted connection, and what is left of it after
    a keep-alive request's CPU (the setup alone, roughly). Nothing when close did not run."""
    rows = []
    for server in servers:
        s = summaries.get(("close", server))
        if not s or s.get("cpu_us_per_connection") is None:
            continue
        reference = next((name for name in SETUP_REFERENCES
                          if (summaries.get((name, server)) or {}).get("cpu_us_per_request") is not None), None)
        per_request = summaries[(reference, server)]["cpu_us_per_request"] if reference else None
        cell = fmt_cpu(s["cpu_us_per_connection"])
        if s["ok_runs"] > 1:
            cell += f" [{fmt_cpu(s['cpu_us_per_connection_min'])}–{fmt_cpu(s['cpu_us_per_connection_max'])}]"
        rows.append([server, cell, fmt_count(s.get("connections_opened_in_window")),
                     "–" if per_request is None else f"{fmt_cpu(per_request)} ({reference})",
                     "–" if per_request is None else fmt_cpu(s["cpu_us_per_connection"] - per_request)])
    if not rows:
        return []
    return ["## Connection setup, apart from the windows", "",
            "The keep-alive scenarios are measured in a window of warm connections; what a connection costs "
            "is measured by `close`, over its whole run: the server's CPU time divided by the connections "
            "loadgen opened (each accepted, served one request, closed). That includes, in the server's "
            "processes: the accept call and whatever the server does per connection (descriptor flags, an "
            "epoll registration, a thread or fiber), reading and parsing the one request, sending the 151-byte "
            "response, and the close; and the kernel's TCP work for the handshake and teardown where it runs "
            "in the server's context (on loopback much of it runs in the client's and is not counted here). "
            "\"Beyond a keep-alive request\" subtracts the same server's CPU per request in a window of warm "
            "connections (c100, the same 100 connections, else seed): roughly the setup alone.", "",
            md_table(["server", "close: CPU µs per accepted connection", "connections per run",
                      "keep-alive request, CPU µs", "beyond a keep-alive request, µs"], rows), ""]


def fmt_split(s):
    """The user/kernel cell of a summary row: "1.6 / 4.7 (75%)", with the runs it comes from when
    not all; why not where no run could be split ("too short"); "–" without a CPU figure."""
    if s.get("system_us_per_request") is None:
        return (s.get("split_note") or "–") if s.get("cpu_us_per_request") is not None else "–"
    cell = f"{fmt_cpu(s['user_us_per_request'])} / {fmt_cpu(s['system_us_per_request'])} ({fmt_share(s)}"
    if s["split_runs"] < s["ok_runs"]:
        cell += f"; {s['split_runs']} of {s['ok_runs']} runs"
    return cell + ")"


def fmt_share(s):
    share = s.get("system_share")
    return "–" if share is None else f"{share * 100:.0f}%"


def tick_agreement(rows):
    """How the ticks agree with the ns totals over every run that measured CPU: {"runs",
    "within" (|error| <= 2 ticks × processes), "largest_ms" (signed), "split", "short",
    "outside": [(scenario, server, error ms, bound ms)]}."""
    out = {"runs": 0, "within": 0, "largest_ms": None, "split": 0, "short": 0, "outside": []}
    for row in rows:
        error, processes = row.get("cpu_tick_error_us"), row.get("cpu_processes")
        if error in (None, "") or processes in (None, ""):
            continue
        out["runs"] += 1
        bound_ms = split_bound_ns(processes) / 1e6
        if abs(error) / 1e3 <= bound_ms:
            out["within"] += 1
        else:
            out["outside"].append((row["scenario"], row["server"], error / 1e3, bound_ms))
        if out["largest_ms"] is None or abs(error) / 1e3 > abs(out["largest_ms"]):
            out["largest_ms"] = error / 1e3
        out["split"] += row.get("user_us_per_request") not in (None, "")
        out["short"] += str(row.get("cpu_split_note") or "").startswith("too short")
    return out


def cpu_split_md(servers, scenario_names, summaries, rows):
    """The section on user and kernel time: how the split is made, the ticks' agreement with the
    ns totals, and the kernel's share per server and scenario."""
    tick_ms = TICK_NS / 1e6
    md = ["## Where the time goes: user and kernel", "",
          "The CPU time of every run split into user space and the kernel's work in the server's own "
          "context (its system calls and the TCP stack under them, its page faults). The total is the "
          "CPU clock's, in ns; the "
          f"split comes from /proc/PID/stat's utime and stime, which count in clock ticks ({CLOCK_TICKS_PER_S} "
          f"a second: {tick_ms:g} ms): the kernel charges each tick to user or system by what the "
          "CPU was doing, and reports the exact runtime divided in that proportion, truncated to whole "
          "ticks. Each run's total is divided in its user : system ticks (the parts add up to the total "
          "exactly); the summary applies the median share of the runs to the median CPU per request. "
          f"A run with fewer than {SPLIT_MIN_TICKS} ticks ({SPLIT_MIN_TICKS * tick_ms:g} ms of CPU) is "
          "not split (\"too short\": each part is uncertain by about 2 ticks per process, more than 10% "
          "of so few); the tables above give user / kernel µs per request and the kernel's share, and "
          "results.csv the raw ticks (cpu_user_ticks, cpu_system_ticks).", ""]
    check = tick_agreement(rows)
    if check["runs"]:
        md.append(f"Resolution check: (utime + stime) × {tick_ms:g} ms against the ns total, which it must "
                  f"match to within 2 ticks per process sampled: {check['within']} of {check['runs']} runs "
                  f"agree (largest difference {check['largest_ms']:+.1f} ms; results.csv: cpu_tick_error_us). "
                  f"{check['split']} run{'s' * (check['split'] != 1)} split, {check['short']} too short.")
        md += [f"- **disagrees**: {scenario} {server}: {error:+.1f} ms, more than {bound:g} ms; not split"
               for scenario, server, error, bound in check["outside"]]
        md.append("")
    names = [n for n in scenario_names if any((n, s) in summaries for s in servers)]
    share = lambda s: fmt_share(s) if s.get("system_share") is not None else s.get("split_note") or "–"
    table = [[server] + [share(summaries[(n, server)]) if (n, server) in summaries else "–" for n in names]
             for server in servers if any((n, server) in summaries for n in names)]
    if table:
        md += ["Kernel share of the server's CPU time (median of the runs that could be split; why not "
               "where none could):", "", md_table(["server"] + names, table), ""]
    return md


def slowloris_cells(s, seed, duration):
    """The slowloris columns: the timeout the server had, how many slow connections it dropped,
    how long after their connect the first and the median one was dropped (loadgen measures the
    life of each dropped connection), and the legit req/s under attack against the seed's."""
    timeout = s.get("server_timeout_s")
    dropped, requested = s.get("slowloris_dropped"), s.get("slowloris_requested")
    first, median = s.get("slowloris_first_drop_s"), s.get("slowloris_median_drop_s")
    count = fmt_count(dropped) + (f" of {requested:,.0f}" if requested else "")
    when = (f"none within {duration:g} s" if not dropped or first is None
            else f"{first:.1f} s / {median:.1f} s" if median is not None else f"{first:.1f} s / –")
    return ["none" if not timeout else f"{timeout:g} s", count, when, fmt_ratio(s.get("rps_median"),
                                                                          (seed or {}).get("rps_median"))]


def fmt_ratio(value, reference):
    """value / reference as "0.93×", "–" when either is missing."""
    if not value or not reference:
        return "–"
    return f"{value / reference:.2f}×"


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
    """One line per server, parallelism and EPOLLEXCLUSIVE: the step's own count (exit lines, no
    tracing: the first four figures) and the same measure for every server (strace of
    accept/accept4: the last four)."""
    header = ["server", "parallel", "EPOLLEXCLUSIVE", "accepted (per worker)", "wakeups found nothing (per worker)",
              "empty wakeups per 1000 connections", "req/s",
              "accepted per accepting thread (strace)", "accept EAGAIN per connection (strace)",
              "futile wakeups per connection (strace)", "req/s under strace"]
    rows = []
    for entry in herd_summary(herd_rows):
        plain, traced = entry["exit"], entry["strace"]
        exclusive = entry["epollexclusive"]
        cells = [entry["server"], entry["parallel"], "–" if exclusive in (None, "") else "on" if exclusive else "off"]
        if plain:
            cells += [" + ".join(map(str, plain["accepted"])), " + ".join(map(str, plain["futile_each"])),
                      fmt_per(plain["futile_per_connection"], 1000, 1), fmt_rps(plain["rps"] or None)]
        else:
            cells += ["–"] * 4
        if traced:
            cells += [" + ".join(map(str, traced["accepted"])) or "0", fmt_per(traced["eagain_per_connection"]),
                      fmt_per(traced["futile_per_connection"]), fmt_rps(traced["rps"] or None)]
        else:
            cells += ["–"] * 4
        rows.append(cells)
    return md_table(header, rows)


def fmt_per(value, scale=1, digits=3):
    """A ratio (per connection, per request), times `scale`; "–" without one."""
    return "–" if value is None else f"{value * scale:.{digits}f}"


HOW_TO_READ = """\
## How to read this

- **req/s** is the median of the repeats, with the slowest and fastest in brackets. The machine
  is shared and noisy: trust a ratio between two servers of the same run more than an absolute
  number, and a difference smaller than the spread not at all. † marks a server that hit the
  scenario's time cap before its request count (it was measured on fewer requests).
- **CPU µs/req** is the CPU time (user + system) of every process and thread of the server, over
  the measured window, divided by the requests served in it. The keep-alive scenarios are
  measured in a window that opens once every connection is established and has answered one
  warm-up request and closes at the last timed response (req/s too): steady-state serving, the
  connects and closes outside; `close` and `slowloris` over the whole run. Each scenario says
  which, and "Connection setup" gives close's CPU per accepted connection. When the load
  generator, not the server, is the bottleneck (it has one core, like the server), req/s says
  little about the server but CPU per request still does: it is the number that compares
  servers fairly. It is read in
  nanoseconds from each process's CPU clock, which includes the threads that exited during the
  window (step 01's thread per connection); see bench/results/README.md for the one limit.
- **user / kernel µs/req** splits that CPU time into user space and kernel, in the proportion of
  the clock ticks (10 ms) that /proc/PID/stat counts in each; "too short" where no run had the
  ticks for it. See "Where the time goes" below the scenario tables.
- **p50 / p99** latency is measured by the client, from the request's send() to the response's
  last byte; with 1000 connections it is mostly queueing. The steps that send header and body in
  two send() calls with Nagle on wait for the client's delayed ACK (~40 ms) on every keep-alive
  response: look at c1.
- **slowloris**: every server that has a timeout gets the same T (steps 10-11 `--timeout`,
  nginx and lighttpd in their configuration); steps 01-09 and the floors have none. "Dropped
  after" is how long a dropped slow connection had lived since its connect (first and median);
  req/s is the legit load during the attack, "vs seed" against the same server's seed run.
- **errors/run** is the median per run, by kind: bad_status includes the 503 that 02_select gives
  above FD_SETSIZE connections; connect/timeout mean refused or never answered.
- Every median of a row comes from the same runs: the successful ones; the failed runs are
  counted beside req/s ("1 of 3 runs: no response"). Where every run failed, req/s says how (in
  bold), CPU and latency are "–", and the other columns (errors, idle connections held) are the
  failed runs' medians: they describe the failure.
- **syscalls/req** (seed, close) comes from a separate, shorter run under strace -f -c, with a
  no-load run's calls subtracted; see the system-calls section and syscalls.csv.
- **instructions/req, syscalls/req** in the c1 table are the deterministic counts: one client, one
  request at a time on one keep-alive connection, under callgrind (user-space instructions) and
  strace; they do not move with the machine's noise (see the section near the end).
- ⚠ after a server's name: it did not exit cleanly on SIGTERM in at least one run (see results.csv).
- The floor check (near the end) lists every scenario where a server beat the floor: the best of
  the floor rows (floor, floor+io_uring: the same answers from an io_uring loop, and
  floor+sqpoll: that loop with a polling kernel thread).
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
                   window_sentence(scenario, servers, summaries), "",
                   scenario_table_md(scenario, servers, summaries, results.syscall_rows, results.det_rows), ""]
    load_names = [name for name in ctx.scenarios if name in scenarios]
    md += setup_md(servers, summaries)
    if load_names:
        md += cpu_split_md(servers, load_names, summaries, results.rows)
    if all(name in ctx.scenarios for _, name in SWEEP):
        md += ["## Connections sweep: keep-alive /index.html, req/s median", "",
               sweep_table_md(servers, summaries), ""]
    md += studies_md(ctx, servers, results, summaries)
    floors = [s.name for s in ctx.servers if s.kind == "floor"]
    if floors:
        md += floor_check_md(results.floor_flags, floors, load_names, summaries, results.det_rows)
    if ctx.plots:
        md += ["## Plots", "", " ".join(f"[{name}.svg]({name}.svg) ([png]({name}.png))" for name in ctx.plots), ""]
    if ctx.notes:
        md += ["## Notes", ""] + [f"- {note}" for note in ctx.notes] + [""]
    (ctx.out / "results.md").write_text("\n".join(md))
    if ctx.profile == "full":  # the citable sheet, from the CSV files and machine.txt written before
        write_numbers_md(ctx.out)


def floor_check_md(flags, floors, scenario_names, summaries, det_rows):
    md = ["## Floor check", "",
          "The floor must not lose: a server that beats it (req/s, CPU per request, instructions or "
          "system calls per request) by more than the spread of the repeats, and by more than 5% (15% "
          "with one repeat), "
          "shows work the floor does and need not. Then the floor is wrong and must be fixed.", ""]
    if len(floors) > 1:
        md += ["Each floor row is a floor: the same answers with a different loop (floor: epoll; "
               "floor+io_uring: io_uring, bench/floor/uring.cpp; floor+sqpoll: that loop with SQPOLL, the "
               "floor of a step's SQPOLL variant). For each scenario and figure the bar is "
               "the best of them, named in each line below; the floors are not checked against each other.",
               "", floors_table_md(floors, scenario_names, summaries, det_rows), ""]
    if not flags:
        return md + ["No server beat the floor.", ""]
    return md + [f"- **{flag}**" for flag in flags] + [""]


def floors_table_md(floors, scenario_names, summaries, det_rows):
    """The floors side by side: req/s and CPU per request per scenario, the deterministic counts,
    and which floor sets the bar for each figure (summary.floor_check)."""
    rows = []
    for scenario in scenario_names:
        measured = {name: summaries[(scenario, name)] for name in floors if (scenario, name) in summaries}
        if not measured:
            continue
        cells = [f"{fmt_rps(s['rps_median'])} req/s, {fmt_cpu(s['cpu_us_per_request'])} µs" if s else "–"
                 for s in (measured.get(name) for name in floors)]
        with_rps = [(name, s) for name, s in measured.items() if s["rps_median"] is not None]
        with_cpu = [(name, s) for name, s in with_rps if s["cpu_us_per_request"] is not None]
        fastest = best_floor(with_rps, key=lambda s: s["rps_median"])
        leanest = best_floor(with_cpu, key=lambda s: s["cpu_us_per_request"], lower_is_better=True)
        rows.append([scenario] + cells + [f"req/s: {fastest[0] if fastest else '–'}; "
                                          f"CPU: {leanest[0] if leanest else '–'}"])
    for kind in DETERMINISTIC_RUNS:
        counted = {r["server"]: r for r in det_rows if r["kind"] == kind and r["server"] in floors}
        if not counted:
            continue
        cells = [f"{fmt_count(r['instructions_per_request'])} instructions, "
                 f"{fmt_syscalls(r['syscalls_per_request'])} syscalls" if r else "–"
                 for r in (counted.get(name) for name in floors)]
        bar = [best_floor(list(counted.items()), key=lambda r: r[field], lower_is_better=True)[0]
               for field in ("instructions_per_request", "syscalls_per_request")]
        rows.append([f"deterministic {kind}"] + cells + [f"instructions: {bar[0]}; syscalls: {bar[1]}"])
    return md_table(["scenario"] + floors + ["the bar"], rows)


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


def studies_md(ctx, servers, results, summaries):
    md = []
    if "syscalls" in ctx.scenarios:
        runs = ctx.syscall_runs
        md += ["## System calls (strace -f -c, whole server tree; a no-load run subtracted)", "",
               f"Separate runs under strace: seed `{' '.join(runs['seed'].loadgen_args())}`, close "
               f"`{' '.join(runs['close'].loadgen_args())}` (the syscalls/req columns above come from "
               "these). Per connection = calls / connections the client opened. Every call: "
               "syscalls.csv.", "", syscalls_table_md(servers, results.syscall_rows), ""]
    if "herd" in ctx.scenarios:
        skipped = f" Not measured (one thread accepts): {', '.join(results.herd_na)}." if results.herd_na else ""
        md += [f"## Thundering herd ({HERD_PARALLEL} workers or threads on CPUs {ALL_CPUS}, not pinned to "
               "one; close scenario)", "",
               f"`{' '.join(ctx.herd_run.loadgen_args())}`. The prefork steps run with --workers "
               f"{HERD_PARALLEL}, EPOLLEXCLUSIVE off and on (TENK_EPOLLEXCLUSIVE), step 11 with --threads "
               f"{HERD_PARALLEL} (one acceptor thread). Two measures. Exit "
               "lines: each worker's own count of wakeups whose first accept() found nothing, in a run "
               "without tracing. strace: a second run under `strace -f --seccomp-bpf -e "
               "trace=accept,accept4`, the same for every server: a futile wakeup is an accept that "
               "returns EAGAIN right after an EAGAIN in the same thread (woken, nothing to take); "
               "EAGAIN per connection also counts the one EAGAIN that ends every batch of accepts. "
               "strace slows every accept call, which changes how connections pile up between wakeups: "
               f"compare servers within the strace columns, not with the exit lines (herd.csv; the "
               f"traces are in herd/).{skipped}", "",
               herd_table_md(results.herd_rows) if results.herd_rows else "(no server with workers or threads in this run)",
               ""]
    if "crosscheck" in ctx.scenarios:
        md += ["## wrk cross-check", "", crosscheck_summary(results.cross), "See crosscheck.md.", ""]
    if "deterministic" in ctx.scenarios:
        md += deterministic_md(results)
    md += variants_md(ctx, results, summaries)
    if "sizes" in ctx.scenarios:
        md += sizes_md(results.size_rows)
    return md


def variant_rows(base, variant, det_rows, summaries):
    """The comparison of a variant with its base step: [label, base, variant, variant / base] for
    the deterministic counts and, where they ran, seed req/s and CPU per request and c1 p50."""
    rows = []
    for kind, label in (("keepalive", "keep-alive"), ("close", "close")):
        for field, what, fmt in (("instructions_per_request", "instructions/req", fmt_count),
                                 ("syscalls_per_request", "system calls/req", fmt_syscalls)):
            a = deterministic_value(det_rows, base, kind, field)
            b = deterministic_value(det_rows, variant, kind, field)
            if a is not None or b is not None:
                rows.append([f"{what}, 1 connection, {label}", fmt(a), fmt(b), fmt_ratio(b, a)])
    for scenario, field, what, fmt in (("seed", "rps_median", "req/s, seed", fmt_rps),
                                       ("seed", "cpu_us_per_request", "CPU µs/req, seed", fmt_cpu),
                                       ("c1", "p50_us", "p50 latency, c1", fmt_us)):
        a = (summaries.get((scenario, base)) or {}).get(field)
        b = (summaries.get((scenario, variant)) or {}).get(field)
        if a is not None or b is not None:
            rows.append([what, fmt(a), fmt(b), fmt_ratio(b, a)])
    return rows


# What each variant changes, for its section (config.VARIANTS names the variables).
VARIANT_WHAT = {
    "pessimistic": "the fiber scheduler waits for readiness before every call (a one-shot epoll registration "
                   "per wait) instead of trying the call first and waiting only after EAGAIN "
                   "(common/fiber/scheduler.hpp).",
    "io_uring": "the floor's io_uring loop (bench/floor/uring.cpp): one io_uring_enter per loop turn for "
                "every accept, recv, send and close the turn needs, instead of a system call each.",
    "sqpoll": "a kernel thread (iou-sqp-PID) polls the ring's submissions (IORING_SETUP_SQPOLL), so "
              "submitting needs no system call while it spins; its CPU time is counted with the server's "
              "(bench/tenkbench/procfs.py).",
}


def variants_md(ctx, results, summaries):
    """A section per variant that ran beside its base (09_fibers+pessimistic: optimistic or
    pessimistic I/O? floor+io_uring: what io_uring saves the floor)."""
    md = []
    names = [s.name for s in ctx.servers]
    for spec in ctx.servers:
        base = spec.binary
        if not spec.variant or base not in names:
            continue
        rows = variant_rows(base, spec.name, results.det_rows, summaries)
        if not rows:
            continue
        env = " ".join(f"{k}={v}" for k, v in spec.env)
        what = VARIANT_WHAT.get(split_variant(spec.name)[1])
        md += [f"## {spec.name} against {base}", "",
               f"The same binary with {env}" + (f": {what}" if what else "."), "",
               md_table(["measure", base, spec.name, "ratio"], rows), ""]
    return md


def sizes_md(size_rows):
    """The file-size study: a row per size, then where 06 starts to cost less than 05."""
    a, b = SIZES_SERVERS
    md = ["## File size: 05_accept4 (read + two send()) against 06_sendfile_msg_more (send(MSG_MORE) + sendfile())",
          "",
          "One client, one keep-alive connection, one request at a time, TCP_QUICKACK set before every read "
          "(05's two send() calls with Nagle on would otherwise wait for a delayed ACK on every response); "
          "files of each size made at run time in a temporary document root. Instructions (callgrind, user "
          "space only) and system calls (strace) per request, the no-load run subtracted; CPU µs/req: the "
          "server's CPU time (user + system, which includes the kernel's copies) over the timed requests, "
          "median [min–max] of the repeats. sizes.csv has every value. 05's instructions grow by about one "
          "per byte: glibc zero-fills its buffer with `rep stosb` (memset, ERMS), and callgrind counts every "
          "iteration of a rep-prefixed instruction as one instruction, where the CPU moves tens of bytes per "
          "cycle: read the instructions column above a few KiB as \"05 touches every byte in user space\", "
          "and the CPU column for what that costs.", ""]
    if not size_rows:
        return md + ["(no values)", ""]
    value = lambda server, size, field: next((r.get(field) for r in size_rows
                                              if r["server"] == server and r["size"] == size), None)
    sizes = sorted({r["size"] for r in size_rows})
    header = ["size", f"{a} instr/req", f"{b} instr/req", f"{a} syscalls/req", f"{b} syscalls/req",
              f"{a} CPU µs/req", f"{b} CPU µs/req", "CPU 06 / 05", "06 against 05 (CPU)"]
    rows, verdicts = [], []
    cpu_spread = lambda server, size: tuple(value(server, size, f"cpu_us_per_request{end}") for end in ("", "_min", "_max"))
    for size in sizes:
        verdicts.append(spread_verdict(cpu_spread(a, size), cpu_spread(b, size)))
        cpu = lambda server: (fmt_cpu(value(server, size, "cpu_us_per_request"))
                              + (f" [{fmt_cpu(value(server, size, 'cpu_us_per_request_min'))}–"
                                 f"{fmt_cpu(value(server, size, 'cpu_us_per_request_max'))}]"
                                 if len(value(server, size, "cpu_us_runs") or []) > 1 else ""))
        rows.append([fmt_size(size), fmt_count(value(a, size, "instructions_per_request")),
                     fmt_count(value(b, size, "instructions_per_request")),
                     fmt_syscalls(value(a, size, "syscalls_per_request")),
                     fmt_syscalls(value(b, size, "syscalls_per_request")), cpu(a), cpu(b),
                     fmt_ratio(value(b, size, "cpu_us_per_request"), value(a, size, "cpu_us_per_request")),
                     verdicts[-1] or "–"])
    md += [md_table(header, rows), ""]
    for field, what in (("instructions_per_request", "instructions/req"), ("syscalls_per_request", "system calls/req"),
                        ("cpu_us_per_request", "CPU µs/req (median)")):
        result = crossover(sizes, [value(a, size, field) for size in sizes], [value(b, size, field) for size in sizes])
        md.append(f"- {crossover_sentence(result, a, b, what)}")
    md.append(f"- {spread_sentence(sizes, verdicts, a, b, 'CPU µs/req (min–max of the repeats)')}")
    return md + [""]


def deterministic_md(results):
    runs = ", ".join(f"{kind} {n:,} requests" for kind, n in DETERMINISTIC_RUNS.items())
    md = ["## Deterministic counts: instructions and system calls per request, one connection", "",
          "The two columns that do not depend on the machine's noise. Each server serves /index.html to "
          f"one client, one request at a time ({runs}; close = one connection per request, "
          "\"Connection: close\"), once under `valgrind --tool=callgrind --trace-children=yes` "
          "(user-space instructions, every process) and once under `strace -f -c`; a run with no "
          "load (start, stop) is subtracted and the rest divided by the requests. Checked against "
          "bench/expectations.json (steps, their variants and the floors; ±3% instructions, ±0.25 system "
          "calls). "
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
