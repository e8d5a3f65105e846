"""The gnuplot scripts: both terminals, the subtitle, the error bars, the reference lines."""

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from tenkbench import plots

SUB = "run R · 2 cores, CPU, Linux K · servers on CPU 0, load generator on CPU 1"


class Scripts(unittest.TestCase):
    def test_bar_plot_has_both_terminals_subtitle_and_error_bars(self):
        script = plots.bar_plot("cpu", "CPU per request", SUB, "µs", ["a", "b"], [(1.0, 0.9, 1.1), (None, None, None)])
        self.assertIn("set terminal svg size 800,450", script)
        self.assertIn("set terminal pngcairo size 1600,900", script)
        self.assertIn("set output 'cpu.svg'", script)
        self.assertIn("set output 'cpu.png'", script)
        self.assertIn('TITLE = "CPU per request\\nrun R · 2 cores', script)
        self.assertIn('"a" 1 0.9 1.1\n"b" ? ? ?', script)
        self.assertIn("with yerrorbars", script)
        self.assertEqual(script.count("$data << EOD"), 1)  # the data once, drawn twice

    def test_nothing_measured_no_plot(self):
        self.assertIsNone(plots.bar_plot("x", "t", SUB, "y", ["a"], [(None, None, None)]))

    def test_strings_are_escaped(self):
        self.assertEqual(plots.gp_str('say "hi"\\now\nnext'), '"say \\"hi\\"\\\\now\\nnext"')

    def test_reference_lines_and_range(self):
        lines = plots.reference_lines([("floor", 368.0), ("nginx", None)])
        self.assertIn("set arrow from graph 0, first 368 to graph 1, first 368 nohead", lines)
        self.assertNotIn("nginx", lines)
        self.assertAlmostEqual(plots.top_of([(10.0, 9.0, 12.0), (None, None, None)]), 13.8)

    def test_ideas_figure(self):
        panels = [[("CPU", {"03_epoll": (7.0, 6.9, 7.2), "floor": (4.0, 3.9, 4.1)}),
                   ("instructions", {"03_epoll": (5346.0,) * 3, "nginx": (11428.0,) * 3})]]
        script = plots.ideas_plot(SUB, ["03_epoll"], ["nginx", "floor"], panels)
        self.assertIn("set multiplot layout 1,2 title TITLE", script)
        self.assertIn("first 4 to graph 1", script)  # the floor's line in the CPU panel
        self.assertIn("first 11428 to graph 1", script)

    def test_syscalls_by_kind_groups_the_rare_ones(self):
        rows = [{"server": "s", "scenario": "c1-keepalive", "syscall": f"call{i}", "per_request": 1.0 + i}
                for i in range(plots.TOP_SYSCALLS + 2)]
        script = plots.syscalls_by_kind_plot(SUB, ["s"], rows)
        self.assertIn(" other\n", script)
        self.assertIn('"s" ', script)

    def test_syscalls_by_kind_leaves_out_the_negative_noise_and_says_so(self):
        rows = [{"server": "s", "scenario": "c1-keepalive", "syscall": c, "per_request": v}
                for c, v in (("read", 1.0), ("writev", 1.0), ("futex", -0.004), ("munmap", -0.002))]
        script = plots.syscalls_by_kind_plot(SUB, ["s"], rows)
        self.assertIn("server read writev\n", script)
        self.assertIn("not drawn: 2 counts below the no-load run's, -0.006 calls/req in all", script)

    def test_user_and_kernel_stacked(self):
        summaries = {("seed", "a"): {"cpu_us_per_request": 4.0, "user_us_per_request": 1.0, "system_us_per_request": 3.0,
                                     "system_share": 0.75},
                     ("seed", "b"): {"cpu_us_per_request": 2.0, "user_us_per_request": None,
                                     "system_us_per_request": None, "split_note": "too short"},
                     ("seed", "c"): {"cpu_us_per_request": None}}
        script = plots.cpu_split_plot("seed", SUB, ["a", "b", "c", "d"], summaries)
        self.assertIn("set output 'cpu_user_kernel_seed.svg'", script)
        self.assertIn("set output 'cpu_user_kernel_seed.png'", script)
        self.assertIn("$data << EOD\n# server user kernel total share\n\"a\" 1 3 4 \"75%\"\nEOD", script)
        self.assertIn("set style histogram rowstacked", script)
        self.assertIn("title 'kernel (system)'", script)
        self.assertIn("not split (under 20 clock ticks of CPU or see results.csv): b (too short)\\nrun R · 2 cores",
                      script)
        self.assertEqual(script.count("\nnot split"), 0)  # never a line of the script
        self.assertIsNone(plots.cpu_split_plot("seed", SUB, ["b", "c"], summaries))

    def test_sizes_figure(self):
        rows = [{"server": "05", "size": 151, "cpu_us_per_request": 30.0, "cpu_us_per_request_min": 29.0,
                 "cpu_us_per_request_max": 31.0, "instructions_per_request": 5500.0},
                {"server": "06", "size": 151, "cpu_us_per_request": None, "instructions_per_request": 5200.0}]
        script = plots.sizes_plot(SUB, rows, ["05", "06"])
        self.assertIn("$s0 << EOD\n151 30 29 31 5500\nEOD", script)
        self.assertIn("$s1 << EOD\n151 ? ? ? 5200\nEOD", script)
        self.assertIsNone(plots.sizes_plot(SUB, [{"server": "05", "size": 1}], ["05"]))


@unittest.skipUnless(shutil.which("gnuplot"), "gnuplot not installed")
class Gnuplot(unittest.TestCase):
    def test_gnuplot_draws_svg_and_png(self):
        script = plots.bar_plot("cpu", "CPU per request", SUB, "µs", ["a", "b"], [(1.0, 0.9, 1.1), (2.0, 2.0, 2.0)])
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "cpu.gp").write_text(script)
            done = subprocess.run(["gnuplot", "cpu.gp"], cwd=folder, capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertTrue((Path(folder) / "cpu.svg").stat().st_size > 0)
            self.assertEqual((Path(folder) / "cpu.png").read_bytes()[:8], b"\x89PNG\r\n\x1a\n")

    def test_gnuplot_draws_the_stacked_user_and_kernel_bars(self):
        summaries = {("c10k", s): {"cpu_us_per_request": u + k, "user_us_per_request": u, "system_us_per_request": k,
                                   "system_share": k / (u + k)} for s, u, k in (("a", 1.0, 3.0), ("b", 2.5, 2.5))}
        script = plots.cpu_split_plot("c10k", SUB, ["a", "b"], summaries)
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "split.gp").write_text(script)
            done = subprocess.run(["gnuplot", "split.gp"], cwd=folder, capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stderr, "")
            svg = (Path(folder) / "cpu_user_kernel_c10k.svg").read_text()
            self.assertIn("75%", svg)
            self.assertIn("50%", svg)


if __name__ == "__main__":
    unittest.main()
