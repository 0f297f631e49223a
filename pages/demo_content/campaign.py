"""The Stopp stigma campaign page and the opprop it shows."""

from campaigns.models import Petition
from pages.demo_content.body import heading, text
from pages.demo_content.page_spec import PageSpec
from pages.demo_content.references import PetitionRef
from pages.models import CampaignPage

# The #StigmaEndsWithMe opprop the campaign page shows. The seeds give no goal; 1 000 is ours.
PETITION = {
    "slug": "stopp-stigma",
    "title": "Opprop: Stopp stigma",
    "text": "<p>Vi som skriver under, ber om at personer med rusavhengighet og psykiske lidelser "
    "blir møtt med hjelp og respekt – ikke med straff og avvisning.</p>"
    "<p>Ingen velger å bli avhengig eller å få en psykisk lidelse, og ingen skal være redd for "
    "å søke hjelp. Vi ber politikere, hjelpeapparatet og hver og en av oss om å gjøre noe med "
    "stigmaet. Det starter med meg.</p>",
    "goal": 1000,
    "show_signers": True,
    "consent_text": "Jeg samtykker i at Spero foreningen lagrer navnet, e-postadressen og "
    "postnummeret mitt for dette oppropet, slik personvernerklæringen beskriver. Jeg kan trekke "
    "signaturen tilbake når som helst.",
    "hashtag": "#StigmaEndsWithMe",
    "share_text": "Jeg har skrevet under på oppropet mot stigma. Bli med du også!",
}


CAMPAIGN = PageSpec(
    slug="stopp-stigma",
    parent="",
    model=CampaignPage,
    title="Stopp stigma",
    show_in_menus=True,
    fields={"hashtag": "#StigmaEndsWithMe", "petition": PetitionRef("stopp-stigma")},
    search_description="Bli med i kampanjen #StigmaEndsWithMe og skriv under på oppropet mot "
    "stigma knyttet til rus og psykisk helse.",
    listing_summary="Skriv under på oppropet og del bildene dine med #StigmaEndsWithMe.",
    intro="<p>Stigma rundt psykisk sykdom og rusbruk gjør at både unge og voksne lar være å "
    "søke behandling. Det vil vi endre.</p>",
    body=(
        heading("Ingen velger det"),
        text(
            "<p>Ingen velger å være ensom. Ingen velger sin seksuelle legning. Ingen velger å "
            "bli avhengig eller å få en psykisk lidelse.</p>"
            "<p>Ingen fortjener å bli avvist når de trenger hjelp, og ingen skal være redd for "
            "å be om den.</p>"
        ),
        heading("Hjelp i stedet for straff"),
        text(
            "<p>Helseminister Bent Høie har sagt at han vil bekjempe stigma ved å snakke med "
            "personer med rusavhengighet, de som står dem nær, og familiene deres.</p>"
            "<p>Når samfunnet straffer i stedet for å hjelpe, blir stigmaet sterkere. Vi mener "
            "at møtet med personer med rusavhengighet må bygge på hjelp og respekt.</p>"
        ),
        heading("Skriv under på oppropet"),
        text(
            "<p>Med navnet ditt på oppropet viser du at du står sammen med oss mot stigma. Jo "
            "flere vi er, desto tydeligere blir budskapet.</p>"
        ),
        heading("Del kampanjen"),
        text(
            "<p>Merk bildene dine med <b>#StigmaEndsWithMe</b>, og fortell gjerne hvorfor "
            "stigma må ta slutt. Takk for at du støtter kampanjen og hjelper oss å spre "
            "den!</p>"
        ),
    ),
)


def ensure_petition(report):
    """The demo opprop; created only when no petition has its slug."""
    petition, created = Petition.objects.get_or_create(slug=PETITION["slug"], defaults=PETITION)
    (report.created if created else report.found).append(f"petition «{petition.title}»")
    return petition
