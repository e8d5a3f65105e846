"""The tables of results.md."""

import unittest

from tenkbench import report
from tenkbench.config import scenario_table
from tenkbench.summary import summarize


def run_row(server, scenario, rps, **fields):
    return {"scenario": scenario, "server": server, "status": "ok", "server_exit": "exit 0", "rps": rps,
            "capped": 0, **fields}


class ScenarioTable(unittest.TestCase):
    def test_c1_row_in_milliseconds(self):
        rows = [run_row("03_epoll", "c1", 22.6, p50_us=44433.4, p99_us=44810.0, capped=1,
                        cpu_us_per_request=None)]
        table = report.scenario_table_md(scenario_table("full")["c1"], ["03_epoll"],
                                         summarize(rows, ["c1"], ["03_epoll"]), [])
        lines = table.splitlines()
        self.assertEqual(lines[0], "| server | req/s median [min–max] | CPU µs/req | p50 | p99 | errors/run |")
        self.assertEqual(lines[2], "| 03_epoll | 23 † | – | 44 ms | 45 ms | 0 |")

    def test_seed_row_with_syscalls_and_bad_exit(self):
        rows = [run_row("floor", "seed", 100.0, cpu_us_per_request=6.44, p50_us=7000.0, p99_us=9200.0),
                {**run_row("floor", "seed", 300.0, cpu_us_per_request=6.2, p50_us=7000.0, p99_us=9200.0),
                 "server_exit": "signal 9"}]
        syscalls = [{"server": "floor", "scenario": "seed", "syscall": "total", "per_request": 2.5}]
        table = report.scenario_table_md(scenario_table("full")["seed"], ["floor", "nginx"],
                                         summarize(rows, ["seed"], ["floor"]), syscalls)
        self.assertEqual(table.splitlines()[2], "| floor ⚠ | 200 [100–300] | 6.3 | 7.0 ms | 9.2 ms | 0 | 2.5 |")
        self.assertEqual(len(table.splitlines()), 3)  # nginx did not run: no row

    def test_idle_columns(self):
        rows = [run_row("floor", "idle", 100.0, rss_per_idle_kib=0.52, idle_held=10000, idle_open_at_end=9999)]
        table = report.scenario_table_md(scenario_table("full")["idle"], ["floor"],
                                         summarize(rows, ["idle"], ["floor"]), [])
        self.assertTrue(table.splitlines()[2].endswith("| 0.5 KiB | 10,000 | 9,999 |"))


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
                         "| 04_prefork | off | 2500 + 2500 | 30 + 20 | 10.0 | 5,000 |")

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
