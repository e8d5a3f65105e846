"""The tables of results.md."""

import unittest

from tenkbench import procfs, report
from tenkbench.config import ERROR_KINDS, scenario_table
from tenkbench.summary import summarize


def run_row(server, scenario, rps, **fields):
    """A results.csv row of an ok run: loadgen reported, so every error kind has a count."""
    return {"scenario": scenario, "server": server, "status": "ok", "server_exit": "exit 0", "rps": rps,
            "capped": 0, **{f"errors_{kind}": 0 for kind in ERROR_KINDS}, **fields}


class ScenarioTable(unittest.TestCase):
    def test_c1_row_in_milliseconds(self):
        rows = [run_row("03_epoll", "c1", 22.6, p50_us=44433.4, p99_us=44810.0, capped=1,
                        cpu_us_per_request=None)]
        table = report.scenario_table_md(scenario_table("full")["c1"], ["03_epoll"],
                                         summarize(rows, ["c1"], ["03_epoll"]), [])
        lines = table.splitlines()
        self.assertEqual(lines[0], "| server | req/s median [min–max] | CPU µs/req | user / kernel µs/req (kernel %) "
                                   "| p50 | p99 | errors/run |")
        self.assertEqual(lines[2], "| 03_epoll | 23 † | – | – | 44 ms | 45 ms | 0 |")

    def test_seed_row_with_syscalls_and_bad_exit(self):
        rows = [run_row("floor", "seed", 100.0, cpu_us_per_request=6.44, p50_us=7000.0, p99_us=9200.0,
                        user_us_per_request=1.61, system_us_per_request=4.83),
                {**run_row("floor", "seed", 300.0, cpu_us_per_request=6.2, p50_us=7000.0, p99_us=9200.0,
                           cpu_split_note="too short: 19 ticks < 20"), "server_exit": "signal 9"}]
        syscalls = [{"server": "floor", "scenario": "seed", "syscall": "total", "per_request": 2.5}]
        table = report.scenario_table_md(scenario_table("full")["seed"], ["floor", "nginx"],
                                         summarize(rows, ["seed"], ["floor"]), syscalls)
        self.assertEqual(table.splitlines()[2], "| floor ⚠ | 200 [100–300] | 6.3 | 1.6 / 4.7 (75%; 1 of 2 runs) | 7.0 ms "
                                                 "| 9.2 ms | 0 | 2.5 |")
        self.assertEqual(len(table.splitlines()), 3)  # nginx did not run: no row

    def test_idle_columns(self):
        rows = [run_row("floor", "idle", 100.0, rss_per_idle_kib=0.52, idle_held=10000, idle_open_at_end=9999)]
        table = report.scenario_table_md(scenario_table("full")["idle"], ["floor"],
                                         summarize(rows, ["idle"], ["floor"]), [])
        self.assertTrue(table.splitlines()[2].endswith("| 0.5 KiB | 10,000 | 9,999 |"))


    def test_a_row_whose_runs_all_failed(self):
        failed = dict(status="no response", requests=0, capped=1, errors_reset=0, errors_bad_status=40000,
                      errors_parse=448, rss_per_idle_kib=0.33, idle_held=1016, idle_open_at_end=1017)
        rows = [{**run_row("02_select", "idle", 0), **failed} for _ in range(3)]
        rows += [{"scenario": "idle", "server": "lighttpd", "status": "timed out (loadgen killed after 43 s)",
                  "server_exit": "exit 0", "rss_per_idle_kib": 1.32, "idle_held": 9999}]
        table = report.scenario_table_md(scenario_table("full")["idle"], ["02_select", "lighttpd"],
                                         summarize(rows, ["idle"], ["02_select", "lighttpd"]), [])
        self.assertEqual(table.splitlines()[2], "| 02_select | **no response** | – | – | – | – | bad_status 40,000, "
                                                "parse 448 | 0.3 KiB | 1,016 | 1,017 |")
        # No loadgen report, no errors counted: "–", not "0".
        self.assertEqual(table.splitlines()[3], "| lighttpd | **timed out (loadgen killed after 43 s)** | – | – | – "
                                                "| – | – | 1.3 KiB | 9,999 | – |")


