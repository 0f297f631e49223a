from dataclasses import dataclass, field


class ProviderUnavailable(Exception):
    """The provider did not answer in time, or failed (5xx): nothing is known, ask again later
    with the same Idempotency-Key."""


class ProviderRefused(Exception):
    """The provider refused the request (4xx)."""

    def __init__(self, status_code, problem=None):
        super().__init__(status_code, problem)
        self.status_code = status_code
        self.problem = problem or {}


@dataclass(frozen=True)
class PaymentDetails:
    """The organisation's own ways to be paid, from its site settings: a bank account for
    transfers with a KID, and a Vipps number donors can pay to in their app."""

    bank_account: str = ""
    vipps_number: str = ""


@dataclass(frozen=True)
class Started:
    """A payment the provider has begun: where to send the donor, the provider's reference for
    it and, for a monthly gift, the reference of its first charge."""

    redirect_url: str
    reference: str
    first_charge_reference: str = ""


@dataclass(frozen=True)
class Outcome:
    """What the provider says of an intent, in the intent's own words: the status it should have
    (None: no news), whether money is reserved and must be captured, whether a monthly gift
    has ended, and what to keep of the provider's answer."""

    status: str | None = None
    authorized: bool = False
    ended: bool = False
    detail: dict = field(default_factory=dict)


class Provider:
    """What donations.services needs of a payment provider."""

    name = ""
    label = ""
    # Whether the donor leaves the site to pay (Vipps) or is shown how to pay (bank transfer).
    redirects = False

    def is_enabled(self):
        raise NotImplementedError

    def is_offered(self, details):
        """Whether donors can be offered this provider, given the organisation's PaymentDetails."""
        return self.is_enabled()

    def label_for(self, details):
        """The provider's name on the form's button."""
        return self.label

    def supports(self, frequency):
        return True

    def prepare(self, intent):
        """Set what the provider needs on a new `intent`, in the transaction that creates it, and
        return the status it starts in. Never calls out."""
        raise NotImplementedError

    def begin(self, intent):
        """After the intent is saved: start the payment with the provider and return Started,
        or None for a provider that needs nothing more. May raise ProviderUnavailable or
        ProviderRefused."""
        return None
