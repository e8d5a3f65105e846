"""The scaling study (bench/run --scenarios scaling): a model of req/s at 1 to 64 cores for the
two multi-core designs, 04_prefork (a process per core on one shared listener) and
11_parallel_io_managers (an I/O thread per core, one acceptor handing connections round-robin),
and nginx (workers = cores), in `seed` and `close`, from inputs measured on this machine, which
may have only two cores.

What is measured (scaling.csv, one row per run; scaling_threads.csv, one row per thread):

  per-request CPU   every thread's CPU time over the run, from /proc/PID/task/TID/schedstat
                    (its first field: the scheduler's runtime of that thread, in ns), at 1 and
                    2 workers or I/O threads; a worker's own figure is its CPU over the
                    connections it accepted (its exit line), a thread's over those it served;
  the serial part   step 11 at --threads 2: thread 0 accepts every connection and serves half,
                    thread 1 serves the other half; thread 0's CPU beyond what it would spend at
                    thread 1's rate per connection served is the acceptor's, per connection
                    (accept4, and its side of the hand-off net of the receiving side);
  the hand-off      step 11: thread 1's CPU per connection beyond the one-thread run's, less the
                    acceptor's part: the receiving side, and anything else a second thread
                    costs (an upper bound; reported, and part of δ in the model);
  the herd          04's futile wake-ups per connection (its workers' exit lines, every run),
                    nginx's (accept4 calls that found nothing, under strace), and the CPU of
                    one futile wake-up (wakeup_probe.c: a process woken by a listener it then
                    finds empty, on one CPU);
  the load          loadgen's own CPU (it shares the cores at 2 threads) and the machine's idle
                    time, to correct the 2-thread point for the load generator.

The model (model_inputs, predict): a bound, not a universal-scalability-law fit, because two
measured points would fit USL's two parameters exactly and test nothing, and because a bound's
terms are each a measured CPU cost with a name. For N workers or threads:

  every server          c(N) = c1 + (N-1)·δ + f(N)·w   (CPU per request, the whole server)
  prefork (04, nginx)   X(N) = N / c(N)                (the workers share the work evenly)
  step 11               X(N) = 1 / (σ + (c(N) - σ)/N)  (thread 0 takes its round-robin share
                        AND accepts every connection: it saturates first)
  every server          X(N) ≤ the latency cap: a server that did not fill its one core at
                        N = 1 waited for something else (04's delayed ACK in seed), and C/R
                        (connections over the wait, Little's law) does not grow with cores.

With δ > 0, c(N) grows linearly and X(N) = N / (c1 + (N-1)·δ) is Amdahl's law (USL with no
crosstalk term): it tends to 1/δ (1/(σ + δ) for step 11). c1 is the CPU per request at one
worker on its own core; δ the growth per added worker: the 2-worker run's CPU per request minus
the 1-worker run's in the same placement (both sharing the two cores with the load generator),
less the herd's share; it holds contention, and the smaller batches and cross-core wake-ups of
a busier machine: an upper bound, so the figure shades the band between δ = 0 and the measured
δ. f(N) is the futile wake-ups per request, growing with the N-1 other waiters without
EPOLLEXCLUSIVE (04) and constant with it (nginx); w the CPU of one futile wake-up; σ the
acceptor's CPU per request (per connection × connections per request).

Assumptions: loopback, no NIC, no memory-bandwidth or cache limit beyond what δ measured at 2,
a load generator that is never the bottleneck (at 64 cores it would need as many), the kernel's
own serial parts (the listener's accept queue lock, shared by every worker and by the acceptor
alike) not measured and taken as free. Nothing here depends on a bigger machine: where one is at
hand, placements() gives the server N cores and the load generator the others, and the measured
points go up to half its cores.
"""

import copy
import dataclasses
import math
import os
import re
import resource
import statistics
import subprocess
import tempfile
from pathlib import Path

from .client import error_total, run_loadgen
from .config import HERD_RUN, Scenario
from .plots import block, draw, figure, gp_str, gp_value
from .procfs import cpu_between, cpu_snapshot
from .servers import ServerStartError, start_server
from .studies import HERD_FIELDS, WORKER_LINE, herd_run_strace

SCALING_SERVERS = ("04_prefork", "11_parallel_io_managers", "nginx")
SCALING_SCENARIOS = ("seed", "close")
SCALING_REPEATS = 3  # every (server, scenario, threads, placement) point: the median of these
# The study's own runs: the ladder's seed and close shapes as whole runs (connects and closes
# included, like the reference run's), fixed here so that the study does not change with them.
SCALING_RUNS = {
    "seed": Scenario("seed", "", connections=1000, requests=100000, duration=5),
    "close": Scenario("close", "", connections=100, requests=50000, keepalive=False, duration=5),
}
SMOKE_SCALING_RUNS = {
    "seed": Scenario("seed", "", connections=50, requests=5000, duration=2),
    "close": Scenario("close", "", connections=10, requests=500, keepalive=False, duration=2),
}
PREDICTED_CORES = (1, 2, 4, 8, 16, 32, 64)
# A run that used less than this share of its one core at N = 1 was not CPU-bound: its req/s is
# the latency cap.
CPU_BOUND_SHARE = 0.8
THREAD_LINE = re.compile(r"thread (\d+): (\d+) connections served")

# ---------------------------------------------------------------------------------------------
# Per-thread CPU time: /proc/PID/task/TID/schedstat
# ---------------------------------------------------------------------------------------------


def parse_schedstat(text):
    """The runtime in ns from a schedstat line ("runtime_ns wait_ns timeslices")."""
    return int(text.split()[0])


