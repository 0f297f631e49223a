import pytest

from tests.fake_vipps import FakeVipps


@pytest.fixture
def fake_vipps(settings):
    """A fake Vipps on loopback, with the site's VIPPS_* settings pointing at it."""
    fake = FakeVipps().start()
    for name, value in fake.site_settings().items():
        setattr(settings, name, value)
    settings.VIPPS_TIMEOUT_SECONDS = 5
    yield fake
    fake.stop()


@pytest.fixture
def recurring(settings, fake_vipps):
    settings.VIPPS_RECURRING_ENABLED = True
    return fake_vipps
