"""The run's configuration: CPU lists, the peers' configurations, the server variants, the
scenarios' timeouts."""

import unittest
from pathlib import Path
from unittest import mock

from tenkbench import cli, servers
from tenkbench.config import IDLE_HOLD_MAX_S, PEER_TEMPLATES, SLOWLORIS_TIMEOUT_S, scenario_table


class CpuList(unittest.TestCase):
    def test_lists_and_ranges(self):
        self.assertEqual(cli.cpu_list("0"), [0])
        self.assertEqual(cli.cpu_list("0-3,6"), [0, 1, 2, 3, 6])
        self.assertEqual(cli.cpu_list("2,0,2"), [0, 2])

    def test_malformed(self):
        for text in ("", "a", "3-1", "1-", "0,,1"):
            with self.assertRaises(ValueError, msg=text):
                cli.cpu_list(text)


class PeerConfig(unittest.TestCase):
    def test_every_placeholder_is_filled(self):
        for name in ("nginx", "lighttpd"):
            template = (PEER_TEMPLATES / f"{name}.conf.in").read_text()
            for timeout in (0, 2):
                text = servers.peer_config(template, name, 8080, Path("/run"), timeout=timeout, workers=3)
                self.assertNotIn("@", text.replace("@NAME@", ""), f"{name}, timeout {timeout}")

    def test_timeouts(self):
        nginx = (PEER_TEMPLATES / "nginx.conf.in").read_text()
        text = servers.peer_config(nginx, "nginx", 8080, Path("/run"), timeout=2, workers=4)
        for line in ("keepalive_timeout 2s;", "client_header_timeout 2s;", "send_timeout 2s;", "worker_processes 4;"):
            self.assertIn(line, text)
        text = servers.peer_config(nginx, "nginx", 8080, Path("/run"))
        self.assertIn("keepalive_timeout 300s;", text)
        self.assertIn("client_header_timeout 60s;", text)
        lighttpd = (PEER_TEMPLATES / "lighttpd.conf.in").read_text()
        text = servers.peer_config(lighttpd, "lighttpd", 8080, Path("/run"), timeout=2)
        for line in ("server.max-read-idle = 2", "server.max-keep-alive-idle = 2", "server.max-write-idle = 2"):
            self.assertIn(line, text)


class Variants(unittest.TestCase):
    def test_names(self):
        self.assertEqual(servers.split_variant("09_fibers+pessimistic"), ("09_fibers", "pessimistic"))
        self.assertEqual(servers.split_variant("nginx"), ("nginx", ""))
        spec = servers.variant_spec("09_fibers+pessimistic", only=("seed",))
        self.assertEqual((spec.program, spec.env, spec.variant), ("09_fibers", (("TENK_PESSIMISTIC_IO", "1"),), True))
        self.assertTrue(spec.runs("seed"))
        self.assertFalse(spec.runs("close"))
        plain = servers.ServerSpec("09_fibers", "step")
        self.assertEqual((plain.program, plain.variant, plain.runs("close")), ("09_fibers", False, True))

    def test_a_floor_variant_is_a_floor(self):
        spec = servers.variant_spec("floor+io_uring")
        self.assertEqual((spec.kind, spec.program, spec.env, spec.variant, spec.runs("close")),
                         ("floor", "floor", (("TENK_IO_URING", "1"),), True, True))
        spec = servers.variant_spec("14_io_uring+sqpoll")
        self.assertEqual((spec.kind, spec.program, spec.env), ("step", "14_io_uring", (("TENK_SQPOLL", "1"),)))

    def test_the_command_line_names_floor_variants(self):
        args = cli.parse_args(["--servers", "floor,floor+io_uring,09_fibers+pessimistic"])
        self.assertEqual(args.servers, ["floor", "floor+io_uring", "09_fibers+pessimistic"])
        for bad in ("floor+bogus", "nginx+io_uring"):
            with mock.patch("sys.stderr"), self.assertRaises(SystemExit, msg=bad):
                cli.parse_args(["--servers", bad])


