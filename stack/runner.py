"""The deployed topology on loopback: PostgreSQL, Redis, an SMTP server writing to a maildir, the
migrations and static files, two gunicorn app instances with the production settings, the
e-mail worker, the scheduler and HAProxy in front (stack/definition.py has the commands).

Everything lives in one state folder (kept between runs: the database, media, the keys) and
every process is stopped by its id when the stack stops, also after a failure."""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from stack import definition
from stack.processes import Postgres, Process, StartFailed, free_port, log_tail, port_answers

BASE_DIR = Path(__file__).resolve().parent.parent
# Passed through from the caller's environment; nothing the site reads may leak in.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
STEP_TIMEOUT = 900
WATCH_INTERVAL = 0.5
RESTART_DELAY = 1.0


def fernet_key():
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def http_status(port, path="/healthz", timeout=2):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def find_haproxy():
    """HAProxy from Debian's packages, installed here when missing and run as root."""
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if found:
        return found
    if os.geteuid() != 0:
        raise StartFailed("HAProxy is missing: apt-get install haproxy (as root).")
    apt = {"DEBIAN_FRONTEND": "noninteractive", **os.environ}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt)  # noqa: S607
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "haproxy"]
    subprocess.run(install, check=True, env=apt)  # noqa: S603,S607
    return shutil.which("haproxy", path="/usr/sbin:/usr/bin")


