"""Look and feel: fonts, colours, and the touch-target size, in one place.

Buttons are at least 15 mm tall (PRODUCT.md: elderly citizens, touch first). BIZ UDGothic
(BIZ UDPGothic, its proportional form) ships in assets/fonts; characters it lacks (e.g. 𠮷) fall back to a CJK system font
through QFont families. This module must not know about sessions or forms.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from kiosk.paths import fonts_dir

#: The proportional member of the BIZ UD Gothic family: the fixed-width one sets Latin
#: text like a typewriter, which is hard to read in English, Vietnamese or Portuguese.
UI_FAMILY = "BIZ UDPGothic"
#: Shipped with the kiosk (scripts/make_fallback_font.py): the ideographs BIZ UD lacks,
#: such as 𠮷, so names render the same on every PC whatever fonts it has.
SHIPPED_FALLBACK = "Kiosk CJK Fallback"
#: Shipped too: Nepali (नेपाली) is one of the kiosk's languages and BIZ UD has no Devanagari,
#: nor the stacked diacritics of Vietnamese (ế, ộ), which Noto Sans has.
DEVANAGARI = "Noto Sans Devanagari"
LATIN_EXTENDED = "Noto Sans"
#: Tried in order after BIZ UDGothic for glyphs it lacks (shipped, then Windows, then Linux names).
FALLBACK_FAMILIES = (
    SHIPPED_FALLBACK, LATIN_EXTENDED, DEVANAGARI, "Yu Gothic UI", "Meiryo", "Noto Sans CJK JP", "Noto Sans CJK SC",
)

MIN_TARGET_MM = 15.0

INK = "#1a1a1a"
PAPER = "#f7f5f0"
ACCENT = "#0b5cad"  # blue: primary actions
ACCENT_INK = "#ffffff"
CALM = "#e4ecf5"
WARN = "#b3261e"


@cache
def load_fonts() -> tuple[str, ...]:
    """Register the shipped fonts once; returns the family names Qt found."""
    families: list[str] = []
    for path in sorted([*fonts_dir().glob("*.ttf"), *fonts_dir().glob("*.otf")]):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return tuple(dict.fromkeys(families))


def ui_font(point_size: float = 20, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies([UI_FAMILY, *FALLBACK_FAMILIES])
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def min_target_px() -> int:
    """The smallest touch target in pixels: 15 mm on this screen (never under 60 px)."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
    return max(60, round(MIN_TARGET_MM / 25.4 * dpi))


def stylesheet(scale: float = 1.0) -> str:
    target = round(min_target_px() * max(scale, 1.0))
    return f"""
    QWidget#KioskRoot {{ background: {PAPER}; color: {INK}; }}
    QLabel {{ color: {INK}; }}
    QLabel[role="title"] {{ font-weight: bold; }}
    QLabel[role="problem"] {{ color: {WARN}; font-weight: bold; }}
    QPushButton {{
        min-height: {target}px; min-width: {target}px; padding: 6px 18px; border-radius: 12px;
        background: {CALM}; color: {INK}; border: 2px solid #8aa4c0;
    }}
    QPushButton:pressed {{ background: #c5d5e8; }}
    QPushButton:checked {{ background: {ACCENT}; color: {ACCENT_INK}; border-color: {ACCENT}; }}
    QPushButton[role="primary"] {{ background: {ACCENT}; color: {ACCENT_INK}; border-color: {ACCENT}; }}
    QPushButton[role="staff"] {{ background: #fff4d6; border-color: #c69500; }}
    QPushButton[role="key"] {{ min-height: {target}px; min-width: {target}px; padding: 2px; border-radius: 8px; }}
    QPushButton:disabled {{ color: #8a8a8a; background: #ececec; border-color: #c8c8c8; }}
    QLineEdit {{
        min-height: {target}px; padding: 4px 12px; border: 2px solid #5b6b7b; border-radius: 8px;
        background: white; color: {INK};
    }}
    QLineEdit:focus {{ border: 4px solid {ACCENT}; }}
    QProgressBar {{ border: 1px solid #8aa4c0; border-radius: 6px; background: white; height: 14px; }}
    QProgressBar::chunk {{ background: {ACCENT}; border-radius: 6px; }}
    QScrollArea {{ border: none; background: transparent; }}
    """