def thread_snapshot(pids, proc="/proc"):
    """{(pid, tid): (comm, runtime ns)} for every thread of the processes (those that exit while
    we look are left out)."""
    out = {}
    for pid in pids:
        try:
            tids = sorted(int(t) for t in os.listdir(f"{proc}/{pid}/task"))
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"{proc}/{pid}/task/{tid}/schedstat") as f:
                    ns = parse_schedstat(f.read())
                with open(f"{proc}/{pid}/task/{tid}/comm") as f:
                    comm = f.read().strip()
            except (OSError, ValueError, IndexError):
                continue
            out[(pid, tid)] = (comm, ns)
    return out


def thread_between(before, after):
    """[(pid, tid, comm, ns used)] for the threads alive at both edges, in (pid, tid) order; a
    thread born in the window counts from zero, one gone is not counted (the servers here start
    their threads before the load and keep them)."""
    rows = []
    for key in sorted(after):
        comm, ns = after[key]
        rows.append((key[0], key[1], comm, ns - before.get(key, (comm, 0))[1]))
    return rows


def machine_idle_ticks():
    """(idle + iowait ticks, all ticks) of /proc/stat's cpu line: the share of the machine idle."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields[:8])


# ---------------------------------------------------------------------------------------------
# Placements: where the server and the load generator run
# ---------------------------------------------------------------------------------------------


def placements(cpus):
    """[(threads, placement, server CPUs, client CPUs)] for a machine with these CPUs. Two CPUs:
    one worker on its own core with the load generator on the other (dedicated: c1 as the
    ladder measures it), then one and two workers on both cores shared with the load generator
    (shared: the same placement for both, so that their difference is the second worker's). Four
    or more: the server on 1, 2, 4 ... of the first half, the load generator on the second half."""
    cpus = sorted(cpus)
    if len(cpus) < 2:
        return []
    join = lambda cs: ",".join(map(str, cs))
    if len(cpus) < 4:
        both = join(cpus[:2])
        return [(1, "dedicated", str(cpus[0]), str(cpus[1])), (1, "shared", both, both), (2, "shared", both, both)]
    half = len(cpus) // 2
    out, n = [], 1
    while n <= half:
        out.append((n, "dedicated", join(cpus[:n]), join(cpus[half:])))
        n *= 2
    return out


# ---------------------------------------------------------------------------------------------
# The runs
# ---------------------------------------------------------------------------------------------

RUN_FIELDS = ["repeat", "server", "scenario", "threads", "placement", "server_cpus", "client_cpus", "status",
              "requests", "connections", "seconds", "rps", "p50_us", "errors", "server_cpu_ns", "threads_cpu_ns",
              "cpu_ns_per_request", "thread_cpu_ns_per_request", "busiest_thread_share", "loadgen_cpu_ns",
              "loadgen_cpu_ns_per_request", "machine_idle_share", "server_cores_used", "loadgen_cores_used",
              "other_cores_used", "futile_wakeups",
              "futile_per_connection", "acceptor_ns_per_connection", "thread1_ns_per_connection",
              "server_exit"]
THREAD_FIELDS = ["repeat", "server", "scenario", "threads", "placement", "pid", "tid", "comm", "role", "cpu_ns",
                 "connections", "cpu_ns_per_connection", "cpu_ns_per_request"]


def launch_for(spec, threads):
    """The keyword arguments of start_server for N workers (04, nginx) or I/O threads (11)."""
    return {"threads": threads} if spec.name.startswith("11_") else {"workers": threads}


def client_ctx(ctx, client_cpus):
    """A copy of the run's context whose load generator runs on client_cpus, a thread per CPU."""
    out = copy.copy(ctx)
    out.client_cpu = client_cpus
    out.client_threads = len(client_cpus.split(","))
    return out


def measure_point(ctx, spec, scenario, threads, placement, server_cpus, client_cpus, repeat):
    """One run: (a scaling.csv row, its scaling_threads.csv rows)."""
    row = {"repeat": repeat, "server": spec.name, "scenario": scenario.name, "threads": threads,
           "placement": placement, "server_cpus": server_cpus, "client_cpus": client_cpus}
    try:
        server = start_server(ctx, spec, f"scaling, {threads} thread(s), {placement}, {scenario.name}",
                              quiet=False, cpus=server_cpus, **launch_for(spec, threads))
    except ServerStartError as e:
        return dict(row, status=f"failed to start: {e}"), []
    try:
        pids = server.tree()
        threads_before, before = thread_snapshot(pids), cpu_snapshot(pids)
        idle_before, client_before = machine_idle_ticks(), resource.getrusage(resource.RUSAGE_CHILDREN)
        result = run_loadgen(client_ctx(ctx, client_cpus), server.url(scenario.path), scenario)
        client_after, idle_after = resource.getrusage(resource.RUSAGE_CHILDREN), machine_idle_ticks()
        threads_after, after = thread_snapshot(pids), cpu_snapshot(pids)
    finally:
        row["server_exit"] = server.stop()
    used = thread_between(threads_before, threads_after)
    loadgen_ns = round(1e9 * (client_after.ru_utime + client_after.ru_stime
                              - client_before.ru_utime - client_before.ru_stime))
    idle = (idle_after[0] - idle_before[0]) / max(1, idle_after[1] - idle_before[1])
    counts = exit_counts(server.log_text(), server.pid)
    return run_rows(row, spec, scenario, result, used, cpu_between(before, after)["ns"], loadgen_ns, idle, counts)


def exit_counts(log, root_pid):
    """{pid or thread index: (connections, futile wake-ups or None)} from the exit lines: 04's
    workers ("worker PID: X connections accepted, Y wakeups found nothing") and 11's threads
    ("thread N: X connections served"; thread 0 is the main thread, TID = the server's PID)."""
    counts = {int(pid): (int(accepted), int(empty)) for pid, accepted, empty in WORKER_LINE.findall(log)}
    counts.update({("thread", int(i)): (int(served), None) for i, served in THREAD_LINE.findall(log)})
    return counts


def run_rows(row, spec, scenario, result, used, server_ns, loadgen_ns, idle, counts):
    """The scaling.csv row and the scaling_threads.csv rows of one run (see measure_point)."""
    requests = result.get("requests", 0)
    errors = error_total(result)
    connections = requests + errors if not scenario.keepalive else scenario.connections
    row.update(status=result.get("status"), requests=requests, connections=connections,
               seconds=result.get("seconds"), rps=result.get("rps"), errors=errors,
               p50_us=(result.get("latency_us") or {}).get("p50"), server_cpu_ns=server_ns,
               loadgen_cpu_ns=loadgen_ns, machine_idle_share=round(idle, 4))
    threads_ns = sum(ns for *_, ns in used)
    row["threads_cpu_ns"] = threads_ns
    if not requests:
        return row, []
    row["cpu_ns_per_request"] = round(server_ns / requests, 1)
    row["loadgen_cpu_ns_per_request"] = round(loadgen_ns / requests, 1)
    if row.get("seconds"):
        # What ran on the machine's cores over the run: the server, loadgen, and everything else
        # (the driver, other processes, softirq work charged to no task), from /proc/stat's busy time.
        wall = row["seconds"] * 1e9
        row["server_cores_used"] = round(server_ns / wall, 3)
        row["loadgen_cores_used"] = round(loadgen_ns / wall, 3)
        busy = (1 - idle) * (os.cpu_count() or 1)
        row["other_cores_used"] = round(max(0.0, busy - (server_ns + loadgen_ns) / wall), 3)
    roots = {pid for pid, tid, _, _ in used if pid == tid}
    thread_rows, busy = [], []
    main_pid = min(roots) if roots else None
    tids_of_main = [tid for pid, tid, _, _ in used if pid == main_pid]
    for pid, tid, comm, ns in used:
        if spec.name.startswith("11_"):
            index = tids_of_main.index(tid) if pid == main_pid else None
            conns = (counts.get(("thread", index)) or (None,))[0] if index is not None else None
            role = f"thread {index}" + (" (acceptor)" if index == 0 else "")
        else:
            conns = (counts.get(pid) or (None,))[0] if pid == tid else None
            role = "master" if pid == main_pid else "worker" if pid == tid else "thread"
            if spec.name == "nginx":
                role = "master" if pid == main_pid else "worker"
        share = ns / threads_ns if threads_ns else None
        per_request = None
        if role.startswith(("worker", "thread ")) and share is not None:
            busy.append(share)
            # A thread's requests: its connections' share of the requests (keep-alive: the
            # connections are spread evenly and each makes about as many requests), else its CPU share.
            served = conns / connections * requests if conns and connections else None
            per_request = round(ns / served, 1) if served else None
        thread_rows.append({**{k: row[k] for k in ("repeat", "server", "scenario", "threads", "placement")},
                            "pid": pid, "tid": tid, "comm": comm, "role": role, "cpu_ns": ns, "connections": conns,
                            "cpu_ns_per_connection": round(ns / conns, 1) if conns else None,
                            "cpu_ns_per_request": per_request})
    row["thread_cpu_ns_per_request"] = " ".join(str(r["cpu_ns_per_request"]) for r in thread_rows
                                                if r["cpu_ns_per_request"] is not None)
    row["busiest_thread_share"] = round(max(busy), 3) if busy else None
    futile = [counts[pid][1] for pid in counts if isinstance(pid, int) and counts[pid][1] is not None]
    if futile:
        accepted = sum(counts[pid][0] for pid in counts if isinstance(pid, int))
        row["futile_wakeups"] = sum(futile)
        row["futile_per_connection"] = round(sum(futile) / accepted, 5) if accepted else None
    if spec.name.startswith("11_") and row["threads"] >= 2 and not scenario.keepalive:
        # close only: with keep-alive, thread 0's excess is the threads' unequal request rates
        split = split_acceptor(thread_rows)
        if split:
            row["acceptor_ns_per_connection"], row["thread1_ns_per_connection"] = split
    return row, thread_rows


def split_acceptor(thread_rows):
    """Step 11 at N threads: (the acceptor's CPU per connection accepted, the other threads' CPU
    per connection served). Thread 0 accepts all n connections and serves n0 of them; the others
    serve the rest. If thread 0 served its n0 at the others' rate t, what it spent beyond n0·t is
    the acceptor's (accept, and the hand-off's sending side): (cpu0 − n0·t) / n. None without
    the exit lines."""
    zero = [r for r in thread_rows if r["role"].startswith("thread 0")]
    others = [r for r in thread_rows if r["role"].startswith("thread ") and not r["role"].startswith("thread 0")]
    if not zero or not others or not zero[0]["connections"]:
        return None
    served = sum(r["connections"] or 0 for r in others)
    if not served:
        return None
    rate = sum(r["cpu_ns"] for r in others) / served
    total = served + zero[0]["connections"]
    return round((zero[0]["cpu_ns"] - zero[0]["connections"] * rate) / total, 1), round(rate, 1)


WAKEUP_PROBE = Path(__file__).resolve().parent / "wakeup_probe.c"
WAKEUP_PROBE_CONNECTIONS = 20000
WAKEUP_PROBE_RUNS = 3


def parse_probe(text):
    """(wake-ups, CPU ns) from wakeup_probe's line "wakeups W cpu_ns N", or None."""
    match = re.search(r"wakeups (\d+) cpu_ns (\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def measure_wakeup_cost(ctx, cpu):
    """The CPU of one futile wake-up: wakeup_probe.c (compiled here with cc), on one CPU, so that
    the woken process never starts on an idle core (the regime of a saturated server; waking an
    idle virtual CPU costs far more, and is charged to a core that had nothing else to do).
    Returns (rows for scaling_wakeup.csv, notes)."""
    with tempfile.TemporaryDirectory(prefix="tenk-wakeup-probe-") as folder:
        binary = Path(folder) / "wakeup_probe"
        try:
            subprocess.run(["cc", "-O2", "-o", str(binary), str(WAKEUP_PROBE)], check=True, capture_output=True,
                           text=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as e:
            return [], [f"scaling: wakeup_probe.c did not build: {e}"]
        return run_probe(binary, cpu)


def run_probe(binary, cpu):
    """The probe's runs: WAKEUP_PROBE_RUNS on one CPU, then one anywhere (for the record)."""
    rows, notes = [], []
    for cpus in (str(cpu), None):
        for run in range(1, (WAKEUP_PROBE_RUNS if cpus else 1) + 1):
            command = (["taskset", "-c", cpus] if cpus else []) + [str(binary), str(WAKEUP_PROBE_CONNECTIONS)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=60)
                parsed = parse_probe(done.stdout)
            except (OSError, subprocess.SubprocessError):
                parsed = None
            if not parsed or not parsed[0]:
                notes.append(f"scaling: wakeup_probe ({' '.join(command[-3:])}) gave no figure")
                continue
            rows.append({"run": run, "cpus": cpus or "any", "connections": WAKEUP_PROBE_CONNECTIONS,
                         "wakeups": parsed[0], "cpu_ns": parsed[1], "ns_per_wakeup": round(parsed[1] / parsed[0], 1)})
    return rows, notes


def measure_nginx_herd(ctx):
    """nginx at 2 workers under the herd study's close load, accept4 traced: nginx calls accept4
    once per wake-up (multi_accept off), so every EAGAIN is a wake-up that found nothing. Returns
    (futile wake-ups per connection or None, notes)."""
    from .servers import ServerSpec
    ctx2 = copy.copy(ctx)
    ctx2.herd_run = HERD_RUN
    try:
        rows, notes = herd_run_strace(ctx2, ServerSpec("nginx", "peer"), "scaling, 2 workers", {"workers": 2}, {})
    except (ServerStartError, OSError) as e:
        return [], [f"scaling: nginx under strace: {e}"]
    return rows, notes


def nginx_futile(herd_rows):
    """nginx's futile wake-ups per connection from its traced run: EAGAIN per connection accepted."""
    accepted = sum(int(r["connections_accepted"]) for r in herd_rows)
    eagain = sum(int(r.get("accept_eagain") or 0) for r in herd_rows)
    return eagain / accepted if accepted else None


def scaling_repeats(ctx):
    return 1 if ctx.profile == "smoke" else SCALING_REPEATS


def measure_scaling(ctx, spec_of, report):
    """Every run of the study. spec_of: {name: ServerSpec} of the servers to model. Returns
    (scaling.csv rows, scaling_threads.csv rows, extra {nginx_futile_per_connection}, notes)."""
    table = SMOKE_SCALING_RUNS if ctx.profile == "smoke" else SCALING_RUNS
    plan = placements(os.sched_getaffinity(0))
    if not plan:
        return [], [], {}, ["scaling: not run: it needs at least two CPUs"]
    if not spec_of:
        return [], [], {}, [f"scaling: not run: it models {', '.join(SCALING_SERVERS)}, none of which is in this run"]
    rows, thread_rows, notes = [], [], []
    for repeat in range(1, scaling_repeats(ctx) + 1):
        for name in SCALING_SCENARIOS:
            for spec in spec_of.values():
                for threads, placement, server_cpus, client_cpus in plan:
                    row, trows = measure_point(ctx, spec, table[name], threads, placement, server_cpus,
                                               client_cpus, repeat)
                    rows.append(row)
                    thread_rows += trows
                    report(f"scaling r{repeat} {name:<5} {spec.name:<24} {threads} thread(s) {placement:<9} "
                           f"{row.get('rps') or row.get('status')} req/s, "
                           f"{(row.get('cpu_ns_per_request') or 0) / 1e3:.2f} µs/req")
                    if row.get("status") != "ok" or row.get("server_exit") != "exit 0":
                        notes.append(f"scaling: {spec.name} {name} {threads} {placement} r{repeat}: "
                                     f"{row.get('status')}, server {row.get('server_exit')}")
    extra = {}
    report("scaling: the cost of a futile wake-up (wakeup_probe.c, on one CPU)")
    extra["wakeup_rows"], more = measure_wakeup_cost(ctx, sorted(os.sched_getaffinity(0))[0])
    notes += more
    if "nginx" in spec_of:
        report("scaling: nginx's futile wake-ups (2 workers, accept4 under strace)")
        extra["nginx_herd_rows"], more = measure_nginx_herd(ctx)
        notes += more
    return rows, thread_rows, extra, notes


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ModelInputs:
    """One server in one scenario; every cost in ns of CPU."""

    server: str
    scenario: str
    design: str  # "prefork" (a worker per core, no serial part in the process) or "acceptor" (11)
    c1_ns: float  # CPU per request at one worker on its own core
    delta_ns: float = 0.0  # growth of the per-request CPU per added worker (≥ 0)
    acceptor_ns: float = 0.0  # σ: the acceptor's CPU per request (thread 0 only)
    handoff_ns: float = 0.0  # the hand-off's receiving side per connection, an upper bound (in δ; not used)
    futile_per_request: float = 0.0  # futile wake-ups per request at N = 2
    futile_grows: bool = False  # without EPOLLEXCLUSIVE: with the N - 1 other waiters
    wakeup_ns: float = 0.0  # w: the CPU of one futile wake-up
    latency_cap_rps: float = None  # C / R when the one-worker run was not CPU-bound


def futile_at(inputs, n):
    """Futile wake-ups per request at N workers: none alone; at N ≥ 2 the measured figure, times
    (N - 1) / 1 without EPOLLEXCLUSIVE (a new connection may wake each of the other waiters)."""
    if n <= 1:
        return 0.0
    return inputs.futile_per_request * ((n - 1) if inputs.futile_grows else 1)


def cpu_per_request(inputs, n):
    """c(N): the CPU per request of the whole server at N workers or threads."""
    return inputs.c1_ns + (n - 1) * inputs.delta_ns + futile_at(inputs, n) * inputs.wakeup_ns


def predict(inputs, n):
    """(req/s at N cores, the bound that binds: "workers", "acceptor" or "latency")."""
    if inputs.design == "acceptor":
        serving = cpu_per_request(inputs, n) - inputs.acceptor_ns  # s(N): every thread's share, N of them
        thread0 = inputs.acceptor_ns + serving / n  # per request, on thread 0: the bottleneck
        x, bound = 1e9 / thread0, "acceptor" if n > 1 and inputs.acceptor_ns > 0 else "workers"
    else:
        x, bound = n * 1e9 / cpu_per_request(inputs, n), "workers"
    if inputs.latency_cap_rps and inputs.latency_cap_rps < x:
        return inputs.latency_cap_rps, "latency"
    return x, bound


def serial_limit(inputs):
    """The req/s that no number of cores exceeds: 1 / (what each added worker adds to the
    per-request CPU: δ, and f·w without EPOLLEXCLUSIVE), plus for step 11 the acceptor's σ, which
    thread 0 pays for every request; infinite when nothing grows; the latency cap if lower."""
    growth = inputs.delta_ns + (inputs.futile_per_request * inputs.wakeup_ns if inputs.futile_grows else 0.0)
    if inputs.design == "acceptor":
        growth += inputs.acceptor_ns
    limit = 1e9 / growth if growth > 0 else math.inf
    return min(limit, inputs.latency_cap_rps or math.inf)


def median(values):
    values = [v for v in values if v not in (None, "")]
    return statistics.median(values) if values else None


def point(rows, server, scenario, threads, placement, field):
    """The median of a field over the repeats of one (server, scenario, threads, placement)."""
    return median([r.get(field) for r in rows if r.get("server") == server and r.get("scenario") == scenario
                   and r.get("threads") == threads and r.get("placement") == placement and r.get("status") == "ok"])


def wakeup_ns(wakeup_rows):
    """The CPU of one futile wake-up: the median of the probe's runs on one CPU (None without)."""
    return median([r["ns_per_wakeup"] for r in wakeup_rows or [] if r.get("cpus") != "any"])


def model_inputs(rows, extra=None):
    """{(server, scenario): ModelInputs} from the runs (medians of the repeats), with how each
    was derived in model_notes(). The placements are those of placements() on two CPUs."""
    extra = extra or {}
    w = wakeup_ns(extra.get("wakeup_rows")) or 0.0
    out = {}
    for server in SCALING_SERVERS:
        for scenario in ("close", "seed"):  # seed takes 11's acceptor and hand-off from close
            get = lambda threads, placement, field: point(rows, server, scenario, threads, placement, field)
            c1 = get(1, "dedicated", "cpu_ns_per_request")
            if c1 is None:
                continue
            # The same placement for both (two CPUs: shared with the load generator; more: dedicated).
            placement = "shared" if get(2, "shared", "cpu_ns_per_request") is not None else "dedicated"
            one, two = get(1, placement, "cpu_ns_per_request"), get(2, placement, "cpu_ns_per_request")
            connections_per_request = 1.0 if scenario == "close" else (
                (get(1, "dedicated", "connections") or 0) / (get(1, "dedicated", "requests") or 1))
            fields = {"server": server, "scenario": scenario, "c1_ns": c1,
                      "design": "acceptor" if server.startswith("11_") else "prefork"}
            growth = (two - one) if one is not None and two is not None else 0.0
            if server.startswith("11_"):
                acceptor_conn = get(2, placement, "acceptor_ns_per_connection")
                thread1_conn = get(2, placement, "thread1_ns_per_connection")
                one_conn = one / connections_per_request if one is not None else None
                if scenario == "close" and acceptor_conn is not None and thread1_conn is not None and one_conn:
                    # Thread 1's CPU per connection beyond what one thread alone spends per connection
                    # without the acceptor's part: the receiving side of the hand-off, and whatever
                    # else a second thread costs (an upper bound). Reported; in the model it is part
                    # of δ, which every thread pays, not of the serial part.
                    handoff = max(0.0, thread1_conn - (one_conn - acceptor_conn))
                    fields.update(acceptor_ns=max(0.0, acceptor_conn), handoff_ns=handoff)
                elif scenario == "seed":
                    close = out.get((server, "close"))
                    if close:  # a keep-alive request pays its connection's accept and hand-off once
                        fields.update(acceptor_ns=close.acceptor_ns * connections_per_request,
                                      handoff_ns=close.handoff_ns * connections_per_request)
            else:
                futile_conn = (get(2, placement, "futile_per_connection") if server != "nginx"
                               else nginx_futile(extra.get("nginx_herd_rows") or []))
                fields.update(futile_per_request=(futile_conn or 0.0) * connections_per_request,
                              futile_grows=server != "nginx", wakeup_ns=w)
                growth -= (futile_conn or 0.0) * connections_per_request * w
            fields["delta_ns"] = max(0.0, growth)
            rps, p50 = get(1, "dedicated", "rps"), get(1, "dedicated", "p50_us")
            if rps and c1 * rps / 1e9 < CPU_BOUND_SHARE and p50 and p50 > 5000:
                # Not CPU-bound, and waiting milliseconds per request (04's delayed ACK in seed):
                # connections / the wait, which no number of cores shortens.
                fields["latency_cap_rps"] = rps
            out[(server, scenario)] = ModelInputs(**fields)
    return {key: out[key] for server in SCALING_SERVERS for key in ((server, "seed"), (server, "close")) if key in out}


def predictions(inputs, cores=PREDICTED_CORES):
    """scaling_prediction.csv rows: req/s, CPU per request and the bound that binds, per N."""
    rows = []
    for (server, scenario), i in inputs.items():
        for n in cores:
            x, bound = predict(i, n)
            rows.append({"server": server, "scenario": scenario, "cores": n, "predicted_rps": round(x),
                         "cpu_ns_per_request": round(cpu_per_request(i, n), 1), "bound": bound,
                         "serial_limit_rps": None if math.isinf(serial_limit(i)) else round(serial_limit(i))})
    return rows


def worst_herd(i):
    """04 if every new connection woke every other worker for nothing (the idle regime of the
    wake-up runs: N - 1 futile wake-ups per connection): the herd's ceiling."""
    return dataclasses.replace(i, futile_per_request=1.0 if i.scenario == "close" else i.futile_per_request,
                               futile_grows=True)


def validation(rows, inputs):
    """The 2-thread check, per (server, scenario): the model's prediction at N = 2 against the
    measured run, the load generator sharing the two cores. The server could use the cores'
    time the load generator did not: available = 2 × wall − loadgen CPU; predicted req/s =
    available / c(2), c(2) from the one-worker inputs plus the herd and the hand-off (δ = 0:
    what is predicted without looking at the 2-worker run's total), then with δ (the full
    model, whose δ comes from this same run: a consistency check of the CPU accounting). Also
    the ratio of the measured CPU per request to the predicted, and the machine's idle share
    (when it is not near 0 the server was not CPU-bound and req/s cannot match)."""
    out = []
    for (server, scenario), i in inputs.items():
        get = lambda field: point(rows, server, scenario, 2, "shared", field)
        rps, loadgen, other = get("rps"), get("loadgen_cores_used"), get("other_cores_used")
        measured_cpu = get("cpu_ns_per_request")
        if not rps or loadgen is None or measured_cpu is None:
            continue
        available = 2 - loadgen - (other or 0.0)
        # The model's c(2) from the one-thread run in the same placement (δ = 0, then with δ).
        one = point(rows, server, scenario, 1, "shared", "cpu_ns_per_request") or i.c1_ns
        c0 = one + cpu_per_request(dataclasses.replace(i, delta_ns=0.0), 2) - i.c1_ns
        c = one + cpu_per_request(i, 2) - i.c1_ns
        predicted = lambda cpu: round(min(i.latency_cap_rps or math.inf, available * 1e9 / cpu))
        out.append({"server": server, "scenario": scenario, "measured_rps": rps,
                    "loadgen_cores": loadgen, "other_cores": other, "server_cores_available": round(available, 3),
                    "server_cores_used": get("server_cores_used"), "machine_idle_share": get("machine_idle_share"),
                    "c2_predicted_ns_no_contention": round(c0, 1), "c2_predicted_ns": round(c, 1),
                    "c2_measured_ns": measured_cpu, "predicted_rps_no_contention": predicted(c0),
                    "predicted_rps": predicted(c)})
        v = out[-1]
        v["ratio_no_contention"] = round(v["predicted_rps_no_contention"] / rps, 3)
        v["ratio"] = round(v["predicted_rps"] / rps, 3)
    return out


# ---------------------------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------------------------

# The y axis (req/s, logarithmic): 1-2-5 steps, read as numbers rather than powers of two.
Y_TICS = [("10k", 1e4), ("20k", 2e4), ("50k", 5e4), ("100k", 1e5), ("200k", 2e5), ("500k", 5e5), ("1M", 1e6),
          ("2M", 2e6), ("5M", 5e6), ("10M", 1e7)]
SERVER_COLORS = {"04_prefork": "#1f77b4", "11_parallel_io_managers": "#d62728", "nginx": "#009e73"}


def measured_points(rows, server, scenario):
    """[(threads, req/s, cores / CPU per request)] of the measured runs: each thread count once,
    its dedicated placement where there is one (the load generator on other cores), else shared."""
    out = []
    for threads in sorted({r["threads"] for r in rows if r.get("server") == server and r.get("scenario") == scenario}):
        for placement in ("dedicated", "shared"):
            cpu = point(rows, server, scenario, threads, placement, "cpu_ns_per_request")
            if cpu:
                out.append((threads, point(rows, server, scenario, threads, placement, "rps"), threads * 1e9 / cpu))
                break
    return out


def scaling_plot(sub, rows, inputs, cores=tuple(range(1, 65))):
    """scaling.svg/png: one panel per scenario, req/s against cores (both logarithmic): per
    server the model's line (the measured δ) over a shaded band up to δ = 0 (no contention), 04's
    worst herd dashed in close, the measured req/s (filled points: 1 worker with the load
    generator on the other core; 2 with it sharing both) and the CPU-based capacity of the same
    runs (open points: cores / CPU per request, what the server would do with the cores to
    itself)."""
    if not inputs:
        return None
    data, body = [], ["set multiplot layout 1,2 title TITLE margins 0.08,0.97,0.13,0.80 spacing 0.08"]
    for p, scenario in enumerate(SCALING_SCENARIOS):
        bands, items = [], []
        for s, server in enumerate(SCALING_SERVERS):
            i = inputs.get((server, scenario))
            if not i:
                continue
            color = SERVER_COLORS[server]
            name = f"p{p}s{s}"
            optimistic = dataclasses.replace(i, delta_ns=0.0)
            data.append(block(name, [f"{n} {gp_value(predict(i, n)[0])} {gp_value(predict(optimistic, n)[0])}"
                                     for n in cores]))
            bands.append(f"${name} using 1:2:3 with filledcurves fs transparent solid 0.12 noborder "
                         f"lc rgb '{color}' notitle")
            items.append(f"${name} using 1:2 with lines lw 2 lc rgb '{color}' title {gp_str(server)}")
            if server == "04_prefork" and scenario == "close":
                data.append(block(name + "w", [f"{n} {gp_value(predict(worst_herd(i), n)[0])}" for n in cores]))
                items.append(f"${name}w using 1:2 with lines lw 1.5 dt 2 lc rgb '{color}' "
                             f"title {gp_str('04, every worker woken')}")
            data.append(block(name + "m", [f"{t} {gp_value(x)} {gp_value(c)}"
                                           for t, x, c in measured_points(rows, server, scenario)]))
            items.append(f"${name}m using 1:2 with points pt 7 ps 1.2 lc rgb '{color}' notitle")
            items.append(f"${name}m using 1:3 with points pt 6 ps 1.4 lc rgb '{color}' notitle")
        title = scenario + (" (1000 keep-alive connections)" if scenario == "seed"
                            else " (a new connection per request)")
        body += [f"set title {gp_str(title)} font SMALL",
                 "set logscale x 2", "set logscale y 10", "set xrange [0.9:70]", "set xtics (1, 2, 4, 8, 16, 32, 64)",
                 "set ytics (" + ", ".join(f"'{label}' {value:g}" for label, value in Y_TICS) + ")",
                 "set grid xtics ytics", "set xlabel 'cores (= workers or I/O threads)'",
                 "set ylabel 'requests per second'",
                 "set key top left reverse Left opaque font SMALL",
                 "plot " + ", \\\n     ".join(bands + items) if items else "plot [1:64] [1:2] NaN notitle"]
    body.append("unset multiplot")
    legend = ("line: the model, δ as measured at 2 (shaded: down to δ = 0) · filled: measured req/s · "
              "open: cores / CPU per request")
    return figure("scaling", "Requests per second at 1-64 cores: the model, and the points measured at 1 and 2",
                  legend + "\n" + sub, "".join(data), "\n".join(body), multiplot=True)


# ---------------------------------------------------------------------------------------------
# Writing it out
# ---------------------------------------------------------------------------------------------

PREDICTION_FIELDS = ["server", "scenario", "cores", "predicted_rps", "cpu_ns_per_request", "bound", "serial_limit_rps"]
VALIDATION_FIELDS = ["server", "scenario", "measured_rps", "loadgen_cores", "other_cores", "server_cores_available",
                     "server_cores_used", "machine_idle_share", "c2_predicted_ns_no_contention", "c2_predicted_ns",
                     "c2_measured_ns", "predicted_rps_no_contention", "ratio_no_contention", "predicted_rps", "ratio"]


WAKEUP_FIELDS = ["run", "cpus", "connections", "wakeups", "cpu_ns", "ns_per_wakeup"]


def inputs_rows(inputs):
    return [dataclasses.asdict(i) for i in inputs.values()]


def fmt_ratio(x):
    return "not measured" if x is None else f"{x:.4f}"


def fmt_k(x):
    return "–" if x is None else f"{x / 1e3:,.0f}k" if x >= 1e4 else f"{x:,.0f}"


def scaling_md(inputs, preds, checks, extra, wake_ns):
    """scaling.md: the inputs, the model and the predictions at 4, 16 and 64 cores, the check."""
    lines = ["# The scaling study: a model, from two cores", "",
             "Inputs (medians of the repeats; ns of CPU per request unless said):", "",
             "| server | scenario | c1 | δ per added worker | acceptor σ | hand-off h | futile/req at 2 | "
             "grows with N | w (ns) | latency cap |", "|---|---|---|---|---|---|---|---|---|---|"]
    for i in inputs.values():
        lines.append(f"| {i.server} | {i.scenario} | {i.c1_ns:,.0f} | {i.delta_ns:,.0f} | {i.acceptor_ns:,.1f} | "
                     f"{i.handoff_ns:,.1f} | {i.futile_per_request:.4f} | {'yes' if i.futile_grows else 'no'} | "
                     f"{i.wakeup_ns:,.0f} | {fmt_k(i.latency_cap_rps)} |")
    lines += ["", f"One futile wake-up: {wake_ns:,.0f} ns of CPU (wakeup_probe.c on one CPU, scaling_wakeup.csv)."
              if wake_ns else "One futile wake-up: not measured.",
              f"nginx's futile wake-ups per connection at 2 workers (accept4 EAGAIN under strace): "
              f"{fmt_ratio(nginx_futile(extra.get('nginx_herd_rows') or []))}", "",
              "Predicted req/s (the bound that binds):", "",
              "| server | scenario | " + " | ".join(f"{n} cores" for n in PREDICTED_CORES) + " | limit |",
              "|---|---|" + "---|" * (len(PREDICTED_CORES) + 1)]
    for (server, scenario) in inputs:
        cells = [p for p in preds if p["server"] == server and p["scenario"] == scenario]
        limit = cells[0]["serial_limit_rps"] if cells else None
        lines.append(f"| {server} | {scenario} | " + " | ".join(f"{fmt_k(p['predicted_rps'])} ({p['bound']})"
                                                                 for p in cells) + f" | {fmt_k(limit)} |")
    lines += ["", "The check at 2 threads (the load generator on the same two cores: the server could use "
              "2 cores − loadgen's − everything else's; predicted = that / c(2)):", "",
              "| server | scenario | measured req/s | loadgen cores | other cores | available | used | idle | "
              "c(2) δ=0 | c(2) measured | predicted δ=0 | ratio | predicted | ratio |", "|---" * 14 + "|"]
    for v in checks:
        lines.append(f"| {v['server']} | {v['scenario']} | {v['measured_rps']:,.0f} | {v['loadgen_cores']} | "
                     f"{v['other_cores']} | "
                     f"{v['server_cores_available']} | {v['server_cores_used']} | {v['machine_idle_share']} | "
                     f"{v['c2_predicted_ns_no_contention']:,.0f} | {v['c2_measured_ns']:,.0f} | "
                     f"{v['predicted_rps_no_contention']:,} | {v['ratio_no_contention']} | "
                     f"{v['predicted_rps']:,} | {v['ratio']} |")
    return "\n".join(lines) + "\n"


def write_scaling(ctx, rows, thread_rows, extra, write_csv):
    """scaling.csv, scaling_threads.csv, scaling_inputs.csv, scaling_prediction.csv,
    scaling_validation.csv, scaling.md and the figure. Returns the inputs."""
    inputs = model_inputs(rows, extra)
    preds = predictions(inputs)
    checks = validation(rows, inputs)
    write_csv(ctx.out / "scaling.csv", rows, RUN_FIELDS)
    write_csv(ctx.out / "scaling_threads.csv", thread_rows, THREAD_FIELDS)
    write_csv(ctx.out / "scaling_inputs.csv", inputs_rows(inputs), [f.name for f in dataclasses.fields(ModelInputs)])
    write_csv(ctx.out / "scaling_prediction.csv", preds, PREDICTION_FIELDS)
    write_csv(ctx.out / "scaling_validation.csv", checks, VALIDATION_FIELDS)
    write_csv(ctx.out / "scaling_wakeup.csv", extra.get("wakeup_rows") or [], WAKEUP_FIELDS)
    write_csv(ctx.out / "scaling_nginx_herd.csv", extra.get("nginx_herd_rows") or [], HERD_FIELDS)
    (ctx.out / "scaling.md").write_text(scaling_md(inputs, preds, checks, extra, wakeup_ns(extra.get("wakeup_rows"))))
    cpu = re.sub(r"\((R|TM)\)| Processor| CPU", "", ctx.machine["cpu"])  # "Intel Xeon": the line fits
    sub = (f"run {ctx.out.name} · {ctx.machine['cores']} cores, {cpu}, Linux {ctx.machine['kernel']} · "
           "1 thread: server on CPU 0, loadgen on 1; 2: both on 0-1")
    script = scaling_plot(sub, rows, inputs)
    if script:
        draw(ctx, {"scaling": script})
    return inputs


# ---------------------------------------------------------------------------------------------
# Again from the CSV files: python3 -m tenkbench.scaling RUN_DIR (from bench/)
# ---------------------------------------------------------------------------------------------


def number(text):
    """A CSV cell as written: int, float, or the text ("" stays "")."""
    if text is None or text == "":
        return text
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_rows(path):
    """The rows of a CSV file written by write_scaling, numbers as numbers ([] if it is missing)."""
    import csv
    try:
        with open(path, newline="") as f:
            return [{k: number(v) for k, v in row.items()} for row in csv.DictReader(f)]
    except FileNotFoundError:
        return []


def rederive(out):
    """Rewrites the model's files and the figure of a run folder from its measured CSV files
    (scaling.csv, scaling_threads.csv, scaling_wakeup.csv, scaling_nginx_herd.csv): the model
    can change without measuring again."""
    import types
    from .machine import describe_machine
    from .report import write_csv
    out = Path(out).resolve()
    rows = read_rows(out / "scaling.csv")
    extra = {"wakeup_rows": read_rows(out / "scaling_wakeup.csv"),
             "nginx_herd_rows": read_rows(out / "scaling_nginx_herd.csv")}
    ctx = types.SimpleNamespace(out=out, machine=describe_machine(), server_cpu="0", client_cpu="1", notes=[], plots=[])
    write_scaling(ctx, rows, read_rows(out / "scaling_threads.csv"), extra, write_csv)
    return ctx.notes


if __name__ == "__main__":
    import sys
    for note in rederive(sys.argv[1]):
        print(f"note: {note}")
