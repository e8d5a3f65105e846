"""Summaries: medians and spreads per (scenario, server), and per-request division."""

import statistics

from .config import ERROR_KINDS


def per_request_us(seconds, requests):
    """CPU seconds over a number of requests, in µs per request (None without requests)."""
    return seconds * 1e6 / requests if requests else None


def median_of(rows, field):
    """The median of a field over the rows that have a value for it (None if none has)."""
    values = [r[field] for r in rows if r.get(field) not in (None, "")]
    return statistics.median(values) if values else None


SUMMARY_FIELDS = (["scenario", "server", "runs", "ok_runs", "rps_median", "rps_min", "rps_max",
                   "capped_runs", "cpu_us_per_request", "p50_us", "p99_us"]
                  + [f"errors_{k}" for k in ERROR_KINDS]
                  + ["rss_per_idle_kib", "idle_held", "idle_open_at_end", "slowloris_dropped",
                     "slowloris_first_drop_s", "failures", "exits"])


def summarize(rows, scenario_names, servers):
    """{(scenario, server): summary dict}: medians over the repeats that completed, the min-max
    spread of req/s, and how the other repeats ended."""
    out = {}
    for scenario in scenario_names:
        for server in servers:
            runs = [r for r in rows if r["scenario"] == scenario and r["server"] == server]
            if runs:
                out[(scenario, server)] = summary_row(scenario, server, runs)
    return out


def summary_row(scenario, server, runs):
    ok = [r for r in runs if r.get("status") == "ok"]
    rps = [r["rps"] for r in ok]
    summary = {"scenario": scenario, "server": server, "runs": len(runs), "ok_runs": len(ok),
               "rps_median": statistics.median(rps) if rps else None,
               "rps_min": min(rps) if rps else None, "rps_max": max(rps) if rps else None,
               "capped_runs": sum(int(r.get("capped") or 0) for r in ok),
               "failures": sorted({r["status"] for r in runs if r.get("status") != "ok"}),
               "exits": sorted({r.get("server_exit", "") for r in runs} - {"exit 0", ""})}
    for field in ("cpu_us_per_request", "p50_us", "p99_us", "rss_per_idle_kib", "idle_held",
                  "idle_open_at_end", "slowloris_dropped", "slowloris_first_drop_s"):
        summary[field] = median_of(runs, field)
    for kind in ERROR_KINDS:
        summary[f"errors_{kind}"] = median_of(runs, f"errors_{kind}")
    return summary
