"""One measurement: a fresh server, one load, the server's CPU time around it (a results.csv row)."""

import dataclasses
import signal
import time

from .client import error_total, finish_loadgen, run_loadgen, start_loadgen
from .config import ERROR_KINDS, IDLE_HOLD_MAX_S
from .procfs import cpu_between, cpu_snapshot, load_average, open_fds, rss_kib, split_cpu
from .servers import ServerStartError, start_server, step_flags
from .summary import per_request_us

RESULT_FIELDS = (["repeat", "scenario", "server", "status", "requests", "seconds", "rps", "capped",
                  "cpu_window", "connections_opened_in_window", "warmup_connections", "warmup_failed",
                  "setup_s", "cpu_us_per_connection", "cpu_ns", "cpu_us_per_request", "user_us_per_request", "system_us_per_request",
                  "cpu_user_ticks", "cpu_system_ticks", "cpu_processes", "cpu_tick_error_us", "cpu_split_note",
                  "p50_us", "p90_us", "p99_us", "max_us"]
                 + [f"errors_{k}" for k in ERROR_KINDS]
                 + ["idle_requested", "idle_held", "idle_open_at_end", "rss_before_kib", "rss_idle_kib",
                    "rss_per_idle_kib", "slowloris_requested", "slowloris_dropped",
                    "slowloris_first_drop_s", "slowloris_median_drop_s", "server_timeout_s", "server_exit",
                    "load_1m", "loadgen_args"])


def measure(ctx, spec, scenario, repeat):
    """One row of results.csv."""
    row = {"repeat": repeat, "scenario": scenario.name, "server": spec.name, "load_1m": load_average(),
           "loadgen_args": " ".join(scenario.loadgen_args() + [scenario.path]),
           "server_timeout_s": applied_timeout(spec, scenario.server_timeout)}
    try:
        server = start_server(ctx, spec, f"repeat {repeat}, {scenario.name}", timeout=scenario.server_timeout)
    except ServerStartError as e:
        row["status"] = f"failed to start: {e}"
        return row
    try:
        if scenario.idle:
            row.update(sample_idle_rss(ctx, server, scenario))
        pids = server.tree()
        edges = {}

        def on_edge(edge):  # the window's edges (windowed scenarios), while loadgen waits
            nonlocal pids
            if server.alive():
                pids = (set(pids) | set(server.tree())) if edges else server.tree()
            edges[edge] = cpu_snapshot(pids)

        before = cpu_snapshot(pids)
        result = run_loadgen(ctx, server.url(scenario.path), scenario, on_edge)
        if server.alive():
            pids = set(pids) | set(server.tree())  # and any process born during the run
        after = cpu_snapshot(pids)
        save_raw(ctx, f"r{repeat}-{scenario.name}-{spec.name}", result)
        row.update(row_from_result(result, scenario))
        window = window_of(scenario, edges)
        row["cpu_window"] = window
        if window == "warm connections":
            before, after = edges["start"], edges["end"]
        row.update(cpu_fields(cpu_between(before, after), row["requests"]))
        row["cpu_us_per_connection"] = per_connection_us(scenario, row)
    finally:
        row["server_exit"] = server.stop()
        if server.exit_note:
            row["server_exit"] += f" ({server.exit_note})"
    return row


def cpu_fields(cpu, requests):
    """The CPU columns of a results.csv row from a procfs.cpu_between() window: the ns total and
    its user/kernel split (procfs.split_cpu), per request, with the raw ticks behind the split."""
    split = split_cpu(cpu)
    per_request = lambda ns: None if ns is None else per_request_us(ns / 1e9, requests)
    return {"cpu_ns": cpu["ns"], "cpu_us_per_request": per_request(cpu["ns"]),
            "user_us_per_request": per_request(split["user_ns"]),
            "system_us_per_request": per_request(split["system_ns"]),
            "cpu_user_ticks": cpu["user_ticks"], "cpu_system_ticks": cpu["system_ticks"],
            "cpu_processes": cpu["processes"], "cpu_tick_error_us": split["tick_error_ns"] / 1e3,
            "cpu_split_note": split["note"]}


def window_of(scenario, edges):
    """What a run's CPU window (and req/s) covers: "warm connections" (between loadgen's window
    edges: every connection open and warm, connects and closes outside), "whole run" (connects,
    closes and the extras' setup included), or "whole run (no window edges)" when a windowed
    scenario's loadgen did not signal both edges (it failed: its status says how)."""
    if not scenario.window:
        return "whole run"
    return "warm connections" if {"start", "end"} <= set(edges) else "whole run (no window edges)"


