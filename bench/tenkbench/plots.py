"""Plots (gnuplot, SVG): the data goes into each script as inline data blocks; the scripts are
kept in plots/ so that a figure can be redrawn by hand."""

import subprocess

from .config import SWEEP

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
