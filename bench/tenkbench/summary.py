"""Summaries: medians and spreads per (scenario, server), and per-request division."""

import statistics

from .config import ERROR_KINDS


def per_request_us(seconds, requests):
    """CPU seconds over a number of requests, in µs per request (None without requests)."""
    return seconds * 1e6 / requests if requests else None


def values_of(rows, field):
    return [r[field] for r in rows if r.get(field) not in (None, "")]


def median_of(rows, field):
    """The median of a field over the rows that have a value for it (None if none has)."""
    values = values_of(rows, field)
    return statistics.median(values) if values else None


# Fields whose min-max spread over the repeats is kept too (the plots' error bars).
SPREAD_FIELDS = ("cpu_us_per_request", "p50_us", "p99_us", "rss_per_idle_kib", "cpu_us_per_connection")


SUMMARY_FIELDS = (["scenario", "server", "runs", "ok_runs", "failed_runs", "rps_median", "rps_min", "rps_max",
                   "capped_runs", "cpu_window", "connections_opened_in_window", "cpu_us_per_connection",
                   "cpu_us_per_request", "user_us_per_request", "system_us_per_request",
                   "system_share", "split_runs", "split_note", "p50_us", "p99_us"]
                  + [f"errors_{k}" for k in ERROR_KINDS]
                  + ["rss_per_idle_kib", "idle_held", "idle_open_at_end", "slowloris_requested",
                     "slowloris_dropped", "slowloris_first_drop_s", "slowloris_median_drop_s", "server_timeout_s"]
                  + [f"{f}_{end}" for f in SPREAD_FIELDS for end in ("min", "max")]
                  + ["load_1m", "failures", "exits"])


def summarize(rows, scenario_names, servers):
    """{(scenario, server): summary dict}: medians over the repeats that completed, the min-max
    spread of req/s, and how the other repeats ended (see summary_row)."""
    out = {}
    for scenario in scenario_names:
        for server in servers:
            runs = [r for r in rows if r["scenario"] == scenario and r["server"] == server]
            if runs:
                out[(scenario, server)] = summary_row(scenario, server, runs)
    return out


# The figures of the served load: a failed run never gives them, not even to a row whose runs
# all failed (its req/s is None and the report shows how the runs failed instead).
LOAD_FIELDS = ("cpu_us_per_request", "p50_us", "p99_us", "connections_opened_in_window", "cpu_us_per_connection")
# The other medians: the errors, the idle connections held (measured before the load), the
# slowloris drops, the server's timeout, the load average.
OTHER_FIELDS = (("rss_per_idle_kib", "idle_held", "idle_open_at_end", "slowloris_requested", "slowloris_dropped",
                 "slowloris_first_drop_s", "slowloris_median_drop_s", "server_timeout_s", "load_1m")
                + tuple(f"errors_{kind}" for kind in ERROR_KINDS))


def summary_row(scenario, server, runs):
    """The summary of one (scenario, server): medians and min-max spreads over its runs, the
    number that failed (failed_runs) and how (failures), the servers' bad exits (exits).

    Every median and spread of a row is taken over the same runs: the successful ones (status
    "ok") whenever there is one. A failed run is another experiment (a server that answered
    nothing, a client that was killed): its figures are not samples of a successful run's, and
    mixing them into some columns while req/s leaves them out would describe no run at all (one
    ok run with 0 errors and one failed with 40,000 would give 20,000 errors/run beside the ok
    run's req/s). A row whose runs all failed has no load figures (req/s, CPU, latency: None),
    and the report shows how its runs failed in place of req/s; its other medians are taken
    over those failed runs, all of them, because they describe the failure (in the idle
    scenario of the reference run, 02_select held 1,016 idle connections, then answered 503 to
    the whole load).
    """
    ok = [r for r in runs if r.get("status") == "ok"]
    failed = [r for r in runs if r.get("status") != "ok"]
    population = ok or failed
    rps = [r["rps"] for r in ok]
    summary = {"scenario": scenario, "server": server, "runs": len(runs), "ok_runs": len(ok),
               "failed_runs": len(failed),
               "rps_median": statistics.median(rps) if rps else None,
               "rps_min": min(rps) if rps else None, "rps_max": max(rps) if rps else None,
               "capped_runs": sum(int(r.get("capped") or 0) for r in ok),
               # what the CPU window of the ok runs covered (measure.window_of), each kind once
               "cpu_window": "; ".join(sorted({r["cpu_window"] for r in ok if r.get("cpu_window")})),
               "failures": sorted({r["status"] for r in failed}),
               "exits": sorted({r.get("server_exit", "") for r in runs} - {"exit 0", ""})}
    for field in LOAD_FIELDS:
        summary[field] = median_of(ok, field)
    summary.update(cpu_split(ok, summary["cpu_us_per_request"]))
    for field in OTHER_FIELDS:
        summary[field] = median_of(population, field)
    for field in SPREAD_FIELDS:
        values = values_of(ok if field in LOAD_FIELDS else population, field)
        summary[f"{field}_min"] = min(values) if values else None
        summary[f"{field}_max"] = max(values) if values else None
    return summary


