"""The scaling study: the model's arithmetic, the per-thread clocks, the CSV round trip, the figure."""

import math
import os
import shutil
import tempfile
import unittest
from pathlib import Path

from tenkbench import scaling
from tenkbench.scaling import ModelInputs, predict

SUB = "run R · 2 cores, CPU, Linux K"


def prefork(**changes):
    fields = dict(server="04_prefork", scenario="close", design="prefork", c1_ns=10_000.0)
    fields.update(changes)
    return ModelInputs(**fields)


def acceptor(**changes):
    fields = dict(server="11_parallel_io_managers", scenario="close", design="acceptor", c1_ns=10_000.0,
                  acceptor_ns=1_000.0, handoff_ns=2_000.0)
    fields.update(changes)
    return ModelInputs(**fields)


class Model(unittest.TestCase):
    def test_one_core_is_one_over_c1(self):
        for inputs in (prefork(), acceptor(), prefork(delta_ns=500.0, futile_per_request=0.1, wakeup_ns=4000.0)):
            self.assertAlmostEqual(predict(inputs, 1)[0], 100_000.0)

    def test_prefork_without_growth_scales_linearly(self):
        inputs = prefork()
        self.assertAlmostEqual(predict(inputs, 64)[0], 64 * 100_000.0)
        self.assertTrue(math.isinf(scaling.serial_limit(inputs)))

    def test_growth_bends_the_line_towards_its_limit(self):
        inputs = prefork(delta_ns=1_000.0)
        values = [predict(inputs, n)[0] for n in range(1, 65)]
        self.assertTrue(all(b > a for a, b in zip(values, values[1:])))  # still rising ...
        self.assertLess(values[-1], scaling.serial_limit(inputs))  # ... below 1/δ
        self.assertAlmostEqual(scaling.serial_limit(inputs), 1e6)
        self.assertAlmostEqual(predict(inputs, 2)[0], 2e9 / 11_000.0)

    def test_the_herd_grows_with_the_other_workers_only_without_epollexclusive(self):
        herd = prefork(futile_per_request=0.01, wakeup_ns=5_000.0, futile_grows=True)
        exclusive = prefork(futile_per_request=0.01, wakeup_ns=5_000.0, futile_grows=False)
        self.assertEqual(scaling.futile_at(herd, 1), 0.0)
        self.assertAlmostEqual(scaling.futile_at(herd, 9), 0.08)
        self.assertAlmostEqual(scaling.futile_at(exclusive, 9), 0.01)
        self.assertAlmostEqual(scaling.cpu_per_request(herd, 9), 10_000.0 + 0.08 * 5_000.0)
        self.assertLess(predict(herd, 64)[0], predict(exclusive, 64)[0])
        worst = scaling.worst_herd(exclusive)
        self.assertTrue(worst.futile_grows)
        self.assertEqual(worst.futile_per_request, 1.0)

    def test_acceptor_bound_switches_from_the_workers_to_thread_zero(self):
        inputs = acceptor()
        self.assertEqual(predict(inputs, 1)[1], "workers")
        x64, bound = predict(inputs, 64)
        self.assertEqual(bound, "acceptor")
        # thread 0: σ + s/N, with s = c1 - σ (the hand-off is not in the arithmetic: δ holds it)
        self.assertAlmostEqual(x64, 1e9 / (1_000.0 + 9_000.0 / 64))
        self.assertAlmostEqual(scaling.serial_limit(inputs), 1e9 / 1_000.0)
        grows = acceptor(delta_ns=500.0)
        self.assertAlmostEqual(predict(grows, 2)[0], 1e9 / (1_000.0 + (10_500.0 - 1_000.0) / 2))
        self.assertAlmostEqual(scaling.serial_limit(grows), 1e9 / 1_500.0)
        values = [predict(inputs, n)[0] for n in range(1, 65)]
        self.assertTrue(all(b >= a for a, b in zip(values, values[1:])))
        self.assertTrue(all(v < scaling.serial_limit(inputs) for v in values))

    def test_no_serial_part_no_limit(self):
        inputs = acceptor(acceptor_ns=0.0, handoff_ns=0.0)
        self.assertAlmostEqual(predict(inputs, 8)[0], 8 * 100_000.0)
        self.assertTrue(math.isinf(scaling.serial_limit(inputs)))

    def test_latency_cap_binds_whatever_the_cores(self):
        inputs = prefork(scenario="seed", latency_cap_rps=22_000.0)
        for n in (1, 4, 64):
            self.assertEqual(predict(inputs, n), (22_000.0, "latency"))
        self.assertEqual(scaling.serial_limit(inputs), 22_000.0)

    def test_predictions_rows(self):
        rows = scaling.predictions({("04_prefork", "close"): prefork(delta_ns=1_000.0)}, cores=(1, 2))
        self.assertEqual([r["cores"] for r in rows], [1, 2])
        self.assertEqual(rows[0]["predicted_rps"], 100_000)
        self.assertEqual(rows[1]["cpu_ns_per_request"], 11_000.0)
        self.assertEqual(rows[1]["serial_limit_rps"], 1_000_000)


