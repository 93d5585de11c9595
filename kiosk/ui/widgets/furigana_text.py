"""Furigana on every kanji of the やさしい日本語 screens, without each screen knowing.

Screens set plain text on ``FuriganaLabel`` (a QLabel) and ``WrapButton``. When the
citizen reads やさしい日本語, ``MainWindow`` runs ``apply_furigana`` over the window after
each frame: every such label or button whose text has kanji gets a ``RubyLabel`` child
that draws the same text with readings above the kanji, and the widget's own drawing of
the text steps aside; sizes follow the ruby text, so nothing is clipped. In every other
language the children are hidden again. ``text()`` stays the plain text throughout.

Readings come from the morphological analyser at run time (kiosk.core.furigana:
SudachiPy plus the override table), cached per text, so a text is analysed once per
kiosk run (a few milliseconds); the fixed catalogue strings need no precomputed readings
and a city's own form texts get furigana without any extra step (docs/decisions/005).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.core.furigana import FuriganaError, Segment, annotate, has_kanji
from kiosk.ui.widgets.ruby_label import RubyLabel

log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def ruby_segments(text: str) -> tuple[Segment, ...] | None:
    """The text's segments with readings, or None when it has no kanji (or no analyser)."""
    if not has_kanji(text):
        return None
    try:
        segments = annotate(text)
    except FuriganaError as exc:  # the analyser is missing: plain text, logged once
        log.warning("furigana unavailable: %s", exc.code)
        return None
    return segments if any(segment.reading for segment in segments) else None


class RubyHost:
    """Mixin: a widget that can hand its text to a RubyLabel child."""

    _ruby: RubyLabel | None = None

    def ruby_active(self) -> bool:
        return self._ruby is not None and not self._ruby.isHidden()

    def _ruby_child(self) -> RubyLabel:
        if self._ruby is None:
            self._ruby = RubyLabel((), self)  # type: ignore[arg-type]
            self._ruby.setObjectName("ruby")
            # It takes its host's (already scaled) font; scaling it again would double it.
            from kiosk.ui.theme import NO_TEXT_SCALE

            self._ruby.setProperty(NO_TEXT_SCALE, True)
            self._ruby.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self._ruby.hide()
        return self._ruby

    def _place_ruby(self) -> None:
        if self._ruby is not None:
            self._ruby.setFont(self.font())  # type: ignore[attr-defined]
            self._ruby.setGeometry(self._ruby_rect())

    def _ruby_rect(self):  # the area the text is drawn in
        return self.contentsRect()  # type: ignore[attr-defined]


class FuriganaLabel(RubyHost, QLabel):
    """A QLabel that shows furigana over its kanji when ``set_ruby(True)`` is in force."""

    _ruby_on = False

    def set_ruby(self, on: bool) -> None:
        self._ruby_on = on
        segments = ruby_segments(self.text()) if on and self.textFormat() != Qt.TextFormat.RichText else None
        if segments is None:
            if self.ruby_active():
                self._ruby.hide()  # type: ignore[union-attr]
                self.updateGeometry()
                self.update()
            return
        ruby = self._ruby_child()
        ruby.setColour(label_colour(self))  # each pass: the theme or role may have changed
        if ruby.segments() != segments or ruby.isHidden():
            ruby.setText(segments)
            ruby.setAlignment(self.alignment())
            ruby.show()
            self._place_ruby()
            self.updateGeometry()
            self.update()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        if self.ruby_active():
            self._ruby.hide()  # type: ignore[union-attr]
            self.updateGeometry()
        if self._ruby_on:
            # Text set between frames (a refused answer's message) gets its readings now.
            self.set_ruby(True)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self.ruby_active():
            super().paintEvent(event)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True if self.ruby_active() else super().hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        if self.ruby_active():
            margins = self.contentsMargins()
            inner = width - margins.left() - margins.right()
            return self._ruby.heightForWidth(inner) + margins.top() + margins.bottom()  # type: ignore[union-attr]
        return super().heightForWidth(width)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        if self.ruby_active():
            margins = self.contentsMargins()
            hint = self._ruby.sizeHint()  # type: ignore[union-attr]
            return QSize(hint.width() + margins.left() + margins.right(), hint.height() + margins.top() + margins.bottom())
        return super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        if self.ruby_active():
            # As tall as the text needs at the current width: a squeezed layout must not
            # cut off the second line of ruby text (a QLabel's own wrapping does the same).
            width = self.width() if self.width() > 0 else self.sizeHint().width()
            return QSize(self._ruby.minimumSizeHint().width(), self.heightForWidth(width))  # type: ignore[union-attr]
        return super().minimumSizeHint()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._place_ruby()
        if self.ruby_active() and event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the minimum height depends on the width

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._place_ruby()


def apply_furigana(root: QWidget, on: bool) -> None:
    """Turn furigana on (やさしい日本語) or off for every label and button under ``root``."""
    from kiosk.ui.widgets.wrap_button import WrapButton

    for widget in root.findChildren(QWidget):
        if isinstance(widget, (FuriganaLabel, WrapButton)):
            widget.set_ruby(on)


def set_ruby_colour(ruby: RubyLabel, colour: QColor) -> None:
    ruby.setColour(colour)


def label_colour(label: QWidget) -> QColor:
    """The text colour the theme gives this label (its role, normal or high contrast)."""
    from kiosk.ui.theme import palette

    colours = palette(bool(label.window().property("highContrast")))
    role = label.property("role")
    return QColor(colours.warn if role == "problem" else colours.ok if role == "ok" else colours.ink)
