"""The servers: the step binaries and the floor (which print their port), nginx and lighttpd
(which get a free port in their configuration file). Every server started is remembered in
RUNNING, every load generator in CLIENTS, so that stop_everything() leaves nothing behind."""

import dataclasses
import functools
import os
import re
import select
import signal
import socket
import subprocess
import time

from .config import BIN, PEER_DEFAULT_TIMEOUTS, PEER_TEMPLATES, SERVER_SETTLE_TIMEOUT_S, \
    SERVER_START_TIMEOUT_S, SERVER_STOP_TIMEOUT_S, VARIANTS, WWW
from .procfs import open_fds, process_tree


class ServerStartError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class ServerSpec:
    name: str  # "03_epoll", "09_fibers+pessimistic", "floor", "nginx", "lighttpd"
    kind: str  # "step", "floor" or "peer"
    binary: str = ""  # build/bin/<binary>, when not the name (a variant)
    env: tuple = ()  # (NAME, value) pairs set for the server (a variant)
    only: tuple = ()  # the scenarios and studies it takes part in; () = all of the run's

    @property
    def program(self):
        return self.binary or self.name

    @property
    def variant(self):
        return bool(self.binary)

    def runs(self, scenario):
        return not self.only or scenario in self.only


def split_variant(name):
    """"09_fibers+pessimistic" -> ("09_fibers", "pessimistic"); a plain name -> (name, "")."""
    base, _, variant = name.partition("+")
    return base, variant


def variant_spec(name, only=()):
    """The ServerSpec of a variant name (see config.VARIANTS): a floor's variant is a floor."""
    base, variant = split_variant(name)
    return ServerSpec(name, "floor" if base == "floor" else "step", binary=base, env=(VARIANTS[variant],),
                      only=tuple(only))


@functools.lru_cache(maxsize=None)
def binary_mentions(program, text):
    """Whether build/bin/<program> contains `text` (an environment variable's name, say)."""
    try:
        return text.encode() in (BIN / program).read_bytes()
    except OSError:
        return False


def start_problem(spec, timeout=SERVER_START_TIMEOUT_S):
    """None if the step or floor binary of `spec` starts here with its environment (prints its
    "listening on" line), else why not: its last line on stderr. A variant that cannot run on
    this machine (the io_uring floor where io_uring is refused says so and exits 2) is then
    skipped with that line, instead of failing in every scenario."""
    command = [str(BIN / spec.program), "--bind", "127.0.0.1", "--port", "0", "--quiet"]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(os.environ, **dict(spec.env)), start_new_session=True)
    line = read_line(proc.stdout.fileno(), timeout)
    if line and line.startswith("listening on "):
        proc.send_signal(signal.SIGTERM)
    else:
        kill_group(proc)
    try:
        proc.wait(timeout=SERVER_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        kill_group(proc)
    errors = proc.stderr.read().decode(errors="replace").strip().splitlines()
    proc.stdout.close()
    proc.stderr.close()
    if line and line.startswith("listening on "):
        return None
    return errors[-1] if errors else f"no 'listening on' line within {timeout} s"


STEP_FLAGS = ("--workers", "--threads", "--timeout")


@functools.lru_cache(maxsize=None)
def step_flags(program):
    """The shared flags (STEP_FLAGS) that build/bin/<program> uses. Every step accepts them all
    and warns once about each it ignores (common/net/options.hpp); --help then exits 0."""
    command = [str(BIN / program)]
    for flag in STEP_FLAGS:
        command += [flag, "1"]
    try:
        done = subprocess.run(command + ["--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    if done.returncode != 0:
        return frozenset()
    return frozenset(flag for flag in STEP_FLAGS if f"warning: {flag} is ignored" not in done.stderr)


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


def peer_config(template, name, port, run_dir, few_fds=False, timeout=0, workers=1, root=WWW):
    """The peer's configuration: the template with @PORT@, @ROOT@, @RUN_DIR@, @WORKERS@ and the
    timeouts filled in: @HEADER_TIMEOUT@ and @KEEPALIVE_TIMEOUT@ are `timeout` when given, else
    PEER_DEFAULT_TIMEOUTS."""
    header = timeout or PEER_DEFAULT_TIMEOUTS["header"]
    keepalive = timeout or PEER_DEFAULT_TIMEOUTS["keepalive"]
    values = {"@PORT@": port, "@ROOT@": root, "@RUN_DIR@": run_dir, "@WORKERS@": workers,
              "@HEADER_TIMEOUT@": header, "@KEEPALIVE_TIMEOUT@": keepalive}
    text = template
    for placeholder, value in values.items():
        text = text.replace(placeholder, str(value))
    if few_fds:
        dropped = PEER_LINES_FOR_MANY_FDS.get(name, ())
        text = "".join(line for line in text.splitlines(keepends=True) if not line.strip().startswith(dropped))
    return text


def peer_command(ctx, spec, port, launch):
    """Writes the peer's configuration from its template; returns the command that runs it. The
    "deterministic" variant has its own folder and asks for few descriptors (see above)."""
    variant = launch.peer_variant
    run_dir = ctx.out / "peers" / (f"{spec.name}-{variant}" if variant else spec.name)
    run_dir.mkdir(parents=True, exist_ok=True)
    template = (PEER_TEMPLATES / f"{spec.name}.conf.in").read_text()
    conf = run_dir / f"{spec.name}.conf"
    conf.write_text(peer_config(template, spec.name, port, run_dir, few_fds=bool(variant), timeout=launch.timeout,
                                workers=launch.workers or ctx.workers, root=launch.root or WWW))
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

    workers: int = 0  # --workers of the steps that have it, nginx's worker_processes; 0: ctx.workers
    threads: int = 0  # --threads of the step that has it (11); 0: its default, one per server CPU
    timeout: int = 0  # seconds: --timeout of steps 10-11, the peers' timeouts; 0: their defaults
    root: str = None  # the document root; default bench/www
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
        command = peer_command(ctx, spec, port, launch)
    else:
        command = step_command(ctx, spec, launch)
    command = ["taskset", "-c", launch.cpus or ctx.server_cpu] + list(launch.wrapper) + command
    env = dict(spec.env, **(launch.env or {}))

    log_path = ctx.out / "logs" / f"{spec.name}.log"
    with open(log_path, "a") as log:
        shown_env = "".join(f"{k}={v} " for k, v in env.items() if k != "LD_PRELOAD")
        log.write(f"=== {label}: {shown_env}{' '.join(command)}\n")
        offset = log.tell()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=log,
                                stdout=subprocess.PIPE if spec.kind != "peer" else subprocess.DEVNULL,
                                env=dict(os.environ, **env), start_new_session=True)
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


def step_command(ctx, spec, launch):
    """A step's (or the floor's) command line: each of --workers, --threads and --timeout only
    where the binary uses it (the others would only print a warning)."""
    flags = step_flags(spec.program)
    command = [str(BIN / spec.program), "--bind", "127.0.0.1", "--port", "0", "--root", str(launch.root or WWW)]
    if "--workers" in flags:
        command += ["--workers", str(launch.workers or ctx.workers)]
    if "--threads" in flags and launch.threads:
        command += ["--threads", str(launch.threads)]
    if "--timeout" in flags and launch.timeout:
        command += ["--timeout", str(launch.timeout)]
    return command + (["--quiet"] if launch.quiet else [])


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
