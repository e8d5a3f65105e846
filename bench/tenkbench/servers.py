"""The servers: the step binaries and the floor (which print their port), nginx and lighttpd
(which get a free port in their configuration file). Every server started is remembered in
RUNNING, every load generator in CLIENTS, so that stop_everything() leaves nothing behind."""

import dataclasses
import os
import re
import select
import signal
import socket
import subprocess
import time

from .config import BIN, PEER_TEMPLATES, SERVER_SETTLE_TIMEOUT_S, SERVER_START_TIMEOUT_S, \
    SERVER_STOP_TIMEOUT_S, WWW
from .procfs import open_fds, process_tree


class ServerStartError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class ServerSpec:
    name: str  # "03_epoll", "floor", "nginx", "lighttpd"
    kind: str  # "step", "floor" or "peer"


class Server:
    """A running server: the process we started (taskset exec's the server, or strace) and the
    server's own root process (the same, unless under strace)."""

    def __init__(self, spec, proc, pid, port, log_path, log_offset):
        self.spec, self.proc, self.pid, self.port = spec, proc, pid, port
        self.log_path, self.log_offset = log_path, log_offset
        self.exit_note = ""
        self.idle_sockets = 0  # open sockets when it was ready, before any load

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def tree(self):
        return process_tree(self.pid)

    def alive(self):
        return self.proc.poll() is None

    def log_text(self):
        """What the server wrote on stderr since this start."""
        with open(self.log_path, errors="replace") as f:
            f.seek(self.log_offset)
            return f.read()

    def settle(self, timeout=SERVER_SETTLE_TIMEOUT_S):
        """Waits (a little) until the server has closed the connections of the last load, so that
        it is stopped idle: SIGTERM with connections still open is the conformance tests'
        business, not the benchmark's (lighttpd, for one, then sometimes exits with status 1)."""
        deadline = time.monotonic() + timeout
        while (self.idle_sockets and self.alive() and time.monotonic() < deadline
               and open_fds(self.tree(), sockets_only=True) > self.idle_sockets):
            time.sleep(0.05)

    def stop(self, timeout=SERVER_STOP_TIMEOUT_S):
        """SIGTERM, then wait; returns the exit status as text ("exit 0" is the good answer)."""
        self.settle()
        if not self.alive():
            self.exit_note = "died during the run"
        else:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_group(self.proc)
                self.exit_note = f"did not exit within {timeout} s of SIGTERM: killed"
            except ProcessLookupError:
                self.proc.wait(timeout=timeout)
        RUNNING.discard(self)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # strays: workers of a master that died
        except ProcessLookupError:
            pass
        if self.proc.stdout:
            self.proc.stdout.close()
        code = self.proc.returncode
        return f"exit {code}" if code >= 0 else f"signal {-code}"


RUNNING = set()  # servers started and not yet stopped: stopped by stop_everything() on the way out
CLIENTS = set()  # loadgen processes not yet finished: killed by stop_everything()


def kill_group(proc):
    """SIGKILL the whole process group of a child started with start_new_session."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def stop_everything():
    for client in list(CLIENTS):
        client.kill()
        client.wait()
    for server in list(RUNNING):
        try:
            server.stop()
        except Exception:  # noqa: BLE001 -- on the way out, kill whatever is left
            kill_group(server.proc)
        RUNNING.discard(server)


def free_port():
    """A port nobody listens on right now (a peer binds it a moment later: a small race, retried)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Configuration lines left out of a peer's configuration for the deterministic counts: under
# valgrind, raising RLIMIT_NOFILE fails (valgrind keeps the top descriptors for itself), and one
# connection needs no 20,000 descriptors.
PEER_LINES_FOR_MANY_FDS = {"nginx": ("worker_rlimit_nofile",),
                           "lighttpd": ("server.max-fds", "server.max-connections")}


def peer_config(template, name, port, run_dir, few_fds=False):
    """The peer's configuration: the template with @PORT@, @ROOT@ and @RUN_DIR@ filled in."""
    text = template.replace("@PORT@", str(port)).replace("@ROOT@", str(WWW)).replace("@RUN_DIR@", str(run_dir))
    if few_fds:
        dropped = PEER_LINES_FOR_MANY_FDS.get(name, ())
        text = "".join(line for line in text.splitlines(keepends=True) if not line.strip().startswith(dropped))
    return text


