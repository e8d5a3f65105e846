"""The run's configuration: CPU lists, the peers' configurations, the server variants, the
scenarios' timeouts."""

import unittest
from pathlib import Path

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
