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


def cpu_ticks(pids):
    """{pid: utime + stime} in clock ticks, for the processes still alive."""
    ticks = {}
    for pid in pids:
        try:
            fields = read_stat(pid)
            ticks[pid] = int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return ticks


def cpu_seconds_between(before, after):
    """CPU seconds the tree used between two cpu_ticks() snapshots. A process born in between
    counts from zero; one that died in between is lost (servers do not fork during a run)."""
    return sum(t - before.get(pid, 0) for pid, t in after.items()) / CLOCK_TICKS_PER_S


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
