"""What the benchmark reads from its tools: strace -c tables, loadgen's JSON, wrk's text, the
peers' error logs."""

import json
import unittest

from tenkbench import client, ladder, measure, studies
from tenkbench.config import Scenario

STRACE_C = """\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 23.68    0.000869          25        34        13 openat
 19.87    0.000729          24        30           mmap
  1.74    0.000064          64         1           write
------ ----------- ----------- --------- --------- ----------------
100.00    0.003670          26       137        15 total
"""

LOADGEN_JSON = {"requests": 980, "seconds": 1.5, "rps": 653.3, "bytes": 1,
                "errors": {"connect": 0, "reset": 20, "timeout": 0, "bad_status": 0, "short_body": 0,
                           "parse": 0},
                "latency_us": {"p50": 40.0, "p90": 50.0, "p99": 90.0, "max": 120.0, "mean": 45.0},
                "idle": {"requested": 10, "open_at_end": 9},
                "slowloris": {"requested": 5, "dropped": 5, "first_drop_s": 0.5, "median_drop_s": 0.6}}

WRK = """\
Running 1s test @ http://127.0.0.1:8080/index.html
  1 threads and 1000 connections
  69712 requests in 1.00s, 26.53MB read
  Socket errors: connect 0, read 3, write 0, timeout 0
Requests/sec:  69642.31
Transfer/sec:     26.50MB
"""


class Strace(unittest.TestCase):
    def test_summary_table(self):
        self.assertEqual(studies.parse_strace_summary(STRACE_C), {"openat": 34, "mmap": 30, "write": 1})

    def test_rows_subtract_the_baseline(self):
        rows = studies.syscall_rows("03_epoll", "seed", {"recvfrom": 2000, "sendto": 2000, "mmap": 30},
                                    {"mmap": 30, "openat": 5}, requests=1000, connections=10)
        by_call = {r["syscall"]: r for r in rows}
        self.assertEqual(sorted(by_call), ["openat", "recvfrom", "sendto", "total"])  # mmap nets 0
        self.assertEqual(by_call["recvfrom"]["per_connection"], 200.0)
        self.assertEqual(rows[-1]["syscall"], "total")

    def test_a_call_below_the_baseline_keeps_its_sign_in_the_total(self):
        # The no-load run made 5 openat the loaded one did not: noise, counted as -5, not as 0
        # (clipped, the total was 4000: 5 calls more than the runs' difference).
        rows = studies.syscall_rows("03_epoll", "seed", {"recvfrom": 2000, "sendto": 2000, "mmap": 30},
                                    {"mmap": 30, "openat": 5}, requests=1000, connections=10)
        by_call = {r["syscall"]: r for r in rows}
        self.assertEqual((by_call["openat"]["calls"], by_call["openat"]["per_request"]), (-5, -0.005))
        self.assertEqual(by_call["total"]["calls"], 3995)
        self.assertEqual(by_call["total"]["per_request"], 3.995)

    def test_the_total_is_the_difference_of_the_runs_totals(self):
        loaded = {"epoll_wait": 1010, "read": 1000, "writev": 1000, "futex": 3, "munmap": 2, "close": 4}
        baseline = {"epoll_wait": 12, "futex": 7, "munmap": 5, "close": 4, "exit_group": 1}
        rows = studies.syscall_rows("09_fibers", "c1-keepalive", loaded, baseline, requests=1000, connections=1)
        self.assertEqual(rows[-1]["calls"], sum(loaded.values()) - sum(baseline.values()))
        self.assertEqual(rows[-1]["calls"], sum(r["calls"] for r in rows[:-1]))
        self.assertEqual({r["syscall"]: r["calls"] for r in rows if r["calls"] < 0},
                         {"futex": -4, "munmap": -3, "exit_group": -1})


class Loadgen(unittest.TestCase):
    def test_ok(self):
        result = client.parse_loadgen_output(json.dumps(LOADGEN_JSON) + "\n", "", 0)
        self.assertEqual(result["status"], "ok")
        self.assertEqual(client.error_total(result), 20)

    def test_no_response_and_errors(self):
        self.assertEqual(client.parse_loadgen_output(json.dumps(LOADGEN_JSON), "", 1)["status"], "no response")
        self.assertEqual(client.parse_loadgen_output("", "loadgen: bad url\nusage", 2)["status"],
                         "loadgen error: loadgen: bad url")
        self.assertEqual(client.parse_loadgen_output("", "", 3)["status"], "loadgen error: exit 3")

    def test_results_row(self):
        scenario = Scenario("idle", "", connections=10, requests=1000, duration=1, idle=10, slowloris=5)
        result = client.parse_loadgen_output(json.dumps(LOADGEN_JSON), "", 0)
        row = measure.row_from_result(result, scenario)
        self.assertEqual((row["requests"], row["rps"], row["capped"]), (980, 653.3, 0))  # 980 + 20 errors
        self.assertEqual((row["p50_us"], row["p99_us"], row["max_us"]), (40.0, 90.0, 120.0))
        self.assertEqual(row["errors_reset"], 20)
        self.assertEqual((row["idle_requested"], row["idle_open_at_end"]), (10, 9))
        self.assertEqual((row["slowloris_dropped"], row["slowloris_first_drop_s"], row["slowloris_median_drop_s"]),
                         (5, 0.5, 0.6))

    def test_a_run_without_a_request_limit_lasts_its_duration(self):
        scenario = Scenario("slowloris", "", connections=10, requests=0, duration=6, slowloris=5)
        self.assertEqual(scenario.loadgen_args(), ["-c", "10", "--duration", "6", "-k", "--slowloris", "5"])
        row = measure.row_from_result(client.parse_loadgen_output(json.dumps(LOADGEN_JSON), "", 0), scenario)
        self.assertEqual(row["capped"], 0)

    def test_capped_run(self):
        scenario = Scenario("seed", "", connections=10, requests=5000, duration=1)
        row = measure.row_from_result(client.parse_loadgen_output(json.dumps(LOADGEN_JSON), "", 0), scenario)
        self.assertEqual(row["capped"], 1)

    def test_failed_run_has_no_rate(self):
        row = measure.row_from_result({"status": "timed out"}, Scenario("seed", "", 1, 1, 1))
        self.assertEqual(row, {"status": "timed out", "requests": 0})


