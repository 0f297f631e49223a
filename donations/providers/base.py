class Provider:
    """What donations.services needs of a payment provider."""

    name = ""
    label = ""

    def is_enabled(self):
        raise NotImplementedError

    def start(self, intent):
        """Begin the payment of a newly created intent (in the transaction that created it):
        set what the provider needs on `intent` and return the status it moves to."""
        raise NotImplementedError
