"""A whole flow with the keyboard alone: from the skip link to a registration for the full
conference, with the focus always visible on what it is on."""

import re

from django.core import mail


def focused(page):
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return {tag: el.tagName, id: el.id, name: el.getAttribute('name'),"
        " text: (el.innerText || '').trim(), href: el.getAttribute('href'),"
        " outline: getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth,"
        " shadow: getComputedStyle(el).boxShadow}; }"
    )


def tab_to(page, matches, limit=80):
    """Press Tab until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            visible = element["outline"] not in ("none 0px",) or element["shadow"] != "none"
            assert visible, f"no visible focus on {element}"
            return element
    raise AssertionError("never reached by Tab")


def test_registering_with_the_keyboard_alone(page, site):
    page.goto("/")
    skip = tab_to(page, lambda el: el["tag"] == "A")
    assert skip["href"] == "#main"
    page.keyboard.press("Enter")
    tab_to(page, lambda el: el["text"] == "Arrangementer" or el["href"] == "/arrangementer/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/arrangementer/")
    tab_to(page, lambda el: (el["href"] or "").endswith("/jubileumskonferanse/"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/jubileumskonferanse/")

    tab_to(page, lambda el: el["id"] == "id_name")
    page.keyboard.type("Per Hansen")
    tab_to(page, lambda el: el["id"] == "id_email")
    page.keyboard.type("per.tastatur@example.no")
    tab_to(page, lambda el: el["id"] == "id_consent")
    page.keyboard.press("Space")
    assert page.locator("#id_consent").is_checked()
    tab_to(page, lambda el: el["tag"] == "BUTTON" and "venteliste" in el["text"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/sjekk-e-posten/")
    [message] = [m for m in mail.outbox if m.to == ["per.tastatur@example.no"]]
    assert re.search(r"/pamelding/min/\S+", message.body)
