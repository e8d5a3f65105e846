"""How numbers are written: the units, the dashes, the marks."""

import unittest

from tenkbench import fmt


class FmtUs(unittest.TestCase):
    def test_milliseconds_are_written_in_ms(self):
        # The bug that pyflakes would have caught: a second fmt_us shadowed this one and printed
        # the c1 latency of the Nagle cliff as "44433.4".
        self.assertEqual(fmt.fmt_us(44433.4), "44 ms")
        self.assertEqual(fmt.fmt_us(12345.0), "12 ms")
        self.assertEqual(fmt.fmt_us(9900.0), "9.9 ms")
        self.assertEqual(fmt.fmt_us(1000.0), "1.0 ms")

    def test_microseconds(self):
        self.assertEqual(fmt.fmt_us(65.24), "65.2 µs")
        self.assertEqual(fmt.fmt_us(107.4), "107 µs")
        self.assertEqual(fmt.fmt_us(999.4), "999 µs")
        self.assertEqual(fmt.fmt_us(0), "0.0 µs")

    def test_large_values_get_thousands_separators(self):
        self.assertEqual(fmt.fmt_us(1_234_567.0), "1,235 ms")

    def test_missing(self):
        self.assertEqual(fmt.fmt_us(None), "–")

    def test_us_number_is_a_bare_number(self):
        self.assertEqual(fmt.fmt_us_number(22.24), "22.2")
        self.assertEqual(fmt.fmt_us_number(44433.4), "44433.4")
        self.assertEqual(fmt.fmt_us_number(None), "–")


class FmtOthers(unittest.TestCase):
    def test_rps(self):
        self.assertEqual(fmt.fmt_rps(131761.4), "131,761")
        self.assertEqual(fmt.fmt_rps(22.6), "23")
        self.assertEqual(fmt.fmt_rps(None), "–")

    def test_cpu(self):
        self.assertEqual(fmt.fmt_cpu(6.44), "6.4")
        self.assertEqual(fmt.fmt_cpu(99.96), "100.0")
        self.assertEqual(fmt.fmt_cpu(1234.5), "1,234")
        self.assertEqual(fmt.fmt_cpu(None), "–")

    def test_count_and_duration(self):
        self.assertEqual(fmt.fmt_count(10000), "10,000")
        self.assertEqual(fmt.fmt_count(None), "–")
        self.assertEqual(fmt.fmt_duration(507.9), "8 min 27 s")
        self.assertEqual(fmt.fmt_duration(59), "0 min 59 s")

    def test_errors_lists_only_the_kinds_that_happened(self):
        self.assertEqual(fmt.fmt_errors({"errors_connect": 0, "errors_bad_status": 1234.0}),
                         "bad_status 1,234")
        self.assertEqual(fmt.fmt_errors({"errors_reset": 2, "errors_timeout": 3}), "reset 2, timeout 3")
        self.assertEqual(fmt.fmt_errors({"errors_reset": 0, "errors_timeout": 0}), "0")

    def test_errors_no_run_counted(self):
        # A row whose runs all failed without a loadgen report (timed out, failed to start):
        # "0" would claim a clean run.
        self.assertEqual(fmt.fmt_errors({"errors_reset": None}), "–")
        self.assertEqual(fmt.fmt_errors({}), "–")

    def test_csv_values(self):
        self.assertEqual(fmt.fmt_csv(1 / 3), "0.333333")
        self.assertEqual(fmt.fmt_csv(["a", "b"]), "a; b")
        self.assertEqual(fmt.fmt_csv(None), "")
        self.assertEqual(fmt.fmt_csv(7), 7)

    def test_md_table(self):
        self.assertEqual(fmt.md_table(["a", "b"], [["1", "2"], ["3", "4"]]),
                         "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |")


class FmtRpsCell(unittest.TestCase):
    def summary(self, **changes):
        s = {"rps_median": 22310.0, "rps_min": 22172.0, "rps_max": 22361.0, "runs": 3, "ok_runs": 3,
             "capped_runs": 0, "failures": []}
        s.update(changes)
        return s

    def test_median_and_spread(self):
        self.assertEqual(fmt.fmt_rps_cell(self.summary()), "22,310 [22,172–22,361]")

    def test_one_run_has_no_spread(self):
        self.assertEqual(fmt.fmt_rps_cell(self.summary(runs=1, ok_runs=1)), "22,310")

    def test_capped_and_failed_runs_are_marked(self):
        cell = fmt.fmt_rps_cell(self.summary(capped_runs=1, ok_runs=2, failures=["timed out"]))
        self.assertEqual(cell, "22,310 [22,172–22,361] † (1 of 3 runs: timed out)")

    def test_no_successful_run(self):
        self.assertEqual(fmt.fmt_rps_cell(self.summary(rps_median=None, failures=["failed to start: x"])),
                         "**failed to start: x**")


if __name__ == "__main__":
    unittest.main()
