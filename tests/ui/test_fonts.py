"""The shipped fonts cover Japanese names, including characters BIZ UD lacks (𠮷)."""

from __future__ import annotations

import unicodedata

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QRawFont

from kiosk.config import ALL_LANGUAGES
from kiosk.ui.theme import FALLBACK_FAMILIES, SHIPPED_FALLBACK, UI_FAMILY, load_fonts

RARE_NAME_CHARACTERS = "𠮷髙﨑𩸽"


def test_shipped_fonts_cover_rare_name_characters(qapp) -> None:
    """BIZ UD PGothic plus the shipped fallback have a glyph for 𠮷, 髙, 﨑 and 𩸽, with no system font."""
    families = load_fonts()
    assert UI_FAMILY in families and SHIPPED_FALLBACK in families
    assert FALLBACK_FAMILIES[0] == SHIPPED_FALLBACK
    main, fallback = QRawFont.fromFont(QFont(UI_FAMILY)), QRawFont.fromFont(QFont(SHIPPED_FALLBACK))
    assert not main.supportsCharacter(0x20BB7)  # the reason the fallback exists
    for char in RARE_NAME_CHARACTERS:
        assert main.supportsCharacter(ord(char)) or fallback.supportsCharacter(ord(char)), char
    assert QFontDatabase.families()  # the database is alive (offscreen platform)


def test_shipped_fonts_cover_every_language_name(qapp) -> None:
    """Each language's own name on the language screen has glyphs in the shipped fonts (no tofu)."""
    from kiosk.core.i18n import NATIVE_NAMES
    from kiosk.ui.theme import DEVANAGARI, LATIN_EXTENDED

    families = load_fonts()
    shipped = (UI_FAMILY, SHIPPED_FALLBACK, LATIN_EXTENDED, DEVANAGARI)
    assert set(shipped) <= set(families)
    raws = [QRawFont.fromFont(QFont(family)) for family in shipped]
    for language, name in NATIVE_NAMES.items():
        for char in name.replace(" ", ""):
            assert any(raw.supportsCharacter(ord(char)) for raw in raws), (language, char)


def _strings_of(language: str) -> list[str]:
    """Everything a citizen can be shown in ``language``: catalogue and form texts."""
    from babel.messages.pofile import read_po

    from kiosk.config import load_config
    from kiosk.core.forms import load_catalog
    from kiosk.core.i18n import (
        DOMAIN,
        NATIVE_NAMES,
        STAFF_DOMAIN,
        Translator,
        catalogue_dir_name,
    )
    from kiosk.paths import forms_dir, locales_dir

    strings: list[str] = list(NATIVE_NAMES.values())
    domains = (DOMAIN, STAFF_DOMAIN) if language == "ja" else (DOMAIN,)
    for domain in domains:
        path = locales_dir() / catalogue_dir_name(language) / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as handle:
            strings += [str(m.string) for m in read_po(handle, locale=None) if m.id]
    config = load_config(forms_dir() / "absent.toml", env={})
    catalog = load_catalog(forms_dir(), [c.id for c in config.counters])
    tr = Translator(language)
    strings += [tr.text(config.site_name)] + [tr.text(c.name) for c in config.counters]

    def field_texts(field) -> None:
        for text in (field.label, field.help, getattr(field, "count_label", None)):
            if text:
                strings.append(tr.text(text))
        for choice in field.choices:
            strings.append(tr.text(choice.label))
        for member in field.fields:
            field_texts(member)

    for form in catalog.forms.values():
        strings.append(tr.text(form.title))
        strings += [tr.text(document.text) for document in form.documents]
        strings += [tr.text(fee.label) for fee in form.fees]
        for field in form.fields:
            field_texts(field)
    for fact in catalog.facts.values():
        field_texts(fact)
    for event in catalog.events.values():
        strings += [tr.text(event.title)] + ([tr.text(event.description)] if event.description else [])
        for question in event.questions:
            field_texts(question)
    return strings


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_every_string_of_every_language_has_a_glyph(qapp, language: str) -> None:
    """No character a citizen can be shown falls outside the shipped fonts (no tofu boxes)."""
    from kiosk.ui.theme import DEVANAGARI, LATIN_EXTENDED

    load_fonts()
    raws = [QRawFont.fromFont(QFont(family)) for family in (UI_FAMILY, SHIPPED_FALLBACK, LATIN_EXTENDED, DEVANAGARI)]
    missing: dict[str, str] = {}
    for text in _strings_of(language):
        for char in text:
            if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
                continue  # spaces and invisible format characters draw nothing
            if not any(raw.supportsCharacter(ord(char)) for raw in raws):
                missing.setdefault(char, text[:60])
    assert not missing, {f"U+{ord(c):04X} {c}": where for c, where in missing.items()}


def test_the_glyph_check_can_fail(qapp) -> None:
    """The check above really looks: a character outside every shipped font is reported."""
    from kiosk.ui.theme import DEVANAGARI, LATIN_EXTENDED

    load_fonts()
    raws = [QRawFont.fromFont(QFont(family)) for family in (UI_FAMILY, SHIPPED_FALLBACK, LATIN_EXTENDED, DEVANAGARI)]
    assert not any(raw.supportsCharacter(0x1F600) for raw in raws)  # 😀: no colour emoji shipped
    assert any(raw.supportsCharacter(ord("ệ")) for raw in raws)
