"""Downloads of the staff exports for the benchmark, run as a separate process by bench/run.py:

    python -m bench.download SPEC.json > RESULT.json

It has no Django in it. Over one keep-alive HTTP/1.1 connection to the server under test
(loopback only) it logs in to the admin as a browser does (the login form with its CSRF token)
and then fetches each download in turn, reading the streamed (chunked) body 256 KiB at a time
and keeping none of it: it counts bytes and lines. It speaks HTTP itself, in as little CPU as it
can, since it shares the two cores with the server (see Connection).

Meanwhile it watches the gunicorn worker that serves the connection (the one holding the
server's end of this connection's socket, found through /proc/net/tcp and /proc/<pid>/fd):
before each download it resets the worker's peak resident memory (writing 5 to
/proc/<pid>/clear_refs resets VmHWM) and a thread samples VmRSS every few milliseconds; after
it, VmHWM is the peak. Both are reported, with the worker's CPU time for the download.

The spec (JSON):
    host, port            server address (must be a loopback address)
    master_pid            gunicorn's master process: the worker is one of its children
    login_path            the admin login page
    second_factor_path    the admin's code step
    username, password    a staff account
    recovery_code         one of its recovery codes, for the code step
    headers               extra headers for every request (X-Forwarded-Proto, Origin)
    downloads             [{"name", "path", "expect_rows"}] in order; "measured": false for a
                          warm-up whose numbers are kept but not compared

On stdout: one line of JSON, a result per download.
"""

import ipaddress
import json
import os
import re
import resource
import socket
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAMPLE_INTERVAL = 0.005  # seconds between RSS samples
RECEIVE_SIZE = 262144
COALESCE_BELOW = 16384  # bytes: a smaller read means data is trickling in ...
COALESCE_WAIT = 0.005  # ... so wait this long (seconds) before the next read
TIMEOUT = 300
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- The serving worker, from /proc (Linux) -----------------------------------------------------


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def socket_inode(server_port, client_port):
    """The inode of the server's end of the TCP connection from client_port to server_port."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if local_port == server_port and remote_port == client_port:
                return int(fields[9])
    return None


def serving_worker(master_pid, server_port, client_port):
    """The gunicorn worker that holds this connection, or None when it cannot be told."""
    inode = socket_inode(server_port, client_port)
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in children(master_pid):
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == target:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None


def status_kb(pid, field):
    """A field of /proc/<pid>/status in kB (VmRSS, VmHWM), or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def reset_peak(pid):
    """Resets VmHWM to the current RSS (Linux 4.0+); False when not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Sampler(threading.Thread):
    """The resident memory of a process every SAMPLE_INTERVAL until stopped: its peak (kB) and
    the number of samples. Reads /proc/<pid>/statm (the same count as VmRSS, in pages) through
    one open descriptor, which costs far less than parsing /proc/<pid>/status each time."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.samples = 0
        self.stopped = threading.Event()

    def run(self):
        page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
        try:
            fd = os.open(f"/proc/{self.pid}/statm", os.O_RDONLY)
        except OSError:
            return
        try:
            while not self.stopped.is_set():
                try:
                    rss = int(os.pread(fd, 256, 0).split()[1]) * page_kb
                except (OSError, IndexError, ValueError):
                    break
                self.peak = max(self.peak, rss)
                self.samples += 1
                self.stopped.wait(SAMPLE_INTERVAL)
        finally:
            os.close(fd)

    def stop(self):
        self.stopped.set()
        self.join()


# --- HTTP ---------------------------------------------------------------------------------------


