"""`python -m tests.fake_vipps`: the fake on its own, for trying the Vipps flow by hand."""

import argparse
import threading

from tests.fake_vipps import FakeVipps

parser = argparse.ArgumentParser(description="A fake Vipps MobilePay on loopback.")
parser.add_argument("--port", type=int, default=8089)
parser.add_argument("--webhooks", action="store_true", help="send webhooks when registered")
options = parser.parse_args()
fake = FakeVipps().start(options.port)
fake.send_webhooks = options.webhooks
for name, value in fake.site_settings().items():
    print(f"{name}={value}")
threading.Event().wait()
