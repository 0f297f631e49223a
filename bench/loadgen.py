"""Load generator for the benchmark, run as a separate process by bench/run.py:

    python -m bench.loadgen SPEC.json > RESULT.json

It has no Django in it. N threads each keep one keep-alive HTTP/1.1 connection to the server
under test (loopback only), fetch the CSRF cookie and form token once from a form page, and then
send requests until the phase's count or its time limit is reached, whichever comes first.
It shares the machine with the server, so it speaks HTTP itself in as little CPU as it can
(see Connection).

The spec (JSON):
    host, port            server address (must be a loopback address)
    kind                  "form_post": POST a form's `fields` to `path`;
                          "token_post": POST only the CSRF token to each of `paths`;
                          "get": GET `path`
    path / paths          target path, or one path per request ("token_post")
    csrf_path             page whose form gives the CSRF cookie and token (POST kinds)
    expect_status         the status that counts as success
    expect_location       for redirects: the Location the success must point to
    count, duration       at most this many requests, for at most this many seconds
    concurrency           threads (connections)
    fields                "form_post": the form's fields, with {i}, {email} and {odd} filled in
    email_pattern         "form_post": address of request i, e.g. "bench-abc-{i}@bench.invalid"
    first_index           "form_post": i of the first request (to keep phases apart)
    forwarded_for         send X-Forwarded-For with one address per request (client spread)
    headers               extra headers for every request

On stdout: a line "ready" when the timed part starts, a line "done" when it ends, then the
result as one line of JSON: totals, latency percentiles of successful requests, throughput
per whole second, error kinds, the client's own CPU use and, for POST kinds, the indexes of the
requests the server acknowledged (so that run.py can check that each one was stored).
"""

import ipaddress
import itertools
import json
import re
import resource
import socket
import sys
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from urllib.parse import urlencode

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Errors after which a reused keep-alive connection is known to have been closed by the server
# before it read the request (a gunicorn worker recycled after max_requests, an idle timeout):
# the request is sent again once on a new connection, as browsers and proxies do.
CONNECT_TIMEOUT = 30


class ConnectionClosed(ConnectionError):
    """The server closed the connection before it answered."""


STALE_CONNECTION_ERRORS = (ConnectionClosed, BrokenPipeError, ConnectionResetError)


class Connection:
    """A minimal HTTP/1.1 keep-alive connection. http.client parses every answer's headers with
    the e-mail package and cost about 0.5 ms of CPU a request, as much as a third of the
    cheapest page it measured; this reads the status line, the few headers the benchmark
    needs and a body of Content-Length bytes (the server under test always sends it)."""

    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = f"{host}:{port}"
        self.buffer = b""

    def request(self, method, path, body, headers):
        """Returns (status, headers as a list of (lower-case name, value), body bytes)."""
        payload = body.encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            head.append(f"Content-Length: {len(payload)}")
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        raw_head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = raw_head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        answer_headers = []
        length = 0
        for line in lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            answer_headers.append((name, value))
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                raise RuntimeError(f"{method} {path}: unexpected Transfer-Encoding {value}")
        while len(self.buffer) < length:
            self._receive()
        data, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, answer_headers, data

    def _receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionClosed
        self.buffer += chunk

    def close(self):
        self.sock.close()