def cpu_split(ok, cpu_median):
    """The user/kernel split of a summary row, from the same successful runs as its CPU median:
    system_share is the median over those that could be split (results.csv's split columns set:
    enough ticks, see procfs.split_cpu) of system / (user + system); system_us_per_request is
    the CPU median times that share and user_us_per_request the rest, so that the two add up to
    cpu_us_per_request exactly, as in every run. (The medians of the two parts would not: with
    three runs each may come from a different run.) split_runs: how many runs were split;
    split_note: why the others were not ("too short"), each reason once."""
    def parts(r):
        user, system = r.get("user_us_per_request"), r.get("system_us_per_request")
        return None if user in (None, "") or system in (None, "") or user + system <= 0 else (user, system)

    shares = [system / (user + system) for user, system in filter(None, map(parts, ok))]
    share = statistics.median(shares) if shares else None
    reasons = sorted({str(r["cpu_split_note"]).split(":")[0] for r in ok if not parts(r) and r.get("cpu_split_note")})
    out = {"system_share": share, "split_runs": len(shares), "split_note": "; ".join(reasons),
           "user_us_per_request": None, "system_us_per_request": None}
    if share is not None and cpu_median is not None:
        out["system_us_per_request"] = cpu_median * share
        out["user_us_per_request"] = cpu_median - out["system_us_per_request"]
    return out


# Below this, a difference is never called a win over the floor: 5% of the floor's median, 15%
# when neither has a spread (one repeat) to compare with.
FLOOR_NOISE = 0.05
FLOOR_NOISE_ONE_RUN = 0.15


def beats(better, worse, lower_is_better=False):
    """Whether `better` beats `worse` by more than the spread: (median, min, max) each; the
    difference of the medians must be larger than either one's min-max range, and than
    FLOOR_NOISE (FLOOR_NOISE_ONE_RUN without a spread) of the floor's median."""
    sign = -1 if lower_is_better else 1
    noise = FLOOR_NOISE if better[2] > better[1] or worse[2] > worse[1] else FLOOR_NOISE_ONE_RUN
    allowance = max(better[2] - better[1], worse[2] - worse[1], noise * abs(worse[0]))
    return sign * (better[0] - worse[0]) > allowance


def is_floor(server):
    """The floor and its variants ("floor+io_uring"): each a floor of its own."""
    return server.partition("+")[0] == "floor"


def best_floor(candidates, key, lower_is_better=False):
    """The floor that sets the bar for one figure: the (name, row) of the candidates [(name, row)]
    whose key(row) is best, or None without candidates."""
    if not candidates:
        return None
    return (min if lower_is_better else max)(candidates, key=lambda item: key(item[1]))


def floor_check(summaries, scenario_names, servers, det_rows=()):
    """Where a server beats the floor (req/s, CPU per request, instructions or system calls per
    request): the floor then does work a server need not, and must be fixed. With several floors
    (the floor and its variants, is_floor) the bar for each scenario and figure is the best of them,
    named in the line; the floors are not checked against one another. One line each."""
    lines = []
    floors = [server for server in servers if is_floor(server)]
    for scenario in scenario_names:
        rows = [(name, summaries.get((scenario, name))) for name in floors]
        rows = [(name, s) for name, s in rows if s and s["rps_median"] is not None]
        if not rows:
            continue
        fastest = best_floor(rows, key=lambda s: s["rps_median"])
        leanest = best_floor([(name, s) for name, s in rows if s.get("cpu_us_per_request") is not None],
                             key=lambda s: s["cpu_us_per_request"], lower_is_better=True)
        for server in servers:
            s = summaries.get((scenario, server))
            if is_floor(server) or not s or s["rps_median"] is None:
                continue
            name, floor = fastest
            if beats((s["rps_median"], s["rps_min"], s["rps_max"]),
                     (floor["rps_median"], floor["rps_min"], floor["rps_max"])):
                line = (f"{scenario}: {server} {s['rps_median']:,.0f} req/s beats the best floor ({name}, "
                        f"{floor['rps_median']:,.0f}) by more than the spread")
                mine, floor_cpu = s.get("cpu_us_per_request"), floor.get("cpu_us_per_request")
                if mine is not None and floor_cpu is not None and mine > floor_cpu:
                    line += (f", with more CPU per request ({mine:.1f} µs against {floor_cpu:.1f}): the "
                             "difference lies outside the server's own work (client, kernel, timing)")
                lines.append(line)
            if leanest is None:
                continue
            name, floor = leanest
            cpu = [x.get(k) for x in (s, floor) for k in ("cpu_us_per_request", "cpu_us_per_request_min",
                                                          "cpu_us_per_request_max")]
            if None not in cpu and beats(cpu[:3], cpu[3:], lower_is_better=True):
                lines.append(f"{scenario}: {server} uses {cpu[0]:.1f} µs of CPU per request, less than the "
                             f"best floor ({name}, {cpu[3]:.1f}) by more than the spread")
    for row in det_rows:
        if is_floor(row["server"]):
            continue
        floor_rows = [r for r in det_rows if is_floor(r["server"]) and r["kind"] == row["kind"]]
        fields = [("instructions_per_request", "instructions"), ("syscalls_per_request", "system calls")]
        if row["server"].endswith("+sqpoll"):
            # A kernel thread makes its submissions: it trades system calls for that thread's CPU,
            # which the CPU comparison above counts, so its system calls are not a floor's business.
            fields = fields[:1]
        for field, what in fields:
            best = best_floor([(r["server"], r) for r in floor_rows], key=lambda r: r[field], lower_is_better=True)
            if best and row[field] < best[1][field]:
                lines.append(f"deterministic {row['kind']}: {row['server']} makes {row[field]:,.2f} {what} per "
                             f"request, fewer than the best floor ({best[0]}, {best[1][field]:,.2f})")
    return lines
