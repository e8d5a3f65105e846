"""Medians, spreads, per-request division, CPU time between two snapshots."""

import unittest

from tenkbench import measure, procfs, summary
from tenkbench.config import CLOCK_TICKS_PER_S


def row(scenario="seed", server="floor", status="ok", **fields):
    return {"scenario": scenario, "server": server, "status": status, "server_exit": "exit 0", **fields}


class Medians(unittest.TestCase):
    def test_median_ignores_missing_values(self):
        rows = [{"x": 3}, {"x": None}, {"x": ""}, {"x": 1}, {"y": 5}, {"x": 2}]
        self.assertEqual(summary.median_of(rows, "x"), 2)

    def test_median_of_an_even_count_is_the_mean_of_the_middle_two(self):
        self.assertEqual(summary.median_of([{"x": 1}, {"x": 4}], "x"), 2.5)

    def test_median_of_nothing(self):
        self.assertIsNone(summary.median_of([{"x": None}], "x"))
        self.assertIsNone(summary.median_of([], "x"))


class PerRequest(unittest.TestCase):
    def test_division(self):
        self.assertAlmostEqual(summary.per_request_us(0.64, 100000), 6.4)
        self.assertAlmostEqual(summary.per_request_us(2, 1), 2e6)

    def test_no_requests(self):
        self.assertIsNone(summary.per_request_us(1.0, 0))
        self.assertIsNone(summary.per_request_us(1.0, None))

    def test_cpu_seconds_between_snapshots(self):
        tick = 10**9 // CLOCK_TICKS_PER_S
        sample = procfs.CpuSample
        before = {10: sample(1_000_000, 0), 11: sample(500, 0), 13: sample(2_000, 0)}
        # 12 was born during the load: counts from zero. 13 exited and 10 reaped it: its whole
        # life (3 ticks) is in 10's children time, its first snapshot is taken off.
        after = {10: sample(1_600_000, 3 * tick), 11: sample(500, 0), 12: sample(7_000, 0)}
        self.assertEqual(procfs.cpu_seconds_between(before, after),
                         (600_000 + 3 * tick + 7_000 - 2_000) / 1e9)


