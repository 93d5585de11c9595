"""The shipped fonts cover Japanese names, including characters BIZ UD lacks (𠮷)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

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