def run(server, scenario, threads, placement, **fields):
    row = {"server": server, "scenario": scenario, "threads": threads, "placement": placement, "status": "ok",
           "requests": 10_000, "connections": 10_000 if scenario == "close" else 1000, "rps": 50_000.0,
           "p50_us": 900.0, "seconds": 0.2, "loadgen_cores_used": 0.6, "other_cores_used": 0.1}
    row.update(fields)
    return row


class Inputs(unittest.TestCase):
    def rows(self):
        rows = []
        for server in scaling.SCALING_SERVERS:
            for scenario in scaling.SCALING_SCENARIOS:
                rows += [run(server, scenario, 1, "dedicated", cpu_ns_per_request=10_000.0, rps=80_000.0),
                         run(server, scenario, 1, "shared", cpu_ns_per_request=11_000.0),
                         run(server, scenario, 2, "shared", cpu_ns_per_request=12_000.0, futile_per_connection=0.01,
                             acceptor_ns_per_connection=1_500.0, thread1_ns_per_connection=10_500.0,
                             server_cores_used=1.3)]
        return rows

    def test_model_inputs(self):
        extra = {"wakeup_rows": [{"cpus": "0", "ns_per_wakeup": 4000.0}, {"cpus": "0", "ns_per_wakeup": 6000.0},
                                 {"cpus": "any", "ns_per_wakeup": 70000.0}],
                 "nginx_herd_rows": [{"connections_accepted": 900, "accept_eagain": 0},
                                     {"connections_accepted": 100, "accept_eagain": 20}]}
        inputs = scaling.model_inputs(self.rows(), extra)
        self.assertEqual(list(inputs)[:2], [("04_prefork", "seed"), ("04_prefork", "close")])
        p = inputs[("04_prefork", "close")]
        self.assertEqual((p.c1_ns, p.wakeup_ns, p.futile_per_request, p.futile_grows), (10_000.0, 5000.0, 0.01, True))
        self.assertAlmostEqual(p.delta_ns, 1_000.0 - 0.01 * 5000.0)  # the herd's share is not contention
        n = inputs[("nginx", "close")]
        self.assertAlmostEqual(n.futile_per_request, 0.02)
        self.assertFalse(n.futile_grows)
        a = inputs[("11_parallel_io_managers", "close")]
        # the receiving side: t1 − (c1s − σ) = 10,500 − (11,000 − 1,500); δ = 12,000 − 11,000
        self.assertEqual((a.acceptor_ns, a.handoff_ns, a.delta_ns), (1_500.0, 1_000.0, 1_000.0))
        seed = inputs[("11_parallel_io_managers", "seed")]
        self.assertAlmostEqual(seed.acceptor_ns, 150.0)  # per connection × 1000 / 10,000 requests
        self.assertIsNone(p.latency_cap_rps)

    def test_a_bigger_machine_takes_delta_from_the_dedicated_placement(self):
        rows = [run("nginx", "seed", 1, "dedicated", cpu_ns_per_request=10_000.0),
                run("nginx", "seed", 2, "dedicated", cpu_ns_per_request=10_500.0),
                run("nginx", "seed", 4, "dedicated", cpu_ns_per_request=11_000.0)]
        inputs = scaling.model_inputs(rows)
        self.assertEqual(inputs[("nginx", "seed")].delta_ns, 500.0)
        self.assertEqual([t for t, _, _ in scaling.measured_points(rows, "nginx", "seed")], [1, 2, 4])

    def test_a_server_that_waited_gets_the_latency_cap(self):
        rows = [run("04_prefork", "seed", 1, "dedicated", cpu_ns_per_request=6_500.0, rps=22_000.0, p50_us=44_000.0)]
        inputs = scaling.model_inputs(rows)
        self.assertEqual(inputs[("04_prefork", "seed")].latency_cap_rps, 22_000.0)

    def test_validation_corrects_for_the_load_generator(self):
        inputs = scaling.model_inputs(self.rows())
        checks = {(v["server"], v["scenario"]): v for v in scaling.validation(self.rows(), inputs)}
        v = checks[("04_prefork", "close")]
        self.assertAlmostEqual(v["server_cores_available"], 2 - 0.6 - 0.1)
        # δ = 0: c(2) = the 1-thread shared run's 11,000 (no herd cost without a wake-up figure)
        self.assertEqual(v["c2_predicted_ns_no_contention"], 11_000.0)
        self.assertEqual(v["predicted_rps_no_contention"], round(1.3e9 / 11_000.0))
        self.assertEqual(v["c2_predicted_ns"], 12_000.0)
        self.assertEqual(v["ratio"], round(round(1.3e9 / 12_000.0) / 50_000.0, 3))

    def test_split_acceptor(self):
        threads = [{"role": "thread 0 (acceptor)", "cpu_ns": 7_000_000, "connections": 500},
                   {"role": "thread 1", "cpu_ns": 5_000_000, "connections": 500}]
        # thread 1: 10,000 ns per connection; thread 0 spent 2 ms beyond its 500 at that rate
        self.assertEqual(scaling.split_acceptor(threads), (2_000.0, 10_000.0))
        self.assertIsNone(scaling.split_acceptor(threads[:1]))
        self.assertIsNone(scaling.split_acceptor([dict(threads[0], connections=None), threads[1]]))