class ChooseServers(unittest.TestCase):
    """Which servers a run gets, with the binaries faked: `built` are the steps in build/bin, `reads`
    the (binary, variable) pairs whose binary mentions the variable, `refused` the variants that do
    not start here (with the line they would print)."""

    def choose(self, argv, built, reads, refused=None, profile="full"):
        refused = refused or {}
        notes = []
        with mock.patch.object(cli, "built_steps", return_value=built), \
                mock.patch.object(cli, "binary_mentions", side_effect=lambda b, v: (b, v) in reads), \
                mock.patch.object(cli, "start_problem", side_effect=lambda spec: refused.get(spec.name)), \
                mock.patch.object(cli.os, "access", side_effect=lambda p, mode: Path(p).name in built + ["floor"]):
            chosen = cli.choose_servers(cli.parse_args(argv), profile, notes)
        return {s.name: (s.kind, s.only) for s in chosen}, notes

    READS = {("09_fibers", "TENK_PESSIMISTIC_IO"), ("14_io_uring", "TENK_PESSIMISTIC_IO"),
             ("14_io_uring", "TENK_SQPOLL"), ("floor", "TENK_IO_URING"), ("floor", "TENK_SQPOLL")}

    def test_the_full_ladder_has_both_floors_and_the_step_variants_of_the_steps_it_has(self):
        limited = ("seed", "c1", "deterministic")
        with mock.patch.object(cli.shutil, "which", return_value=None):
            chosen, notes = self.choose([], ["09_fibers", "14_io_uring"], self.READS)
        self.assertEqual(chosen, {"09_fibers": ("step", ()), "09_fibers+pessimistic": ("step", limited),
                                  "14_io_uring": ("step", ()), "14_io_uring+sqpoll": ("step", limited),
                                  "floor": ("floor", ()), "floor+io_uring": ("floor", ()),
                                  "floor+sqpoll": ("floor", ())})
        self.assertEqual(notes, ["nginx: skipped: not installed", "lighttpd: skipped: not installed"])

    def test_no_step_14_no_sqpoll_variant_and_no_note(self):
        with mock.patch.object(cli.shutil, "which", return_value=None):
            chosen, notes = self.choose([], ["09_fibers", "13_batched_writes"], self.READS)
        self.assertNotIn("14_io_uring+sqpoll", chosen)
        self.assertFalse([note for note in notes if "14_io_uring+sqpoll" in note])

    def test_a_one_step_run_has_both_floors(self):
        chosen, _ = self.choose(["14_io_uring"], ["13_batched_writes", "14_io_uring"], self.READS, profile="step")
        self.assertEqual(sorted(chosen), ["13_batched_writes", "14_io_uring", "14_io_uring+sqpoll", "floor",
                                          "floor+io_uring", "floor+sqpoll"])

    def test_the_smoke_run_has_the_floor_and_the_io_uring_floor_where_it_starts(self):
        chosen, _ = self.choose(["--smoke"], ["13_batched_writes", "14_io_uring"], self.READS, profile="smoke")
        self.assertEqual(sorted(chosen), ["14_io_uring", "floor", "floor+io_uring"])
        chosen, notes = self.choose(["--smoke"], ["13_batched_writes", "14_io_uring"], self.READS,
                                    refused={"floor+io_uring": "io_uring is not available here"}, profile="smoke")
        self.assertEqual(sorted(chosen), ["14_io_uring", "floor"])
        self.assertTrue(any("floor+io_uring: skipped" in note for note in notes))

    def test_a_variant_is_skipped_where_its_binary_does_not_read_it_or_does_not_start(self):
        line = "floor: TENK_IO_URING=1, but io_uring is not available here: io_uring_queue_init: ..."
        chosen, notes = self.choose(["--servers", "floor+io_uring,13_batched_writes+sqpoll"],
                                    ["13_batched_writes"], self.READS, refused={"floor+io_uring": line})
        self.assertEqual(chosen, {})
        self.assertEqual(notes, ["13_batched_writes+sqpoll: skipped: 13_batched_writes does not read TENK_SQPOLL",
                                 f"floor+io_uring: skipped: it does not start here: {line}"])


class Scenarios(unittest.TestCase):
    def test_slowloris_lasts_two_timeouts_and_a_margin(self):
        for profile in ("full", "smoke"):
            scenario = scenario_table(profile)["slowloris"]
            self.assertEqual(scenario.server_timeout, SLOWLORIS_TIMEOUT_S)
            self.assertGreater(scenario.duration, 2 * scenario.server_timeout)
            self.assertNotIn("-n", scenario.loadgen_args())  # no request limit: it lasts its duration

    def test_idle_timeout_outlasts_the_scenario(self):
        scenario = scenario_table("full")["idle"]
        self.assertGreater(scenario.server_timeout, IDLE_HOLD_MAX_S + scenario.duration)


if __name__ == "__main__":
    unittest.main()
