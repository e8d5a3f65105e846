"""The deterministic counts: the client, the callgrind parser, the expectations check."""

import copy
import socket
import subprocess
import tempfile
import threading
import unittest
from pathlib import Path

from tenkbench import deterministic, procfs

CALLGRIND_OUT = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
cmd:  /work/main/build/bin/03_epoll --port 0
events: Ir
fn=(1) main
16 7
summary: 5683873


totals: 5684676
"""

HERE = {"compiler": "c++ 12", "libc": "glibc 2.36", "valgrind": "valgrind-3.19.0"}
EXPECTATIONS = {"tolerance": {"instructions_per_request": 0.03, "syscalls_per_request": 0.25},
                "toolchain": HERE,
                "servers": {"03_epoll": {"keepalive": {"instructions_per_request": 4000.0,
                                                       "syscalls_per_request": 9.0}}}}


def det_row(server="03_epoll", kind="keepalive", instructions=4000.0, syscalls=9.0, peer=False):
    return {"server": server, "kind": kind, "peer": peer, "instructions_per_request": instructions,
            "syscalls_per_request": syscalls}


class Callgrind(unittest.TestCase):
    def test_summary_line(self):
        self.assertEqual(deterministic.parse_callgrind_total(CALLGRIND_OUT), 5683873)

    def test_totals_when_no_summary(self):
        self.assertEqual(deterministic.parse_callgrind_total("events: Ir\ntotals: 42\n"), 42)

    def test_no_count(self):
        with self.assertRaises(ValueError):
            deterministic.parse_callgrind_total("events: Ir\n")

    def test_a_profile_without_a_count_is_left_out(self):
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "callgrind.out.10").write_text(CALLGRIND_OUT)
            (Path(folder) / "callgrind.out.11").write_text("")  # a process killed before it exited
            self.assertEqual(deterministic.callgrind_total(folder), (5683873, 1, 1))

    def test_row_divides_by_requests(self):
        row = deterministic.deterministic_row("floor", "keepalive", 1000, 1, 368_123, 3012)
        self.assertEqual((row["instructions_per_request"], row["syscalls_per_request"]), (368.1, 3.012))


class Expectations(unittest.TestCase):
    def test_within_tolerance(self):
        rows = [det_row(instructions=4100.0, syscalls=9.2)]
        self.assertEqual(deterministic.check_rows(rows, EXPECTATIONS, HERE), ([], []))
        self.assertEqual(rows[0]["check"], "ok")
        self.assertEqual(rows[0]["expected_instructions_per_request"], 4000.0)

    def test_instructions_regression_fails_with_the_command_to_update(self):
        rows = [det_row(instructions=4200.0)]
        failures, _ = deterministic.check_rows(rows, EXPECTATIONS, HERE)
        self.assertEqual(len(failures), 1)
        self.assertIn("03_epoll keepalive: instructions/req 4,200, expected 4,000 (+5.0%, tolerance ±3%)",
                      failures[0])
        self.assertIn(deterministic.UPDATE_COMMAND, failures[0])

    def test_syscalls_regression_fails(self):
        failures, _ = deterministic.check_rows([det_row(syscalls=8.5)], EXPECTATIONS, HERE)
        self.assertIn("syscalls/req 8.50, expected 9.00 (-0.50, tolerance ±0.25)", failures[0])

    def test_another_toolchain_only_warns_about_instructions(self):
        elsewhere = dict(HERE, compiler="c++ 14")
        failures, warnings = deterministic.check_rows([det_row(instructions=5000.0)], EXPECTATIONS, elsewhere)
        self.assertEqual(failures, [])
        self.assertIn("another toolchain", warnings[0])
        self.assertIn("03_epoll keepalive: instructions/req 5,000", warnings[1])
        failures, _ = deterministic.check_rows([det_row(syscalls=10.0)], EXPECTATIONS, elsewhere)
        self.assertEqual(len(failures), 1)  # system calls are still checked

    def test_missing_expectation_fails_for_a_step_not_for_a_peer(self):
        rows = [det_row(server="08_fd_cache"), det_row(server="nginx", peer=True)]
        failures, _ = deterministic.check_rows(rows, EXPECTATIONS, HERE)
        self.assertEqual(len(failures), 1)
        self.assertIn("08_fd_cache keepalive: no expectation", failures[0])

    def test_no_file(self):
        failures, _ = deterministic.check_rows([det_row()], None, HERE)
        self.assertIn("no expectations file", failures[0])

    def test_update_keeps_other_servers_and_skips_peers(self):
        old = copy.deepcopy(EXPECTATIONS)
        new = deterministic.updated_expectations(
            old, [det_row("floor", instructions=368.1, syscalls=3.012), det_row("nginx", peer=True)], HERE)
        self.assertEqual(sorted(new["servers"]), ["03_epoll", "floor"])
        self.assertEqual(new["servers"]["floor"]["keepalive"],
                         {"instructions_per_request": 368.1, "syscalls_per_request": 3.01})
        self.assertEqual(new["tolerance"], EXPECTATIONS["tolerance"])
        self.assertEqual(old, EXPECTATIONS)  # not modified in place


class FakeServer(threading.Thread):
    """A one-thread HTTP/1.1 responder: answers every request with 200 and 5 body bytes, sent in
    two pieces, and closes when asked."""

    def __init__(self):
        super().__init__(daemon=True)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.requests = 0

    def run(self):
        while True:
            conn, _ = self.listener.accept()
            with conn:
                data = b""
                while True:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                    while b"\r\n\r\n" in data:
                        request, data = data.split(b"\r\n\r\n", 1)
                        self.requests += 1
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe")
                        conn.sendall(b"llo")
                        if b"connection: close" in request.lower():
                            break
                    else:
                        continue
                    break


class Client(unittest.TestCase):
    def test_keepalive_and_close(self):
        server = FakeServer()
        server.start()
        waits = []
        self.assertEqual(deterministic.exchange(server.port, 5, keepalive=True,
                                                wait_idle=lambda: waits.append(1) or True), [])
        self.assertEqual((server.requests, len(waits)), (5, 5))
        self.assertEqual(deterministic.exchange(server.port, 3, keepalive=False), [])
        self.assertEqual(server.requests, 8)

    def test_response_length(self):
        head = b"HTTP/1.1 200 OK\r\ncontent-length: 151\r\n\r\n"
        self.assertEqual(deterministic.response_length(head), len(head) + 151)
        with self.assertRaises(deterministic.ExchangeError):
            deterministic.response_length(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")

    def test_request(self):
        self.assertEqual(deterministic.request_bytes("/index.html", close=True),
                         b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")


class Asleep(unittest.TestCase):
    def test_a_sleeping_process_is_asleep(self):
        with subprocess.Popen(["sleep", "5"]) as proc:
            try:
                self.assertTrue(procfs.wait_until_asleep([proc.pid], timeout=5))
                self.assertEqual(procfs.thread_states([proc.pid]), ["S"])
            finally:
                proc.kill()

    def test_a_busy_process_is_not(self):
        with subprocess.Popen(["sh", "-c", "while :; do :; done"]) as proc:
            try:
                self.assertFalse(procfs.wait_until_asleep([proc.pid], timeout=0.3))
            finally:
                proc.kill()


if __name__ == "__main__":
    unittest.main()
