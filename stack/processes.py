"""The processes of the stack: each started in a session of its own, so that it and every child
it starts (gunicorn's workers, haproxy's worker) can be stopped, or killed, together by its id;
and PostgreSQL, which runs as the `postgres` user when the stack runs as root."""

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

STOP_TIMEOUT = 30


class StartFailed(RuntimeError):
    """A service exited or did not become ready while starting."""


def ephemeral_ports():
    """The range the kernel takes client ports from (Linux; the usual default elsewhere)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port():
    """A free port below the kernel's range for client ports: a service that is restarted
    binds its port again, and an outgoing connection that took it meanwhile (loopback is
    busy under load) would refuse the bind for as long as it lives."""
    low, _ = ephemeral_ports()
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise StartFailed("no free port below the ephemeral range")


def port_answers(port, timeout=0.5):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout):
        return True
    return False


def log_tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Process:
    """One long-running service. `restart` says whether the stack's watcher brings it back when
    it exits by itself (compose's `restart: unless-stopped`); one stopped or killed on purpose
    stays down until started again, as `docker kill` leaves a container."""

    def __init__(self, name, argv, *, env, cwd, log_path, ready=None, restart=True, nice=0):
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.log_path = Path(log_path)
        self.ready = ready
        self.restart = restart
        self.nice = nice
        self.popen = None
        self.held = True  # down on purpose until start()
        self.starts = 0

    @property
    def pid(self):
        return self.popen.pid if self.popen else None

    def running(self):
        return self.popen is not None and self.popen.poll() is None

    def start(self, timeout=60):
        self.held = False
        with self.log_path.open("ab") as log:
            nice = self.nice
            self.popen = subprocess.Popen(  # noqa: S603 - the stack's own fixed commands
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=(lambda: os.nice(nice)) if nice else None,
            )
        self.starts += 1
        self.wait_ready(timeout)

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while self.ready is not None and not self.ready():
            if not self.running():
                raise StartFailed(f"{self.name} exited while starting:\n{log_tail(self.log_path)}")
            if time.monotonic() > deadline:
                raise StartFailed(f"{self.name} was not ready in {timeout} s")
            time.sleep(0.1)

    def signal_group(self, signum):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signum)

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM to the whole process group, SIGKILL after timeout; held down afterwards."""
        self.held = True
        if self.popen is None:
            return
        if self.running():
            self.signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout)
        # Whatever is left of the group (a child that outlived its parent) goes too.
        self.signal_group(signal.SIGKILL)
        self.popen.wait()

    def kill(self):
        """kill -9 the process and every process of its group at once, as a crash or an OOM
        kill of the container does; held down until start()."""
        self.held = True
        self.signal_group(signal.SIGKILL)
        self.popen.wait()


def postgres_bin(name):
    """A PostgreSQL program, all of one version: the newest under /usr/lib/postgresql (Debian),
    else on PATH."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3])
    )
    found = str(candidates[-1]) if candidates else shutil.which(name)
    if not found:
        raise StartFailed(
            f"PostgreSQL's {name} was not found: install PostgreSQL (Debian: postgresql)."
        )
    return found


class Postgres:
    """A PostgreSQL cluster of the stack's own in its state folder (kept between runs), on a
    port of its own, so that the fault tests can restart it without touching anything else."""

    name = "db"

    def __init__(self, folder, port, log_path):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = port
        self.log_path = Path(log_path)
        self.as_owner = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/spero"

    @property
    def pid(self):
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None

    def _run(self, *argv):
        subprocess.run([*self.as_owner, *argv], check=True, capture_output=True, timeout=120)  # noqa: S603

    def _ctl(self, *args):
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args)

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_owner:
            if subprocess.run(["id", "postgres"], capture_output=True).returncode:  # noqa: S607
                useradd = ["useradd", "--system", "--no-create-home", "postgres"]
                subprocess.run(useradd, check=True)  # noqa: S603,S607
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.log_path.parent, "postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run(
                postgres_bin("initdb"),
                *("-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"),
            )
        self._start_server()
        with contextlib.suppress(subprocess.CalledProcessError):  # made by an earlier run
            self._run(
                postgres_bin("createdb"),
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "spero"),
            )

    def _start_server(self):
        # With its log file: a server writing to this process's pipe would keep it open.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._ctl("-l", str(self.log_path), "-o", options, "start")

    def restart(self):
        """A fast shutdown (every connection is cut, open transactions roll back) and a start."""
        self._ctl("-m", "fast", "stop")
        self._start_server()

    def stop(self):
        if self.pid is not None:
            with contextlib.suppress(subprocess.CalledProcessError):
                self._ctl("-m", "fast", "stop")

    def running(self):
        return self.pid is not None and port_answers(self.port)
