import pytest


@pytest.fixture
def recurring(settings, fake_vipps):
    settings.VIPPS_RECURRING_ENABLED = True
    return fake_vipps
