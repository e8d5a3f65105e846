"""machine.txt: what the run ran on, and with what."""

import os
import resource
import socket
import subprocess
import sys
from pathlib import Path

from .config import CLOCK_TICKS_PER_S, REPO
from .fmt import fmt_duration


def command_output(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return (done.stdout + done.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return "not available"


def read_text(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return "not available"


def describe_machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = command_output(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"])
    dirty = command_output(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"])
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": os.uname().release,
            "git": commit + (" (with uncommitted changes)" if dirty else "")}


def write_machine_txt(ctx, load_before):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    first = lambda text: text.splitlines()[0] if text else text
    lines = [
        f"run: {ctx.out.name}",
        f"date (UTC): {ctx.started:%Y-%m-%d %H:%M:%S} start, took {fmt_duration(ctx.elapsed())}",
        f"host: {socket.gethostname()}",
        f"command: bench/run {' '.join(ctx.argv)}".rstrip(),
        f"profile: {ctx.profile}; repeats: {ctx.repeat}; scenarios: {', '.join(ctx.scenarios)}",
        f"servers: {', '.join(s.name for s in ctx.servers)}",
        f"placement: servers pinned to CPU {ctx.server_cpu} (taskset -c), loadgen and wrk pinned to CPU "
        f"{ctx.client_cpu}; prefork steps run with --workers {ctx.workers}, nginx with worker_processes "
        f"{ctx.workers} (one per server CPU), step 11 with one I/O thread per server CPU (its default, "
        f"from sched_getaffinity), lighttpd with one process; loadgen and wrk with {ctx.client_threads} "
        "thread(s) (one per client CPU, at most one per connection)",
        f"cpu: {ctx.machine['cpu']}",
        f"cores: {ctx.machine['cores']}",
        f"kernel: {command_output(['uname', '-srvm'])}",
        f"load average at start: {load_before}; at end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
        + (f"; 1-minute load when the timed runs started: {ctx.quiet[0]:.2f}, after waiting {ctx.quiet[1]:.0f} s"
           if ctx.quiet else ""),
        f"RLIMIT_NOFILE: soft {soft}, hard {hard} (servers and clients run with soft = hard)",
        f"clock ticks: {CLOCK_TICKS_PER_S} a second (USER_HZ, the unit of utime and stime in /proc/PID/stat: "
        "the resolution of the user/kernel split)",
        f"git commit: {ctx.machine['git']}",
        f"compiler: {first(command_output(['c++', '--version']))}",
        f"cmake: {first(command_output(['cmake', '--version']))}",
        f"python: {sys.version.split()[0]}",
        f"nginx: {first(command_output(['nginx', '-v']))}",
        f"lighttpd: {first(command_output(['lighttpd', '-v']))}",
        f"wrk: {first(command_output(['wrk', '-v']))}",
        f"strace: {first(command_output(['strace', '-V']))}",
        f"gnuplot: {first(command_output(['gnuplot', '--version']))}",
        f"net.ipv4.tcp_tw_reuse: {read_text('/proc/sys/net/ipv4/tcp_tw_reuse')}",
        f"net.core.somaxconn: {read_text('/proc/sys/net/core/somaxconn')}",
        f"cpu governor: {read_text('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor')}",
    ]
    (ctx.out / "machine.txt").write_text("\n".join(lines) + "\n")
