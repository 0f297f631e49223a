"""What every part of the fake shares: a refusal in Vipps's terms, and Vipps's way of writing
the moment something happened."""

import datetime


class Problem(Exception):
    def __init__(self, status, title, detail=""):
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail


def now():
    return datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")