ACCEPT_TRACE = """\
100 accept4(3, NULL, NULL, SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)
100 accept4(3, NULL, NULL, SOCK_CLOEXEC|SOCK_NONBLOCK) = 7
100 accept4(3, NULL, NULL, SOCK_CLOEXEC|SOCK_NONBLOCK <unfinished ...>
101 accept(6, {sa_family=AF_INET, sin_port=htons(40000), sin_addr=inet_addr("127.0.0.1")}, [16] <unfinished ...>
100 <... accept4 resumed>) = 8
101 <... accept resumed>) = -1 EAGAIN (Resource temporarily unavailable)
101 accept(6, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)
101 accept(6, NULL, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)
100 accept4(3, NULL, NULL, SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)
100 accept4(3, NULL, NULL, SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)
100 accept4(3, NULL, NULL, SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EMFILE (Too many open files)
100 +++ exited with 0 +++
"""


class AcceptTrace(unittest.TestCase):
    def test_results_per_thread_in_order(self):
        self.assertEqual(studies.parse_accept_trace(ACCEPT_TRACE),
                         {100: ["EAGAIN", "ok", "ok", "EAGAIN", "EAGAIN", "EMFILE"], 101: ["EAGAIN", "EAGAIN"]})

    def test_counts(self):
        # The first EAGAIN of a thread is not a wakeup; one after an EAGAIN is a futile one.
        self.assertEqual(studies.accept_counts(["EAGAIN", "ok", "ok", "EAGAIN", "EAGAIN", "EMFILE"]), (2, 3, 1))
        self.assertEqual(studies.accept_counts(["ok", "ok", "EAGAIN", "ok", "EAGAIN"]), (3, 2, 0))
        self.assertEqual(studies.accept_counts([]), (0, 0, 0))

    def test_summary_divides_by_the_connections_accepted(self):
        rows = [{"server": "04_prefork", "parallel": "--workers 2", "epollexclusive": 0, "measured_by": "strace",
                 "connections_accepted": 300, "wakeups_found_nothing": 3, "accept_eagain": 60},
                {"server": "04_prefork", "parallel": "--workers 2", "epollexclusive": 0, "measured_by": "strace",
                 "connections_accepted": 100, "wakeups_found_nothing": 1, "accept_eagain": 20},
                {"server": "04_prefork", "parallel": "--workers 2", "epollexclusive": 0, "measured_by": "exit line",
                 "connections_accepted": 0, "wakeups_found_nothing": 0}]
        (entry,) = studies.herd_summary(rows)
        self.assertEqual(entry["strace"]["accepted"], [300, 100])
        self.assertAlmostEqual(entry["strace"]["futile_per_connection"], 0.01)
        self.assertAlmostEqual(entry["strace"]["eagain_per_connection"], 0.2)
        self.assertEqual(entry["exit"]["accepted"], [0])  # every worker, even one that accepted none
        self.assertIsNone(entry["exit"]["futile_per_connection"])  # nothing accepted: no ratio
        self.assertIsNone(studies.per_connection(None, 10))


class Wrk(unittest.TestCase):
    def test_output(self):
        result = client.parse_wrk_output(WRK)
        self.assertEqual(result["wrk_rps"], 69642.31)
        self.assertEqual(result["wrk_requests"], 69712)
        self.assertEqual(result["wrk_errors"], "Socket errors: connect 0, read 3, write 0, timeout 0")

    def test_nothing_recognised(self):
        result = client.parse_wrk_output("oops")
        self.assertEqual((result["wrk_rps"], result["wrk_requests"], result["wrk_errors"]), (None, None, "0"))


class PeerLogs(unittest.TestCase):
    def test_routine_lines_dropped_and_messages_counted(self):
        text = ("2026/11/26 11:57:13 [notice] 123#123: exiting\n"
                "2026/11/26 11:57:14 [alert] 124#124: *55 socket() failed (24: Too many open files)\n"
                "2026/11/26 11:57:15 [alert] 124#124: *56 socket() failed (24: Too many open files)\n")
        self.assertEqual(ladder.peer_log_summary("nginx", text),
                         ["nginx error.log: 2× [alert] socket() failed (24: Too many open files)"])
        self.assertEqual(ladder.peer_log_summary("nginx", "2026/11/26 11:57:13 server started\n"), [])


if __name__ == "__main__":
    unittest.main()
