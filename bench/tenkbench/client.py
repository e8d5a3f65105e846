"""The load generators: bench/loadgen (every scenario) and wrk (the cross-check)."""

import json
import re
import subprocess

from .config import CROSSCHECK_CONNECTIONS, LOADGEN
from .servers import CLIENTS


def loadgen_threads(ctx, connections):
    """One loadgen thread per client CPU, but never more than connections: a thread without one
    would never collect its share of the responses."""
    return max(1, min(getattr(ctx, "client_threads", 1), connections))


def start_loadgen(ctx, url, args, threads=1):
    command = ["taskset", "-c", ctx.client_cpu, str(LOADGEN), "--json", "-t", str(threads)] + args + [url]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    CLIENTS.add(proc)
    return proc


def finish_loadgen(proc, timeout):
    """Waits for loadgen; returns its JSON as a dict, with "status" added: "ok" (at least one
    request completed; errors are data), "no response", "timed out" or "loadgen error: ..."."""
    try:
        out, err = proc.communicate(timeout=timeout)
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


def run_loadgen(ctx, url, scenario):
    proc = start_loadgen(ctx, url, scenario.loadgen_args(), loadgen_threads(ctx, scenario.connections))
    return finish_loadgen(proc, scenario.duration + 40)


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
