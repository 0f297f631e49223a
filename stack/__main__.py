"""`make stack`: the site as it is deployed, on loopback, until Ctrl-C.

.venv/bin/python -m stack [--port 8080] [--state-dir .stack]
"""

import argparse
import signal
import sys
import threading
from pathlib import Path

from stack.runner import Stack


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080, help="the load balancer's port")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(".stack"),
        help="database, media, keys, maildir and logs (kept between runs)",
    )
    parser.add_argument("--web-concurrency", type=int, default=2, help="gunicorn workers each")
    parser.add_argument(
        "--scheduler-interval", type=int, help="seconds per scheduler tick (default: 60)"
    )
    args = parser.parse_args(argv)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # SIGTERM as Ctrl-C: also while starting, when whatever has started is stopped again.
    signal.signal(signal.SIGTERM, interrupt)
    stack = Stack(
        args.state_dir,
        port=args.port,
        web_concurrency=args.web_concurrency,
        scheduler_interval=args.scheduler_interval,
        log=lambda line: print(f"[stack] {line}", flush=True),
    )
    try:
        stack.start()
    except KeyboardInterrupt:
        return 130
    try:
        if stack.admin_output.strip():
            print(stack.admin_output.strip(), flush=True)
        print(
            f"\nThe site: {stack.address}/  (admin: {stack.address}/admin/)\n"
            f"E-mail arrives in {stack.maildir}/new/; logs in {stack.logs}/\n"
            "Ctrl-C stops everything.",
            flush=True,
        )
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("[stack] Stopping", flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
