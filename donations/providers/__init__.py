"""Payment providers behind one interface (base.Provider). `manual` (bank transfer with a KID,
or Vipps to the organisation's number) needs no credentials and is always on; others are on
when their credentials are in the environment."""

from donations.providers.manual import ManualProvider

PROVIDERS = {provider.name: provider for provider in (ManualProvider(),)}


def enabled_providers():
    return [provider for provider in PROVIDERS.values() if provider.is_enabled()]


def get_provider(name):
    """The enabled provider of this name; KeyError for an unknown or disabled one."""
    provider = PROVIDERS[name]
    if not provider.is_enabled():
        raise KeyError(name)
    return provider
