"""Process trees in /proc: CPU time, memory, file descriptors."""

import os
import re
import time
import typing

from .config import SPLIT_MIN_TICKS, TICK_NS


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
#
# io_uring's kernel threads are counted too. With IORING_SETUP_SQPOLL (the sqpoll variant) the ring
# is polled by a kernel thread, iou-sqp-PID, created inside the server's thread group: it is listed
# in /proc/PID/task, and its time (all of it system time) is in the process's CPU clock and in
# /proc/PID/stat's utime + stime. Checked on Linux 6.18 with a ring that submits a NOP every ms for
# 3 s under taskset -c 0: the process clock read 4.003 s and stat 3.99 s, of which the iou-sqp
# thread 3.93 s (its own /proc/PID/task/TID/stat) and the submitting thread 0.06 s. So a SQPOLL
# server's CPU per request includes the polling thread, spinning (sq_thread_idle) included. That
# thread inherits the server's CPU list from taskset (it then shares the server CPU), unless the
# ring pins it with IORING_SETUP_SQ_AFF, which overrides taskset: with sq_thread_cpu 1 it ran on
# CPU 1, the load generator's.


def cpu_clock_id(pid):
    """The clock id of a process's CPU clock (Linux's MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED))."""
    return ((~pid) << 3) | 2


class CpuSample(typing.NamedTuple):
    """One process in a cpu_snapshot(): its CPU clock and its ticks (10 ms at USER_HZ 100)."""

    ns: int  # the process's CPU clock: every thread, living and exited
    children_ns: int  # its reaped children's cutime + cstime, in ns (whole ticks)
    user_ticks: int = 0  # utime + cutime, clock ticks
    system_ticks: int = 0  # stime + cstime, clock ticks


def cpu_snapshot(pids):
    """{pid: CpuSample} for the live ones. The ticks are read just before the clock."""
    snapshot = {}
    for pid in pids:
        try:
            fields = read_stat(pid)
            utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
            try:
                own_ns = time.clock_gettime_ns(cpu_clock_id(pid))
            except OSError:  # a zombie has no clock left: its ticks, then
                own_ns = (utime + stime) * TICK_NS
            snapshot[pid] = CpuSample(own_ns, (cutime + cstime) * TICK_NS, utime + cutime, stime + cstime)
        except (OSError, ValueError, IndexError):
            pass  # exited
    return snapshot


def cpu_between(before, after):
    """What the tree used between two cpu_snapshot()s (see above for what is counted):
    {"ns": CPU ns, "user_ticks", "system_ticks": the same window in utime and stime, counted
    alike, "processes": how many processes were sampled}."""
    total_ns = user = system = 0
    zero = CpuSample(0, 0)
    for pid, now in after.items():
        then = before.get(pid, zero)
        total_ns += now.ns - then.ns + now.children_ns - then.children_ns
        user += now.user_ticks - then.user_ticks
        system += now.system_ticks - then.system_ticks
    for pid, then in before.items():
        if pid not in after:  # gone: its whole life is in its parent's children times now
            total_ns -= then.ns + then.children_ns
            user -= then.user_ticks
            system -= then.system_ticks
    return {"ns": total_ns, "user_ticks": user, "system_ticks": system,
            "processes": len(set(before) | set(after))}


def cpu_seconds_between(before, after):
    """CPU seconds the tree used between two cpu_snapshot()s (see above for what is counted)."""
    return cpu_between(before, after)["ns"] / 1e9


# User and kernel: where the time went.
#
# The CPU clock has no user/kernel split; /proc/PID/stat's utime and stime have one, in clock
# ticks (USER_HZ, 100 a second: 10 ms). The kernel does not time the two modes (except on a
# nohz_full CPU, CONFIG_VIRT_CPU_ACCOUNTING_GEN): at each scheduler tick it charges the tick to
# user or system depending on what the CPU was doing, and /proc reports the process's exact
# runtime (sum_exec_runtime, what the CPU clock reads) divided in the proportion of those
# samples (cputime_adjust), each part then truncated to whole ticks. So, per process and per
# edge, (utime + stime) × tick is the clock to within 2 ticks below it, and over a window the
# two agree to within 2 ticks per process sampled: split_cpu() checks it on every run
# (cpu_tick_error_us in results.csv), and a window that disagrees by more is not split (the two
# did not count the same thing). The split itself: user_ns = the clock's ns × user ticks /
# (user + system ticks), system_ns = the rest, so the two parts add up to the ns total exactly;
# the proportion is only as good as the ticks: each part of a window of N ticks is uncertain by
# about 2 ticks per process, about 2/N of the total. Below SPLIT_MIN_TICKS the share could be
# off by more than 10 points: the window is not split, and its note says so.


