"""Look and feel: fonts, colours, and the touch-target size, in one place.

Buttons are at least 15 mm tall (PRODUCT.md: elderly citizens, touch first). BIZ UDGothic
(BIZ UDPGothic, its proportional form) ships in assets/fonts; characters it lacks (e.g. 𠮷) fall back to a CJK system font
through QFont families. This module must not know about sessions or forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QWidget

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


@dataclass(frozen=True)
class Palette:
    ink: str
    paper: str
    accent: str
    accent_ink: str
    calm: str
    calm_border: str
    pressed: str
    warn: str
    staff: str
    staff_border: str
    field: str
    field_border: str
    disabled_ink: str
    disabled: str
    ok: str


NORMAL = Palette(
    ink=INK, paper=PAPER, accent=ACCENT, accent_ink=ACCENT_INK, calm=CALM, calm_border="#8aa4c0",
    pressed="#c5d5e8", warn=WARN, staff="#fff4d6", staff_border="#c69500", field="white",
    field_border="#5b6b7b", disabled_ink="#8a8a8a", disabled="#ececec", ok="#1b5e20",
)
#: White and yellow on black: over 15:1 for text (WCAG AAA asks 7:1), for low vision and
#: for a lobby screen in sunlight. Primary actions are yellow with black text.
HIGH_CONTRAST = Palette(
    ink="#ffffff", paper="#000000", accent="#ffd500", accent_ink="#000000", calm="#000000",
    calm_border="#ffffff", pressed="#333333", warn="#ff9e9e", staff="#000000", staff_border="#ffd500",
    field="#000000", field_border="#ffffff", disabled_ink="#b0b0b0", disabled="#1a1a1a", ok="#9effa0",
)


def palette(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else NORMAL


#: A widget with this property set keeps its designed sizes at every text scale: the
#: on-screen keyboard, whose keys are already 15 mm and hold one large character each.
NO_TEXT_SCALE = "kioskNoTextScale"
#: Dynamic properties that remember a widget's own font size before scaling.
_BASE_PT = "kioskBasePointSize"
_APPLIED_PT = "kioskAppliedPointSize"


def apply_text_scale(root: QWidget, factor: float) -> None:
    """Scale every explicitly set font under ``root`` to ``factor`` × its designed size.

    Screens set their fonts once (``ui_font(28)``) and build some widgets per question, so
    this runs after each frame: it remembers each widget's designed size the first time
    and re-derives from it, so applying it again never compounds. A font a screen sets
    anew (a different size than the one applied) becomes that widget's designed size.
    Widgets that inherit their font follow their parent's.
    """
    widgets = (root, *root.findChildren(QWidget))
    fixed = [widget for widget in widgets if widget.property(NO_TEXT_SCALE)]
    for widget in widgets:
        if not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            continue
        if any(holder is widget or holder.isAncestorOf(widget) for holder in fixed):
            continue
        font = widget.font()
        current = font.pointSizeF()
        if current <= 0:
            continue
        base = widget.property(_BASE_PT)
        applied = widget.property(_APPLIED_PT)
        if base is None or applied is None or abs(float(applied) - current) > 0.01:
            base = current
            widget.setProperty(_BASE_PT, base)
        target = round(float(base) * factor, 2)
        widget.setProperty(_APPLIED_PT, target)
        if abs(target - current) > 0.01:
            font.setPointSizeF(target)
            widget.setFont(font)


def stylesheet(scale: float = 1.0, high_contrast: bool = False) -> str:
    c = palette(high_contrast)
    key = min_target_px()  # keyboard keys: already large, never scaled (NO_TEXT_SCALE)
    target = round(key * max(scale, 1.0))
    border = 3 if high_contrast else 2
    return f"""
    QWidget#KioskRoot {{ background: {c.paper}; color: {c.ink}; }}
    QLabel {{ color: {c.ink}; }}
    QLabel[role="title"] {{ font-weight: bold; }}
    QLabel[role="problem"] {{ color: {c.warn}; font-weight: bold; }}
    QLabel[role="ok"] {{ color: {c.ok}; }}
    QPushButton {{
        min-height: {target}px; min-width: {target}px; padding: 6px 18px; border-radius: 12px;
        background: {c.calm}; color: {c.ink}; border: {border}px solid {c.calm_border};
    }}
    QPushButton:pressed {{ background: {c.pressed}; }}
    QPushButton:checked {{ background: {c.accent}; color: {c.accent_ink}; border-color: {c.accent}; }}
    QPushButton[role="primary"] {{ background: {c.accent}; color: {c.accent_ink}; border-color: {c.accent}; }}
    QPushButton[role="staff"] {{ background: {c.staff}; border-color: {c.staff_border}; }}
    QPushButton[role="key"] {{ min-height: {key}px; min-width: {key}px; padding: 2px; border-radius: 8px; }}
    QPushButton:disabled {{ color: {c.disabled_ink}; background: {c.disabled}; border-color: #c8c8c8; }}
    QLineEdit {{
        min-height: {target}px; padding: 4px 12px; border: {border}px solid {c.field_border}; border-radius: 8px;
        background: {c.field}; color: {c.ink};
    }}
    QLineEdit:focus {{ border: 4px solid {c.accent}; }}
    QProgressBar {{ border: 1px solid {c.calm_border}; border-radius: 6px; background: {c.field}; height: 14px; }}
    QProgressBar::chunk {{ background: {c.accent}; border-radius: 6px; }}
    QScrollArea {{ border: none; background: transparent; }}
    QScrollBar:vertical {{ width: {round(key * 0.6)}px; background: {c.field}; border: 1px solid {c.calm_border}; }}
    QScrollBar::handle:vertical {{ background: {c.calm_border}; min-height: 80px; border-radius: 6px; }}
    QMenu {{ background: {c.field}; color: {c.ink}; border: {border}px solid {c.calm_border}; }}
    QMenu::item:selected {{ background: {c.accent}; color: {c.accent_ink}; }}
    """
