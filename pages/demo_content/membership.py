"""The kinds of membership and the join page."""

from members.models import MembershipKind
from pages.demo_content.body import heading, text
from pages.demo_content.page_spec import PageSpec
from pages.demo_content.privacy import PRIVACY_CALL_TO_ACTION
from pages.models import MembershipPage

# The kinds of membership and fees are not in the seeds: made up for the demo, in the range
# Norwegian user organisations ask. The youth kind has an age limit, so the join form asks for
# the birth year.
MEMBERSHIP_KINDS = (
    {"name": "Ordinært medlem", "fee_kroner": 300, "sort_order": 1},
    {
        "name": "Redusert kontingent",
        "description": "For studenter, pensjonister og deg som lever av trygd.",
        "fee_kroner": 150,
        "sort_order": 2,
    },
    {
        "name": "Ungdomsmedlem",
        "description": "Til og med det året du fyller 25.",
        "fee_kroner": 100,
        "max_age": 25,
        "sort_order": 3,
    },
    {
        "name": "Husstandsmedlemskap",
        "description": "Alle som bor sammen, på én kontingent.",
        "fee_kroner": 450,
        "sort_order": 4,
    },
    {
        "name": "Støttemedlem",
        "description": "Du støtter arbeidet, men har ikke stemmerett på årsmøtet.",
        "fee_kroner": 200,
        "has_vote": False,
        "sort_order": 5,
    },
)

MEMBERSHIP = PageSpec(
    slug="bli-medlem",
    parent="",
    model=MembershipPage,
    title="Bli medlem",
    show_in_menus=True,
    search_description="Bli medlem i Spero foreningen, bruker- og interesseorganisasjonen i "
    "Bergen for alle som er berørt av rusavhengighet og psykiske lidelser.",
    listing_summary="Som medlem gir du organisasjonen en sterkere stemme.",
    intro="<p>Spero er en bruker- og interesseorganisasjon. Jo flere medlemmer vi har, jo "
    "tydeligere blir stemmen vår – og hvert betalende medlem teller når vi søker om tilskudd.</p>",
    body=(
        heading("Hva du gir oss"),
        text(
            "<p>Vi spør bare om det medlemsregisteret trenger: navn, e-post og postnummer, og "
            "telefon hvis du vil. Fødselsåret spør vi om bare for ungdomsmedlemskap. Du "
            "bekrefter på e-post og betaler kontingenten med Vipps eller bankoverføring.</p>"
        ),
        PRIVACY_CALL_TO_ACTION,
    ),
)


def ensure_membership_kinds(report):
    """The demo's kinds of membership, only when staff have set none."""
    if MembershipKind.objects.exists():
        report.found.append("membership kinds")
        return
    MembershipKind.objects.bulk_create(MembershipKind(**kind) for kind in MEMBERSHIP_KINDS)
    report.created.append(f"{len(MEMBERSHIP_KINDS)} membership kinds")