class Connection:
    """A minimal HTTP/1.1 keep-alive connection that reads a body of Content-Length bytes or in
    chunks. The export arrives as one HTTP chunk per row (about 60 bytes each): http.client
    decodes each one in several Python calls, and waking for each packet costs as much again:
    together about 50 µs a row, a quarter of what the server spends on it, on the same two
    cores. This reads up to 256 KiB at a time, waiting a little when little has arrived, and
    finds the chunk boundaries in what it read."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = f"{host}:{port}"
        self.buffer = b""

    def client_port(self):
        return self.sock.getsockname()[1]

    def _receive(self):
        data = self.sock.recv(RECEIVE_SIZE)
        if not data:
            raise ConnectionError("the server closed the connection")
        return data

    def request(self, method, path, headers, body=None):
        """Sends a request and reads the answer's head: (status, [(name, value)], pieces), where
        pieces yields the body in pieces and must be read to the end before the next request."""
        payload = body.encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            head.append(f"Content-Length: {len(payload)}")
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._receive()
        raw_head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = raw_head.decode("latin-1").split("\r\n")
        answer_headers = []
        for line in lines:
            name, _, value = line.partition(":")
            answer_headers.append((name.strip().lower(), value.strip()))
        values = dict(answer_headers)
        if values.get("transfer-encoding", "").lower() == "chunked":
            pieces = self._chunked()
        else:
            pieces = self._sized(int(values.get("content-length", 0)))
        return int(status_line.split(" ", 2)[1]), answer_headers, pieces

    def _sized(self, length):
        while len(self.buffer) < length:
            self.buffer += self._receive()
        data, self.buffer = self.buffer[:length], self.buffer[length:]
        yield data

    def _chunked(self):
        buffer, position, pieces = self.buffer, 0, []
        while True:
            end_of_size = buffer.find(b"\r\n", position)
            if end_of_size >= 0:
                size = int(buffer[position:end_of_size].split(b";", 1)[0], 16)
                start = end_of_size + 2
                if len(buffer) >= start + size + 2:
                    if size == 0:  # the last chunk (the server sends no trailers)
                        self.buffer = buffer[start + 2 :]
                        if pieces:
                            yield b"".join(pieces)
                        return
                    pieces.append(buffer[start : start + size])
                    position = start + size + 2
                    continue
            # An incomplete chunk: hand over what is decoded, then read more.
            if pieces:
                yield b"".join(pieces)
                pieces = []
            received = self._receive()
            buffer = buffer[position:] + received
            position = 0
            if len(received) < COALESCE_BELOW:
                # The server sends a packet per row; waking for each would cost this process
                # more CPU than decoding them. Let a few milliseconds' worth gather in the
                # socket's buffer instead (far below what fills it: the server never waits).
                time.sleep(COALESCE_WAIT)

    def close(self):
        self.sock.close()


class Browser:
    """One keep-alive connection with the cookies the server set."""

    def __init__(self, spec):
        self.spec = spec
        self.cookies = SimpleCookie()
        self.conn = None
        self.closing = False

    def connection(self):
        if self.conn is None:
            self.conn = Connection(self.spec["host"], self.spec["port"])
        return self.conn

    def send(self, method, path, body=None):
        """(status, headers, pieces) of a request; read all of pieces, then call done()."""
        headers = dict(self.spec.get("headers", {}))
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, answer_headers, pieces = self.connection().request(method, path, headers, body)
        for name, value in answer_headers:
            if name == "set-cookie":
                self.cookies.load(value)
        self.closing = ("connection", "close") in answer_headers
        return status, dict(answer_headers), pieces

    def done(self):
        if self.closing:
            self.conn.close()
            self.conn = None

    def fetch(self, method, path, body=None):
        status, headers, pieces = self.send(method, path, body)
        data = b"".join(pieces)
        self.done()
        return status, data

    def post_form(self, path, fields):
        """GET a form page and POST `fields` to it with its CSRF token; returns the status."""
        status, data = self.fetch("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        match = TOKEN_RE.search(data.decode("utf-8", "replace"))
        if match is None:
            raise RuntimeError(f"{path} has no CSRF token")
        status, _ = self.fetch(
            "POST", path, urlencode({"csrfmiddlewaretoken": match.group(1), **fields})
        )
        return status

    def login(self):
        """The password, then the second factor's code step (a recovery code)."""
        fields = {"username": self.spec["username"], "password": self.spec["password"]}
        status = self.post_form(self.spec["login_path"], fields | {"next": "/admin/"})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"the login answered {status} without a session")
        status = self.post_form(
            self.spec["second_factor_path"], {"code": self.spec["recovery_code"]}
        )
        if status != 302:
            raise RuntimeError(f"the code step answered {status}")


def download(browser, spec, item):
    port = browser.connection().client_port()
    worker = serving_worker(spec["master_pid"], spec["port"], port)
    peak_reset = worker is not None and reset_peak(worker)
    rss_before = status_kb(worker, "VmRSS") if worker else None
    cpu_before = cpu_seconds(worker) if worker else None
    sampler = Sampler(worker) if worker else None
    if sampler:
        sampler.start()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    status, headers, pieces = browser.send("GET", item["path"])
    first_byte = time.perf_counter() - began
    size = lines = 0
    head = b""
    for piece in pieces:
        if len(head) < 512:
            head += piece[: 512 - len(head)]
        size += len(piece)
        lines += piece.count(b"\n")
    elapsed = time.perf_counter() - began
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    browser.done()
    if sampler:
        sampler.stop()
    peak_hwm = status_kb(worker, "VmHWM") if worker and peak_reset else None
    cpu_after = cpu_seconds(worker) if worker else None
    rows = max(lines - 1, 0)  # the first line is the heading
    peak = max(filter(None, [sampler.peak if sampler else None, peak_hwm]), default=None)
    return {
        "name": item["name"],
        "measured": item.get("measured", True),
        "path": item["path"],
        "status": status,
        "content_type": headers.get("content-type", ""),
        "transfer_encoding": headers.get("transfer-encoding", ""),
        "heading": head.split(b"\n", 1)[0].decode("utf-8", "replace"),
        "rows": rows,
        "expect_rows": item.get("expect_rows"),
        "bytes": size,
        "first_byte_s": round(first_byte, 3),
        "seconds": round(elapsed, 3),
        "rows_per_s": round(rows / elapsed) if elapsed else None,
        "mb_per_s": round(size / elapsed / 1e6, 2) if elapsed else None,
        "worker_pid": worker,
        "worker_cpu_s": round(cpu_after - cpu_before, 2) if worker else None,
        "client_cpu_s": round(
            usage_after.ru_utime
            - usage_before.ru_utime
            + usage_after.ru_stime
            - usage_before.ru_stime,
            2,
        ),
        "rss_before_kb": rss_before,
        "rss_peak_sampled_kb": sampler.peak if sampler else None,
        "rss_samples": sampler.samples if sampler else 0,
        "vmhwm_after_reset_kb": peak_hwm,
        "peak_kb": peak,
        "growth_kb": peak - rss_before if peak and rss_before else None,
    }


def main(argv):
    with open(argv[1], encoding="utf-8") as file:
        spec = json.load(file)
    if not ipaddress.ip_address(spec["host"]).is_loopback:
        raise SystemExit("the benchmark only loads a server on a loopback address")
    browser = Browser(spec)
    browser.login()
    results = [download(browser, spec, item) for item in spec["downloads"]]
    if browser.conn is not None:
        browser.conn.close()
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
