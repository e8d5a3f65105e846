"""Process trees in /proc: CPU time, memory, file descriptors."""

import os
import time

from .config import CLOCK_TICKS_PER_S


def read_stat(pid):
    """The fields of /proc/PID/stat after the command name (which may contain spaces), so that
    fields[0] is field 3 (state), fields[1] is the ppid, fields[11] utime, fields[12] stime."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    return data[data.rindex(")") + 2:].split()


def process_tree(root):
    """root and all its descendant processes (threads are not processes: /proc/PID/stat of a
    process already includes the CPU time of all its threads, living and exited)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(read_stat(entry)[1]), []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass  # the process exited while we looked
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


# CPU time of a process tree, in nanoseconds.
#
# Each process's CPU time is read from its process-wide CPU clock, clock_gettime() of
# MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED) = (~pid << 3) | 2, the clock that glibc's
# clock_getcpuclockid(pid) returns: the scheduler's sum_exec_runtime of every thread of the
# process, the living ones and those that have exited (the kernel adds an exiting thread's
# runtime to its process), in ns. Linux lets any process read it. A step that creates a thread
# per connection (01) is therefore counted whole, however short its threads live.
#
# Processes rather than threads: /proc/PID/task/TID/schedstat gives a thread's runtime in ns too,
# but a thread that exits between two samples takes its runtime with it, and /proc/PID/stat's
# utime + stime (which do include exited threads) come in clock ticks (10 ms).
#
# A process that exits during the window: its runtime since the first snapshot is not readable
# any more; once its parent has reaped it, its whole lifetime is in the parent's cutime + cstime
# (/proc/PID/stat), in clock ticks. So the tree's time is: the change of every live process's
# clock (a process born in the window from zero), plus the change of their reaped children's
# ticks, minus the first snapshot of every process gone since. The limit: a process that exits
# in the window is counted to the tick (10 ms), and not at all if its parent has not reaped it
# yet or is not in the tree. The servers do not fork during a measurement (prefork workers live
# as long as their master), so in practice every figure is exact to the microsecond.


def cpu_clock_id(pid):
    """The clock id of a process's CPU clock (Linux's MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED))."""
    return ((~pid) << 3) | 2


def cpu_snapshot(pids):
    """{pid: (CPU ns of the process, reaped children's CPU ns in clock ticks)} for the live ones."""
    tick_ns = 10**9 // CLOCK_TICKS_PER_S
    snapshot = {}
    for pid in pids:
        try:
            fields = read_stat(pid)
            children_ns = (int(fields[13]) + int(fields[14])) * tick_ns
            try:
                own_ns = time.clock_gettime_ns(cpu_clock_id(pid))
            except OSError:  # a zombie has no clock left: its ticks, then
                own_ns = (int(fields[11]) + int(fields[12])) * tick_ns
            snapshot[pid] = (own_ns, children_ns)
        except (OSError, ValueError, IndexError):
            pass  # exited
    return snapshot


def cpu_seconds_between(before, after):
    """CPU seconds the tree used between two cpu_snapshot()s (see above for what is counted)."""
    total_ns = 0
    for pid, (own, children) in after.items():
        own_before, children_before = before.get(pid, (0, 0))
        total_ns += own - own_before + children - children_before
    total_ns -= sum(own for pid, (own, _) in before.items() if pid not in after)
    return total_ns / 1e9


def rss_kib(pids):
    """Sum of VmRSS (KiB) over the processes."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def open_fds(pids, sockets_only=False):
    """Number of open file descriptors (or only sockets) over the processes."""
    total = 0
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if sockets_only:
                fds = [fd for fd in fds if readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")]
            total += len(fds)
        except OSError:
            pass
    return total


def readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return ""  # closed meanwhile


def load_average():
    """The 1-minute load average."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def thread_states(pids):
    """The state letter (R, S, D, t, Z, ...) of every thread of the processes."""
    states = []
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue  # exited
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    data = f.read()
                states.append(data[data.rindex(")") + 2])
            except (OSError, ValueError, IndexError):
                pass  # the thread exited while we looked
    return states


def wait_until_asleep(pids, timeout, interval=0.0005):
    """Waits until every thread of the processes sleeps (state S), twice in a row `interval`
    apart: nothing runs, so the server waits for its next event. Returns False after `timeout`."""
    deadline = time.monotonic() + timeout
    asleep_before = False
    while time.monotonic() < deadline:
        states = thread_states(pids)
        asleep = bool(states) and all(state == "S" for state in states)
        if asleep and asleep_before:
            return True
        asleep_before = asleep
        time.sleep(interval)
    return False
