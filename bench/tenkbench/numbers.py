"""numbers.md: the sheet a speaker (or a chapter) cites. The headline figures of one run, each
with the command that made it, the run, the machine, the spread across the repeats and the
caveat that belongs to it.

Written from the results folder's own files (summary.csv, results.csv, deterministic.csv,
machine.txt), so it is the same for a run that has just finished (ladder.write_reports calls
write_numbers_md) and for a committed one:

    bench/numbers bench/results/20261201T061358Z-vm      (writes numbers.md into that folder)

The figures: what each step bought over the one before it (seed req/s and CPU per request, the
deterministic instructions and system calls per request); the last step (the step folder that
sorts last) against nginx, lighttpd and the floor; the c1 cliff (the delayed-ACK wait of the
steps that write a response in two send() calls with Nagle on); instructions and system calls
per request; the user-space memory per idle connection. A figure whose scenario or server did
not run is left out, and the sheet says so.
"""

import re
import sys
from pathlib import Path

from .compare import number, read_csv  # a CSV folder is read the same way by both

# The caveats, by key; each figure names the ones that apply.
CAVEATS = {
    "loopback": "One worker on loopback: the server on one CPU, the load generator (one thread) on "
                "another, over 127.0.0.1: no NIC, no network latency, and at the high end the client "
                "may be the bottleneck (CPU µs per request is the fair comparison then).",
    "file": "The 151-byte file: every scenario but bigfile serves /index.html, 151 bytes; bigger "
            "files move the costs to copying (the sizes study).",
    "nagle": "Nagle's cliff exists only without TCP_NODELAY: a response written in two send() calls "
             "waits for the client's delayed ACK (about 40 ms) only because Nagle is on; one call, "
             "MSG_MORE/TCP_CORK or TCP_NODELAY removes it. It is a property of the write pattern, not "
             "of the server architecture.",
    "rss": "User-space RSS excludes kernel socket memory: the kernel's buffers and socket structures "
           "for each connection are not in VmRSS, so this is the server's own memory per idle "
           "connection, not the machine's.",
    "floor": "The floor is a lower bound on work per request, not a ceiling on req/s: a server can "
             "beat its req/s (the client or the kernel's scheduling decides those), not its CPU or "
             "instructions per request.",
    "deterministic": "Instructions are user space only (callgrind, every process of the server); both "
                     "counts are at one connection, one request at a time, with a no-load run "
                     "subtracted: they do not move with the machine's noise, but they are not the "
                     "cost under load.",
    "window": "Keep-alive figures are measured in a window of warm connections (every connection "
              "open and answered once before it; connects and closes outside).",
    "whole_run": "This run predates the measured window: its keep-alive figures cover the whole run, "
                 "connects and closes included (c10k and idle mostly measured accepting their "
                 "connections).",
}

CLIFF_P50_US = 10_000  # a c1 median latency above this is the delayed-ACK wait (40 ms), not work


def read_machine(path):
    """machine.txt's "key: value" lines as a dict (the first colon splits)."""
    out = {}
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return out
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key not in out:
            out[key.strip()] = value.strip()
    return out


def load_run(folder):
    """What numbers.md is made of, read from a results folder."""
    folder = Path(folder)
    summaries = {}
    for row in read_csv(folder / "summary.csv"):
        summaries[(row["scenario"], row["server"])] = {
            k: (v if k in ("scenario", "server", "failures", "exits", "cpu_window", "split_note")
                else number(v)) for k, v in row.items()}
    args = {}
    for row in read_csv(folder / "results.csv"):
        args.setdefault(row["scenario"], row.get("loadgen_args", ""))
    det = {}
    for row in read_csv(folder / "deterministic.csv"):
        det[(row["server"], row["kind"])] = {k: number(v) for k, v in row.items() if k not in ("server", "kind")}
    servers = list(dict.fromkeys(server for _, server in summaries))
    servers += [s for s, _ in det if s not in servers]
    return {"run": folder.name, "summaries": summaries, "args": args, "det": det, "servers": servers,
            "machine": read_machine(folder / "machine.txt")}