class Client:
    """One keep-alive connection with the CSRF cookie and token of one visitor."""

    def __init__(self, spec):
        self.spec = spec
        self.conn = None
        self.used = False
        self.cookie = ""
        self.token = ""
        self.reconnects = 0

    def _connect(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = Connection(self.spec["host"], self.spec["port"], CONNECT_TIMEOUT)
        self.used = False

    def request(self, method, path, body=None, headers=None):
        """Returns (status, Location, body bytes, Set-Cookie headers)."""
        if self.conn is None:
            self._connect()
        headers = {**self.spec.get("headers", {}), **(headers or {})}
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in (1, 2):
            reused = self.used
            try:
                status, answer_headers, data = self.conn.request(method, path, body, headers)
            except STALE_CONNECTION_ERRORS:
                self._connect()
                if not reused or attempt == 2:
                    raise
                self.reconnects += 1
                continue
            except Exception:
                self._connect()
                raise
            self.used = True
            if ("connection", "close") in answer_headers:
                self._connect()
            return (
                status,
                next((value for name, value in answer_headers if name == "location"), ""),
                data,
                [value for name, value in answer_headers if name == "set-cookie"],
            )
        raise AssertionError("unreachable")

    def fetch_csrf(self):
        status, _, body, set_cookies = self.request("GET", self.spec["csrf_path"])
        if status != 200:
            raise RuntimeError(f"GET {self.spec['csrf_path']} answered {status}")
        cookies = SimpleCookie()
        for header in set_cookies:
            cookies.load(header)
        if "csrftoken" not in cookies:
            raise RuntimeError("the form page set no CSRF cookie")
        match = TOKEN_RE.search(body.decode("utf-8", "replace"))
        if match is None:
            raise RuntimeError("the form page has no CSRF token")
        self.cookie = f"csrftoken={cookies['csrftoken'].value}"
        self.token = match.group(1)

    def close(self):
        if self.conn is not None:
            self.conn.close()


def forwarded_address(index):
    # 10.0.0.0/8 has 16.7 million addresses: one per request keeps every address far below the
    # per-address rate limit, as many visitors behind one proxy would be.
    return str(ipaddress.IPv4Address(0x0A000000 + 1 + index))


def form_body(spec, index, token):
    """The form of request `index`: `fields` with {i}, {email} and {odd} ("on" for odd i, to
    vary a checkbox) filled in."""
    email = spec["email_pattern"].format(i=index)
    odd = "on" if index % 2 else ""
    fields = {
        name: value.format(i=index, email=email, odd=odd) for name, value in spec["fields"].items()
    }
    return urlencode({"csrfmiddlewaretoken": token, **fields})


class Phase:
    """One phase: the client threads, the count of requests they share out, the clock, and
    what they found (under one lock)."""

    def __init__(self, spec):
        self.spec = spec
        self.kind = spec["kind"]
        self.count = (
            min(spec["count"], len(spec["paths"])) if self.kind == "token_post" else spec["count"]
        )
        self.counter = itertools.count()
        self.lock = threading.Lock()
        self.latencies, self.acknowledged, self.finished_at = [], [], []
        self.statuses, self.errors = Counter(), Counter()
        self.sent = 0
        self.clients = [Client(spec) for _ in range(spec["concurrency"])]
        self.started = None
        # The clock starts when every client has its CSRF token, not before.
        self.ready = threading.Barrier(len(self.clients) + 1, action=self._start_clock)

    def _start_clock(self):
        self.started = time.perf_counter()

    def run(self):
        threads = [threading.Thread(target=self.drive, args=(client,)) for client in self.clients]
        for thread in threads:
            thread.start()
        self.ready.wait()
        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        print("ready", flush=True)  # bench/run.py starts measuring server CPU here
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - self.started
        usage_after = resource.getrusage(resource.RUSAGE_SELF)
        print("done", flush=True)  # ... and stops here
        for client in self.clients:
            client.close()
        cpu = (usage_after.ru_utime - usage_before.ru_utime) + (
            usage_after.ru_stime - usage_before.ru_stime
        )
        return self.result(elapsed, cpu)

    def drive(self, client):
        """One thread: the CSRF token, then requests until the count or the time is up."""
        try:
            if self.kind != "get":
                client.fetch_csrf()
        except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
            with self.lock:
                self.errors[f"csrf: {type(error).__name__}: {error}"] += 1
            self.ready.wait()
            return
        self.ready.wait()
        deadline = self.started + self.spec["duration"]
        while True:
            n = next(self.counter)
            if n >= self.count or time.perf_counter() >= deadline:
                break
            self.send(client, n)

    def request(self, n, index, token):
        """(method, path, body, headers) of the phase's request n."""
        spec = self.spec
        headers = {}
        if spec.get("forwarded_for"):
            headers["X-Forwarded-For"] = forwarded_address(index)
        if self.kind == "get":
            return "GET", spec["path"], None, headers
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.kind == "form_post":
            return "POST", spec["path"], form_body(spec, index, token), headers
        return "POST", spec["paths"][n], urlencode({"csrfmiddlewaretoken": token}), headers

    def send(self, client, n):
        index = self.spec.get("first_index", 0) + n
        method, path, body, headers = self.request(n, index, client.token)
        with self.lock:
            self.sent += 1
        began = time.perf_counter()
        try:
            status, location, _, _ = client.request(method, path, body, headers)
        except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
            with self.lock:
                self.errors[type(error).__name__] += 1
            return
        ended = time.perf_counter()
        ok = status == self.spec["expect_status"] and (
            not self.spec.get("expect_location") or location == self.spec["expect_location"]
        )
        with self.lock:
            self.statuses[status] += 1
            if ok:
                self.latencies.append(ended - began)
                self.finished_at.append(ended - self.started)
                if self.kind != "get":
                    self.acknowledged.append(index)
            else:
                self.errors[f"HTTP {status} {location}".strip()] += 1

    def result(self, elapsed, cpu):
        return {
            "kind": self.kind,
            "concurrency": self.spec["concurrency"],
            "requests": self.sent,
            "ok": len(self.latencies),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "reconnects": sum(client.reconnects for client in self.clients),
            "elapsed_s": round(elapsed, 3),
            "rps": round(len(self.latencies) / elapsed, 1) if elapsed else 0.0,
            "latency_ms": percentiles(self.latencies),
            "per_second": per_second(self.finished_at, elapsed),
            "client_cpu_s": round(cpu, 2),
            "acknowledged": sorted(self.acknowledged),
        }


def percentiles(values):
    if not values:
        return {}
    ordered = sorted(values)

    def at(fraction):
        # Nearest rank.
        return round(1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(1000 * ordered[-1], 1),
        "mean": round(1000 * sum(ordered) / len(ordered), 1),
    }


def per_second(finished_at, elapsed):
    """Successful requests finished in each whole second of the phase (the last, partial second
    left out), and the lowest and median of them: how steady the rate was."""
    whole = int(elapsed)
    buckets = [0] * whole
    for moment in finished_at:
        if int(moment) < whole:
            buckets[int(moment)] += 1
    ordered = sorted(buckets)
    return {
        "buckets": buckets,
        "min": ordered[0] if ordered else None,
        "median": ordered[len(ordered) // 2] if ordered else None,
    }


def main(argv):
    with open(argv[1], encoding="utf-8") as file:
        spec = json.load(file)
    if not ipaddress.ip_address(spec["host"]).is_loopback:
        raise SystemExit("the benchmark only loads a server on a loopback address")
    json.dump(Phase(spec).run(), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
