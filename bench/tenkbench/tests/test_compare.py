"""bench/compare: ratios and verdicts between two results folders."""

import csv
import tempfile
import unittest
from pathlib import Path

from tenkbench import compare


def write(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def summary(scenario, server, rps, low, high, cpu=None):
    return {"scenario": scenario, "server": server, "rps_median": rps, "rps_min": low, "rps_max": high,
            "cpu_us_per_request": cpu, "cpu_us_per_request_min": cpu, "cpu_us_per_request_max": cpu}


class Verdicts(unittest.TestCase):
    def test_overlapping_ranges_are_within_the_noise(self):
        self.assertEqual(compare.verdict((100, 90, 110), (105, 100, 120), higher_is_better=True), "≈")

    def test_apart(self):
        self.assertEqual(compare.verdict((100, 90, 110), (130, 120, 140), higher_is_better=True), "better")
        self.assertEqual(compare.verdict((100, 90, 110), (130, 120, 140), higher_is_better=False), "worse")

    def test_without_a_spread_the_medians_decide(self):
        self.assertEqual(compare.verdict((5.0, None, None), (4.0, None, None), higher_is_better=False), "better")
        self.assertEqual(compare.verdict((None, None, None), (4.0, 4.0, 4.0), higher_is_better=False), "")

    def test_ratio(self):
        self.assertEqual(compare.ratio(200.0, 300.0), "1.500")
        self.assertEqual(compare.ratio(None, 300.0), "–")
        self.assertEqual(compare.ratio(0.0, 1.0), "–")


class Folders(unittest.TestCase):
    def test_report(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            a, b = Path(a), Path(b)
            write(a / "summary.csv", [summary("seed", "floor", 100, 95, 105, 4.0),
                                      summary("seed", "03_epoll", 50, 45, 55, 8.0),
                                      summary("c1", "floor", 10, 10, 10)])
            write(b / "summary.csv", [summary("seed", "floor", 150, 140, 160, 3.0),
                                      summary("seed", "03_epoll", 52, 50, 54, 8.0)])
            det = {"server": "floor", "kind": "keepalive", "instructions_per_request": 368.0,
                   "syscalls_per_request": 3.01}
            write(a / "deterministic.csv", [det])
            write(b / "deterministic.csv", [dict(det, instructions_per_request=736.0)])
            text = compare.compare(a, b)
            lines = text.splitlines()
            floor = next(line for line in lines if line.startswith("seed") and "floor" in line)
            self.assertEqual(floor.split(), ["seed", "floor", "100", "150", "1.500", "better", "4.0", "3.0",
                                             "0.750", "better"])
            epoll = next(line for line in lines if line.startswith("seed") and "03_epoll" in line)
            self.assertEqual(epoll.split()[4:6], ["1.040", "≈"])
            self.assertFalse(any(line.startswith("c1") for line in lines))  # only in A
            self.assertIn("keepalive  floor", text)
            self.assertIn("2.000", text)
            only_floor = compare.compare(a, b, servers=["03_epoll"])
            self.assertNotIn("floor", only_floor.split("B:")[1].split("\n", 1)[1])


if __name__ == "__main__":
    unittest.main()