def steps_of(servers):
    """The steps (not their variants), in folder order."""
    return sorted(s for s in servers if re.fullmatch(r"\d\d_[A-Za-z0-9_]+", s))


def fmt_num(value, digits=0):
    if value is None:
        return "–"
    if digits == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def fmt_spread(s, field, digits=0, median_field=None):
    """"median [min–max]" of a summary row; the bracket only when the runs differ."""
    value = s.get(median_field or field)
    if value is None:
        return "–"
    low, high = s.get(f"{field}_min"), s.get(f"{field}_max")
    text = fmt_num(value, digits)
    if low is not None and high is not None and (s.get("ok_runs") or s.get("runs") or 0) > 1:
        text += f" [{fmt_num(low, digits)}–{fmt_num(high, digits)}]"
    return text


def fmt_latency(us):
    if us is None:
        return "–"
    return f"{us / 1000:,.1f} ms" if us >= 1000 else f"{us:,.0f} µs"


def fmt_ratio(value, reference):
    return "–" if not value or not reference else f"{value / reference:.2f}×"


def md_table(header, rows):
    return "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                     + ["| " + " | ".join(r) + " |" for r in rows])


class Sheet:
    """numbers.md, figure by figure."""

    def __init__(self, data):
        self.data = data
        self.s = data["summaries"]
        machine = data["machine"]
        self.command = machine.get("command", "bench/run")
        self.repeats = machine.get("profile", "").partition("repeats: ")[2].split(";")[0] or "?"
        self.machine = ", ".join(filter(None, [machine.get("cpu"), machine.get("cores") and f"{machine['cores']} cores",
                                               machine.get("kernel")])) or "machine not recorded"
        windows = {row.get("cpu_window") for row in self.s.values()}
        self.windowed = "warm connections" in windows
        self.missing = []

    def get(self, scenario, server):
        s = self.s.get((scenario, server))
        return s if s and s.get("rps_median") is not None else None

    def det(self, server, kind, field):
        return (self.data["det"].get((server, kind)) or {}).get(field)

    def source(self, scenario=None, deterministic=False):
        """The command, run and machine line under a figure (the spread only with a scenario)."""
        what = []
        if scenario:
            args = self.data["args"].get(scenario)
            what.append(f"scenario `{scenario}`" + (f" (`loadgen {args}`)" if args else ""))
        if deterministic:
            what.append("the deterministic counts (`bench/run --deterministic` measures the same)")
        spread = f"; spread: min–max over the {self.repeats} repeats" if scenario else ""
        return f"Source: `{self.command}`, {' and '.join(what)}; run `{self.data['run']}`; {self.machine}{spread}."

    def caveats(self, *keys, load=True):
        if load:
            keys = keys + ("window" if self.windowed else "whole_run",)
        return "Caveats: " + " ".join(f"*{CAVEATS[k]}*" for k in keys)

    def bought(self):
        steps = [s for s in steps_of(self.data["servers"]) if self.get("seed", s) or self.det(s, "keepalive", "instructions_per_request")]
        if not steps:
            self.missing.append("what each step bought (no step ran seed or the deterministic counts)")
            return []
        rows, previous = [], None
        for step in steps:
            s = self.get("seed", step) or {}
            p = (self.get("seed", previous) or {}) if previous else {}
            instr = self.det(step, "keepalive", "instructions_per_request")
            calls = self.det(step, "keepalive", "syscalls_per_request")
            rows.append([step, fmt_spread(s, "rps", 0, "rps_median"), fmt_ratio(s.get("rps_median"), p.get("rps_median")),
                         fmt_spread(s, "cpu_us_per_request", 2), fmt_ratio(s.get("cpu_us_per_request"),
                                                                         p.get("cpu_us_per_request")),
                         fmt_num(instr), fmt_ratio(instr, self.det(previous, "keepalive", "instructions_per_request")
                                                   if previous else None),
                         fmt_num(calls, 2), fmt_ratio(calls, self.det(previous, "keepalive", "syscalls_per_request")
                                                      if previous else None)])
            previous = step
        return ["## What each step bought", "",
                "Each step against the one before it (× previous: this step's figure over the previous "
                "step's). req/s and CPU µs per request in `seed` (1,000 keep-alive connections); "
                "instructions and system calls per request at one keep-alive connection.", "",
                md_table(["step", "seed req/s", "× prev.", "seed CPU µs/req", "× prev.", "instructions/req",
                          "× prev.", "syscalls/req", "× prev."], rows), "",
                self.source("seed", deterministic=True), "",
                self.caveats("loopback", "file", "deterministic"), ""]

    def last_against_peers(self):
        steps = [s for s in steps_of(self.data["servers"]) if any(k[1] == s for k in self.s)]
        if not steps:
            self.missing.append("the last step against the peers (no step ran)")
            return []
        last = steps[-1]
        others = [name for name in ("nginx", "lighttpd", "floor", "floor+io_uring", "floor+sqpoll") if any(k[1] == name for k in self.s)]
        if not others:
            self.missing.append(f"{last} against nginx, lighttpd and the floor (none of them ran)")
        servers = [last] + others
        rows = []
        for scenario in ("seed", "c10k", "close", "c1", "pipeline"):
            cells = []
            for field, digits, what in (("rps", 0, "req/s"), ("cpu_us_per_request", 2, "CPU µs/req")):
                line = [f"{scenario}: {what}"]
                for server in servers:
                    s = self.get(scenario, server)
                    median = None if not s else s["rps_median" if field == "rps" else field]
                    mine = (self.get(scenario, last) or {}).get("rps_median" if field == "rps" else field)
                    cell = "–" if not s else fmt_spread(s, field, digits, "rps_median" if field == "rps" else None)
                    if server != last and median and mine:
                        cell += f" ({last[:2]}: {fmt_ratio(mine, median)})"
                    line.append(cell)
                if any(c != "–" for c in line[1:]):
                    cells.append(line)
            rows += cells
        if not rows:
            return []
        return [f"## The last step, {last}, against nginx, lighttpd and the floor", "",
                f"Medians [min–max]; in brackets, {last} over that server ({last[:2]}: 0.90× is 10% below it "
                "in req/s, or 10% less CPU per request).", "",
                md_table(["figure"] + servers, rows), "",
                self.source("seed") + " The other scenarios' arguments: results.md.", "",
                self.caveats("loopback", "file", "floor"), ""]

    def c1_cliff(self):
        steps = [s for s in steps_of(self.data["servers"]) if self.get("c1", s)]
        if not steps:
            self.missing.append("the c1 cliff (c1 did not run)")
            return []
        stalled = [s for s in steps if (self.get("c1", s).get("p50_us") or 0) > CLIFF_P50_US]
        rows = [[s, fmt_latency(self.get("c1", s).get("p50_us")),
                 fmt_spread(self.get("c1", s), "p50_us", 1), fmt_spread(self.get("c1", s), "rps", 0, "rps_median")]
                for s in steps]
        if stalled:
            after = next((s for s in steps if s > stalled[-1] and s not in stalled), None)
            a, b = self.get("c1", stalled[-1]), self.get("c1", after) if after else None
            line = (f"Steps {', '.join(stalled)} wait for the delayed ACK: c1 median latency "
                    f"{fmt_latency(a['p50_us'])}, {fmt_num(a['rps_median'])} req/s (the last of them, {stalled[-1]})")
            if b:
                line += (f"; {after}, the first without the wait: {fmt_latency(b['p50_us'])}, "
                         f"{fmt_num(b['rps_median'])} req/s ({a['p50_us'] / b['p50_us']:,.0f}× lower latency).")
            else:
                line += "."
        else:
            line = f"No step waits for the delayed ACK in this run (every c1 median under {fmt_latency(CLIFF_P50_US)})."
        return ["## The c1 cliff", "", line, "",
                md_table(["step", "c1 p50", "p50 µs [min–max]", "c1 req/s [min–max]"], rows), "",
                self.source("c1"), "", self.caveats("nagle", "loopback"), ""]

    def counts(self):
        servers = [s for s in self.data["servers"] if (s, "keepalive") in self.data["det"]]
        if not servers:
            self.missing.append("instructions and system calls per request (the deterministic counts did not run)")
            return []
        rows = [[s, fmt_num(self.det(s, "keepalive", "instructions_per_request")),
                 fmt_num(self.det(s, "keepalive", "syscalls_per_request"), 2),
                 fmt_num(self.det(s, "close", "instructions_per_request")),
                 fmt_num(self.det(s, "close", "syscalls_per_request"), 2)] for s in servers]
        return ["## System calls and instructions per request", "",
                "At one connection, one request at a time (keep-alive: 1,000 requests on one connection; close: "
                "one connection per request). No spread: the same on every run (bench/expectations.json "
                "checks them to ±3% instructions, ±0.25 system calls).", "",
                md_table(["server", "keep-alive instructions/req", "keep-alive syscalls/req",
                          "close instructions/req", "close syscalls/req"], rows), "",
                self.source(deterministic=True), "", self.caveats("deterministic", "file", load=False), ""]

    def setup(self):
        servers = [s for s in self.data["servers"] if (self.get("close", s) or {}).get("cpu_us_per_connection") is not None]
        if not servers:
            return []  # runs before the window had no per-connection figure
        rows = [[s, fmt_spread(self.s[("close", s)], "cpu_us_per_connection", 2),
                 fmt_num(self.s[("close", s)].get("connections_opened_in_window"))] for s in servers]
        return ["## Connection setup", "",
                "What a connection costs, apart from the windows: `close`'s server CPU over its whole run divided "
                "by the connections loadgen opened (each accepted, served one 151-byte request, closed; the "
                "kernel's TCP work only where it ran in the server's context).", "",
                md_table(["server", "CPU µs per accepted connection [min–max]", "connections per run"], rows), "",
                self.source("close"), "", self.caveats("loopback", "file", load=False), ""]

    def idle_rss(self):
        servers = [s for s in self.data["servers"] if (self.s.get(("idle", s)) or {}).get("rss_per_idle_kib") is not None]
        if not servers:
            self.missing.append("memory per idle connection (idle did not run)")
            return []
        rows = [[s, fmt_spread(self.s[("idle", s)], "rss_per_idle_kib", 2) + " KiB",
                 fmt_num(self.s[("idle", s)].get("idle_held"))] for s in servers]
        return ["## Memory per idle connection", "",
                md_table(["server", "RSS per idle connection [min–max]", "idle connections held"], rows), "",
                self.source("idle"), "", self.caveats("rss", "loopback", load=False), ""]

    def markdown(self):
        m = self.data["machine"]
        body = self.bought() + self.last_against_peers() + self.c1_cliff() + self.counts() + self.setup() + self.idle_rss()
        head = [f"# Citable numbers: {self.data['run']}", "",
                f"Run `{self.data['run']}` (bench/results/{self.data['run']}/), made by `{self.command}`"
                f"{', ' + m['date (UTC)'] if m.get('date (UTC)') else ''}; {self.machine}"
                f"{'; ' + m['placement'].split(';')[0] if m.get('placement') else ''}; git {m.get('git commit', '?')}. "
                f"{self.repeats} repeats, servers interleaved.", "",
                "Written by bench/tenkbench/numbers.py from this folder's summary.csv, results.csv, "
                "deterministic.csv and machine.txt; results.md has every table. Cite a figure with the run "
                "id, the command and the caveats printed under it; a figure without its caveat is not "
                "this figure.", ""]
        if self.missing:
            body += ["## Not in this run", ""] + [f"- {m}" for m in self.missing] + [""]
        return "\n".join(head + body)


def numbers_md(folder):
    """numbers.md's text for a results folder."""
    return Sheet(load_run(folder)).markdown()


def write_numbers_md(folder):
    folder = Path(folder)
    (folder / "numbers.md").write_text(numbers_md(folder))
    return folder / "numbers.md"


def main(argv):
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: bench/numbers RESULTS_FOLDER   (writes RESULTS_FOLDER/numbers.md)", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    if not (folder / "summary.csv").exists():
        print(f"bench/numbers: {folder}: no summary.csv", file=sys.stderr)
        return 1
    print(write_numbers_md(folder))
    return 0
