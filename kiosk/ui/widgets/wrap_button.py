"""A push button whose text wraps onto as many lines as its width needs.

QPushButton draws one line and clips the rest, which at 200 % text (or in a long
translation) hides the end of an answer. ``WrapButton`` keeps the whole text, breaks it
into lines for its current width with QTextLayout (word boundaries, or anywhere for
Japanese and Chinese, which have no spaces), and gives QPushButton those lines joined by
newlines, so the style still draws the button, its states and colours. It reports a
height for each width, so layouts make it as tall as its text needs. ``text()`` returns
the unbroken text, which is also the accessible name.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from kiosk.ui.widgets.furigana_text import RubyHost, ruby_segments, set_ruby_colour

#: Left and right padding plus border of the kiosk's button style (theme.stylesheet).
H_PADDING = 44
V_PADDING = 20
SLACK = 6
MENU_INDICATOR = 24
#: A button never asks for more than this width before wrapping on its own.
MAX_NATURAL_WIDTH = 900


def _breaks_anywhere(char: str) -> bool:
    """Kana, kanji and Hangul: scripts whose lines may break between any two characters."""
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0x20000 <= code


class WrapButton(RubyHost, QPushButton):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._wrapped_for = -1
        self._ruby_on = False
        self.toggled.connect(self._colour_ruby)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
        self.setSizePolicy(policy)
        self.setText(text)

    # The whole text, not the broken lines.
    def text(self) -> str:  # type: ignore[override]
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        self._full = text
        self.setAccessibleName(text)
        self._wrapped_for = -1
        self.set_ruby(self._ruby_on)
        self._rewrap(self.width())
        self.updateGeometry()

    # -- furigana (やさしい日本語): a RubyLabel child draws the text instead ---------------

    def set_ruby(self, on: bool) -> None:
        self._ruby_on = on
        segments = ruby_segments(self._full) if on else None
        self._colour_ruby()
        if segments is None:
            if self.ruby_active():
                self._ruby.hide()  # type: ignore[union-attr]
                self._wrapped_for = -1
                self._rewrap(self.width())
                self.updateGeometry()
            return
        ruby = self._ruby_child()
        if ruby.segments() != segments or ruby.isHidden():
            ruby.setText(segments)
            ruby.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            ruby.show()
            QPushButton.setText(self, "")  # the child draws the text now
            self._colour_ruby()
            self._place_ruby()
            self.updateGeometry()

    def _ruby_rect(self) -> QRect:
        inner = self.rect().adjusted(H_PADDING // 2, 0, -(H_PADDING // 2), 0)
        height = min(self._ruby.heightForWidth(inner.width()), self.height()) if self._ruby else 0  # type: ignore[union-attr]
        return QRect(inner.left(), (self.height() - height) // 2, inner.width(), height)

    def _colour_ruby(self, *_: object) -> None:
        if self._ruby is None:
            return
        from kiosk.ui.theme import palette

        colours = palette(bool(self.window().property("highContrast")))
        if not self.isEnabled():
            colour = colours.disabled_ink
        elif self.isChecked() or self.property("role") == "primary":
            colour = colours.accent_ink
        else:
            colour = colours.ink
        set_ruby_colour(self._ruby, QColor(colour))

    def _padding(self) -> int:
        """Horizontal room the style takes: padding and border, and a menu's arrow."""
        return H_PADDING + (MENU_INDICATOR if self.menu() is not None else 0)

    def _lines(self, width: int) -> list[str]:
        room = max(1, width - self._padding())
        lines: list[str] = []
        for paragraph in self._full.split("\n"):
            layout = QTextLayout(paragraph, self.font())
            option = QTextOption()
            option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            layout.setTextOption(option)
            layout.beginLayout()
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(room)
                lines.append(paragraph[line.textStart() : line.textStart() + line.textLength()].strip())
            layout.endLayout()
        return lines or [""]

    def _rewrap(self, width: int) -> None:
        if width <= 0 or width == self._wrapped_for or self.ruby_active():
            return
        self._wrapped_for = width
        super().setText("\n".join(self._lines(width)))

    def setSizePolicy(self, *args) -> None:  # noqa: N802 (Qt name)
        policy = args[0] if len(args) == 1 else QSizePolicy(*args)
        policy.setHeightForWidth(True)
        super().setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        if self.ruby_active():
            text_height = self._ruby.heightForWidth(max(1, width - H_PADDING))  # type: ignore[union-attr]
        else:
            text_height = QFontMetrics(self.font()).lineSpacing() * len(self._lines(width))
        option = QStyleOptionButton()
        self.initStyleOption(option)
        # The style adds the padding and border, and applies the style sheet's min-height.
        styled = self.style().sizeFromContents(
            QStyle.ContentsType.CT_PushButton, option, QSize(max(1, width - H_PADDING), text_height), self
        ).height()
        return max(styled, text_height + V_PADDING, self.minimumHeight())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        metrics = QFontMetrics(self.font())
        natural = max((metrics.horizontalAdvance(line) for line in self._full.split("\n")), default=0)
        if self.ruby_active():
            natural = self._ruby.sizeHint().width()  # type: ignore[union-attr]
        # A few pixels of slack: text layout and font metrics round differently, and a
        # button given exactly its hint must not break its last word onto a new line.
        width = min(natural + self._padding() + SLACK, MAX_NATURAL_WIDTH)
        width = max(width, self.minimumWidth())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        metrics = QFontMetrics(self.font())
        words = self._full.split() or [self._full]
        widest = max(metrics.horizontalAdvance(word) for word in words)
        if self.ruby_active():
            widest = self._ruby.minimumSizeHint().width()  # type: ignore[union-attr]
        if any(_breaks_anywhere(char) for char in self._full):
            # Japanese, Chinese (and Korean, which has spaces anyway) may break between
            # any two characters: four of them are the narrowest sensible button.
            widest = min(widest, metrics.horizontalAdvance("あ" * 4))
        width = max(widest + self._padding() + SLACK, self.minimumWidth())
        return QSize(width, self.heightForWidth(width))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._rewrap(event.size().width())
        super().resizeEvent(event)
        self._place_ruby()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._wrapped_for = -1
            self._rewrap(self.width())
            self._place_ruby()
            self.updateGeometry()
        elif event.type() in (event.Type.EnabledChange, event.Type.StyleChange, event.Type.ParentChange):
            self._colour_ruby()
