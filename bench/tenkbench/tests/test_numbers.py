"""numbers.md: the citable figures, read back from a results folder's own files."""

import contextlib
import csv
import io
import tempfile
import unittest
from pathlib import Path

from tenkbench import numbers

MACHINE = """\
run: 20990101T000000Z-box
date (UTC): 2099-01-01 00:00:00 start, took 15 min 0 s
command: bench/run
profile: full; repeats: 3; scenarios: seed, c1, close, idle, deterministic
placement: servers pinned to CPU 0 (taskset -c), loadgen and wrk pinned to CPU 1; more
cpu: Test CPU
cores: 2
kernel: Linux 9.9
git commit: abc123
"""


def summary(scenario, server, rps, cpu, p50=60.0, **extra):
    row = {"scenario": scenario, "server": server, "runs": 3, "ok_runs": 3, "rps_median": rps,
           "rps_min": rps * 0.9, "rps_max": rps * 1.1, "cpu_us_per_request": cpu, "cpu_us_per_request_min": cpu * 0.9,
           "cpu_us_per_request_max": cpu * 1.1, "p50_us": p50, "p50_us_min": p50, "p50_us_max": p50,
           "cpu_window": "warm connections"}
    row.update(extra)
    return row


def write(folder, name, rows):
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with open(folder / name, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def make_run(folder, steps=("01_a", "02_b", "03_c"), peers=("nginx", "floor"), machine=MACHINE):
    rows = []
    for i, step in enumerate(steps):
        rows.append(summary("seed", step, 1000.0 * (i + 1), 10.0 / (i + 1)))
        rows.append(summary("c1", step, 23.0 if i == 0 else 14000.0, 1.0, p50=43909.1 if i == 0 else 70.0))
        rows.append(summary("close", step, 500.0, 20.0, cpu_us_per_connection=20.5, cpu_us_per_connection_min=20.0,
                            cpu_us_per_connection_max=21.0, connections_opened_in_window=20000, cpu_window="whole run"))
    for peer in peers:
        rows.append(summary("seed", peer, 5000.0, 4.0))
    rows.append(summary("idle", "03_c", 900.0, 9.0, rss_per_idle_kib=4.5, rss_per_idle_kib_min=4.4,
                        rss_per_idle_kib_max=4.6, idle_held=10000))
    write(folder, "summary.csv", rows)
    write(folder, "results.csv", [{"scenario": "seed", "server": steps[0],
                                   "loadgen_args": "-n 100000 -c 1000 --duration 5 -k --window /index.html"}])
    write(folder, "deterministic.csv",
          [{"server": s, "kind": kind, "instructions_per_request": 5000 - 1000 * i, "syscalls_per_request": 9 - i}
           for i, s in enumerate(list(steps) + list(peers)) for kind in ("keepalive", "close")])
    (folder / "machine.txt").write_text(machine)


class Numbers(unittest.TestCase):
    def sheet(self, **kwargs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "20990101T000000Z-box"
            folder.mkdir()
            make_run(folder, **kwargs)
            path = numbers.write_numbers_md(folder)
            return path.read_text()

    def test_every_figure_has_its_source_and_caveat(self):
        md = self.sheet()
        sections = md.split("\n## ")[1:]
        self.assertEqual([s.splitlines()[0] for s in sections],
                         ["What each step bought", "The last step, 03_c, against nginx, lighttpd and the floor",
                          "The c1 cliff", "System calls and instructions per request", "Connection setup",
                          "Memory per idle connection"])
        for section in sections:
            self.assertIn("Source: `bench/run`", section)
            self.assertIn("run `20990101T000000Z-box`; Test CPU, 2 cores, Linux 9.9", section)
            self.assertIn("Caveats: *", section)
        self.assertIn("git abc123", md)

    def test_the_caveats_belong_to_their_figures(self):
        md = self.sheet()
        section = lambda title: next(s for s in md.split("\n## ") if s.startswith(title))
        self.assertIn("without TCP_NODELAY", section("The c1 cliff"))
        self.assertIn("kernel socket memory", section("Memory per idle"))
        self.assertIn("lower bound on work per request, not a ceiling on req/s", section("The last step"))
        self.assertIn("One worker on loopback", section("What each step bought"))
        self.assertIn("151-byte file", section("What each step bought"))
        self.assertNotIn("kernel socket memory", section("What each step bought"))
        self.assertIn("window of warm connections", section("What each step bought"))
        self.assertIn("spread: min–max over the 3 repeats", section("What each step bought"))
        self.assertNotIn("spread: min–max", section("System calls and instructions"))  # deterministic

    def test_the_last_step_is_the_one_that_sorts_last(self):
        md = self.sheet(steps=("01_a", "02_b", "03_c", "12_new", "13_newer"))
        self.assertIn("## The last step, 13_newer, against", md)
        self.assertIn("| seed: req/s | 5,000 [4,500–5,500] | 5,000 [4,500–5,500] (13: 1.00×) |", md)

    def test_what_each_step_bought(self):
        md = self.sheet()
        self.assertIn("| 02_b | 2,000 [1,800–2,200] | 2.00× | 5.00 [4.50–5.50] | 0.50× | 4,000 | 0.80× | 8.00 | 0.89× |", md)
        self.assertIn("`loadgen -n 100000 -c 1000 --duration 5 -k --window /index.html`", md)

    def test_c1_cliff(self):
        md = self.sheet()
        self.assertIn("Steps 01_a wait for the delayed ACK: c1 median latency 43.9 ms, 23 req/s (the last of "
                      "them, 01_a); 02_b, the first without the wait: 70 µs, 14,000 req/s (627× lower latency).", md)

    def test_a_run_before_the_window_says_so(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            make_run(folder)
            with open(folder / "summary.csv", newline="") as f:
                rows = list(csv.DictReader(f))
            for row in rows:
                del row["cpu_window"]
            write(folder, "summary.csv", rows)
            md = numbers.numbers_md(folder)
        self.assertIn("predates the measured window", md)
        self.assertNotIn("window of warm connections", md)

    def test_missing_parts_are_listed(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write(folder, "summary.csv", [summary("seed", "floor", 100.0, 1.0)])
            md = numbers.numbers_md(folder)
        self.assertIn("## Not in this run", md)
        self.assertIn("- the c1 cliff (c1 did not run)", md)
        self.assertIn("machine not recorded", md)

    def test_main(self):
        with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(numbers.main([tmp]), 1)  # no summary.csv
            self.assertEqual(numbers.main([]), 2)
            make_run(Path(tmp))
            self.assertEqual(numbers.main([tmp]), 0)
            self.assertTrue((Path(tmp) / "numbers.md").exists())


if __name__ == "__main__":
    unittest.main()