def peer_command(ctx, spec, port, variant=""):
    """Writes the peer's configuration from its template; returns the command that runs it. The
    "deterministic" variant has its own folder and asks for few descriptors (see above)."""
    run_dir = ctx.out / "peers" / (f"{spec.name}-{variant}" if variant else spec.name)
    run_dir.mkdir(parents=True, exist_ok=True)
    template = (PEER_TEMPLATES / f"{spec.name}.conf.in").read_text()
    conf = run_dir / f"{spec.name}.conf"
    conf.write_text(peer_config(template, spec.name, port, run_dir, few_fds=bool(variant)))
    if spec.name == "nginx":
        return ["nginx", "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(conf)]
    return ["lighttpd", "-D", "-f", str(conf)]


def read_line(fd, timeout):
    """One line from a pipe, or None after `timeout` seconds or at end of file."""
    data, deadline = b"", time.monotonic() + timeout
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        data += chunk
    return data.decode(errors="replace")


def wait_for_port(proc, port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.02)
    return False


@dataclasses.dataclass(frozen=True)
class Launch:
    """How to start a server beyond its name: the defaults are the timed runs'."""

    workers: int = 1
    quiet: bool = True
    env: dict = None
    cpus: str = None  # taskset CPU list; default: the run's server CPU
    wrapper: tuple = ()  # a command the server runs under (strace, valgrind)
    wrapper_forks: bool = False  # True: the server is the wrapper's child (strace), not itself
    peer_variant: str = ""  # "deterministic": see peer_command
    start_timeout: float = SERVER_START_TIMEOUT_S


def start_server(ctx, spec, label, launch=Launch(), *, strace_out=None, **changes):
    """Starts a server pinned to launch.cpus (default: the server CPU) and waits until it serves.
    Keyword arguments change fields of `launch`; strace_out=PATH runs it under strace -f -c.
    Raises ServerStartError with what went wrong."""
    if strace_out:
        changes.update(wrapper=("strace", "-f", "-c", "-o", str(strace_out)), wrapper_forks=True)
    launch = dataclasses.replace(launch, **changes)
    for attempt in range(3):  # a peer may lose the race for its free port
        try:
            return start_server_once(ctx, spec, label, launch)
        except ServerStartError:
            if spec.kind != "peer" or attempt == 2:
                raise


def start_server_once(ctx, spec, label, launch):
    port = 0
    if spec.kind == "peer":
        port = free_port()
        command = peer_command(ctx, spec, port, launch.peer_variant)
    else:
        command = [str(BIN / spec.name), "--bind", "127.0.0.1", "--port", "0", "--root", str(WWW),
                   "--workers", str(launch.workers)] + (["--quiet"] if launch.quiet else [])
    command = ["taskset", "-c", launch.cpus or ctx.server_cpu] + list(launch.wrapper) + command
    env = launch.env

    log_path = ctx.out / "logs" / f"{spec.name}.log"
    with open(log_path, "a") as log:
        log.write(f"=== {label}: {' '.join(command)}\n")
        offset = log.tell()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=log,
                                stdout=subprocess.PIPE if spec.kind != "peer" else subprocess.DEVNULL,
                                env=dict(os.environ, **(env or {})), start_new_session=True)
    server = Server(spec, proc, proc.pid, port, log_path, offset)
    RUNNING.add(server)
    if not wait_until_ready(server, spec, launch.start_timeout):
        text = server.log_text().strip().splitlines()
        server.stop()
        raise ServerStartError(text[-1] if text else "no 'listening on' line within "
                               f"{launch.start_timeout} s")
    if launch.wrapper_forks:
        server.pid = process_tree(proc.pid)[1]  # the traced server: strace's only child
    server.idle_sockets = open_fds(server.tree(), sockets_only=True)
    return server


def wait_until_ready(server, spec, timeout):
    if spec.kind == "peer":
        if not wait_for_port(server.proc, server.port, timeout):
            return False
        # nginx answers from its worker: wait until the master has started it.
        deadline = time.monotonic() + timeout
        while spec.name == "nginx" and len(process_tree(server.proc.pid)) < 2:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True
    line = read_line(server.proc.stdout.fileno(), timeout)
    match = re.match(r"listening on http://[^/]*:(\d+)/", line or "")
    if match:
        server.port = int(match.group(1))
    return bool(match)