class Stack:
    """The whole site. `start()` brings it up in order, `stop()` takes it down in reverse;
    between them a watcher thread restarts a service that exits by itself (compose's
    `restart: unless-stopped`), but not one that was stopped or killed on purpose."""

    def __init__(
        self,
        state_dir,
        *,
        port=None,
        web_concurrency=2,
        scheduler_interval=None,
        demo_content=True,
        extra_env=None,
        log=print,
    ):
        self.state = Path(state_dir).resolve()
        self.port = port or free_port()
        self.web_concurrency = web_concurrency
        self.scheduler_interval = scheduler_interval
        self.demo_content = demo_content
        self.extra_env = dict(extra_env or {})
        self.log = log
        self.logs = self.state / "logs"
        self.maildir = self.state / "maildir"
        self.smtp_mode_file = self.state / "smtp-mode"
        self.db = Postgres(self.state / "postgres", free_port(), self.logs / "postgres.log")
        self.redis_port = free_port()
        self.smtp_port = free_port()
        self.app_ports = {name: free_port() for name in definition.APP_INSTANCES}
        self.services = {}
        self.admin_output = ""
        self._watching = threading.Event()
        self._watcher = None
        self._lock = threading.RLock()

    @property
    def address(self):
        return f"http://127.0.0.1:{self.port}"

    # --- Environment -------------------------------------------------------------------------

    def _keys(self):
        """The stack's secrets, made on its first run and kept (mode 600) beside its data, so
        that sessions and encrypted fields outlive a restart of the stack."""
        path = self.state / "keys.json"
        if path.exists():
            return json.loads(path.read_text())
        keys = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DONATION_ENCRYPTION_KEYS": fernet_key(),
        }
        path.touch(mode=0o600)
        path.write_text(json.dumps(keys))
        return keys

    def site_env(self):
        env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
        origins = [f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}"]
        env.update(
            self._keys(),
            DJANGO_SETTINGS_MODULE=definition.SETTINGS_MODULE,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.db.url,
            CACHE_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp_port}",
            SITE_BASE_URL=self.address,
            # The browser's Origin is http://, the app is told https:// by the proxy.
            CSRF_TRUSTED_ORIGINS=",".join(origins),
            NUM_PROXIES="1",
            FORWARDED_ALLOW_IPS="127.0.0.1",
            MEDIA_ROOT=str(self.state / "media"),
            STATIC_ROOT=str(self.state / "static"),
            WEB_CONCURRENCY=str(self.web_concurrency),
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        if self.scheduler_interval is not None:
            env["SCHEDULER_INTERVAL_SECONDS"] = str(self.scheduler_interval)
        env.update(self.extra_env)
        return env

    def local_argv(self, command):
        """A container command as it runs here: this Python for `python`, and `gunicorn` as
        its module."""
        argv = []
        for word in command:
            if word == "python":
                argv.append(sys.executable)
            elif word == "gunicorn" and not argv:
                argv += [sys.executable, "-m", "gunicorn"]
            else:
                argv.append(word)
        return argv

    # --- Services ----------------------------------------------------------------------------

    def manage(self, *args, timeout=STEP_TIMEOUT):
        """manage.py in the app's environment, as a one-off container would run it."""
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            self.local_argv(("python", "manage.py", *args)),
            cwd=BASE_DIR,
            env=self.site_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise StartFailed(f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def shell_json(self, code):
        """Run Python in `manage.py shell` and return the JSON its last line prints."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def _process(self, name, argv, *, ready=None, env=None, restart=True):
        process = Process(
            name,
            argv,
            env=env or self.site_env(),
            cwd=BASE_DIR,
            log_path=self.logs / f"{name}.log",
            ready=ready,
            restart=restart,
        )
        self.services[name] = process
        return process

    def _define(self):
        redis_dir = self.state / "redis"
        redis_dir.mkdir(exist_ok=True)
        redis_argv = [
            shutil.which("redis-server") or "redis-server",
            *definition.REDIS_COMMAND[1:],
            *("--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", str(redis_dir)),
        ]
        self._process("redis", redis_argv, ready=lambda: port_answers(self.redis_port))
        smtp_argv = [
            *(sys.executable, "-m", "stack.smtp", "--port", str(self.smtp_port)),
            *("--maildir", str(self.maildir), "--mode-file", str(self.smtp_mode_file)),
        ]
        self._process("smtp", smtp_argv, ready=lambda: port_answers(self.smtp_port))
        for name, port in self.app_ports.items():
            app = self.local_argv(definition.APP_COMMAND)
            # Loopback only, whatever gunicorn.conf.py binds in a container.
            argv = [*app[:-1], "--bind", f"127.0.0.1:{port}", app[-1]]
            self._process(
                name,
                argv,
                ready=lambda port=port: http_status(port) == 200,
                env={**self.site_env(), "PORT": str(port)},
            )
        self._process("worker", self.local_argv(definition.WORKER_COMMAND))
        self._process("scheduler", self.local_argv(definition.SCHEDULER_COMMAND))
        proxy_env = {
            "PATH": os.environ.get("PATH", ""),
            "PROXY_BIND": f"127.0.0.1:{self.port}",
            **{
                name.upper().replace("-", "_"): f"127.0.0.1:{port}"
                for name, port in self.app_ports.items()
            },
        }
        self._process(
            "proxy",
            [find_haproxy(), *definition.PROXY_COMMAND[1:]],
            ready=lambda: http_status(self.port) == 200,
            env=proxy_env,
        )

    def start(self):
        self.state.mkdir(parents=True, exist_ok=True)
        self.state.chmod(0o755)  # PostgreSQL runs as its own user below it
        self.logs.mkdir(exist_ok=True)
        self.smtp_mode_file.write_text("accept\n")
        try:
            self.log(f"PostgreSQL on 127.0.0.1:{self.db.port}")
            self.db.start()
            self._define()
            self.services["redis"].start()
            self.services["smtp"].start()
            self.log("Migrations, static files" + (", demo content" if self.demo_content else ""))
            self.manage(*definition.MIGRATE_COMMAND[2:])
            self.manage(*definition.COLLECTSTATIC_COMMAND[2:])
            if self.demo_content:
                self.manage("load_demo_content")
                self.admin_output = self.manage("ensure_admin")
            for name in (*definition.APP_INSTANCES, "worker", "scheduler", "proxy"):
                began = time.monotonic()
                self.services[name].start()
                self.log(f"Started {name} in {time.monotonic() - began:.1f} s")
        except BaseException:
            self.stop()
            raise
        self._write_status()
        self._watching.set()
        self._watcher = threading.Thread(target=self._watch, name="stack-watcher", daemon=True)
        self._watcher.start()
        return self

    def stop(self):
        """Everything down, in reverse order, each process by its id."""
        self._watching.clear()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            for name in ("proxy", "scheduler", "worker", *definition.APP_INSTANCES):
                if name in self.services:
                    self.services[name].stop()
            for name in ("smtp", "redis"):
                if name in self.services:
                    self.services[name].stop()
            self.db.stop()
        with contextlib.suppress(FileNotFoundError):
            (self.state / "stack.json").unlink()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def pids(self):
        found = {name: process.pid for name, process in self.services.items() if process.running()}
        if self.db.pid is not None:
            found["db"] = self.db.pid
        return found

    def _write_status(self):
        status = {
            "address": self.address,
            "admin": f"{self.address}/admin/",
            "maildir": str(self.maildir),
            "database_url": self.db.url,
            "pids": self.pids(),
        }
        # Written whole and then renamed, so that a reader never sees half of it.
        part = self.state / "stack.json.part"
        part.write_text(json.dumps(status, indent=2))
        part.replace(self.state / "stack.json")

    def _watch(self):
        while self._watching.wait(WATCH_INTERVAL) and self._watching.is_set():
            with self._lock:
                for process in self.services.values():
                    if process.restart and not process.held and not process.running():
                        self.log(
                            f"{process.name} exited ({process.popen.returncode}); restarting\n"
                            f"{log_tail(process.log_path, 5)}"
                        )
                        time.sleep(RESTART_DELAY)
                        try:
                            process.start()
                        except StartFailed as error:
                            self.log(f"{process.name} did not start again: {error}")
                self._write_status()

    # --- Faults ------------------------------------------------------------------------------

    def kill(self, name):
        """kill -9 a service with all its processes; it stays down until start_service()."""
        with self._lock:
            self.services[name].kill()

    def stop_service(self, name):
        with self._lock:
            self.services[name].stop()

    def start_service(self, name, timeout=60):
        with self._lock:
            self.services[name].start(timeout)

    def restart_database(self):
        self.db.restart()

    def set_smtp_mode(self, mode):
        """accept, refuse or hang (stack/smtp.py)."""
        self.smtp_mode_file.write_text(mode + "\n")

    def instance_healthy(self, name):
        return http_status(self.app_ports[name]) == 200
