"""A real SMTP server on loopback that delivers every message it accepts to a maildir: the mail
server of `make stack` and of the fault tests, in place of the provider EMAIL_URL names in
production.

    python -m stack.smtp --port 2525 --maildir DIR [--mode-file FILE]

The mode file, read at every MAIL command, makes it misbehave the way a provider does:
  accept (or no file)  takes every message;
  refuse               answers MAIL with 451 (try again later), as a server over its limits;
  hang                 answers nothing to MAIL until the mode changes, as a stuck server.
Both faults come before the message is sent, so the client knows for certain that nothing was
delivered. (A server that stops after the message's final dot leaves the client not knowing:
RFC 1047. The site records a message as sent once the server has said 250.)
"""

import argparse
import asyncio
import mailbox
import signal
from pathlib import Path

from aiosmtpd.controller import Controller

HANG_POLL_SECONDS = 0.2


class MaildirHandler:
    def __init__(self, maildir, mode_file):
        self.maildir = mailbox.Maildir(maildir, create=True)
        self.mode_file = Path(mode_file) if mode_file else None

    def mode(self):
        if self.mode_file is None:
            return "accept"
        try:
            return self.mode_file.read_text().strip() or "accept"
        except FileNotFoundError:
            return "accept"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        while self.mode() == "hang":
            await asyncio.sleep(HANG_POLL_SECONDS)
        if self.mode() == "refuse":
            return "451 4.3.2 Service temporarily unavailable, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Delivered-To, as a mail delivery agent writes it: the envelope's recipients.
        head = "".join(f"Delivered-To: {rcpt}\r\n" for rcpt in envelope.rcpt_tos).encode()
        # Maildir writes into tmp/ and renames into new/: a reader never sees half a message.
        self.maildir.add(head + envelope.original_content)
        return "250 2.0.0 Message accepted for delivery"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--mode-file")
    args = parser.parse_args(argv)
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    # Blocked before the server's thread starts, so that only sigwait() below receives them.
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    controller = Controller(
        MaildirHandler(args.maildir, args.mode_file), hostname=args.host, port=args.port
    )
    controller.start()
    print(f"SMTP on {args.host}:{args.port}, delivering to {args.maildir}", flush=True)
    try:
        signal.sigwait(stop_signals)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