class ProcFiles(unittest.TestCase):
    def test_parse_schedstat(self):
        self.assertEqual(scaling.parse_schedstat("123456789 2000 17\n"), 123456789)

    def test_thread_snapshot_and_difference(self):
        with tempfile.TemporaryDirectory() as proc:
            def thread(pid, tid, comm, ns):
                folder = Path(proc, str(pid), "task", str(tid))
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "schedstat").write_text(f"{ns} 0 0\n")
                (folder / "comm").write_text(comm + "\n")
            thread(100, 100, "11_parallel_io_", 1000)
            thread(100, 101, "11_parallel_io_", 500)
            before = scaling.thread_snapshot([100, 999], proc=proc)  # 999: gone
            self.assertEqual(before, {(100, 100): ("11_parallel_io_", 1000), (100, 101): ("11_parallel_io_", 500)})
            thread(100, 100, "11_parallel_io_", 4000)
            thread(100, 102, "helper", 70)  # born in the window: from zero
            after = scaling.thread_snapshot([100], proc=proc)
            self.assertEqual(scaling.thread_between(before, after),
                             [(100, 100, "11_parallel_io_", 3000), (100, 101, "11_parallel_io_", 0),
                              (100, 102, "helper", 70)])

    def test_own_threads_are_readable(self):
        snapshot = scaling.thread_snapshot([os.getpid()])
        self.assertIn((os.getpid(), os.getpid()), snapshot)
        self.assertGreater(snapshot[(os.getpid(), os.getpid())][1], 0)

    def test_exit_lines(self):
        log = ("worker 41: 2894 connections accepted, 10 wakeups found nothing\n"
               "thread 0: 51 connections served\nthread 1: 50 connections served\n")
        self.assertEqual(scaling.exit_counts(log, 40), {41: (2894, 10), ("thread", 0): (51, None),
                                                        ("thread", 1): (50, None)})

    def test_probe_output(self):
        self.assertEqual(scaling.parse_probe("wakeups 17172 cpu_ns 76604528\n"), (17172, 76604528))
        self.assertIsNone(scaling.parse_probe("wakeup_probe: connect: refused"))
        self.assertEqual(scaling.wakeup_ns([{"cpus": "0", "ns_per_wakeup": 4461.0}]), 4461.0)
        self.assertIsNone(scaling.wakeup_ns([]))


