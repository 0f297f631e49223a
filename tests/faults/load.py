"""Real load through the stack's load balancer, as visitors make it: threads that each keep one
keep-alive connection and a visitor's cookies, and sign the opprop, register for the event and
give by bank transfer, one new person per action; and a confirmer that reads the confirmation
e-mails from the maildir as they arrive and presses the button in each, as a signer does.

Every attempt is recorded with its time and outcome. An action counts as acknowledged only when
the site answered with its success redirect; anything else (an error page, a reset connection,
a timeout) is an error the client saw, and the action may or may not have been done."""

import dataclasses
import email
import email.policy
import http.client
import itertools
import mailbox
import re
import threading
import time
from collections import Counter
from urllib.parse import urlencode, urlsplit

from stack.processes import log_tail

SLUG = "stopp-stigma"
SIGN_PATH = f"/opprop/{SLUG}/signer/"
GIFT_FORM_PATH = "/gi-en-gave/"  # a page whose form carries a CSRF token
GIVE_PATH = "/gave/"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFIRM_RE = re.compile(r"https?://[^/\s]+(/opprop/[^/\s]+/bekreft/[^/\s]+/)")
EMAIL_DOMAIN = "faults.invalid"
REQUEST_TIMEOUT = 20
# Between one visitor's actions: a steady load the test machine carries beside the suite.
PAUSE_SECONDS = 0.02


@dataclasses.dataclass
class Attempt:
    kind: str
    email: str
    at: float
    status: object  # the HTTP status, or the name of the exception
    acknowledged: bool


class FormPageUnavailable(Exception):
    """The page with the form answered without one (an error page while a part is down)."""

    def __init__(self, path, status):
        super().__init__(f"no form token on {path} (HTTP {status})")
        self.status = status


