"""The measured window: loadgen --window's edges, how the driver follows them, and the columns
they give results.csv and summary.csv (issue 16 §1)."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import types
import unittest

from tenkbench import client, measure, report, summary
from tenkbench.config import LOADGEN, SCENARIOS, SMOKE_SIZES, Scenario, scenario_table

# A stand-in for loadgen --window: the two window lines, each waiting for a line on stdin
# (recording what it got), then the JSON. argv[1]: a file that receives the acknowledgements.
FAKE_LOADGEN = r"""
import sys
acks = open(sys.argv[1], "w")
for edge in ("window start", "window end"):
    print(edge, flush=True)
    acks.write(sys.stdin.readline())
    acks.flush()
print('{"requests": 10, "seconds": 0.5, "rps": 20.0, "window": true}', flush=True)
"""


class FollowWindow(unittest.TestCase):
    def test_edges_are_seen_and_acknowledged_in_order(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            acks = os.path.join(tmp, "acks")
            proc = subprocess.Popen([sys.executable, "-c", FAKE_LOADGEN, acks], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            seen = []
            edges, rest = client.follow_window(proc, time.monotonic() + 20, seen.append)
            result = client.finish_loadgen(proc, 20, rest)
            with open(acks) as f:
                self.assertEqual(f.read(), "go\ngo\n")
        self.assertEqual(edges, ["start", "end"])
        self.assertEqual(seen, ["start", "end"])
        self.assertEqual((result["status"], result["requests"]), ("ok", 10))

    def test_a_loadgen_that_ends_early_gives_no_edges(self):
        proc = subprocess.Popen([sys.executable, "-c", "print('{\"requests\": 0}')"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        edges, rest = client.follow_window(proc, time.monotonic() + 20, lambda edge: None)
        result = client.finish_loadgen(proc, 20, rest)
        self.assertEqual(edges, [])
        self.assertEqual(result["requests"], 0)  # the JSON read before the end is not lost


class Window(unittest.TestCase):
    def test_keepalive_scenarios_are_windowed_close_and_slowloris_not(self):
        windowed = {s.name for s in SCENARIOS if s.window}
        self.assertEqual(windowed, {"seed", "c1", "c10", "c100", "c10k", "pipeline", "idle", "bigfile"})
        for s in SCENARIOS:
            self.assertEqual("--window" in s.loadgen_args(), s.window)
            self.assertTrue(s.keepalive or not s.window)  # loadgen refuses --window without -k
        smoke = scenario_table("smoke")
        self.assertTrue(smoke["seed"].window and not smoke["close"].window)
        self.assertEqual(set(SMOKE_SIZES), {s.name for s in SCENARIOS})

    def test_c10k_serves_busy_connections(self):
        c10k = scenario_table("full")["c10k"]
        self.assertGreaterEqual(c10k.requests / c10k.connections, 20)

    def test_the_studies_runs_stay_whole_runs(self):
        self.assertFalse(Scenario("x", "", connections=1, requests=1, duration=1).window)

    def test_window_of(self):
        seed, close = scenario_table("full")["seed"], scenario_table("full")["close"]
        self.assertEqual(measure.window_of(seed, {"start": {}, "end": {}}), "warm connections")
        self.assertEqual(measure.window_of(seed, {"start": {}}), "whole run (no window edges)")
        self.assertEqual(measure.window_of(close, {}), "whole run")

    def test_result_columns(self):
        seed, close = scenario_table("full")["seed"], scenario_table("full")["close"]
        result = {"status": "ok", "requests": 100, "seconds": 1.0, "rps": 100.0, "errors": {},
                  "latency_us": {"p50": 1, "p90": 2, "p99": 3, "max": 4}, "window": True,
                  "connections_opened": 2, "warmup": {"ok": 1000, "failed": 1, "setup_seconds": 0.25}}
        row = measure.row_from_result(result, seed)
        self.assertEqual((row["connections_opened_in_window"], row["warmup_connections"], row["warmup_failed"],
                          row["setup_s"]), (2, 1000, 1, 0.25))
        result.update(window=False, connections_opened=100)
        row = measure.row_from_result(result, close)
        self.assertEqual(row["connections_opened_in_window"], 100)
        self.assertNotIn("warmup_connections", row)
        self.assertEqual(set(row) - set(measure.RESULT_FIELDS), set())

    def test_cpu_per_connection_only_without_keepalive(self):
        seed, close = scenario_table("full")["seed"], scenario_table("full")["close"]
        row = {"cpu_ns": 2_000_000, "connections_opened_in_window": 100}
        self.assertEqual(measure.per_connection_us(close, row), 20.0)
        self.assertIsNone(measure.per_connection_us(seed, row))
        self.assertIsNone(measure.per_connection_us(close, {"cpu_ns": 1, "connections_opened_in_window": 0}))

    def test_summary_columns(self):
        runs = [{"scenario": "close", "server": "s", "status": "ok", "rps": 10.0 * i, "cpu_window": "whole run",
                 "connections_opened_in_window": 100 * i, "cpu_us_per_connection": float(i)} for i in (1, 2, 3)]
        runs.append({"scenario": "close", "server": "s", "status": "no response", "cpu_window": "whole run",
                     "connections_opened_in_window": 9999, "cpu_us_per_connection": 99.0})
        s = summary.summary_row("close", "s", runs)
        self.assertEqual((s["cpu_window"], s["connections_opened_in_window"], s["cpu_us_per_connection"],
                          s["cpu_us_per_connection_min"], s["cpu_us_per_connection_max"]),
                         ("whole run", 200, 2.0, 1.0, 3.0))
        self.assertEqual(set(s) - set(summary.SUMMARY_FIELDS), set())


class Report(unittest.TestCase):
    def test_window_sentence(self):
        table = scenario_table("full")
        summaries = {("c10k", "a"): {"connections_opened_in_window": 0, "cpu_window": "warm connections"},
                     ("c10k", "b"): {"connections_opened_in_window": 1500, "cpu_window": "warm connections"},
                     ("c10k", "c"): {"connections_opened_in_window": 0, "cpu_window": "whole run (no window edges)"}}
        text = report.window_sentence(table["c10k"], ["a", "b", "c"], summaries)
        self.assertIn("all 10,000 load connections are open", text)
        self.assertIn("b 1,500", text)
        self.assertIn("**Not windowed** (loadgen gave no window edges, so the whole run): c.", text)
        del summaries[("c10k", "b")]
        self.assertIn("Connections opened in the window: none.",
                      report.window_sentence(table["c10k"], ["a"], summaries))
        self.assertIn("the 10,000 idle connections were opened before", report.window_sentence(table["idle"], [], {}))
        self.assertIn("whole run", report.window_sentence(table["close"], [], {}))
        self.assertIn("the one load connection is open and has answered one warm-up request",
                      report.window_sentence(table["c1"], [], {}))

    def test_setup_section(self):
        close = {"cpu_us_per_connection": 20.0, "cpu_us_per_connection_min": 19.0, "cpu_us_per_connection_max": 22.0,
                 "connections_opened_in_window": 20000, "ok_runs": 3}
        summaries = {("close", "a"): close, ("c100", "a"): {"cpu_us_per_request": 6.0},
                     ("seed", "a"): {"cpu_us_per_request": 5.0}, ("close", "b"): dict(close, ok_runs=1),
                     ("seed", "b"): {"cpu_us_per_request": 4.5}, ("close", "c"): {"cpu_us_per_connection": None}}
        md = "\n".join(report.setup_md(["a", "b", "c"], summaries))
        self.assertIn("| a | 20.0 [19.0–22.0] | 20,000 | 6.0 (c100) | 14.0 |", md)
        self.assertIn("| b | 20.0 | 20,000 | 4.5 (seed) | 15.5 |", md)
        self.assertNotIn("| c |", md)
        self.assertEqual(report.setup_md(["a"], {}), [])


class TinyServer:
    """A keep-alive HTTP/1.1 server in a thread, enough for loadgen: one fixed response per
    request; counts the connections it accepted and the requests it answered."""

    RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = self.requests = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        buffer = b""
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    _, buffer = buffer.split(b"\r\n\r\n", 1)
                    with self.lock:
                        self.requests += 1
                    conn.sendall(self.RESPONSE)

    def close(self):
        self.sock.close()


@unittest.skipUnless(os.access(LOADGEN, os.X_OK), f"{LOADGEN} not built")
class LoadgenWindow(unittest.TestCase):
    """The built loadgen's --window against a tiny server: every connection warmed before the
    window starts, none opened inside it, the timed requests all inside it."""

    def run_window(self, args):
        server = TinyServer()
        try:
            ctx = types.SimpleNamespace(client_cpu=",".join(map(str, sorted(os.sched_getaffinity(0)))))
            proc = client.start_loadgen(ctx, f"http://127.0.0.1:{server.port}/", args)
            at_edge = {}

            def on_edge(edge):
                with server.lock:
                    at_edge[edge] = (server.accepted, server.requests)

            edges, rest = client.follow_window(proc, time.monotonic() + 30, on_edge)
            return edges, at_edge, client.finish_loadgen(proc, 30, rest)
        finally:
            server.close()

    def test_connections_are_warm_at_the_start_and_the_requests_inside(self):
        edges, at_edge, result = self.run_window(["-k", "--window", "-n", "60", "-c", "4", "--duration", "20"])
        self.assertEqual(edges, ["start", "end"])
        self.assertEqual(at_edge["start"], (4, 4))  # 4 connections, one warm-up request each
        self.assertEqual(at_edge["end"], (4, 64))  # + the 60 timed ones, no new connection
        self.assertEqual(result["status"], "ok")
        self.assertEqual((result["requests"], result["connections_opened"]), (60, 0))
        self.assertEqual(result["warmup"]["ok"], 4)
        self.assertTrue(result["window"])

    def test_window_needs_keepalive(self):
        out = subprocess.run([str(LOADGEN), "--window", "-n", "1", "http://127.0.0.1:1/"], capture_output=True,
                             text=True, timeout=30, stdin=subprocess.DEVNULL)
        self.assertEqual(out.returncode, 2)
        self.assertIn("--window needs -k", out.stderr)

    def test_a_server_that_closes_after_the_warmup_is_reconnected_inside_the_window(self):
        server = TinyServer()
        server.RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        try:
            ctx = types.SimpleNamespace(client_cpu=",".join(map(str, sorted(os.sched_getaffinity(0)))))
            proc = client.start_loadgen(ctx, f"http://127.0.0.1:{server.port}/",
                                        ["-k", "--window", "-n", "10", "-c", "2", "--duration", "20"])
            edges, rest = client.follow_window(proc, time.monotonic() + 30, lambda edge: None)
            result = client.finish_loadgen(proc, 30, rest)
        finally:
            server.close()
        self.assertEqual(edges, ["start", "end"])
        self.assertEqual(result["warmup"]["ok"], 2)
        self.assertEqual(result["requests"], 10)
        self.assertGreaterEqual(result["connections_opened"], 10)  # one per timed request

    def test_without_window_every_connect_counts(self):
        server = TinyServer()
        try:
            out = subprocess.run([str(LOADGEN), "--json", "-n", "20", "-c", "2", f"http://127.0.0.1:{server.port}/"],
                                 capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        finally:
            server.close()
        result = json.loads(out.stdout.splitlines()[-1])
        self.assertFalse(result["window"])
        self.assertGreaterEqual(result["connections_opened"], 20)  # one per request, no keep-alive


if __name__ == "__main__":
    unittest.main()