class UserAndKernel(unittest.TestCase):
    tick = 10_000_000  # USER_HZ 100

    def test_ticks_are_counted_like_the_ns(self):
        sample = procfs.CpuSample
        # 10: 30 user and 12 system ticks of its own, and reaped 13 (3 user, 1 system: its whole
        # life, of which 1 user tick came before the window); 12 was born during the window.
        before = {10: sample(500, 0, 100, 50), 13: sample(10_000_000, 0, 1, 0)}
        after = {10: sample(420_000_500, 4 * self.tick, 133, 63), 12: sample(20_000_000, 0, 1, 1)}
        cpu = procfs.cpu_between(before, after)
        self.assertEqual(cpu, {"ns": 420_000_000 + 4 * self.tick + 20_000_000 - 10_000_000,
                               "user_ticks": 33 - 1 + 1, "system_ticks": 13 + 1, "processes": 3})

    def cpu(self, ns, user, system, processes=1):
        return {"ns": ns, "user_ticks": user, "system_ticks": system, "processes": processes}

    def test_the_ns_total_is_apportioned_and_the_parts_add_up_exactly(self):
        split = procfs.split_cpu(self.cpu(1_000_000_007, 25, 75), tick_ns=self.tick)
        self.assertEqual(split["note"], "")
        self.assertEqual(split["user_ns"], 250_000_001)
        self.assertEqual(split["user_ns"] + split["system_ns"], 1_000_000_007)
        self.assertEqual(split["tick_error_ns"], -7)

    def test_the_resolution_is_two_ticks_per_process(self):
        self.assertEqual(procfs.split_bound_ns(1, self.tick), 20_000_000)
        self.assertEqual(procfs.split_bound_ns(3, self.tick), 60_000_000)
        # 100 ticks = 1 s against 1.019 s: within 2 ticks, split; 1.021 s: not.
        self.assertEqual(procfs.split_cpu(self.cpu(1_019_000_000, 50, 50), tick_ns=self.tick)["note"], "")
        far = procfs.split_cpu(self.cpu(1_021_000_000, 50, 50), tick_ns=self.tick)
        self.assertIsNone(far["user_ns"])
        self.assertEqual(far["note"], "ticks disagree: -21.0 ms from the ns total, more than 2 ticks × 1 process(es)")
        two = procfs.split_cpu(self.cpu(1_021_000_000, 50, 50, processes=2), tick_ns=self.tick)
        self.assertEqual(two["note"], "")

    def test_a_short_window_is_not_split(self):
        short = procfs.split_cpu(self.cpu(190_000_000, 9, 10), tick_ns=self.tick, min_ticks=20)
        self.assertEqual((short["user_ns"], short["system_ns"]), (None, None))
        self.assertEqual(short["note"], "too short: 19 ticks < 20")
        self.assertEqual(short["tick_error_ns"], 0)
        self.assertEqual(procfs.split_cpu(self.cpu(200_000_000, 0, 20), tick_ns=self.tick, min_ticks=20)["user_ns"], 0)

    def test_ticks_that_went_down_are_not_split(self):
        self.assertTrue(procfs.split_cpu(self.cpu(0, 30, -30), tick_ns=self.tick)["note"].startswith("no split"))

    def test_the_row_fields(self):
        fields = measure.cpu_fields(self.cpu(3 * procfs.TICK_NS * 40, 30, 90), 1000)
        self.assertAlmostEqual(fields["cpu_us_per_request"], 120 * procfs.TICK_NS / 1000 / 1e3)  # µs
        self.assertAlmostEqual(fields["system_us_per_request"], 0.75 * fields["cpu_us_per_request"])
        self.assertAlmostEqual(fields["user_us_per_request"] + fields["system_us_per_request"],
                               fields["cpu_us_per_request"])
        self.assertEqual((fields["cpu_user_ticks"], fields["cpu_system_ticks"], fields["cpu_processes"],
                          fields["cpu_tick_error_us"], fields["cpu_split_note"]), (30, 90, 1, 0.0, ""))
        self.assertEqual(set(fields) - set(measure.RESULT_FIELDS), set())
        self.assertIsNone(measure.cpu_fields(self.cpu(10, 0, 1), 0)["cpu_us_per_request"])