class Visitor:
    """One browser: a keep-alive connection, its cookies and the address a CDN in front of the
    load balancer would report for it (NUM_PROXIES=2 in the fault tests' stack)."""

    def __init__(self, port, client_address, *, site_port=None, headers=None):
        self.port = port  # where it connects: the load balancer, or one instance directly
        self.site_port = site_port or port  # the site's address it believes it is on
        self.client_address = client_address
        self.extra_headers = dict(headers or {})
        self.conn = None
        self.conn_used = False
        self.cookies = {}

    def request(self, method, path, fields=None):
        """One request on the kept connection. As browsers do, a request on a reused keep-alive
        connection that the other side had closed before answering (its idle timeout) is sent
        once more on a new connection; the server never saw the first."""
        reused = self.conn is not None and self.conn_used
        try:
            return self._send(method, path, fields)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not reused:
                raise
            return self._send(method, path, fields)

    def _send(self, method, path, fields):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
            self.conn_used = False
        headers = {
            "Host": f"127.0.0.1:{self.site_port}",
            "X-Forwarded-For": self.client_address,
            **self.extra_headers,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(fields or {})
            origin = f"http://127.0.0.1:{self.site_port}"
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Sec-Fetch-Site": "same-origin",
                "Referer": origin + path,
            }
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except Exception:
            self.close()
            raise
        self.conn_used = True
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, response.getheader("Location", ""), content.decode(errors="replace")

    def csrf_token(self, path=GIFT_FORM_PATH):
        status, _, html = self.request("GET", path)
        match = TOKEN_RE.search(html)
        if status != 200 or not match:
            raise FormPageUnavailable(path, status)
        return match.group(1)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Load:
    """Visitors signing, registering and giving, and a confirmer, until stop()."""

    def __init__(self, stack, run, event_slug, *, visitors=4):
        self.stack = stack
        self.run = run
        self.event_slug = event_slug
        self.visitors = visitors
        self.attempts = []
        self.confirmed_links = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._numbers = itertools.count()
        self.started = None

    def email(self, kind, number):
        return f"{self.run}-{kind}-{number}@{EMAIL_DOMAIN}"

    def record(self, kind, email, status, acknowledged):
        with self._lock:
            self.attempts.append(Attempt(kind, email, time.monotonic(), status, acknowledged))

    def attempt(self, kind, email, call, success_path):
        """Run one action; acknowledged when the answer redirects to success_path."""
        try:
            status, location, _ = call()
        except FormPageUnavailable as error:
            self.record(kind, email, error.status, False)
            return False
        except Exception as error:  # noqa: BLE001 - what the visitor saw
            self.record(kind, email, type(error).__name__, False)
            return False
        acknowledged = status == 302 and urlsplit(location).path.startswith(success_path)
        self.record(kind, email, status, acknowledged)
        return acknowledged

    def visitor_loop(self, index):
        visitor = Visitor(self.stack.port, "")
        kinds = itertools.cycle(("sign", "sign", "register", "give"))
        while not self._stop.is_set():
            kind = next(kinds)
            number = next(self._numbers)
            # Each action is a new person, from their own address: the load must not run into
            # the rate limits that one person trying again and again would.
            visitor.client_address = self.person_address(number)
            getattr(self, kind)(visitor, self.email(kind, number))
            time.sleep(PAUSE_SECONDS)
        visitor.close()

    def person_address(self, number):
        run_octet = sum(map(ord, self.run)) % 250
        return f"10.{run_octet}.{number // 250 % 250}.{number % 250 + 1}"

    def sign(self, visitor, email):
        fields = {
            "full_name": "Feil Test",
            "email": email,
            "postal_code": "5003",
            "show_publicly": "",
            "comment": "",
            "consent": "on",
            "website": "",
        }
        self.attempt(
            "sign",
            email,
            lambda: visitor.request("POST", SIGN_PATH, fields),
            f"/opprop/{SLUG}/sjekk-e-posten/",
        )

    def _with_token(self, visitor, kind, email, path, fields, success_path):
        def call():
            return visitor.request(
                "POST", path, {**fields, "csrfmiddlewaretoken": visitor.csrf_token()}
            )

        self.attempt(kind, email, call, success_path)

    def register(self, visitor, email):
        fields = {
            "name": "Feil Deltaker",
            "email": email,
            "phone": "",
            "affiliation": "individual",
            "organisation": "",
            "seats": "1",
            "dietary_needs": "",
            "accessibility_needs": "",
            "consent": "on",
            "website": "",
        }
        path = f"/pamelding/{self.event_slug}/"
        self._with_token(
            visitor, "register", email, path + "meld-pa/", fields, path + "sjekk-e-posten/"
        )

    def give(self, visitor, email):
        fields = {
            "amount": "200",
            "other_amount": "",
            "frequency": "one_off",
            "donor_name": "Feil Giver",
            "donor_email": email,
            "message": "",
            "provider": "manual",
            "website": "",
        }
        self._with_token(visitor, "give", email, GIVE_PATH, fields, GIVE_PATH)

    def confirmer_loop(self):
        """Press «Bekreft» in every confirmation e-mail of this run as it arrives."""
        visitor = Visitor(self.stack.port, "")
        while not self._stop.wait(0.3):
            self.confirm_arrived(visitor)
        visitor.close()

    def confirm_arrived(self, visitor):
        for link in confirmation_links(self.stack.maildir, self.run) - self.confirmed_links:
            # The signer who got this e-mail, from their own address.
            visitor.client_address = self.person_address(next(self._numbers))

            def call(link=link):
                status, _, html = visitor.request("GET", link)
                match = TOKEN_RE.search(html)
                if status != 200 or not match:
                    return status, "", html
                return visitor.request("POST", link, {"csrfmiddlewaretoken": match.group(1)})

            if self.attempt("confirm", link, call, f"/opprop/{SLUG}/takk/"):
                self.confirmed_links.add(link)

    def start(self):
        self.started = time.monotonic()
        self._threads = [
            threading.Thread(target=self.visitor_loop, args=(i,), name=f"visitor-{i}")
            for i in range(self.visitors)
        ] + [threading.Thread(target=self.confirmer_loop, name="confirmer")]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT * 3)

    def finish_confirming(self, timeout=60):
        """After the load: confirm whatever confirmation e-mails are still unpressed."""
        visitor = Visitor(self.stack.port, "")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.confirm_arrived(visitor)
            if confirmation_links(self.stack.maildir, self.run) <= self.confirmed_links:
                break
            time.sleep(0.5)
        visitor.close()

    # --- What happened ----------------------------------------------------------------------

    def acknowledged(self, kind):
        return {a.email for a in self.attempts if a.kind == kind and a.acknowledged}

    def attempted(self, kind):
        return {a.email for a in self.attempts if a.kind == kind}

    def acknowledged_between(self, kind, start, end):
        return [
            a for a in self.attempts if a.kind == kind and a.acknowledged and start <= a.at < end
        ]

    def error_statuses(self):
        return {a.status for a in self.attempts if not a.acknowledged}

    def errors(self):
        return Counter(
            f"{a.kind} {a.status}" for a in self.attempts if not a.acknowledged
        ).most_common()

    def error_window(self, since):
        """Seconds after `since` (a time.monotonic()) until the last error the clients saw."""
        times = [a.at for a in self.attempts if not a.acknowledged and a.at >= since]
        return round(max(times) - since, 1) if times else 0.0

    def add_summary(self, numbers):
        """Add what the clients did and saw to the numbers of checks.outcome()."""
        for kind in ("sign", "confirm", "register", "give"):
            numbers[kind]["attempted"] = len(self.attempted(kind))
        numbers["errors_seen_by_clients"] = dict(self.errors())
        return numbers


def read_message(file):
    return email.message_from_binary_file(file, policy=email.policy.default)


def messages(maildir, run):
    """(recipient, subject, body) of every message of this run in the maildir."""
    found = []
    for message in mailbox.Maildir(maildir, factory=read_message, create=False):
        recipient = str(message["Delivered-To"] or "")
        if recipient.startswith(f"{run}-"):
            body = message.get_body(preferencelist=("plain",))
            found.append((recipient, str(message["Subject"]), body.get_content() if body else ""))
    return found


def confirmation_links(maildir, run):
    links = set()
    for _, _, body in messages(maildir, run):
        match = CONFIRM_RE.search(body)
        if match:
            links.add(match.group(1))
    return links


def logs_of(stack, names=("app-1", "app-2", "worker", "scheduler", "proxy")):
    return "\n".join(f"--- {name}\n{log_tail(stack.logs / f'{name}.log', 15)}" for name in names)
