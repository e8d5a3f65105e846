"""bench/compare RUN_A RUN_B: two results folders side by side, server by server.

For every (scenario, server) in both runs' summary.csv: req/s and CPU µs per request of A and
B, their ratio B/A, and a verdict: "≈" when the min–max ranges of the repeats overlap (the
difference is within the noise), otherwise "better" or "worse" for B. Then the deterministic
counts (deterministic.csv), whose ratios need no verdict: any change is real. Like Google
Benchmark's compare.py, but for the ladder's folders.
"""

import argparse
import csv
import sys
from pathlib import Path

from .config import REPO

USAGE = "bench/compare RUN_A RUN_B [--scenarios a,b] [--servers x,y]"


def read_csv(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        return []


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def find_run(name):
    """A results folder: a path, or the name of a folder in bench/results/."""
    for candidate in (Path(name), REPO / "bench" / "results" / name):
        if (candidate / "summary.csv").exists() or (candidate / "deterministic.csv").exists():
            return candidate
    raise SystemExit(f"bench/compare: {name}: no results folder there (no summary.csv or deterministic.csv)")


def verdict(a, b, higher_is_better):
    """a and b: (median, min, max). "≈" when the ranges overlap, else whether B is better."""
    if None in (a[0], b[0]):
        return ""
    low_a, high_a = (a[1], a[2]) if None not in a[1:] else (a[0], a[0])
    low_b, high_b = (b[1], b[2]) if None not in b[1:] else (b[0], b[0])
    if low_b <= high_a and low_a <= high_b:
        return "≈"
    return "better" if (b[0] > a[0]) == higher_is_better else "worse"


def ratio(a, b):
    return f"{b / a:.3f}" if a and b is not None else "–"


def fmt(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def summary_triples(row, field):
    median = number(row.get(field if field != "rps" else "rps_median"))
    low = number(row.get(f"{field}_min"))
    high = number(row.get(f"{field}_max"))
    return median, low, high


def timed_rows(a_rows, b_rows, scenarios, servers):
    """Table rows for the timed scenarios present in both runs."""
    b_by_key = {(r["scenario"], r["server"]): r for r in b_rows}
    rows = []
    for a in a_rows:
        key = (a["scenario"], a["server"])
        b = b_by_key.get(key)
        if b is None or (scenarios and key[0] not in scenarios) or (servers and key[1] not in servers):
            continue
        rps_a, rps_b = summary_triples(a, "rps"), summary_triples(b, "rps")
        cpu_a, cpu_b = summary_triples(a, "cpu_us_per_request"), summary_triples(b, "cpu_us_per_request")
        rows.append([key[0], key[1], fmt(rps_a[0]), fmt(rps_b[0]), ratio(rps_a[0], rps_b[0]),
                     verdict(rps_a, rps_b, higher_is_better=True), fmt(cpu_a[0], 1), fmt(cpu_b[0], 1),
                     ratio(cpu_a[0], cpu_b[0]), verdict(cpu_a, cpu_b, higher_is_better=False)])
    return rows


def deterministic_rows(a_rows, b_rows, servers):
    b_by_key = {(r["server"], r["kind"]): r for r in b_rows}
    rows = []
    for a in a_rows:
        b = b_by_key.get((a["server"], a["kind"]))
        if b is None or (servers and a["server"] not in servers):
            continue
        ia, ib = number(a["instructions_per_request"]), number(b["instructions_per_request"])
        sa, sb = number(a["syscalls_per_request"]), number(b["syscalls_per_request"])
        rows.append([a["kind"], a["server"], fmt(ia), fmt(ib), ratio(ia, ib), fmt(sa, 2), fmt(sb, 2), ratio(sa, sb)])
    return rows


def aligned(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for r in [header] + rows:
        cells = [str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def describe(run):
    """One line about a run, from its machine.txt."""
    facts = {}
    for line in (run / "machine.txt").read_text().splitlines() if (run / "machine.txt").exists() else []:
        key, _, value = line.partition(": ")
        facts[key] = value
    return f"{run} (git {facts.get('git commit', '?')}; {facts.get('cpu', '?')}; {facts.get('date (UTC)', '?')})"


def compare(run_a, run_b, scenarios=(), servers=()):
    """The report as text."""
    out = [f"A: {describe(run_a)}", f"B: {describe(run_b)}", ""]
    timed = timed_rows(read_csv(run_a / "summary.csv"), read_csv(run_b / "summary.csv"), scenarios, servers)
    if timed:
        out += ["Timed scenarios, medians of the repeats; B/A is the ratio; ≈ means the min–max ranges "
                "overlap (within the noise).", "",
                aligned(["scenario", "server", "req/s A", "req/s B", "B/A", "", "CPU µs/req A", "CPU µs/req B",
                         "B/A", ""], timed), ""]
    counts = deterministic_rows(read_csv(run_a / "deterministic.csv"), read_csv(run_b / "deterministic.csv"),
                                servers)
    if counts:
        out += ["Deterministic counts (one connection; any change is real):", "",
                aligned(["kind", "server", "instr/req A", "instr/req B", "B/A", "syscalls/req A",
                         "syscalls/req B", "B/A"], counts), ""]
    if not timed and not counts:
        out.append("Nothing in common: no scenario and server measured in both runs.")
    return "\n".join(out)


def main(argv):
    parser = argparse.ArgumentParser(prog="bench/compare", usage=USAGE, description=__doc__.split("\n\n")[0])
    parser.add_argument("run_a", metavar="RUN_A", help="a results folder (or its name in bench/results/)")
    parser.add_argument("run_b", metavar="RUN_B", help="the other one")
    parser.add_argument("--scenarios", default="", help="a,b: only these scenarios")
    parser.add_argument("--servers", default="", help="x,y: only these servers")
    args = parser.parse_args(argv)
    split = lambda text: [item for item in text.split(",") if item]
    print(compare(find_run(args.run_a), find_run(args.run_b), split(args.scenarios), split(args.servers)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
