import re

from django.core import mail
from django.urls import reverse

from members.models import MembershipKind

CONFIRM_LINK = re.compile(r"http://[^/\s]+(/medlem/bekreft/[^\s/]+/)")
MEMBER_LINK = re.compile(r"http://[^/\s]+(/medlem/[^\s/]+/)")


def kind(name="Ordinært medlem", fee_kroner=300, **fields):
    return MembershipKind.objects.create(name=name, fee_kroner=fee_kroner, **fields)


def join_data(chosen, **overrides):
    data = {
        "kind": str(chosen.pk),
        "name": "Kari  Nordmann",
        "email": "Kari.Nordmann@Example.no",
        "phone": "",
        "postal_code": "5003",
        "consent": "on",
    }
    return {**data, **overrides}


def join(client, chosen, **overrides):
    return client.post(reverse("join_membership"), join_data(chosen, **overrides))


def link_in(message, pattern=CONFIRM_LINK):
    return pattern.search(message.body).group(1)


def last_mail_to(address):
    return [message for message in mail.outbox if message.to == [address]][-1]


def member_of(url):
    """The membership whose key an address of a member's page holds (/medlem/<key>/...). Keys
    carry the time they were made, so two made a second apart differ: compare what they open."""
    from members import services

    return services.membership_for(url.split("/medlem/", 1)[1].split("/", 1)[0])