class Summarize(unittest.TestCase):
    def test_summary_row(self):
        rows = [row(rps=100.0, cpu_us_per_request=5.0, p50_us=10, p99_us=20, capped=0, errors_reset=0),
                row(rps=300.0, cpu_us_per_request=7.0, p50_us=30, p99_us=40, capped=1, errors_reset=4),
                row(rps=200.0, cpu_us_per_request=6.0, p50_us=20, p99_us=30, capped=0, errors_reset=2),
                row(server="nginx", rps=1.0)]
        s = summary.summarize(rows, ["seed"], ["floor"])[("seed", "floor")]
        self.assertEqual((s["runs"], s["ok_runs"]), (3, 3))
        self.assertEqual((s["rps_median"], s["rps_min"], s["rps_max"]), (200.0, 100.0, 300.0))
        self.assertEqual(s["cpu_us_per_request"], 6.0)
        self.assertEqual((s["p50_us"], s["p99_us"]), (20, 30))
        self.assertEqual(s["capped_runs"], 1)
        self.assertEqual(s["errors_reset"], 2)
        self.assertEqual((s["failures"], s["exits"]), ([], []))

    def test_failed_runs_and_bad_exits(self):
        rows = [row(rps=100.0), row(status="failed to start: boom"),
                {**row(rps=120.0), "server_exit": "signal 9"}]
        s = summary.summarize(rows, ["seed"], ["floor"])[("seed", "floor")]
        self.assertEqual((s["runs"], s["ok_runs"], s["failed_runs"]), (3, 2, 1))
        self.assertEqual(s["rps_median"], 110.0)
        self.assertEqual(s["failures"], ["failed to start: boom"])
        self.assertEqual(s["exits"], ["signal 9"])

    def test_nothing_ok(self):
        s = summary.summarize([row(status="timed out")], ["seed"], ["floor"])[("seed", "floor")]
        self.assertIsNone(s["rps_median"])
        self.assertIsNone(s["rps_min"])
        self.assertEqual((s["ok_runs"], s["failed_runs"]), (0, 1))

    def failed(self, status="no response", **fields):
        # What measure.py writes for an idle run whose load got no response (02_select at 10,000
        # idle connections): the idle phase measured, then 503 for the whole load.
        return row(scenario="idle", status=status, rps=0, requests=0, capped=1, errors_reset=0,
                   errors_bad_status=40000, rss_per_idle_kib=16.6, idle_held=1016, idle_open_at_end=1017,
                   load_1m=300.0, **fields)

    def ok(self, **fields):
        return row(scenario="idle", rps=22000.0, requests=40000, capped=0, cpu_us_per_request=9.5, p50_us=44000.0,
                   p99_us=51000.0, errors_reset=0, errors_bad_status=0, rss_per_idle_kib=0.3, idle_held=10000,
                   idle_open_at_end=10000, load_1m=1.0, **fields)

    def test_every_median_comes_from_the_ok_runs(self):
        # One ok run, two failed: req/s came from the ok run only, the errors, the idle figures
        # and the load average from all three (the failed runs' 40,000, 16.6 KiB, 1,016...).
        s = summary.summary_row("idle", "floor", [self.failed(), self.ok(), self.failed()])
        self.assertEqual(s["rps_median"], 22000.0)
        self.assertEqual((s["cpu_us_per_request"], s["p50_us"], s["p99_us"]), (9.5, 44000.0, 51000.0))
        self.assertEqual((s["errors_bad_status"], s["errors_reset"]), (0, 0))
        self.assertEqual((s["rss_per_idle_kib"], s["rss_per_idle_kib_min"], s["rss_per_idle_kib_max"]),
                         (0.3, 0.3, 0.3))
        self.assertEqual((s["idle_held"], s["idle_open_at_end"]), (10000, 10000))
        self.assertEqual(s["load_1m"], 1.0)
        self.assertEqual((s["capped_runs"], s["failures"]), (0, ["no response"]))
        self.assertEqual((s["runs"], s["ok_runs"], s["failed_runs"]), (3, 1, 2))

    def test_a_failed_run_does_not_pull_an_even_median(self):
        s = summary.summary_row("idle", "floor", [self.ok(), self.failed()])
        self.assertEqual(s["errors_bad_status"], 0)  # not (0 + 40,000) / 2
        self.assertEqual(s["rss_per_idle_kib"], 0.3)

    def test_a_row_whose_runs_all_failed(self):
        # No load figure, even where a failed run has one (CPU of a run that timed out); the
        # other medians describe the failure, over all the failed runs.
        runs = [self.failed(), self.failed(status="timed out (loadgen killed after 43 s)", cpu_us_per_request=5.0,
                                            p50_us=100.0), self.failed()]
        s = summary.summary_row("idle", "02_select", runs)
        for field in ("rps_median", "rps_min", "rps_max", "cpu_us_per_request", "cpu_us_per_request_min",
                      "cpu_us_per_request_max", "p50_us", "p50_us_min", "p99_us"):
            self.assertIsNone(s[field], field)
        self.assertEqual(s["capped_runs"], 0)
        self.assertEqual(s["failures"], ["no response", "timed out (loadgen killed after 43 s)"])
        self.assertEqual((s["errors_bad_status"], s["rss_per_idle_kib"], s["idle_held"]), (40000, 16.6, 1016))
        self.assertEqual((s["runs"], s["ok_runs"], s["failed_runs"]), (3, 0, 3))

    def test_user_and_kernel_add_up_to_the_cpu_median(self):
        # Three ok runs, kernel shares 0.6, 0.75, 0.8: the median share 0.75 applied to the
        # median CPU (6.0), not the medians of the parts (2.0 + 4.0 from different runs).
        runs = [row(rps=1.0, cpu_us_per_request=5.0, user_us_per_request=2.0, system_us_per_request=3.0),
                row(rps=1.0, cpu_us_per_request=6.0, user_us_per_request=1.2, system_us_per_request=4.8),
                row(rps=1.0, cpu_us_per_request=8.0, user_us_per_request=2.0, system_us_per_request=6.0),
                row(status="no response", cpu_us_per_request=50.0, user_us_per_request=50.0,
                    system_us_per_request=0.0)]
        s = summary.summary_row("seed", "floor", runs)
        self.assertEqual(s["cpu_us_per_request"], 6.0)
        self.assertEqual(s["system_share"], 0.75)
        self.assertEqual((s["user_us_per_request"], s["system_us_per_request"]), (1.5, 4.5))
        self.assertEqual(s["user_us_per_request"] + s["system_us_per_request"], s["cpu_us_per_request"])
        self.assertEqual((s["split_runs"], s["split_note"]), (3, ""))

    def test_runs_too_short_to_split(self):
        short = dict(user_us_per_request=None, system_us_per_request=None, cpu_split_note="too short: 3 ticks < 20")
        runs = [row(rps=1.0, cpu_us_per_request=4.0, **short), row(rps=1.0, cpu_us_per_request=6.0, **short)]
        s = summary.summary_row("c1", "floor", runs)
        self.assertEqual(s["cpu_us_per_request"], 5.0)
        self.assertIsNone(s["system_us_per_request"])
        self.assertIsNone(s["system_share"])
        self.assertEqual((s["split_runs"], s["split_note"]), (0, "too short"))
        # One of two split: its share, on the median of both.
        runs[1].update(user_us_per_request=1.5, system_us_per_request=4.5, cpu_split_note="")
        s = summary.summary_row("c1", "floor", runs)
        self.assertEqual((s["user_us_per_request"], s["system_us_per_request"]), (1.25, 3.75))
        self.assertEqual((s["split_runs"], s["split_note"]), (1, "too short"))
        self.assertEqual(set(s) - set(summary.SUMMARY_FIELDS), set())

    def test_only_pairs_that_ran(self):
        out = summary.summarize([row(rps=1.0)], ["seed", "c1"], ["floor", "nginx"])
        self.assertEqual(list(out), [("seed", "floor")])


