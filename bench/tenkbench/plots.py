"""The figures (gnuplot): each one as SVG (800×450) and PNG (pngcairo, 1600×900), from one script
in plots/ that holds its data inline, so that a figure can be redrawn by hand.

Every figure carries the run id, the machine (cores, CPU, kernel) and where the servers and the
load generator ran in its subtitle; bars and points show the min–max of the repeats.
"""

import subprocess

from .config import SIZES_SERVERS, SPLIT_MIN_TICKS, SWEEP
from .fmt import fmt_size

TERMINALS = (  # (extension, terminal line, the small font of tick labels and panel titles)
    ("svg", "set terminal svg size 800,450 dynamic noenhanced font 'sans,11' background '#ffffff'", ",8"),
    ("png", "set terminal pngcairo size 1600,900 noenhanced font 'sans,18' background '#ffffff'", ",13"),
)
REFERENCE_COLORS = {"nginx": "#009e73", "lighttpd": "#e69f00", "floor": "#cc0000", "floor+io_uring": "#cc79a7"}
TOP_SYSCALLS = 11  # the stacked system-call figure: the most frequent kinds, the rest as "other"
# Its colours, one per kind (gnuplot's own cycle repeats after 8).
KIND_COLORS = ("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #17becf #bcbd22 #7f7f7f "
               "#aec7e8 #ffbb78")


def gp_value(value):
    return "?" if value is None else f"{value:.6g}"


