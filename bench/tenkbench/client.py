"""The load generators: bench/loadgen (every scenario) and wrk (the cross-check)."""

import json
import os
import re
import select
import subprocess
import time

from .config import CROSSCHECK_CONNECTIONS, LOADGEN, WINDOW_SETUP_S
from .servers import CLIENTS


def loadgen_threads(ctx, connections):
    """One loadgen thread per client CPU, but never more than connections: a thread without one
    would never collect its share of the responses."""
    return max(1, min(getattr(ctx, "client_threads", 1), connections))


def start_loadgen(ctx, url, args, threads=1):
    """loadgen, started. With --window among the args its stdin is a pipe, for the
    acknowledgements of the window's edges (follow_window); otherwise /dev/null."""
    command = ["taskset", "-c", ctx.client_cpu, str(LOADGEN), "--json", "-t", str(threads)] + args + [url]
    stdin = subprocess.PIPE if "--window" in args else subprocess.DEVNULL
    proc = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    CLIENTS.add(proc)
    return proc


def finish_loadgen(proc, timeout, early_out=""):
    """Waits for loadgen; returns its JSON as a dict, with "status" added: "ok" (at least one
    request completed; errors are data), "no response", "timed out" or "loadgen error: ...".
    early_out: what follow_window() read of its stdout beyond the window's lines."""
    try:
        out, err = proc.communicate(timeout=timeout)
        out = early_out + out
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return {"status": f"timed out (loadgen killed after {timeout:.0f} s)", "stderr": err}
    finally:
        CLIENTS.discard(proc)
    return parse_loadgen_output(out, err, proc.returncode)


def parse_loadgen_output(out, err, returncode):
    result = {}
    for line in out.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            result["json"] = line  # kept as printed, for raw/
    if returncode == 0:
        result["status"] = "ok"
    elif returncode == 1 and result:
        result["status"] = "no response"
    else:
        result["status"] = f"loadgen error: {(err.strip().splitlines() or ['exit %d' % returncode])[0]}"
    result["stderr"] = err
    return result


def run_loadgen(ctx, url, scenario, on_edge=None):
    """One loadgen run of the scenario; its JSON as finish_loadgen() returns it. A windowed
    scenario (--window) calls on_edge("start") when every connection is open and warm and
    on_edge("end") after the last timed response, while loadgen waits (follow_window); the
    result's "edges" lists the edges seen."""
    proc = start_loadgen(ctx, url, scenario.loadgen_args(), loadgen_threads(ctx, scenario.connections))
    timeout = scenario.duration + 40
    if not scenario.window:
        return finish_loadgen(proc, timeout)
    deadline = time.monotonic() + timeout + WINDOW_SETUP_S
    edges, early_out = follow_window(proc, deadline, on_edge or (lambda edge: None))
    result = finish_loadgen(proc, max(1.0, deadline - time.monotonic()), early_out)
    result["edges"] = edges
    return result


WINDOW_LINES = {"window start": "start", "window end": "end"}


def follow_window(proc, deadline, on_edge):
    """Reads loadgen's stdout until "window end" (or its end, or the deadline): at each window
    line calls on_edge("start" or "end"), then acknowledges it with a line on loadgen's stdin,
    which loadgen waits for before it goes on. Returns (the edges seen, the rest of what was read:
    the JSON comes after the last edge). Reads the raw descriptor (os.read), so nothing is left
    in a Python buffer for communicate() to miss."""
    fd, buffer, edges, other = proc.stdout.fileno(), b"", [], []
    while "end" not in edges:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break  # finish_loadgen() will time it out
        chunk = os.read(fd, 65536)
        if not chunk:
            break  # loadgen ended without the window's lines (an error: its stderr says)
        buffer += chunk
        while b"\n" in buffer and "end" not in edges:
            line, buffer = buffer.split(b"\n", 1)
            edge = WINDOW_LINES.get(line.decode(errors="replace").strip())
            if edge is None:
                other.append(line + b"\n")  # not expected before the end, but kept
                continue
            on_edge(edge)
            edges.append(edge)
            try:
                proc.stdin.write("go\n")
                proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                break
    return edges, (b"".join(other) + buffer).decode(errors="replace")


def error_total(result):
    return sum(result.get("errors", {}).values())


def run_wrk(ctx, url, seconds):
    command = ["taskset", "-c", ctx.client_cpu, "wrk", f"-t{loadgen_threads(ctx, CROSSCHECK_CONNECTIONS)}",
               f"-c{CROSSCHECK_CONNECTIONS}",
               f"-d{seconds}s", url]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    except subprocess.TimeoutExpired:
        return {"note": "wrk timed out"}
    except FileNotFoundError:
        return {"note": "wrk not installed"}
    return parse_wrk_output(out)


def parse_wrk_output(out):
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    requests = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Socket errors:.*", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"wrk_rps": float(rps.group(1)) if rps else None,
            "wrk_requests": int(requests.group(1)) if requests else None,
            "wrk_errors": " ".join(filter(None, [errors and errors.group(0),
                                                 non2xx and f"non-2xx {non2xx.group(1)}"])) or "0",
            "wrk_output": out.strip()}
