"""The checks that hold the site's Vipps client and the fake to Vipps's published API
definitions (tests/vipps_openapi/, tests/vipps_spec.py) can themselves fail: a request, an answer
or a webhook the definitions do not allow is found, and a test using the fake then fails."""

import re
import uuid

import pytest
from django.core.cache import cache

from donations.providers import vipps_api
from donations.providers.base import ProviderRefused
from tests import vipps_spec
from tests.fake_vipps import _ROUTES, FakeVipps


@pytest.fixture
def loose_fake(settings):
    """A fake whose findings the test reads itself (the fake_vipps fixture would fail it)."""
    fake = FakeVipps().start()
    for name, value in fake.site_settings().items():
        setattr(settings, name, value)
    cache.clear()
    yield fake
    fake.stop()


def create_payment(reference=None, **overrides):
    reference = reference or str(uuid.uuid4())
    body = {
        "amount": {"currency": "NOK", "value": 10_000},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "returnUrl": "https://spero.example.no/gave/retur/",
        "userFlow": "WEB_REDIRECT",
        "paymentDescription": "Gave til Spero",
        **overrides,
    }
    vipps_api.call("POST", "/epayment/v1/payments", json=body, idempotency_key=reference)
    return reference


def findings(fake):
    return [finding for *_, found in fake.violations for finding in found]


def test_every_definition_loads_with_its_errata_still_needed():
    for name in vipps_spec.DEFINITIONS.values():
        vipps_spec.definition(name)  # _load asserts each erratum's published value is there
    recurring = vipps_spec._load("recurring.v3.yaml")
    country = recurring["components"]["schemas"]["AgreementResponseV3"]["properties"]
    assert country["countryCode"]["enum"] == ["NO"]  # YAML 1.2: not False


def test_every_route_of_the_fake_is_an_operation_of_the_definitions():
    for method, pattern, _handler in _ROUTES:
        path = re.sub(r"\(\[\^/\]\+\)", "abc-123", pattern)
        found = vipps_spec.request_problems(method, path, {}, b"")
        assert found, (method, path)  # no headers: something is always missing
        assert not any(
            kind in line
            for line in found
            for kind in ("PathNotFound", "OperationNotFound", "ServerNotFound")
        ), (method, path, found)


def test_a_valid_exchange_leaves_nothing_to_find(db, loose_fake):
    reference = create_payment()
    vipps_api.call("GET", f"/epayment/v1/payments/{reference}")
    assert loose_fake.violations == []
    loose_fake.assert_as_published()


def test_a_request_without_a_required_header_is_refused_and_found(db, loose_fake):
    with pytest.raises(ProviderRefused) as refused:
        vipps_api.call(
            "POST",
            "/epayment/v1/payments",
            json={"amount": {"currency": "NOK", "value": 10_000}, "reference": "a" * 10},
        )
    assert refused.value.status_code == 400
    assert any("Idempotency-Key" in line for line in findings(loose_fake))
    with pytest.raises(AssertionError, match="Not as Vipps publishes it"):
        loose_fake.assert_as_published()


def test_a_reference_against_the_rules_is_refused_and_found(db, loose_fake):
    with pytest.raises(ProviderRefused):
        create_payment("kort")  # fewer than 8 characters
    with pytest.raises(ProviderRefused):
        create_payment(str(uuid.uuid4()), amount={"currency": "NOK", "value": "100.00"})
    assert len(loose_fake.violations) == 2
    assert all(what == "request" for what, *_ in loose_fake.violations)


def test_an_answer_the_definitions_do_not_allow_is_found(db, loose_fake, monkeypatch):
    reference = create_payment()
    published = FakeVipps._payment_body

    def drifted(self, reference):
        body = published(self, reference)
        del body["profile"]
        return {**body, "state": "PAID"}

    monkeypatch.setattr(FakeVipps, "_payment_body", drifted)
    vipps_api.call("GET", f"/epayment/v1/payments/{reference}")
    [(what, method, path, found)] = loose_fake.violations
    assert (what, method, path) == ("answer", "GET", f"/epayment/v1/payments/{reference}")
    assert any("'profile' is a required property" in line for line in found)
    assert any("'PAID' is not one of" in line for line in found)


def test_an_answer_with_an_undocumented_status_is_found_unless_the_gateway_gives_it():
    path = f"/epayment/v1/payments/{uuid.uuid4()}"
    problem = '{"title": "Not Found", "status": 404}'
    assert (
        vipps_spec.response_problems("GET", path, {}, b"", 404, problem, "application/problem+json")
        == []
    )
    assert vipps_spec.response_problems(
        "GET", path, {}, b"", 418, problem, "application/problem+json"
    )


def test_a_webhook_the_definitions_do_not_allow_is_found(loose_fake):
    url = "https://spero.example.no/gave/vipps/webhook/"
    payment = loose_fake.payment_event(
        str(uuid.uuid4()), "CAPTURED", amount={"currency": "NOK", "value": 100}
    )
    agreement = {
        "agreementId": "agr_abc",
        "eventType": "recurring.agreement-stopped.v1",
        "occurred": "2026-12-02T10:00:00Z",
        "actor": "USER",
    }
    loose_fake.signed(payment, url)
    loose_fake.signed(agreement, url)
    assert loose_fake.violations == []

    loose_fake.signed({**payment, "name": "epayments.payment.captured.v1"}, url)
    loose_fake.signed({**payment, "amount": {"currency": "NOK", "value": 1.5}}, url)
    loose_fake.signed({**agreement, "eventType": "recurring.agreement-accepted.v1"}, url)
    loose_fake.signed({**agreement, "chargeId": "chr-1"}, url)  # a charge event lacks amount
    assert [what for what, *_ in loose_fake.violations] == ["webhook"] * 4
    assert any("'amount' is a required property" in line for line in findings(loose_fake))