def gp_str(text):
    """A gnuplot double-quoted string ("\\n" in it is a line break)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def subtitle(ctx):
    m = ctx.machine
    return (f"run {ctx.out.name} · {m['cores']} cores, {m['cpu']}, Linux {m['kernel']} · "
            f"servers on CPU {ctx.server_cpu}, load generator on CPU {ctx.client_cpu}")


def figure(name, title, sub, data, body, multiplot=False):
    """The script of one figure: its data blocks once, then the body drawn for each terminal. The
    body may use TITLE (title and subtitle; a multiplot body puts it on its set multiplot line)
    and SMALL (the font of tick labels and panel titles)."""
    script = [f"# {name}: {title}", data.rstrip("\n"), ""]
    for extension, terminal, small in TERMINALS:
        script += [terminal, f"set output '{name}.{extension}'", "reset",
                   f"TITLE = {gp_str(title + chr(10) + sub)}", f"SMALL = {gp_str(small)}",
                   "set datafile missing '?'", "" if multiplot else "set title TITLE",
                   body.rstrip("\n"), "unset output", ""]
    return "\n".join(script) + "\n"


def block(name, lines):
    return f"${name} << EOD\n" + "\n".join(lines) + "\nEOD\n"


def spread_rows(servers, values):
    """Data lines "server median min max" ('?' where missing)."""
    return [f'"{s}" {gp_value(v[0])} {gp_value(v[1])} {gp_value(v[2])}' for s, v in zip(servers, values)]


def bar_plot(name, title, sub, ylabel, servers, values):
    """Bars (median) with min–max error bars; values: [(median, min, max)] per server."""
    if all(v[0] is None for v in values):
        return None  # nothing measured: no plot
    body = (f"set ylabel {gp_str(ylabel)}\nset yrange [0:*]\nset grid ytics\nset style fill solid 0.6\n"
            "set boxwidth 0.6\nunset key\nset xtics rotate by -30 font SMALL\n"
            "plot $data using 0:2:xtic(1) with boxes lc rgb '#4472c4', \\\n"
            "     $data using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0\n")
    return figure(name, title, sub, block("data", spread_rows(servers, values)), body)


def c1_latency_plot(sub, servers, p50, p99):
    if all(v[0] is None for v in p50 + p99):
        return None
    lines = [f'"{s}" ' + " ".join(gp_value(x) for x in a + b) for s, a, b in zip(servers, p50, p99)]
    body = ("set logscale y\nset ylabel 'latency, µs (log scale)'\nset grid ytics\nset style data histograms\n"
            "set style histogram errorbars gap 1 lw 1\nset style fill solid 0.6\nset xtics rotate by -30 font SMALL\n"
            "set key top right\n"
            "plot $data using 2:3:4:xtic(1) title 'p50', '' using 5:6:7 title 'p99'\n")
    return figure("c1_latency", "Latency at one keep-alive connection (c1), min–max of the repeats", sub,
                  block("data", lines), body)


def sweep_plot(sub, servers, points, summaries):
    """req/s against connections, one line per server; both axes logarithmic (the Nagle cliff
    puts steps 01-05 three orders of magnitude below the others at low concurrency)."""
    blocks, items = [], []
    for i, server in enumerate(servers):
        rows = []
        for c, name in points:
            s = summaries.get((name, server)) or {}
            rows.append(f"{c} {gp_value(s.get('rps_median'))} {gp_value(s.get('rps_min'))} {gp_value(s.get('rps_max'))}")
        blocks.append(block(f"s{i}", rows))
        items.append(f"$s{i} using 1:2:3:4 with yerrorlines lw 2 title '{server}'")
    body = ("set logscale xy\nset grid ytics\nset xlabel 'connections (log scale)'\n"
            "set ylabel 'requests per second (log scale)'\nset key outside right\n"
            "plot " + ", \\\n     ".join(items) + "\n")
    return figure("rps_vs_connections", "Throughput vs keep-alive connections (/index.html)", sub,
                  "".join(blocks), body)


# Where each reference line is labelled (graph x, alignment), so that close lines stay readable.
REFERENCE_LABELS = {"floor": ("0.01", "left"), "nginx": ("0.99", "right"), "lighttpd": ("0.5", "center"),
                    "floor+io_uring": ("0.25", "center"), "floor+sqpoll": ("0.75", "center")}


def reference_lines(references):
    """Horizontal dashed lines, each labelled above itself: [(name, value)]."""
    lines = []
    for name, value in references:
        if value is None:
            continue
        color = REFERENCE_COLORS.get(name, "#555555")
        x, align = REFERENCE_LABELS.get(name, ("0.99", "right"))
        lines.append(f"set arrow from graph 0, first {value:.6g} to graph 1, first {value:.6g} nohead "
                     f"dt 2 lw 1.5 lc rgb '{color}' front")
        lines.append(f"set label {gp_str(name)} at graph {x}, first {value:.6g} {align} offset 0,0.6 "
                     f"textcolor rgb '{color}' font SMALL front")
    return "\n".join(lines) + "\n" if lines else ""


def top_of(values):
    """A y range top that shows every bar, error bar and reference line (with room for labels)."""
    tops = [v for triple in values for v in triple if v is not None]
    return 1.15 * max(tops) if tops and max(tops) > 0 else 1


def ideas_plot(sub, steps, peers, panels):
    """The course's headline figure: per step, side by side, CPU µs per request and the two
    deterministic counts, with nginx, lighttpd and the floors as reference lines. panels: a
    list of rows, each a list of (title, {server: (median, min, max)})."""
    if not steps or all(not values for row in panels for _, values in row):
        return None
    data, body = [], []
    columns = max(len(row) for row in panels)
    body.append(f"set multiplot layout {len(panels)},{columns} title TITLE margins 0.06,0.98,0.12,0.86 "
                "spacing 0.07,0.17")
    for r, row in enumerate(panels):
        for c, (title, values) in enumerate(row):
            name = f"p{r}{c}"
            data.append(block(name, spread_rows(steps, [values.get(s, (None, None, None)) for s in steps])))
            shown = [values.get(s, (None, None, None)) for s in steps + peers]
            body += ["unset arrow", "unset label", f"set title {gp_str(title)} font SMALL",
                     f"set yrange [0:{top_of(shown):.6g}]", "set grid ytics", "set style fill solid 0.6",
                     "set boxwidth 0.6", "unset key", "set xtics rotate by -25 font SMALL",
                     reference_lines([(p, (values.get(p) or (None,))[0]) for p in peers]).rstrip("\n")]
            if any(values.get(s, (None,))[0] is not None for s in steps):
                body.append(f"plot ${name} using 0:2:xtic(1) with boxes lc rgb '#4472c4', "
                            f"${name} using 0:2:3:4 with yerrorbars lc rgb '#222222' pt 0")
            else:
                body += ["set label 'not measured in this run' at graph 0.5, graph 0.5 center",
                         "plot [0:1] [0:1] NaN notitle"]
    body.append("unset multiplot")
    return figure("what_each_idea_bought", "What each idea bought: per request, step by step "
                  "(dashed: nginx, lighttpd, the floors)", sub, "".join(data),
                  "\n".join(line for line in body if line), multiplot=True)


def syscalls_by_kind_plot(sub, servers, det_syscall_rows):
    """System calls per request by kind, stacked, per server: keep-alive and close side by side
    (the deterministic strace runs at one connection)."""
    panels = []
    for scenario, title in (("c1-keepalive", "one keep-alive connection"),
                            ("c1-close", "a connection per request (Connection: close)")):
        rows = [r for r in det_syscall_rows if r["scenario"] == scenario and r["syscall"] != "total"]
        # A stacked bar cannot draw a negative part: a call the no-load run made more often than
        # the loaded one (noise, see studies.syscall_rows; syscalls.csv keeps its sign) is left
        # out, and the panel's title says how much was: the bar is that much above the total.
        below = [r for r in rows if r["per_request"] < 0]
        rows = [r for r in rows if r["per_request"] > 0]
        if below:
            title += (f"\n(not drawn: {len(below)} count{'s' * (len(below) > 1)} below the no-load run's, "
                      f"{sum(r['per_request'] for r in below):.3g} calls/req in all)")
        if rows:
            panels.append((scenario, title, rows))
    if not panels:
        return None
    totals = {}
    for _, _, rows in panels:
        for r in rows:
            totals[r["syscall"]] = totals.get(r["syscall"], 0) + r["per_request"]
    kinds = sorted(totals, key=lambda k: -totals[k])
    shown, other = kinds[:TOP_SYSCALLS], kinds[TOP_SYSCALLS:]
    columns = shown + (["other"] if other else [])
    data, body = [], ["set multiplot layout 1,2 title TITLE margins 0.07,0.83,0.16,0.84 spacing 0.08"]
    for i, (scenario, title, rows) in enumerate(panels):
        lines = ["server " + " ".join(columns)]
        for server in servers:
            calls = {r["syscall"]: r["per_request"] for r in rows if r["server"] == server}
            if not calls:
                continue
            cells = [gp_value(calls.get(k, 0.0)) for k in shown]
            if other:
                cells.append(gp_value(sum(calls.get(k, 0.0) for k in other)))
            lines.append(f'"{server}" ' + " ".join(cells))
        data.append(block(f"k{i}", lines))
        key = "set key outside right top font SMALL" if i == len(panels) - 1 else "unset key"
        body += [f"set title {gp_str(title)} font SMALL", "set style data histograms",
                 "set style histogram rowstacked", "set style fill solid 0.8 border -1", "set boxwidth 0.7",
                 "set yrange [0:*]", "set grid ytics", "set ylabel 'system calls per request'",
                 "set xtics rotate by -35 font SMALL", key,
                 f"plot for [i=2:{len(columns) + 1}] $k{i} using i:xtic(1) title columnheader(i) "
                 f"lc rgb word({gp_str(KIND_COLORS)}, i - 1)"]
    body.append("unset multiplot")
    return figure("syscalls_by_kind", "System calls per request, by kind (strace -f -c, one client)", sub,
                  "".join(data), "\n".join(body), multiplot=True)


def cpu_split_plot(scenario, sub, servers, summaries):
    """User and kernel CPU µs per request of one scenario, stacked, per server, the kernel's share
    above each bar (summary.cpu_split: the two parts add up to the CPU median). A server whose
    runs could not be split (fewer than SPLIT_MIN_TICKS clock ticks) is left out, and named in
    the title."""
    lines, missing = [], []
    for server in servers:
        s = summaries.get((scenario, server))
        if not s or s.get("cpu_us_per_request") is None:
            continue
        if s.get("system_us_per_request") is None:
            missing.append(f"{server} ({s.get('split_note') or 'not measured'})")
            continue
        user, system = s["user_us_per_request"], s["system_us_per_request"]
        lines.append(f'"{server}" {gp_value(user)} {gp_value(system)} {gp_value(user + system)} '
                     f'"{s["system_share"] * 100:.0f}%"')
    if not lines:
        return None
    title = f"Server CPU per request in {scenario}: user and kernel (the kernel's share above each bar)"
    if missing:  # a line of its own above the subtitle
        sub = f"not split (under {SPLIT_MIN_TICKS} clock ticks of CPU or see results.csv): {', '.join(missing)}\n{sub}"
    body = ("set style data histograms\nset style histogram rowstacked\nset style fill solid 0.8 border -1\n"
            "set boxwidth 0.6\nset yrange [0:*]\nset offsets 0, 0, graph 0.1, 0\nset grid ytics\n"
            "set ylabel 'CPU µs per request (user + kernel)'\n"
            "set xtics rotate by -30 font SMALL\nset key outside top center horizontal font SMALL\n"
            "plot $data using 2:xtic(1) title 'user' lc rgb '#4472c4', \\\n"
            "     '' using 3 title 'kernel (system)' lc rgb '#ed7d31', \\\n"
            "     '' using 0:4:5 with labels offset 0,0.7 font SMALL notitle\n")
    return figure(f"cpu_user_kernel_{scenario}", title, sub, block("data", ["# server user kernel total share"] + lines),
                  body)


def sizes_plot(sub, size_rows, servers):
    """The file-size study: CPU µs per request (median, min–max of the repeats) and instructions
    per request against the file size, one line per server; both axes logarithmic."""
    if not any(r.get("cpu_us_per_request") is not None or r.get("instructions_per_request") is not None
               for r in size_rows):
        return None
    blocks, cpu_items, instr_items = [], [], []
    sizes = sorted({r["size"] for r in size_rows})
    xtics = ("set xtics (" + ", ".join(f"{gp_str(fmt_size(size))} {size}" for size in sizes) + ") font SMALL\n"
             f"set xrange [{sizes[0] / 1.5:g}:{sizes[-1] * 1.5:g}]")
    for i, server in enumerate(servers):
        rows = sorted((r for r in size_rows if r["server"] == server), key=lambda r: r["size"])
        blocks.append(block(f"s{i}", [f"{r['size']} " + " ".join(gp_value(r.get(f)) for f in (
            "cpu_us_per_request", "cpu_us_per_request_min", "cpu_us_per_request_max", "instructions_per_request"))
            for r in rows]))
        cpu_items.append(f"$s{i} using 1:2:3:4 with yerrorlines lw 2 title '{server}'")
        instr_items.append(f"$s{i} using 1:5 with linespoints lw 2 title '{server}'")
    body = ("set multiplot layout 1,2 title TITLE\n"
            "set logscale xy\nset grid xtics ytics\nset xlabel 'file size, bytes (log scale)'\n"
            "set key top left\n" + xtics + "\n"
            "set title 'server CPU µs per request (min–max)' font SMALL\n"
            "plot " + ", \\\n     ".join(cpu_items) + "\n"
            "set title 'user-space instructions per request (callgrind)' font SMALL\n"
            "plot " + ", \\\n     ".join(instr_items) + "\n"
            "unset multiplot\n")
    return figure("sizes_crossover", "05 (read + two send()) against 06 (send(MSG_MORE) + sendfile()) by file size, "
                  "one keep-alive connection", sub, "".join(blocks), body, multiplot=True)


def spread(summaries, scenario, server, field):
    """(median, min, max) of a summary field, the min and max where summary.py keeps them."""
    s = summaries.get((scenario, server)) or {}
    if field == "rps_median":
        return s.get("rps_median"), s.get("rps_min"), s.get("rps_max")
    median = s.get(field)
    return median, s.get(f"{field}_min", median), s.get(f"{field}_max", median)


def ideas_panels(ctx, summaries, det_rows):
    """The panels of what_each_idea_bought: keep-alive on top, a connection per request below."""
    servers = [s.name for s in ctx.servers]
    counts = lambda kind, field: {r["server"]: (r[field], r[field], r[field]) for r in det_rows
                                  if r["kind"] == kind}
    rows = []
    for scenario, kind, label in (("seed", "keepalive", "keep-alive"), ("close", "close", "Connection: close")):
        cpu = ({s: spread(summaries, scenario, s, "cpu_us_per_request") for s in servers}
               if scenario in ctx.scenarios else {})
        cpu = {s: v for s, v in cpu.items() if v[0] is not None}
        rows.append([(f"CPU µs/req ({scenario} scenario, min–max)", cpu),
                     (f"instructions/req (1 connection, {label})", counts(kind, "instructions_per_request")),
                     (f"system calls/req (1 connection, {label})", counts(kind, "syscalls_per_request"))])
    return rows


def plots(ctx, summaries, results):
    """The figures for what ran; their gnuplot scripts go to plots/."""
    servers = [s.name for s in ctx.servers]
    sub = subtitle(ctx)
    get = lambda scenario, field: [spread(summaries, scenario, s, field) for s in servers]
    scripts = {}
    if "seed" in ctx.scenarios:
        scripts["cpu_per_request"] = bar_plot(
            "cpu_per_request", "Server CPU per request, seed (1000 keep-alive connections)", sub,
            "CPU µs per request (user + system)", servers, get("seed", "cpu_us_per_request"))
    unsplit = []
    for scenario in ctx.scenarios:
        if any((scenario, server) in summaries for server in servers):
            script = cpu_split_plot(scenario, sub, servers, summaries)
            if script:
                scripts[f"cpu_user_kernel_{scenario}"] = script
            else:
                unsplit.append(scenario)
    if unsplit:
        ctx.notes.append(f"cpu_user_kernel_*.svg: not drawn for {', '.join(unsplit)}: no server's CPU time "
                         f"could be split into user and kernel (runs under {SPLIT_MIN_TICKS} clock ticks "
                         "of CPU, see results.csv: cpu_split_note)")
    if "idle" in ctx.scenarios:
        scripts["rss_per_idle_connection"] = bar_plot(
            "rss_per_idle_connection", "Server memory per idle connection (RSS of the whole tree)", sub,
            "KiB per idle connection", servers, get("idle", "rss_per_idle_kib"))
    if "c1" in ctx.scenarios:
        scripts["c1_latency"] = c1_latency_plot(sub, servers, get("c1", "p50_us"), get("c1", "p99_us"))
    points = [(c, name) for c, name in SWEEP if name in ctx.scenarios]
    if len(points) >= 2:  # without the servers limited to fewer scenarios (a default variant)
        swept = [s.name for s in ctx.servers if all(s.runs(name) for _, name in points)]
        scripts["rps_vs_connections"] = sweep_plot(sub, swept, points, summaries)
    steps = [s.name for s in ctx.servers if s.kind == "step" and not s.variant]  # one line along the steps
    references = [s.name for s in ctx.servers if s.kind != "step"]
    if results.det_rows or "seed" in ctx.scenarios:
        scripts["what_each_idea_bought"] = ideas_plot(sub, steps, references,
                                                      ideas_panels(ctx, summaries, results.det_rows))
    if results.det_syscall_rows:
        scripts["syscalls_by_kind"] = syscalls_by_kind_plot(sub, servers, results.det_syscall_rows)
    if getattr(results, "size_rows", None):
        scripts["sizes_crossover"] = sizes_plot(sub, results.size_rows, SIZES_SERVERS)
    draw(ctx, scripts)


def draw(ctx, scripts):
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