def per_connection_us(scenario, row):
    """The setup cost, from a scenario without keep-alive (close): the server's CPU µs per
    connection loadgen opened (each accepted, served one request, closed), over the whole run.
    None elsewhere: a keep-alive run's CPU is mostly serving."""
    opened = row.get("connections_opened_in_window")
    if scenario.keepalive or not opened or row.get("cpu_ns") in (None, ""):
        return None
    return row["cpu_ns"] / 1e3 / opened


def applied_timeout(spec, timeout):
    """The timeout the server really got (None: it has none, or the scenario sets none)."""
    if not timeout:
        return None
    if spec.kind == "peer" or (spec.kind == "step" and "--timeout" in step_flags(spec.program)):
        return timeout
    return None


def row_from_result(result, scenario):
    """The results.csv fields that come from loadgen's JSON."""
    row = {"status": result["status"], "requests": result.get("requests", 0)}
    if "rps" not in result:
        return row
    # Load connects started in the measured run: inside the window (reconnects) for a windowed
    # scenario, every one otherwise (close: one per request). The warm-up's connections apart.
    row["connections_opened_in_window"] = result.get("connections_opened")
    warmup = result.get("warmup") or {}
    if result.get("window"):
        row.update(warmup_connections=warmup.get("ok"), warmup_failed=warmup.get("failed"))
    row["setup_s"] = warmup.get("setup_seconds")
    # A run without a request limit (requests == 0) lasts its duration: never "capped".
    row.update(seconds=result["seconds"], rps=result["rps"],
               capped=int(result["requests"] + error_total(result) < scenario.requests))
    if result["requests"]:  # no latency without a response
        latency = result["latency_us"]
        row.update(p50_us=latency["p50"], p90_us=latency["p90"], p99_us=latency["p99"],
                   max_us=latency["max"])
    for kind in ERROR_KINDS:
        row[f"errors_{kind}"] = result["errors"].get(kind, 0)
    if scenario.idle:
        row["idle_requested"] = result["idle"]["requested"]
        row["idle_open_at_end"] = result["idle"]["open_at_end"]
    if scenario.slowloris:
        slow = result["slowloris"]
        row.update(slowloris_requested=slow["requested"], slowloris_dropped=slow["dropped"],
                   slowloris_first_drop_s=slow["first_drop_s"], slowloris_median_drop_s=slow.get("median_drop_s"))
    return row


def sample_idle_rss(ctx, server, scenario):
    """RSS per idle connection: the RSS of the whole server tree with the idle connections open,
    minus its RSS before, divided by the idle connections the server holds (its open file
    descriptors minus those before, minus the one load connection). The connections are held by
    a loadgen run of its own (one keep-alive load connection + the idle ones) that is stopped
    once the server's file descriptors stop growing."""
    pids = server.tree()
    rss_before, fds_before = rss_kib(pids), open_fds(pids)
    hold = dataclasses.replace(scenario, connections=1, requests=10**9, duration=IDLE_HOLD_MAX_S, window=False)
    proc = start_loadgen(ctx, server.url(scenario.path), hold.loadgen_args())
    target = fds_before + 1 + scenario.idle
    start = last_change = time.monotonic()
    fds = fds_before
    while proc.poll() is None and time.monotonic() - start < IDLE_HOLD_MAX_S - 2:
        time.sleep(0.1)
        now_fds = open_fds(server.tree())
        if now_fds != fds:
            fds, last_change = now_fds, time.monotonic()
        if fds >= target or (fds > fds_before + 1 and time.monotonic() - last_change > 1.0):
            break
    time.sleep(0.3)  # let the last accepted connections settle
    pids = server.tree()
    rss_held, fds = rss_kib(pids), open_fds(pids)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # loadgen stops, reports and closes everything
    finish_loadgen(proc, 30)
    server.settle()  # the measured load starts once those connections are closed
    held = max(0, min(scenario.idle, fds - fds_before - 1))
    return {"idle_held": held, "rss_before_kib": rss_before, "rss_idle_kib": rss_held,
            "rss_per_idle_kib": (rss_held - rss_before) / held if held else None}


def save_raw(ctx, name, result):
    """raw/NAME.json: the loadgen JSON exactly as the run printed it (+ NAME.stderr if any)."""
    if "json" in result:
        (ctx.out / "raw" / f"{name}.json").write_text(result["json"] + "\n")
    if result.get("stderr", "").strip():
        (ctx.out / "raw" / f"{name}.stderr").write_text(result["stderr"])
