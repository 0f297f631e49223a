"""A fake Vipps MobilePay on loopback, speaking the documented APIs the site uses, so that the
site's own HTTP client is tested as it runs in production:

- Access Token API: POST /accesstoken/get (client_id, client_secret, subscription key, MSN);
- ePayment API v1: create (Idempotency-Key, WEB_REDIRECT), get, capture (epayment.py);
- Recurring API v3: create agreement (with an initial charge), get agreement, create charge,
  get charge (recurring.py);
- Webhooks API v1: register (returns the secret) and list; webhooks signed as Vipps documents
  (x-ms-date, x-ms-content-sha256, HMAC-SHA256 over "POST\\npath\\ndate;host;hash")
  (webhooks.py);
- the donor's side: a landing page per payment and agreement where the donor approves or
  cancels, then is sent back to returnUrl / merchantRedirectUrl.

Every request, every answer and every webhook is validated against Vipps's published API
definitions (tests/vipps_openapi/, through tests/vipps_spec.py): a request they do not allow is
refused with 400, and whatever they find is kept in `violations`, which fails the test that used
the fake (the `fake_vipps` fixture). Beyond that the fake knows its tokens and credentials, and
answers a repeated Idempotency-Key with the first answer again, as Vipps does. Tests steer it
with the donor's actions (approve, abort, expire, accept_agreement, ...), with `delay` (an
answer that comes too late) and `fail_next` (5xx answers), and read `calls` to see what the
site asked.

Run on its own for trying the Vipps flow by hand with `make run`:
    .venv/bin/python -m tests.fake_vipps --port 8089
then start the site with VIPPS_API_URL=http://127.0.0.1:8089 and the printed credentials.
"""

from tests.fake_vipps.fake import _ROUTES, FakeVipps
from tests.fake_vipps.webhooks import sign

# _ROUTES too: tests/donations/test_vipps_definitions.py checks them against the definitions.
__all__ = ["_ROUTES", "FakeVipps", "sign"]
