"""`make stack` as a person runs it: `python -m stack` starts the deployment, prints its address,
serves the site through the load balancer, and on Ctrl-C stops every process it started."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings

from stack.processes import free_port

START_TIMEOUT = 600


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def test_the_stack_command_serves_the_site_and_stops_everything_on_ctrl_c():
    state = Path(tempfile.mkdtemp(prefix="spero-stack-cli-"))
    port = free_port()
    command = [sys.executable, "-m", "stack", "--port", str(port), "--state-dir", str(state)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = []
    ready = threading.Event()

    def read():
        for line in process.stdout:
            output.append(line)
            if line.startswith("The site: "):
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    pids = {}
    try:
        assert ready.wait(START_TIMEOUT), "".join(output[-40:])
        assert f"The site: http://127.0.0.1:{port}/" in "".join(output)
        pids = json.loads((state / "stack.json").read_text())["pids"]
        assert {"db", "redis", "smtp", "app-1", "app-2", "worker", "scheduler", "proxy"} <= set(
            pids
        )

        status, html = get(port, "/")
        assert status == 200 and 'lang="nb"' in html
        assert get(port, "/admin/login/")[0] == 200

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=120) == 0
        reader.join(timeout=10)
        assert "[stack] Stopping" in "".join(output)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [name for name, pid in pids.items() if alive(pid)] == []
        assert not (state / "stack.json").exists()
    finally:
        # Whatever happened above: nothing this test started outlives it.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for pid in pids.values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(state, ignore_errors=True)