def split_bound_ns(processes, tick_ns=TICK_NS):
    """How far (utime + stime) × tick may be from the ns total: 2 ticks per process sampled."""
    return 2 * tick_ns * max(1, processes)


def split_cpu(cpu, tick_ns=TICK_NS, min_ticks=SPLIT_MIN_TICKS):
    """The user/kernel split of a cpu_between() window: {"user_ns", "system_ns" (None when not
    split), "tick_error_ns": (user + system ticks) × tick − ns, "note": "" or why not split}."""
    ticks = cpu["user_ticks"] + cpu["system_ticks"]
    error = ticks * tick_ns - cpu["ns"]
    out = {"user_ns": None, "system_ns": None, "tick_error_ns": error, "note": ""}
    if cpu["user_ticks"] < 0 or cpu["system_ticks"] < 0:
        out["note"] = (f"no split: the ticks went down (user {cpu['user_ticks']}, "
                       f"system {cpu['system_ticks']})")
    elif abs(error) > split_bound_ns(cpu["processes"], tick_ns):
        out["note"] = (f"ticks disagree: {error / 1e6:+.1f} ms from the ns total, more than 2 ticks "
                       f"× {cpu['processes']} process(es)")
    elif ticks < min_ticks:
        out["note"] = f"too short: {ticks} ticks < {min_ticks}"
    else:
        out["user_ns"] = cpu["ns"] * cpu["user_ticks"] // ticks
        out["system_ns"] = cpu["ns"] - out["user_ns"]
    return out


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
    """Number of open file descriptors (or only sockets) over the processes, the sockets an
    io_uring holds in its table of fixed files included (ring_sockets): the floor's io_uring loop
    accepts its connections there, and they have no descriptor."""
    total = 0
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue  # exited
        for fd in fds:
            link = readlink(f"/proc/{pid}/fd/{fd}")
            if link == "anon_inode:[io_uring]":
                total += ring_sockets(pid, fd)
            if not sockets_only or link.startswith("socket:"):
                total += 1
    return total


RING_FILE = re.compile(r"^\s*\d+: socket:\[", re.M)  # an entry of an io_uring fdinfo's UserFiles list


def ring_sockets(pid, fd, timeout=1.0):
    """The sockets in the table of fixed files of the io_uring that is descriptor `fd` of `pid`,
    from its fdinfo ("UserFiles:", then one line per slot in use). The kernel writes that part only
    when it gets the ring's lock without waiting (mutex_trylock); on Linux 6.18 a read that does not
    get it stops before "UserFiles:", and under load most do: it is read again, for at most
    `timeout` seconds (then 0)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                text = f.read()
        except OSError:
            return 0  # closed meanwhile
        if "UserFiles:" in text:
            return len(RING_FILE.findall(text))
        if time.monotonic() > deadline:
            return 0
        time.sleep(0.001)


def readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return ""  # closed meanwhile


def load_average():
    """The 1-minute load average."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# io_uring's submission polling thread (IORING_SETUP_SQPOLL, see above) runs, spinning on the
# ring, for sq_thread_idle (a second by default) after every submission, though the server waits:
# its state says nothing about the server's, and waiting for it to sleep would make every request
# of the deterministic counts wait that long.
SQPOLL_THREAD = "iou-sqp-"


def thread_states(pids):
    """The state letter (R, S, D, t, Z, ...) of every thread of the processes, io_uring's
    submission polling thread left out (SQPOLL_THREAD)."""
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
                if not data[data.index("(") + 1:].startswith(SQPOLL_THREAD):
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