class Probe(unittest.TestCase):
    @unittest.skipUnless(shutil.which("cc") and shutil.which("taskset"), "needs cc and taskset")
    def test_the_probe_builds_and_counts_its_wakeups(self):
        saved = scaling.WAKEUP_PROBE_CONNECTIONS
        scaling.WAKEUP_PROBE_CONNECTIONS = 2000
        try:
            rows, notes = scaling.measure_wakeup_cost(None, sorted(os.sched_getaffinity(0))[0])
        finally:
            scaling.WAKEUP_PROBE_CONNECTIONS = saved
        self.assertEqual(notes, [])
        self.assertEqual([r["cpus"] != "any" for r in rows], [True] * scaling.WAKEUP_PROBE_RUNS + [False])
        for r in rows:
            self.assertGreater(r["wakeups"], 0)
            self.assertLessEqual(r["wakeups"], 2000)
            self.assertGreater(r["ns_per_wakeup"], 0)


class Placements(unittest.TestCase):
    def test_two_cpus(self):
        self.assertEqual(scaling.placements({0, 1}), [(1, "dedicated", "0", "1"), (1, "shared", "0,1", "0,1"),
                                                      (2, "shared", "0,1", "0,1")])

    def test_many_cpus_give_the_server_up_to_half(self):
        plan = scaling.placements(range(16))
        self.assertEqual([p[0] for p in plan], [1, 2, 4, 8])
        self.assertEqual(plan[-1], (8, "dedicated", "0,1,2,3,4,5,6,7", "8,9,10,11,12,13,14,15"))

    def test_one_cpu_nothing(self):
        self.assertEqual(scaling.placements({0}), [])


class Files(unittest.TestCase):
    def test_csv_round_trip(self):
        from tenkbench.report import write_csv
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder, "scaling.csv")
            write_csv(path, [{"server": "nginx", "threads": 2, "rps": 1234.5, "p50_us": None}],
                      ["server", "threads", "rps", "p50_us"])
            self.assertEqual(scaling.read_rows(path), [{"server": "nginx", "threads": 2, "rps": 1234.5, "p50_us": ""}])
            self.assertEqual(scaling.read_rows(Path(folder, "missing.csv")), [])

    def test_figure_script(self):
        rows = Inputs().rows()
        inputs = scaling.model_inputs(rows)
        script = scaling.scaling_plot(SUB, rows, inputs)
        self.assertIn("set output 'scaling.svg'", script)
        self.assertIn("set output 'scaling.png'", script)
        self.assertIn("set multiplot layout 1,2", script)
        self.assertIn("set logscale x 2", script)
        self.assertIn("set ytics ('10k' 10000, '20k' 20000, '50k' 50000, '100k' 100000", script)
        self.assertIn("04, every worker woken", script)  # the herd's ceiling, close only
        self.assertEqual(script.count("04, every worker woken"), 2)  # once per terminal
        self.assertIn("$p1s0m << EOD\n1 80000 100000\n2 50000 166667\nEOD", script)  # measured, capacity
        self.assertIn("with filledcurves", script)  # the band from δ to δ = 0
        self.assertIsNone(scaling.scaling_plot(SUB, [], {}))

    def test_markdown(self):
        rows = Inputs().rows()
        inputs = scaling.model_inputs(rows)
        text = scaling.scaling_md(inputs, scaling.predictions(inputs), scaling.validation(rows, inputs), {}, None)
        self.assertIn("| 04_prefork | close | 10,000 |", text)
        self.assertIn("One futile wake-up: not measured.", text)
        self.assertIn("64 cores", text)


if __name__ == "__main__":
    unittest.main()
