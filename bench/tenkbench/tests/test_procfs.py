"""CPU time of a real process tree, in nanoseconds, threads that exit included; what /proc says
of an io_uring (its sockets, its polling thread)."""

import io
import subprocess
import sys
import time
import unittest
from unittest import mock

from tenkbench import procfs

# Three threads burn about 0.2 s of CPU each and exit; then the process reports its own CPU time
# (time.process_time: every thread, living and exited) and waits.
BURN = r"""
import sys, threading, time
def burn():
    end = time.thread_time() + 0.2
    while time.thread_time() < end:
        pass
threads = [threading.Thread(target=burn) for _ in range(3)]
[t.start() for t in threads]
[t.join() for t in threads]
print(time.process_time_ns(), flush=True)
sys.stdin.read()
"""

# About 0.3 s of CPU in user space (a Python loop), then 0.3 s mostly in the kernel (reading
# /dev/zero: the kernel clears the buffer), each after a line on stdin; "." after each.
USER_THEN_KERNEL = r"""
import os, sys, time
def burn(work):
    sys.stdin.readline()
    end = time.process_time() + 0.3
    while time.process_time() < end:
        work()
    print(".", flush=True)
zero = os.open("/dev/zero", os.O_RDONLY)
burn(lambda: sum(range(1000)))
burn(lambda: os.read(zero, 1 << 20))
sys.stdin.readline()
"""


class CpuTime(unittest.TestCase):
    def test_exited_threads_are_counted_to_the_nanosecond(self):
        with subprocess.Popen([sys.executable, "-c", BURN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True) as proc:
            before = procfs.cpu_snapshot([proc.pid])
            own_ns = int(proc.stdout.readline())  # the threads are gone by now
            after = procfs.cpu_snapshot([proc.pid])
            proc.stdin.close()
        seconds = procfs.cpu_seconds_between(before, after)
        self.assertGreater(seconds, 0.55)
        total_ns = after[proc.pid][0]
        self.assertLess(abs(total_ns - own_ns), 20_000_000)  # what the process says itself
        self.assertNotEqual(total_ns % 1_000_000, 0)  # not whole ticks

    def test_a_gone_process_counts_through_its_parent(self):
        with subprocess.Popen(["sh", "-c", "read line; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"],
                              stdin=subprocess.PIPE) as proc:
            me = procfs.cpu_snapshot([proc.pid])
            self.assertIn(proc.pid, me)
            proc.stdin.close()
            proc.wait()
        time.sleep(0.01)
        self.assertEqual(procfs.cpu_snapshot([proc.pid]), {})

    def test_user_and_kernel_split_agrees_with_the_ns_total(self):
        with subprocess.Popen([sys.executable, "-c", USER_THEN_KERNEL], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) as proc:
            windows = []
            for _ in range(2):
                before = procfs.cpu_snapshot([proc.pid])
                proc.stdin.write("go\n")
                proc.stdin.flush()
                proc.stdout.readline()
                windows.append(procfs.cpu_between(before, procfs.cpu_snapshot([proc.pid])))
            proc.stdin.close()
        for cpu in windows:
            split = procfs.split_cpu(cpu)
            self.assertEqual(split["note"], "", cpu)  # >= 20 ticks, within 2 ticks of the ns
            self.assertLessEqual(abs(split["tick_error_ns"]), procfs.split_bound_ns(1))
            self.assertEqual(split["user_ns"] + split["system_ns"], cpu["ns"])
        user, kernel = (procfs.split_cpu(cpu) for cpu in windows)
        self.assertGreater(user["user_ns"], user["system_ns"], windows[0])
        self.assertGreater(kernel["system_ns"], kernel["user_ns"], windows[1])

    def test_clock_id(self):
        self.assertEqual(procfs.cpu_clock_id(1), -14)  # ((~1) << 3) | 2


# An io_uring's fdinfo on Linux 6.18 (abridged), as read with the ring's lock and without it.
FDINFO_LOCKED = """pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t7316\nSqMask:\t0xfff\nSqThread:\t-1
UserFiles:\t20000\n    0: socket:[73162532]\n    1: socket:[73162533]\n   17: socket:[73162534]
UserBufs:\t1\n    0: 0x7f00/4096\nPollList:\n  op=6, task_works=0\n"""
FDINFO_BUSY = "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t7316\n"


class Rings(unittest.TestCase):
    def test_the_sockets_in_a_rings_table_of_fixed_files(self):
        reads = [FDINFO_BUSY, FDINFO_BUSY, FDINFO_LOCKED]
        with mock.patch("builtins.open", side_effect=lambda *a, **k: io.StringIO(reads.pop(0))), \
                mock.patch.object(procfs.time, "sleep"):
            self.assertEqual(procfs.ring_sockets(1, "6"), 3)  # read again until the lock was had
        with mock.patch("builtins.open", side_effect=lambda *a, **k: io.StringIO(FDINFO_BUSY)):
            self.assertEqual(procfs.ring_sockets(1, "6", timeout=0.01), 0)

    def test_open_fds_counts_a_rings_sockets(self):
        links = {"0": "/dev/null", "5": "socket:[1]", "6": "anon_inode:[io_uring]"}
        with mock.patch.object(procfs.os, "listdir", return_value=list(links)), \
                mock.patch.object(procfs, "readlink", side_effect=lambda path: links[path.rsplit("/", 1)[1]]), \
                mock.patch.object(procfs, "ring_sockets", return_value=3):
            self.assertEqual(procfs.open_fds([1]), 6)
            self.assertEqual(procfs.open_fds([1], sockets_only=True), 4)

    def test_the_sqpoll_thread_is_not_waited_for(self):
        stats = {"10": "10 (14_io_uring) S 1 1", "11": "11 (iou-sqp-10) R 1 1", "12": "12 (iou-wrk-10) R 1 1"}
        with mock.patch.object(procfs.os, "listdir", return_value=list(stats)), \
                mock.patch("builtins.open", side_effect=lambda path: io.StringIO(stats[path.split("/")[4]])):
            self.assertEqual(procfs.thread_states([10]), ["S", "R"])  # an io-wq worker is work: waited for


if __name__ == "__main__":
    unittest.main()