if __name__ == "__main__":
    unittest.main()


class FloorCheck(unittest.TestCase):
    def summaries(self, server_rps, floor_rps, server_cpu=(5.0,), floor_cpu=(4.0,)):
        rows = [row(server="floor", rps=r, cpu_us_per_request=c) for r, c in zip(floor_rps, floor_cpu * 3)]
        rows += [row(server="03_epoll", rps=r, cpu_us_per_request=c) for r, c in zip(server_rps, server_cpu * 3)]
        return summary.summarize(rows, ["seed"], ["03_epoll", "floor"])

    def test_spread_is_the_larger_range(self):
        self.assertTrue(summary.beats((120, 118, 122), (100, 99, 101)))
        self.assertFalse(summary.beats((120, 100, 140), (100, 99, 101)))  # within the server's spread
        self.assertFalse(summary.beats((104, 103, 105), (100, 99, 101)))  # within 5% of the floor
        self.assertFalse(summary.beats((114, 114, 114), (100, 100, 100)))  # one run each: 15%
        self.assertTrue(summary.beats((116, 116, 116), (100, 100, 100)))
        self.assertTrue(summary.beats((3.0, 3.0, 3.0), (4.0, 4.0, 4.0), lower_is_better=True))
        self.assertFalse(summary.beats((5.0, 5.0, 5.0), (4.0, 4.0, 4.0), lower_is_better=True))

    def test_a_server_faster_than_the_floor_is_flagged(self):
        flags = summary.floor_check(self.summaries([130.0, 131.0, 129.0], [100.0, 101.0, 99.0], server_cpu=(3.9,)),
                                    ["seed"], ["03_epoll", "floor"])
        self.assertEqual(flags, ["seed: 03_epoll 130 req/s beats the best floor (floor, 100) by more than the spread"])

    def test_a_faster_server_with_more_cpu_says_so(self):
        flags = summary.floor_check(self.summaries([130.0, 131.0, 129.0], [100.0, 101.0, 99.0]),
                                    ["seed"], ["03_epoll", "floor"])
        self.assertTrue(flags[0].endswith("with more CPU per request (5.0 µs against 4.0): the difference lies "
                                          "outside the server's own work (client, kernel, timing)"))

    def test_less_cpu_than_the_floor_is_flagged(self):
        flags = summary.floor_check(self.summaries([90.0], [100.0], server_cpu=(3.0,), floor_cpu=(4.0,)),
                                    ["seed"], ["03_epoll", "floor"])
        self.assertEqual(flags, ["seed: 03_epoll uses 3.0 µs of CPU per request, less than the best floor "
                                 "(floor, 4.0) by more than the spread"])

    def test_a_slower_server_is_not(self):
        self.assertEqual(summary.floor_check(self.summaries([90.0], [100.0]), ["seed"], ["03_epoll", "floor"]), [])

    def test_deterministic_counts(self):
        det = [{"server": "floor", "kind": "close", "instructions_per_request": 700.0, "syscalls_per_request": 9.0},
               {"server": "08_fd_cache", "kind": "close", "instructions_per_request": 4700.0,
                "syscalls_per_request": 8.5}]
        self.assertEqual(summary.floor_check({}, [], [], det),
                         ["deterministic close: 08_fd_cache makes 8.50 system calls per request, fewer than "
                          "the best floor (floor, 9.00)"])

    def test_a_sqpoll_variant_is_not_checked_on_system_calls(self):
        det = [{"server": "floor+io_uring", "kind": "keepalive", "instructions_per_request": 600.0,
                "syscalls_per_request": 2.0},
               {"server": "14_io_uring+sqpoll", "kind": "keepalive", "instructions_per_request": 2500.0,
                "syscalls_per_request": 1.0}]
        self.assertEqual(summary.floor_check({}, [], [], det), [])
        det[1]["instructions_per_request"] = 500.0  # its instructions are still checked
        self.assertEqual(len(summary.floor_check({}, [], [], det)), 1)

    def two_floors(self, server, floor, io_uring):
        """Summaries of 14_io_uring, floor and floor+io_uring in seed: (rps, cpu) each, one repeat."""
        rows = [row(server=name, rps=rps, cpu_us_per_request=cpu)
                for name, (rps, cpu) in (("14_io_uring", server), ("floor", floor), ("floor+io_uring", io_uring))]
        return summary.summarize(rows, ["seed"], ["14_io_uring", "floor", "floor+io_uring"])

    def test_the_bar_is_the_best_floor_and_the_line_names_it(self):
        servers = ["14_io_uring", "floor", "floor+io_uring"]
        # Beats the epoll floor in req/s and CPU, but not the io_uring floor: no flag.
        self.assertEqual(summary.floor_check(self.two_floors((130.0, 3.0), (100.0, 4.0), (140.0, 2.9)),
                                             ["seed"], servers), [])
        # Each figure has its own best floor: req/s from the epoll floor, CPU from the io_uring one.
        flags = summary.floor_check(self.two_floors((130.0, 2.0), (100.0, 4.0), (90.0, 3.0)), ["seed"], servers)
        self.assertEqual(flags, ["seed: 14_io_uring 130 req/s beats the best floor (floor, 100) by more than the spread",
                                 "seed: 14_io_uring uses 2.0 µs of CPU per request, less than the best floor "
                                 "(floor+io_uring, 3.0) by more than the spread"])

    def test_the_floors_are_not_checked_against_each_other(self):
        flags = summary.floor_check(self.two_floors((50.0, 9.0), (100.0, 4.0), (200.0, 2.0)),
                                    ["seed"], ["14_io_uring", "floor", "floor+io_uring"])
        self.assertEqual(flags, [])
        self.assertTrue(summary.is_floor("floor+io_uring") and summary.is_floor("floor"))
        self.assertFalse(summary.is_floor("14_io_uring+sqpoll") or summary.is_floor("floorish"))

    def test_deterministic_counts_against_the_best_floor(self):
        det = [{"server": "floor", "kind": "keepalive", "instructions_per_request": 700.0,
                "syscalls_per_request": 2.0},
               {"server": "floor+io_uring", "kind": "keepalive", "instructions_per_request": 900.0,
                "syscalls_per_request": 0.02},
               {"server": "14_io_uring", "kind": "keepalive", "instructions_per_request": 800.0,
                "syscalls_per_request": 0.01}]
        self.assertEqual(summary.floor_check({}, [], [], det),
                         ["deterministic keepalive: 14_io_uring makes 0.01 system calls per request, fewer than "
                          "the best floor (floor+io_uring, 0.02)"])
