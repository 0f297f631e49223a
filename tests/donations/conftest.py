import pytest

# The donation page and a valid gift's form, for every test here that gives.
from tests.donations.test_giving import donation_page, gift  # noqa: F401 - fixtures


@pytest.fixture
def recurring(settings, fake_vipps):
    settings.VIPPS_RECURRING_ENABLED = True
    return fake_vipps