class UserAndKernel(unittest.TestCase):
    def test_a_row_too_short_to_split_says_so(self):
        rows = [run_row("floor", "c1", 9000.0, cpu_us_per_request=5.0, cpu_split_note="too short: 9 ticks < 20")]
        s = summarize(rows, ["c1"], ["floor"])[("c1", "floor")]
        self.assertEqual(report.fmt_split(s), "too short")
        rows[0].update(user_us_per_request=1.0, system_us_per_request=4.0, cpu_split_note="")
        self.assertEqual(report.fmt_split(summarize(rows, ["c1"], ["floor"])[("c1", "floor")]), "1.0 / 4.0 (80%)")

    def test_tick_agreement(self):
        tick_ms = procfs.TICK_NS / 1e6
        rows = [run_row("floor", "seed", 1.0, cpu_tick_error_us=-1.5 * tick_ms * 1e3, cpu_processes=1,
                        user_us_per_request=1.0, system_us_per_request=3.0),
                run_row("nginx", "seed", 1.0, cpu_tick_error_us=3 * tick_ms * 1e3, cpu_processes=2,
                        cpu_split_note="too short: 12 ticks < 20"),
                run_row("lighttpd", "seed", 1.0, cpu_tick_error_us=-2.5 * tick_ms * 1e3, cpu_processes=1,
                        cpu_split_note="ticks disagree: ..."),
                run_row("floor", "c1", 1.0)]  # no CPU measured (an old results.csv)
        check = report.tick_agreement(rows)
        self.assertEqual((check["runs"], check["within"], check["split"], check["short"]), (3, 2, 1, 1))
        self.assertAlmostEqual(check["largest_ms"], 3 * tick_ms)
        self.assertEqual([(scenario, server) for scenario, server, _, _ in check["outside"]], [("seed", "lighttpd")])

    def test_the_section(self):
        rows = [run_row("floor", "seed", 1.0, cpu_us_per_request=4.0, user_us_per_request=1.0,
                        system_us_per_request=3.0, cpu_tick_error_us=-4000.0, cpu_processes=1),
                run_row("floor", "c1", 1.0, cpu_us_per_request=4.0, cpu_tick_error_us=0.0, cpu_processes=1,
                        cpu_split_note="too short: 2 ticks < 20")]
        text = "\n".join(report.cpu_split_md(["floor", "nginx"], ["seed", "c1"],
                                             summarize(rows, ["seed", "c1"], ["floor"]), rows))
        self.assertIn("2 of 2 runs agree (largest difference -4.0 ms", text)
        self.assertIn("1 run split, 1 too short.", text)
        self.assertIn("| server | seed | c1 |\n|---|---|---|\n| floor | 75% | too short |", text)
        self.assertNotIn("| nginx |", text)


