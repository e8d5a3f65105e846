"""CPU time of a real process tree, in nanoseconds, threads that exit included."""

import subprocess
import sys
import time
import unittest

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


if __name__ == "__main__":
    unittest.main()
