from django.utils.translation import gettext_lazy as _

from donations.kid import new_kid
from donations.models import DonationIntent
from donations.providers.base import Provider


class ManualProvider(Provider):
    """Bank transfer with a unique KID, or Vipps to the organisation's own number. The intent
    waits as pending until staff see the money and mark it paid."""

    name = "manual"
    label = _("Bank transfer or Vipps to our number")

    def is_enabled(self):
        return True

    def is_offered(self, details):
        # Without an account or a number there is nothing to tell the donor on the next page.
        return bool(details.bank_account or details.vipps_number)

    def label_for(self, details):
        if not details.vipps_number:
            return _("Bank transfer")
        if not details.bank_account:
            return _("Vipps to our number")
        return self.label

    def prepare(self, intent):
        intent.kid = new_kid()
        return DonationIntent.Status.PENDING
