"""The events page and the jubilee conference: its event, made-up registrations and page."""

import datetime
import zoneinfo

from events.models import Event, Registration
from pages.demo_content.body import call_to_action, heading, text
from pages.demo_content.page_spec import PageSpec
from pages.demo_content.references import EventRef
from pages.models import ConferencePage, EventIndexPage

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


# The conference the seed describes: Selvhjelp Norge's jubilee in Oslo on 18 October, fully
# booked before the deadline. The seed's year has passed; the demo takes the next 18 October, so
# that its registration and waiting list can be tried. Seats, times and the deadline are ours.
EVENT = {
    "slug": "jubileumskonferanse",
    "title": "Selvhjelp Norge 10 år – jubileumskonferanse",
    "organiser": "Selvhjelp Norge",
    "starts_at": datetime.datetime(2027, 10, 18, 9, 30, tzinfo=OSLO),
    "ends_at": datetime.datetime(2027, 10, 18, 16, 0, tzinfo=OSLO),
    "venue": "Oslo",
    "capacity": 150,
    "registration_opens_at": datetime.datetime(2026, 9, 1, 9, 0, tzinfo=OSLO),
    "registration_closes_at": datetime.datetime(2027, 10, 1, 23, 59, tzinfo=OSLO),
    "waiting_list": True,
    "offer_hold_hours": 48,
    "max_seats_per_registration": 4,
    "consent_text": "Jeg samtykker i at Spero foreningen lagrer opplysningene mine for å "
    "administrere påmeldingen, slik personvernerklæringen beskriver, og at de slettes 90 dager "
    "etter konferansen. Jeg kan melde meg av når som helst.",
}
DEMO_WAITING = 3
DEMO_ORGANISATIONS = {
    "municipality": "Bergen kommune",
    "voluntary": "Selvhjelp Norge",
    "community": "Frivilligsentralen i Åsane",
}


EVENTS = PageSpec(
    slug="arrangementer",
    parent="",
    model=EventIndexPage,
    title="Arrangementer",
    show_in_menus=True,
    search_description="Konferanser og arrangementer om rus, psykisk helse og selvhjelp som "
    "Spero foreningen vil tipse deg om.",
    listing_summary="Konferanser og arrangementer om rus, psykisk helse og selvhjelp.",
    intro="<p>Her finner du konferanser og andre arrangementer som vi arrangerer selv eller vil "
    "tipse deg om.</p>",
)

CONFERENCE_CONTACT = (
    'send en e-post til <a href="mailto:post@selvhjelp.no">post@selvhjelp.no</a> eller '
    "ring 23 33 19 00"
)

CONFERENCE = PageSpec(
    slug="jubileumskonferanse",
    parent="arrangementer",
    model=ConferencePage,
    title="Selvhjelp Norge 10 år – jubileumskonferanse",
    fields={"event": EventRef("jubileumskonferanse")},
    search_description="Selvhjelp Norge markerer 10 år med jubileumskonferanse i Oslo 18. "
    "oktober. Konferansen er fulltegnet, men du kan sette deg på venteliste.",
    listing_summary="Jubileumskonferanse i Oslo 18. oktober. Fulltegnet – du kan sette deg på "
    "venteliste.",
    intro="<p>Selvhjelp Norge har vært nasjonalt kompetansesenter for selvorganisert selvhjelp "
    "i ti år. Jubileet markeres med en konferanse i Oslo 18. oktober, der de ser tilbake på det "
    "som er gjort, og fram mot det som kommer.</p>",
    body=(
        heading("Fulltegnet – men det finnes en venteliste"),
        text(
            "<p>Interessen har vært stor, og konferansen ble fulltegnet før påmeldingsfristen. "
            "Vil du likevel være med, kan du sette deg på ventelisten med skjemaet nederst på "
            "siden. Blir en plass ledig, får du tilbud om den på e-post.</p>"
            f"<p>Spørsmål om konferansen? Du kan {CONFERENCE_CONTACT}.</p>"
        ),
        heading("Ti år med selvhjelp"),
        text(
            "<p>Helsedirektoratet har gitt Selvhjelp Norge i oppdrag å spre kunnskap om "
            "selvorganisert selvhjelp. Målet er at alle skal kjenne til selvhjelp, slik at de "
            "kan ta det i bruk i sitt eget liv når de trenger det.</p>"
            "<p>I løpet av de ti årene er det opprettet 7 distriktskontorer. De gjør det lettere "
            "å nå ut til enda flere.</p>"
        ),
        heading("Unge og eldre i fokus"),
        text(
            "<p>I år legger Selvhjelp Norge særlig vekt på å nå unge (16–30 år) og eldre (65 år "
            "og over). De lager brosjyrer for begge gruppene og oppsøker stedene der de er.</p>"
            "<p>Like viktig er det at tjenesteytere og beslutningstakere i kommunene kjenner til "
            "selvhjelp, slik at de kan fortelle om det til dem de møter i arbeidet sitt.</p>"
        ),
        heading("Hvem kommer?"),
        text(
            "<p>Deltakerne kommer fra hele landet. Noen kommer på egne vegne, andre for "
            "kommuner, frivillige organisasjoner og lokalsamfunn.</p>"
            "<p>Den store interessen viser at selvhjelp er et viktig supplement til det "
            "forebyggende og rehabiliterende arbeidet som finnes fra før.</p>"
        ),
        call_to_action(
            "Selvhjelp der du bor",
            "Distriktskontoret nærmest deg kan fortelle mer og samarbeide om selvhjelp lokalt. "
            "På selvhjelp.no finner du også arrangementer rundt i landet.",
            "Gå til selvhjelp.no",
            url="https://selvhjelp.no/",
        ),
    ),
)


def ensure_event(report):
    """The demo conference, fully booked as in the seed, with a short waiting list; created
    with its registrations only when no event has its slug."""
    event, created = Event.objects.get_or_create(slug=EVENT["slug"], defaults=EVENT)
    (report.created if created else report.found).append(f"event «{event.title}»")
    if created:
        Registration.objects.bulk_create(demo_registrations(event))
    return event


def demo_registrations(event):
    """Made-up participants (addresses at example.org, which takes no mail) that fill the
    seats, some of them for two, then a waiting list: for trying the admin, its exports and the
    waiting list."""
    seats_left, number = event.capacity, 0
    while seats_left:
        number += 1
        seats = min(2 if number % 6 == 0 else 1, seats_left)
        yield demo_registration(event, number, Registration.Status.CONFIRMED, seats)
        seats_left -= seats
    for waiting in range(number + 1, number + 1 + DEMO_WAITING):
        yield demo_registration(event, waiting, Registration.Status.WAITING, 1)


def demo_registration(event, number, status, seats):
    affiliation = list(Registration.Affiliation)[number % len(Registration.Affiliation)]
    when = event.registration_opens_at + datetime.timedelta(hours=5 * number)
    email = f"deltaker{number:03d}@example.org"
    return Registration(
        event=event,
        status=status,
        name=f"Deltaker {number:03d}",
        email=email,
        email_normalized=email,
        affiliation=affiliation,
        organisation=DEMO_ORGANISATIONS.get(affiliation, ""),
        seats=seats,
        consent_version=event.consent_version,
        consented_at=when,
        created_at=when,
        confirmed_at=when if status == Registration.Status.CONFIRMED else None,
    )
