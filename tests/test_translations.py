"""The Norwegian catalogue is complete, covers every string in the code, and is compiled."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["spero_site", "pages", "campaigns", "events", "donations", "privacy", "templates"]


def test_every_message_has_a_norwegian_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue if not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_catalogue_covers_every_string_in_the_code(tmp_path, monkeypatch):
    """Extract the strings again from a copy of the source, as `make messages` would, and
    compare with the committed catalogue."""
    for name in SOURCE_DIRS:
        shutil.copytree(Path(settings.BASE_DIR) / name, tmp_path / name)
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["nb"], no_location=True, verbosity=0)
    extracted = polib.pofile(str(tmp_path / "locale" / "nb" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    missing = [e.msgid for e in extracted if (e.msgctxt, e.msgid) not in committed]
    assert not missing, f"run `make messages` and translate: {missing}"


def test_compiled_catalogue_matches_the_po_file():
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))}
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        assert (entry.msgctxt, entry.msgid) in compiled, f"not compiled: {entry.msgid}"
        target = compiled[(entry.msgctxt, entry.msgid)]
        assert (target.msgstr, target.msgstr_plural) == (
            entry.msgstr,
            entry.msgstr_plural,
        ), f"stale translation of: {entry.msgid} (run `make messages`)"


@pytest.mark.parametrize(
    ("english", "norwegian"),
    [("Skip to content", "Hopp til innholdet"), ("Search", "Søk")],
)
def test_the_site_speaks_norwegian(english, norwegian):
    from django.utils import translation

    with translation.override("nb"):
        assert translation.gettext(english) == norwegian
