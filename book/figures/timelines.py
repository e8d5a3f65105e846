"""book/figures/timelines.py: the figures book/figures/render draws itself, besides dot's.

Four figures, each plain SVG text written by this module (no fonts measured, no tool version
in the output, so the same sources give the same bytes everywhere):

  timeout-sweep.svg  the timeout manager's sweep: why a connection dies between T and 2T after
                     its last progress. Drawn from the code's own constants (the default
                     --timeout and kProgressBytes, read from the sources below) and from one
                     measured point: the slowloris drops of bench/results/20261201T061358Z-vm/.
  herd-trace.svg     the new thundering herd, two workers and one listener: a real excerpt of
                     the herd study's strace of 04_prefork (data/herd-04_prefork.strace, copied
                     from the run's herd/ folder, which is not committed), with that run's
                     herd.csv totals.
  fiber-park.svg     a fiber's park and resume around a recv(): the calls of common/fiber in
                     the order they run (every name is looked up in the sources, so a renamed
                     function makes render fail instead of leaving a stale figure).
  ladder-summary.svg the ladder on one page: each step's idea, its seed CPU us per request and
                     one more number that tells its story, read from the committed files of
                     bench/results/20261204T161126Z-vm/ (summary.csv, deterministic.csv).

Python standard library only; render() returns {file name: SVG text}.
"""

import csv
import re
import sys
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SUMMARY_RUN = "20261204T161126Z-vm"
TIMEOUT_RUN = "20261201T061358Z-vm"   # the run chapter 10 quotes
HERD_RUN = "20261204T161126Z-vm"      # the run whose herd/ trace the excerpt comes from

FONT = "Helvetica, Arial, sans-serif"


def fail(message):
    sys.exit(f"render: {message}")


def svg(width, height, title, elements):
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
        *elements,
        "</svg>",
        "",
    ])


# Text styles as presentation attributes, not CSS, so that every SVG renderer (a browser, an
# image converter, a slide deck) draws them alike.
SIZES = {"title": 16, "sub": 12, "note": 11, "small": 10.5, "lane": 12.5, "label": 11,
         "mono": 10.5}
COLOURS = {"sub": "#444444", "note": "#555555", "small": "#333333", "red": "#b03030",
           "green": "#2a7a2a", "blue": "#1f5fa8", "grey": "#777777"}


def text(x, y, words, cls="label", fill=None):
    tokens = cls.split()
    attributes = [f'x="{x:g}"', f'y="{y:g}"']
    size = next((SIZES[t] for t in tokens if t in SIZES), 11)
    attributes.append(f'font-size="{size:g}"')
    if "title" in tokens or "lane" in tokens or "bold" in tokens:
        attributes.append('font-weight="bold"')
    if "mid" in tokens or "lane" in tokens:
        attributes.append('text-anchor="middle"')
    elif "end" in tokens:
        attributes.append('text-anchor="end"')
    if "mono" in tokens:
        attributes.append('font-family="monospace"')
    colour = fill or next((COLOURS[t] for t in reversed(tokens) if t in COLOURS), None)
    if colour:
        attributes.append(f'fill="{colour}"')
    return f'<text {" ".join(attributes)}>{escape(words)}</text>'


