"""The fake's HTTP side: each request checked against the published definitions, handed to
FakeVipps (its `vipps`), and answered with the status, body and content type Vipps gives."""

import contextlib
import json
import re
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests import vipps_spec
from tests.fake_vipps.base import Problem


def _success_type(path):
    """The content type each API's definition gives its answers."""
    return (
        "application/json;charset=UTF-8" if path.startswith("/accesstoken/") else "application/json"
    )


def _problem_answer(path, problem):
    """A refusal in the shape and content type each API's definition gives it: RFC 7807 problem
    details, as application/problem+json in ePayment and Webhooks, as plain JSON in Recurring."""
    body = {
        "type": "https://developer.vippsmobilepay.com/docs/knowledge-base/errors",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail or problem.title,
        "instance": path,
    }
    if path.startswith("/recurring/"):
        body["contextId"] = str(uuid.uuid4())
        return "application/json;charset=UTF-8", json.dumps(body)
    body["traceId"] = str(uuid.uuid4())
    return "application/problem+json", json.dumps(body)


class RequestHandler(BaseHTTPRequestHandler):
    vipps = None
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _read(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status, content_type, text, location=None):
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(payload)

    def _landing(self, body=None):
        path = urlsplit(self.path).path
        match = re.fullmatch(r"/landing/(agreement/)?([^/]+)", path)
        if not match:
            return False
        kind = "agreement" if match.group(1) else "payment"
        choice = None
        if body is not None:
            choice = (parse_qs(body.decode()).get("choice") or ["cancel"])[0]
        self._reply(*self.vipps.landing(kind, match.group(2), choice))
        return True

    def _api(self, method, raw):
        vipps = self.vipps
        if vipps.delay and not vipps.delay_after_processing:
            time.sleep(vipps.delay)
        headers = {key.lower(): value for key, value in self.headers.items()}
        path = urlsplit(self.path).path
        try:
            wrong = vipps.check(
                "request", method, path, vipps_spec.request_problems(method, path, headers, raw)
            )
            if wrong:
                # As Vipps would: a request its definition does not allow is refused.
                raise Problem(400, "Bad Request", "; ".join(wrong)[:1000])
            body = json.loads(raw) if raw else {}
            status, answer = vipps.handle(method, path, headers, body)
            content_type = _success_type(path)
            text = json.dumps(answer)
        except Problem as problem:
            status = problem.status
            content_type, text = _problem_answer(path, problem)
        except ValueError:
            status, (content_type, text) = 400, _problem_answer(path, Problem(400, "Invalid JSON"))
        vipps.check(
            "answer",
            method,
            path,
            vipps_spec.response_problems(method, path, headers, raw, status, text, content_type),
        )
        if vipps.delay and vipps.delay_after_processing:
            time.sleep(vipps.delay)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._reply(status, content_type, text)  # unless the site gave up waiting

    def _serve(self, method, raw):
        """Vipps's pages for the donor, or one of its APIs; nothing else is here."""
        if self._landing(raw if method == "POST" else None):
            return
        if vipps_spec.definition_for(urlsplit(self.path).path) is None:
            self._reply(404, "text/plain", "Not found")
        else:
            self._api(method, raw)

    def do_GET(self):  # noqa: N802 - the base class's name
        self._serve("GET", b"")

    def do_POST(self):  # noqa: N802 - the base class's name
        self._serve("POST", self._read())
