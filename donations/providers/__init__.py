"""Payment providers behind one interface (base.Provider). `manual` (bank transfer with a KID,
or Vipps to the organisation's number) needs no credentials and is offered when the
organisation's settings give an account or a number; `vipps` is on when its credentials are in
the environment (docs/donations.md)."""

from donations.providers.manual import ManualProvider
from donations.providers.vipps import VippsProvider

PROVIDERS = {provider.name: provider for provider in (VippsProvider(), ManualProvider())}


def offered_providers(details):
    """The providers a donor can choose, given the organisation's PaymentDetails."""
    return [provider for provider in PROVIDERS.values() if provider.is_offered(details)]


def get_provider(name):
    """The enabled provider of this name; KeyError for an unknown or disabled one."""
    provider = PROVIDERS[name]
    if not provider.is_enabled():
        raise KeyError(name)
    return provider