def tint(colour, amount):
    """`colour` mixed with white: amount 0 is white, 1 the colour (no opacity needed)."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * amount) for c in (red, green, blue)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def line(x1, y1, x2, y2, colour="#999999", width=1.0, dash=None):
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{colour}" '
            f'stroke-width="{width:g}"{dashed}/>')


def rect(x, y, w, h, fill, stroke="none", opacity=None):
    if opacity is not None:
        fill = tint(fill, opacity)
    return (f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="{fill}" '
            f'stroke="{stroke}"/>')


def arrow(x1, y, x2, colour, label=None, dash=None):
    """A horizontal arrow from x1 to x2 at height y, with a label above its middle."""
    direction = 1 if x2 > x1 else -1
    out = [line(x1, y, x2 - 7 * direction, y, colour, 1.4, dash),
           f'<polygon points="{x2:g},{y:g} {x2 - 8 * direction:g},{y - 4:g} '
           f'{x2 - 8 * direction:g},{y + 4:g}" fill="{colour}"/>']
    if label:
        out.append(text((x1 + x2) / 2, y - 4, label, "label mid", colour))
    return out


def source_text(relative):
    path = REPO / relative
    if not path.is_file():
        fail(f"{relative} is missing (a figure is drawn from it)")
    return path.read_text(encoding="utf-8")


def constant(relative, pattern):
    """The first group of `pattern` in a source file: a constant a figure is drawn from."""
    match = re.search(pattern, source_text(relative))
    if not match:
        fail(f"{relative}: no match for {pattern!r}; the figure drawn from it must be updated")
    return match.group(1)


def require_names(relative, names):
    """Fails unless every name occurs in the file: a figure that names code stays true to it."""
    content = source_text(relative)
    for name in names:
        if name not in content:
            fail(f"{relative} no longer contains {name!r}; update book/figures/timelines.py")


def rows_of(relative):
    path = REPO / relative
    if not path.is_file():
        fail(f"{relative} is missing")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---- the timeout manager's sweep -----------------------------------------------------------

def timeout_sweep():
    period = int(constant("common/net/options.hpp", r"int timeout_seconds = (\d+);"))
    progress = int(constant("steps/10_timeout_manager/main.cpp",
                            r"constexpr ssize_t kProgressBytes = (\d+);"))
    require_names("common/timeout/timeout_manager.cpp",
                  ["Handle::State::Active", "Handle::State::Inactive", "Handle::State::Canceled",
                   "on_timeout_()"])
    slow = next((row for row in rows_of(f"bench/results/{TIMEOUT_RUN}/summary.csv")
                 if row["scenario"] == "slowloris" and row["server"] == "10_timeout_manager"),
                None)
    if slow is None:
        fail(f"bench/results/{TIMEOUT_RUN}/summary.csv has no slowloris row for step 10")
    width, height = 1000, 520
    x0, unit = 290, 205           # x of time 0, pixels per period T
    top = 100

    def x(periods):
        return x0 + unit * periods

    out = [text(20, 26, "The timeout manager's sweep: a connection dies between T and 2T "
                "after its last progress", "title"),
           text(20, 46, f"T = the --timeout period (default {period} s, common/net/"
                "options.hpp); one reaper sweeps every handle once per T "
                "(common/timeout/timeout_manager.cpp)", "sub")]
    lanes = [("the reaper", "sweeps"),
             ("connection A", "last progress just after a sweep"),
             ("connection B", "last progress just before a sweep"),
             ("slowloris", f"reads of < {progress:,} bytes: never progress")]
    lane_y = [top + 40 + 78 * i for i in range(len(lanes))]
    bottom = lane_y[-1] + 40
    for periods in range(4):
        out.append(line(x(periods), top + 8, x(periods), bottom, "#b0b0b0", 1, "5 4"))
        name = "0" if periods == 0 else ("T" if periods == 1 else f"{periods}T")
        out.append(text(x(periods), top, f"sweep at {name}", "label mid bold"))
    for (name, what), y in zip(lanes, lane_y):
        out.append(text(20, y - 3, name, "label bold"))
        out.append(text(20, y + 12, what, "small"))
    # the reaper's sweeps
    y = lane_y[0]
    out.append(line(x(0) - 20, y, x(3) + 30, y, "#666666", 1.2))
    for periods in range(4):
        out.append(f'<circle cx="{x(periods):g}" cy="{y:g}" r="5" fill="#444444"/>')
    out.append(text(x(3) + 34, y + 4, "time →", "small"))

    def connection(y, progress_at, colour, idle):
        elements = [rect(x(0) - 50, y - 9, x(progress_at) - x(0) + 50, 18, colour, opacity=0.3),
                    text(x(0) - 44, y + 4, "busy", "small")]
        elements += [line(x(progress_at), y - 14, x(progress_at), y + 14, colour, 2.5),
                     text(x(progress_at), y - 18, "last tickle", "small mid")]
        elements.append(line(x(progress_at), y, x(2), y, colour, 1.4))
        states = [(1, "Active → Inactive", "#1f5fa8"), (2, "Inactive → timed out", "#b03030")]
        for periods, label, shade in states:
            elements.append(f'<circle cx="{x(periods):g}" cy="{y:g}" r="5" fill="{shade}"/>')
            elements.append(text(x(periods) + 8, y - 8, label, "small", shade))
        elements.append(text(x(2) + 8, y + 16, idle, "small bold", "#b03030"))
        return elements

    def connection_args():
        return [(lane_y[1], 0.04, "#2a7a2a", "cancelled almost 2T after its last progress"),
                (lane_y[2], 0.96, "#d07010", "cancelled just over T after its last progress")]

    for y, at, colour, idle in connection_args():
        out += connection(y, at, colour, idle)
    # slowloris: connects at the start of a period, trickles, is never Active again
    y = lane_y[3]
    for i in range(14):
        tick = 0.06 + i * 0.14
        out.append(line(x(tick), y - 6, x(tick), y + 6, "#777777", 1))
    out.append(line(x(0), y, x(2), y, "#777777", 1.2, "3 3"))
    out.append(f'<circle cx="{x(1):g}" cy="{y:g}" r="5" fill="#1f5fa8"/>')
    out.append(f'<circle cx="{x(2):g}" cy="{y:g}" r="5" fill="#b03030"/>')
    out.append(text(x(0) + 4, y - 12, "connects at a sweep and registers Active; then only "
                    "trickles", "small"))
    first = float(slow["slowloris_first_drop_s"])
    median = float(slow["slowloris_median_drop_s"])
    out.append(text(x(2) + 8, y - 8, "timed out at 2T", "small bold", "#b03030"))
    out.append(text(x(2) + 8, y + 8, f"measured, T = {slow['server_timeout_s']} s: "
                    f"{int(slow['slowloris_dropped']):,} of {int(slow['slowloris_requested']):,} "
                    f"dropped,", "small"))
    out.append(text(x(2) + 8, y + 22, f"first {first:.3f} s, median {median:.3f} s after "
                    "connecting", "small"))
    # the window
    wy = bottom + 26
    out.append(rect(x(1), wy - 12, unit, 18, "#b03030", opacity=0.12))
    out.append(text(x(1.5), wy + 1, "T..2T after its last progress", "label mid bold",
                    "#b03030"))
    out.append(text(x(1) - 8, wy + 1, "every idle connection is cancelled in this window:",
                    "label end"))
    out.append(text(20, height - 30, "Each sweep: Active → Inactive; Inactive → Canceled and "
                    "on_timeout() (the step cancels the connection's fiber); Canceled → dropped. "
                    "A tickle is one relaxed store of Active.", "note"))
    out.append(text(20, height - 14, f"Drawn from the code's constants; the measured point: "
                    f"bench/results/{TIMEOUT_RUN}/summary.csv, scenario slowloris, "
                    "10_timeout_manager.", "note"))
    return svg(width, height, "The timeout manager's sweep: T to 2T", out)


# ---- the herd, from a real trace -----------------------------------------------------------

TRACE_LINE = re.compile(r"^(\d+) (?:accept4?\([^)]*?\)?|<\.\.\. accept4? resumed>\))\s*"
                        r"(?:= (-?\d+)(?: (E[A-Z]+))?|<unfinished \.\.\.>)")


def herd_trace():
    source = HERE / "data" / "herd-04_prefork.strace"
    if not source.is_file():
        fail("book/figures/data/herd-04_prefork.strace is missing")
    lines = source.read_text(encoding="utf-8").splitlines()
    comments = [raw[2:] for raw in lines if raw.startswith("# ")]
    calls = []        # (pid, result, errno) in the order the results were printed
    for raw in lines:
        if raw.startswith("#") or not raw.strip():
            continue
        match = TRACE_LINE.match(raw)
        if not match:
            fail(f"herd-04_prefork.strace: cannot read {raw!r}")
        if match.group(2) is None:
            continue    # the call started; its result comes on a later "resumed" line
        calls.append((match.group(1), int(match.group(2)), match.group(3)))
    pids = []
    for pid, _, _ in calls:
        if pid not in pids:
            pids.append(pid)
    if len(pids) != 2:
        fail("herd-04_prefork.strace: the excerpt must show exactly two workers")
    herd = [row for row in rows_of(f"bench/results/{HERD_RUN}/herd.csv")
            if row["server"] == "04_prefork" and row["epollexclusive"] == "0"
            and row["measured_by"] == "strace"]
    by_pid = {row["worker_pid"]: row for row in herd}
    if set(pids) != set(by_pid):
        fail(f"herd-04_prefork.strace: its workers are not the strace rows of "
             f"bench/results/{HERD_RUN}/herd.csv")

    width = 1000
    row_h, top = 27, 118
    lane_x = {pids[0]: 400, pids[1]: 700}
    height = top + row_h * len(calls) + 130
    out = [text(20, 26, "The new thundering herd: two workers, one listener, every accept() "
                "of a stretch of real trace", "title"),
           text(20, 46, "04_prefork --workers 2, EPOLLEXCLUSIVE off, close scenario, under "
                "strace -f -e trace=accept,accept4 (the herd study)", "sub"),
           text(20, 62, "Rows in the order strace printed the results; strace gives no times "
                "here, and epoll_wait() was not traced.", "sub")]
    names = {pids[0]: "worker A", pids[1]: "worker B"}
    for pid in pids:
        out.append(text(lane_x[pid], top - 22, f"{names[pid]} (pid {pid})", "lane"))
        out.append(line(lane_x[pid], top - 14, lane_x[pid], top + row_h * len(calls) - 8,
                        "#cccccc", 1))
    previous = {}
    futile_seen = 0
    for index, (pid, result, errno) in enumerate(calls):
        y = top + row_h * index
        cx = lane_x[pid]
        if result >= 0:
            colour, label, note = "#2a7a2a", f"accept() = {result}", "a connection taken"
        elif pid not in previous:
            colour, label, note = "#777777", "accept() = EAGAIN", "(its previous call is above the excerpt)"
        elif previous[pid] == "EAGAIN":
            colour, label, note = "#b03030", "accept() = EAGAIN", "woken for nothing: futile"
            futile_seen += 1
        else:
            colour, label, note = "#777777", "accept() = EAGAIN", "backlog empty: back to epoll_wait()"
        out.append(rect(cx - 85, y - 11, 170, 20, colour, colour, 0.14))
        out.append(text(cx, y + 3, label, "mono mid", colour))
        side = cx + 95 if pid == pids[1] else cx - 95
        out.append(text(side, y + 3, note, "small " + ("" if pid == pids[1] else "end"),
                        colour))
        out.append(text(28, y + 3, f"{index + 1}", "small grey"))
        previous[pid] = "EAGAIN" if result < 0 else "fd"
    y = top + row_h * len(calls) + 6
    totals = [f"{names[pid]}: {int(by_pid[pid]['connections_accepted']):,} connections, "
              f"{int(by_pid[pid]['wakeups_found_nothing']):,} futile wake-ups" for pid in pids]
    out.append(text(20, y + 10, f"In this excerpt: {futile_seen} futile wake-up(s). The whole "
                    "traced run (herd.csv): " + "; ".join(totals) + ".", "label bold"))
    out.append(text(20, y + 30, "A futile wake-up is an accept() that says EAGAIN right after "
                    "an EAGAIN of the same worker: it was woken, and the other worker had "
                    "taken the connection.", "note"))
    out.append(text(20, y + 46, "With two workers at most one can wake for nothing per "
                    "connection; strace slows every accept(), so compare traced runs only with "
                    "traced runs.", "note"))
    where = comments[0] if comments else ""
    out.append(text(20, y + 66, f"Source: book/figures/data/herd-04_prefork.strace, {where}; "
                    "", "note"))
    out.append(text(20, y + 82, f"totals: bench/results/{HERD_RUN}/herd.csv (rows 04_prefork, "
                    "epollexclusive 0, measured_by strace).", "note"))
    return svg(width, height, "The new thundering herd in a real trace", out)


# ---- a fiber's park and resume -------------------------------------------------------------

def fiber_park():
    require_names("common/fiber/io.hpp", ["recv_into", "may_have_input", "before_wait()",
                                          "wait_readable", "drained(fd)", "::recv("])
    require_names("common/fiber/scheduler.cpp", ["Scheduler::wait_on", "Scheduler::park",
                                                 "switch_to_scheduler", "Scheduler::poll_io",
                                                 "epoll_wait(", "Scheduler::wake",
                                                 "Scheduler::resume", "EPOLLET"])
    runs = constant("common/fiber/scheduler.hpp", r"kMaxRunsBetweenPolls = (\d+);")
    events = constant("common/net/event_loop.hpp", r"kMaxEventsPerWait = (\d+);")
    width = 1000
    lanes = {"fiber": 110, "scheduler": 440, "kernel": 760}
    top = 112
    steps = [
        ("fiber", None, "recv() returned less than it asked: drained(fd)", "#1f5fa8"),
        ("fiber", None, "request answered; recv_into() again: may_have_input(fd) is false",
         "#1f5fa8"),
        ("fiber", None, "before_wait(): the idle session gives its buffer back", "#1f5fa8"),
        ("fiber", None, "wait_readable(fd) → wait_on(): registered once (EPOLLET), reader = "
                        "this fiber", "#1f5fa8"),
        ("fiber", "scheduler", "park(): parked_ = true; switch_to_scheduler() (user space, no "
                               "system call)", "#1f5fa8"),
        ("scheduler", None, f"runs the other runnable fibers (at most {runs} between polls)",
         "#444444"),
        ("scheduler", "kernel", f"poll_io(): epoll_wait(up to {events} events); nothing ready: "
                                "the thread sleeps", "#444444"),
        ("kernel", None, "the client's next request arrives: the socket becomes readable "
                         "(an edge)", "#777777"),
        ("kernel", "scheduler", "epoll_wait() returns the event", "#777777"),
        ("scheduler", None, "may_have_input = true; wake(reader): parked_ = false, into "
                            "runnable_", "#444444"),
        ("scheduler", "fiber", "resume(): the fiber continues inside wait_readable()",
         "#444444"),
        ("fiber", None, "space() lends a buffer again; recv() = the request's bytes",
         "#1f5fa8"),
    ]
    row_h = 30
    height = top + row_h * len(steps) + 80
    out = [text(20, 26, "A fiber parks and resumes around a recv() (steps 09-13, one "
                "scheduler thread)", "title"),
           text(20, 46, "The calls of common/fiber (io.hpp, scheduler.cpp) in the order they "
                "run for one idle keep-alive connection; drawn from the code, not from a "
                "trace.", "sub"),
           text(20, 62, "Fiber and scheduler share one kernel thread: the switch between them "
                "is a user-space context switch.", "sub")]
    titles = {"fiber": "connection fiber", "scheduler": "scheduler (same thread)",
              "kernel": "kernel: socket, epoll"}
    for lane, x in lanes.items():
        out.append(text(x, top - 24, titles[lane], "lane"))
        out.append(line(x, top - 16, x, top + row_h * len(steps), "#cccccc", 1))
    parked_from = parked_to = None
    for index, (where, to, words, colour) in enumerate(steps):
        y = top + row_h * index
        x = lanes[where]
        out.append(text(28, y + 4, f"{index + 1}", "small grey"))
        if to is None:
            out.append(f'<circle cx="{x:g}" cy="{y:g}" r="4" fill="{colour}"/>')
            if where == "kernel":
                out.append(text(x - 10, y + 4, words, "small end", colour))
            else:
                out.append(text(x + 10, y + 4, words, "small", colour))
        else:
            out += arrow(x, y, lanes[to], colour)
            out.append(text(min(x, lanes[to]) + 6, y - 5, words, "small", colour))
        if words.startswith("park()"):
            parked_from = y
        if words.startswith("resume()"):
            parked_to = y
    if parked_from is not None and parked_to is not None:
        fx = lanes["fiber"]
        out.append(rect(fx - 14, parked_from + 6, 28, parked_to - parked_from - 22, "#d07010",
                        opacity=0.18))
        middle = (parked_from + parked_to) / 2
        out.append(text(fx + 20, middle - 20, "parked: its stack and registers kept", "small bold",
                        "#d07010"))
        out.append(text(fx + 20, middle - 6, "in user space; no kernel thread tied to it;", "small",
                        "#d07010"))
        out.append(text(fx + 20, middle + 8, "the session holds no buffer", "small", "#d07010"))
    y = top + row_h * len(steps) + 12
    out.append(text(20, y + 8, "Optimistic I/O: a fiber tries the call first and parks only "
                    "when the socket is known empty (rows 2-5); the pessimistic variant "
                    "(09_fibers+pessimistic) waits before every read.", "note"))
    out.append(text(20, y + 24, "Constants read from the sources: kMaxRunsBetweenPolls "
                    "(common/fiber/scheduler.hpp), kMaxEventsPerWait (common/net/"
                    "event_loop.hpp).", "note"))
    return svg(width, height, "A fiber's park and resume around recv()", out)


# ---- the ladder on one page ----------------------------------------------------------------

# (server, the idea in a few words, what the story number is: (kind, scenario or metric,
# label, the server it is compared with or None))
LADDER = [
    ("01_blocking_threads", "a thread per connection",
     ("scenario", "idle", "rss", "RSS per idle connection", None)),
    ("02_select", "one thread, select()",
     ("deterministic", "keepalive", "instructions", "instructions/req", "01_blocking_threads")),
    ("03_epoll", "epoll: only the ready sockets",
     ("deterministic", "keepalive", "instructions", "instructions/req", "02_select")),
    ("04_prefork", "forked workers share the listener",
     ("deterministic", "keepalive", "instructions", "instructions/req", "03_epoll")),
    ("05_accept4", "accept4(): flags in one call",
     ("deterministic", "close", "syscalls", "close: syscalls/req", "04_prefork")),
    ("06_sendfile_msg_more", "send(MSG_MORE) + sendfile()",
     ("scenario", "c1", "p50", "c1 p50 latency", "05_accept4")),
    ("07_date_cache", "the Date header cached per second",
     ("deterministic", "keepalive", "instructions", "instructions/req", "06_sendfile_msg_more")),
    ("08_fd_cache", "open files kept (fd cache)",
     ("deterministic", "keepalive", "syscalls", "syscalls/req", "07_date_cache")),
    ("09_fibers", "a fiber per connection",
     ("scenario", "idle", "rss", "RSS per idle connection", "08_fd_cache")),
    ("10_timeout_manager", "idle timeouts: one sweep per T",
     ("scenario", "slowloris", "drops", "slowloris", None)),
    ("11_parallel_io_managers", "one I/O manager per core",
     ("scenario", "close", "cpu", "close: CPU µs/req", "10_timeout_manager")),
    ("12_response_cache", "whole answers prepared per file",
     ("deterministic", "keepalive", "instructions", "instructions/req", "11_parallel_io_managers")),
    ("13_batched_writes", "pipelined answers sent together",
     ("scenario", "pipeline", "rps", "pipeline req/s", "nginx")),
]
PEERS = [("nginx", "a reference server, one worker"),
         ("lighttpd", "a reference server, one worker"),
         ("floor", "the least work a request can cost (bench/floor)")]


def fmt_int(value):
    return f"{round(value):,}"


def ladder_summary():
    folder = f"bench/results/{SUMMARY_RUN}"
    summary = {(row["scenario"], row["server"]): row for row in rows_of(f"{folder}/summary.csv")}
    counts = {(row["server"], row["kind"]): row for row in rows_of(f"{folder}/deterministic.csv")}

    def seed_cpu(server):
        row = summary.get(("seed", server))
        if row is None or not row["cpu_us_per_request"]:
            fail(f"{folder}/summary.csv: no seed CPU for {server}")
        return float(row["cpu_us_per_request"])

    def story(server, spec):
        kind, where, metric, label, other = spec

        def value(name):
            if kind == "deterministic":
                row = counts.get((name, where))
                if row is None:
                    fail(f"{folder}/deterministic.csv: no {where} row for {name}")
                if metric == "instructions":
                    return fmt_int(float(row["instructions_per_request"]))
                return f"{float(row['syscalls_per_request']):.2f}"
            row = summary.get((where, name))
            if row is None:
                fail(f"{folder}/summary.csv: no {where} row for {name}")
            if metric == "rss":
                return f"{float(row['rss_per_idle_kib']):.2f} KiB"
            if metric == "p50":
                p50 = float(row["p50_us"])
                return f"{p50 / 1000:.1f} ms" if p50 >= 1000 else f"{p50:.1f} µs"
            if metric == "cpu":
                return f"{float(row['cpu_us_per_request']):.2f}"
            if metric == "rps":
                return fmt_int(float(row["rps_median"]))
            if metric == "drops":
                return (f"T = {row['server_timeout_s']} s, {int(row['slowloris_dropped']):,} of "
                        f"{int(row['slowloris_requested']):,} dropped, first at "
                        f"{float(row['slowloris_first_drop_s']):.3f} s")
            fail(f"unknown metric {metric}")
            return ""

        words = f"{label}: {value(server)}"
        if other:
            short = other.split("_")[0]
            words += f" ({short}: {value(other)})"
        return words

    rows = [(server, idea, seed_cpu(server), story(server, spec)) for server, idea, spec in LADDER]
    peers = [(server, idea, seed_cpu(server),
              "instructions/req: " + fmt_int(float(counts[(server, "keepalive")]
                                                     ["instructions_per_request"])))
             for server, idea in PEERS]
    scale_max = max(cpu for _, _, cpu, _ in rows + peers)
    width, height = 1280, 720
    left, bar_x, bar_w = 24, 440, 250
    story_x = bar_x + bar_w + 70
    top, row_h = 112, 33
    out = [text(left, 32, "tenk: the ladder on one page", "title"),
           text(left, 52, f"run {SUMMARY_RUN}: 2-core VM (Intel Xeon, Linux 6.18.44), server "
                "pinned to CPU 0 with one worker, load generator on CPU 1, 3 repeats, medians",
                "sub"),
           text(left, top - 18, "step: its idea", "label bold"),
           text(bar_x, top - 18, "seed: server CPU µs per request (1,000 keep-alive conns)",
                "label bold"),
           text(story_x, top - 18, "one more number that tells its story (vs the step it "
                "answers)", "label bold")]

    def draw(index, server, idea, cpu, words, colour, y_offset=0):
        y = top + row_h * index + y_offset
        if index % 2 == 0:
            out.append(rect(left - 8, y - 16, width - 2 * left + 16, row_h, "#f4f4f4"))
        out.append(text(left, y + 1, server, "label bold"))
        out.append(text(left + 190, y + 1, idea, "small"))
        length = bar_w * cpu / scale_max
        out.append(rect(bar_x, y - 9, length, 14, colour))
        out.append(text(bar_x + length + 6, y + 2, f"{cpu:.2f}", "label bold"))
        out.append(text(story_x, y + 1, words, "small"))

    for index, (server, idea, cpu, words) in enumerate(rows):
        draw(index, server, idea, cpu, words, "#1f5fa8")
    gap = 16
    for index, (server, idea, cpu, words) in enumerate(peers):
        colour = "#777777" if server != "floor" else "#2a7a2a"
        draw(len(rows) + index, server, idea, cpu, words, colour, gap)
    floor_cpu = seed_cpu("floor")
    last_cpu = rows[-1][2]
    y = top + row_h * (len(rows) + len(peers)) + gap + 8
    out.append(text(left, y, f"13 costs {last_cpu / floor_cpu:.2f}× the floor's CPU in seed "
                    f"({last_cpu:.2f} against {floor_cpu:.2f} µs): the 1.15× goal is missed. "
                    "Deterministic counts: one keep-alive connection, user-space "
                    "instructions (callgrind).", "small bold"))
    out.append(text(left, y + 18, "Caveats (numbers.md): one worker on loopback, no NIC; at the "
                    "high end the client may limit req/s, so CPU per request is the fair "
                    "comparison; every scenario but bigfile serves one 151-byte file.", "note"))
    out.append(text(left, y + 34, f"Source: bench/results/{SUMMARY_RUN}/summary.csv "
                    "(scenarios: seed, c1, close, idle, slowloris, pipeline) and "
                    "deterministic.csv; drawn by book/figures/render.", "note"))
    return svg(width, height, f"The ladder on one page, run {SUMMARY_RUN}", out)


def render():
    return {"timeout-sweep.svg": timeout_sweep(),
            "herd-trace.svg": herd_trace(),
            "fiber-park.svg": fiber_park(),
            "ladder-summary.svg": ladder_summary()}