class OtherTables(unittest.TestCase):
    def test_syscalls_table(self):
        rows = [{"server": "05_accept4", "scenario": "seed", "syscall": "total", "per_request": 8.4,
                 "per_connection": 84.0},
                {"server": "05_accept4", "scenario": "close", "syscall": "total", "per_request": 12.0,
                 "per_connection": 12.0},
                {"server": "05_accept4", "scenario": "close", "syscall": "accept4", "per_request": 1.0,
                 "per_connection": 1.0}]
        table = report.syscalls_table_md(["05_accept4", "floor"], rows)
        self.assertEqual(table.splitlines()[2], "| 05_accept4 | 8.40 | 12.00 | 0.00 | 1.00 | 0.00 |")
        self.assertEqual(len(table.splitlines()), 3)

    def test_herd_table(self):
        rows = [{"server": "04_prefork", "epollexclusive": 0, "connections_accepted": a,
                 "wakeups_found_nothing": e, "rps": 5000.0} for a, e in ((2500, 30), (2500, 20))]
        self.assertEqual(report.herd_table_md(rows).splitlines()[2],
                         "| 04_prefork | --workers 2 | off | 2500 + 2500 | 30 + 20 | 10.0 | 5,000 | – | – | – | – |")

    def test_herd_table_with_strace_and_a_single_acceptor(self):
        rows = [{"server": "05_accept4", "parallel": "--workers 2", "epollexclusive": 1, "measured_by": "strace",
                 "connections_accepted": a, "wakeups_found_nothing": f, "accept_eagain": e, "rps": 9000.0}
                for a, f, e in ((3000, 30, 600), (2000, 20, 400))]
        rows += [{"server": "11_parallel_io_managers", "parallel": "--threads 2", "epollexclusive": None,
                  "measured_by": "strace", "connections_accepted": a, "wakeups_found_nothing": 0,
                  "accept_eagain": e, "rps": 8000.0} for a, e in ((5000, 1250), (0, 0))]
        lines = report.herd_table_md(rows).splitlines()
        self.assertEqual(lines[2], "| 05_accept4 | --workers 2 | on | – | – | – | – | 3000 + 2000 | 0.200 | 0.010 | 9,000 |")
        # Only the thread that accepts is listed; no futile wakeup, one EAGAIN per batch of 4.
        self.assertEqual(lines[3], "| 11_parallel_io_managers | --threads 2 | – | – | – | – | – | 5000 | 0.250 | 0.000 | 8,000 |")

    def test_slowloris_columns(self):
        rows = [run_row("10_timeout_manager", "slowloris", 30000.0, slowloris_requested=1000, slowloris_dropped=1000,
                        slowloris_first_drop_s=3.95, slowloris_median_drop_s=4.02, server_timeout_s=2),
                run_row("10_timeout_manager", "seed", 40000.0),
                run_row("09_fibers", "slowloris", 35000.0, slowloris_requested=1000, slowloris_dropped=0,
                        slowloris_first_drop_s=None, slowloris_median_drop_s=None, server_timeout_s=None)]
        servers = ["09_fibers", "10_timeout_manager"]
        scenario = scenario_table("full")["slowloris"]
        lines = report.scenario_table_md(scenario, servers, summarize(rows, ["seed", "slowloris"], servers),
                                         []).splitlines()
        self.assertTrue(lines[0].endswith("| timeout T | slow ones dropped | dropped after: first / median | "
                                          "req/s vs seed |"))
        self.assertTrue(lines[2].endswith("| none | 0 of 1,000 | none within 6 s | – |"), lines[2])
        self.assertTrue(lines[3].endswith("| 2 s | 1,000 of 1,000 | 4.0 s / 4.0 s | 0.75× |"), lines[3])

    def test_variant_rows(self):
        det = [{"server": server, "kind": kind, "instructions_per_request": i, "syscalls_per_request": c}
               for server, kind, i, c in (("09_fibers", "keepalive", 4000.0, 5.0),
                                          ("09_fibers+pessimistic", "keepalive", 5000.0, 7.5))]
        summaries = {("seed", "09_fibers"): {"rps_median": 40000.0, "cpu_us_per_request": 20.0},
                     ("seed", "09_fibers+pessimistic"): {"rps_median": 30000.0, "cpu_us_per_request": 25.0}}
        rows = report.variant_rows("09_fibers", "09_fibers+pessimistic", det, summaries)
        self.assertEqual(rows, [["instructions/req, 1 connection, keep-alive", "4,000", "5,000", "1.25×"],
                                ["system calls/req, 1 connection, keep-alive", "5.00", "7.50", "1.50×"],
                                ["req/s, seed", "40,000", "30,000", "0.75×"],
                                ["CPU µs/req, seed", "20.0", "25.0", "1.25×"]])

    def test_floor_check_shows_both_floors_and_the_bar(self):
        rows = [run_row("floor", "seed", 100.0, cpu_us_per_request=4.0),
                run_row("floor+io_uring", "seed", 90.0, cpu_us_per_request=3.0),
                run_row("14_io_uring", "seed", 80.0, cpu_us_per_request=5.0)]
        servers = ["14_io_uring", "floor", "floor+io_uring"]
        summaries = summarize(rows, ["seed"], servers)
        det = [{"server": server, "kind": "keepalive", "instructions_per_request": i, "syscalls_per_request": c}
               for server, i, c in (("floor", 700.0, 2.0), ("floor+io_uring", 900.0, 0.02))]
        md = report.floor_check_md([], ["floor", "floor+io_uring"], ["seed"], summaries, det)
        table = [line for line in md if line.startswith("| scenario")][0].splitlines()
        self.assertEqual(table[0], "| scenario | floor | floor+io_uring | the bar |")
        self.assertEqual(table[2], "| seed | 100 req/s, 4.0 µs | 90 req/s, 3.0 µs | req/s: floor; CPU: floor+io_uring |")
        self.assertEqual(table[3], "| deterministic keepalive | 700 instructions, 2.00 syscalls | 900 instructions, "
                                   "0.02 syscalls | instructions: floor; syscalls: floor+io_uring |")
        self.assertEqual(md[-2:], ["No server beat the floor.", ""])
        one = report.floor_check_md(["seed: x"], ["floor"], ["seed"], summaries, det)
        self.assertFalse([line for line in one if line.startswith("| scenario")])  # one floor: no table
        self.assertEqual(one[-2:], ["- **seed: x**", ""])

    def test_sizes_section_names_the_crossover(self):
        rows = []
        for size, a, b in ((151, 10.0, 11.0), (4096, 12.0, 12.5), (65536, 30.0, 20.0)):
            rows += [{"server": "05_accept4", "size": size, "instructions_per_request": 5000.0,
                      "syscalls_per_request": 9.0, "cpu_us_per_request": a, "cpu_us_runs": ["x"]},
                     {"server": "06_sendfile_msg_more", "size": size, "instructions_per_request": 4800.0,
                      "syscalls_per_request": 8.0, "cpu_us_per_request": b, "cpu_us_runs": ["x"]}]
        text = "\n".join(report.sizes_md(rows))
        self.assertIn("| 64 KiB | 5,000 | 4,800 | 9.00 | 8.00 | 30.0 | 20.0 | 0.67× | – |", text)
        self.assertIn("CPU µs/req (median): 06_sendfile_msg_more costs less than 05_accept4 from 64 KiB on "
                      "(crossover between 4 KiB and 64 KiB", text)
        self.assertIn("instructions/req: 06_sendfile_msg_more costs less than 05_accept4 at every size measured", text)

    def test_crosscheck_summary(self):
        entry = {"server": "floor", "loadgen_rps": 100000.0, "wrk_rps": 80000.0,
                 "loadgen_server_us": 6.0, "wrk_server_us": 6.1, "loadgen_client_us": 9.0,
                 "wrk_client_us": 12.04}
        self.assertEqual(report.crosscheck_summary([entry]),
                         "- floor: loadgen 100,000 req/s, wrk 80,000 req/s, ratio 1.25 **differ by more "
                         "than 15%**; server CPU per counted request 6.0 vs 6.1 µs (agree within 15%); "
                         "client CPU per request 9.0 vs 12.0 µs\n")


if __name__ == "__main__":
    unittest.main()
