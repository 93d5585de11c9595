"""RubyLabel: a label that draws furigana (ruby) above the kanji of やさしい日本語 text.

Qt's rich text has no ``<ruby>`` (tech.md §5.3), so this widget lays out the segments of
``kiosk.core.furigana.annotate`` itself: each reading is drawn at half the base size,
centred over its base, and lines wrap between segments (never inside one word such as
届|け, never before 。 or ）). Its height follows its width (heightForWidth), and it grows
rather than elide or clip: a citizen must always see the whole sentence. It only paints;
it must not call the analyser (the caller annotates, once, off the paint path).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.core.furigana import Segment, plain_text, plain_with_readings

RUBY_SCALE = 0.5
# Gap between the ruby band and the base glyphs, as a fraction of the ruby height, so
# ruby never touches tall kanji.
_RUBY_GAP = 0.1
# Characters that must not start a line (JIS X 4051 line-start prohibition, common subset)
# and ones that must not end a line; they stick to their neighbour.
_NO_LINE_START = set("、。，．,.)）」』】〕〉》!！?？:：;；・ー…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
_NO_LINE_END = set("(（「『【〔〈《")
# sizeHint asks for at most this many base characters per line, so a long sentence does
# not ask for a window-wide label; layouts may still give it more.
_PREFERRED_CHARS_PER_LINE = 24


@dataclass(frozen=True)
class _Cell:
    """One drawable piece: a base (and maybe its reading) in a box as wide as the wider of the two."""

    base: str
    reading: str | None
    width: float
    base_width: float


@dataclass(frozen=True)
class _Placed:
    cell: _Cell
    x: float
    line: int


class RubyLabel(QWidget):
    """Show annotated segments with their readings above them, wrapping to the widget's width."""

    def __init__(self, segments: Sequence[Segment] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: tuple[Segment, ...] = ()
        self._cache: dict[float, tuple[_Placed, ...]] = {}
        self._groups_cache: list[list[_Cell | None]] | None = None
        self._alignment = Qt.AlignmentFlag.AlignLeft
        self._colour: QColor | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setText(segments)

    # -- public API --------------------------------------------------------------------

    def setText(self, segments: Sequence[Segment]) -> None:
        """Replace the text; accessible name becomes the plain text, description the readings."""
        self._segments = tuple(segments)
        self.setAccessibleName(plain_text(self._segments))
        self.setAccessibleDescription(plain_with_readings(self._segments))
        self._changed()

    def segments(self) -> tuple[Segment, ...]:
        return self._segments

    def text(self) -> str:
        """The base text without readings."""
        return plain_text(self._segments)

    def setColour(self, colour: QColor | None) -> None:
        """Draw in this colour (None: the palette's). Style sheets reset a child's palette,
        so a host that knows its colour (a checked button, the high-contrast theme) sets it."""
        self._colour = colour
        self.update()

    def setAlignment(self, alignment: Qt.AlignmentFlag) -> None:
        """Horizontal alignment of each line (left, centre or right)."""
        self._alignment = alignment
        self.update()

    def lineCount(self, width: float | None = None) -> int:
        """How many lines the text takes at an inner ``width`` (default: the current one)."""
        if width is None:
            width = max(float(self.contentsRect().width()), self._widest_unbreakable())
        placed = self._layout(width)
        return (placed[-1].line + 1) if placed else 0

    # -- QWidget -----------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        inner = max(float(width - margins.left() - margins.right()), self._widest_unbreakable())
        lines = max(1, self.lineCount(inner))
        return int(lines * self._line_height() + 0.999) + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        preferred = QFontMetricsF(self.font()).horizontalAdvance("あ") * _PREFERRED_CHARS_PER_LINE
        width = max(min(self._natural_width(), preferred), self._widest_unbreakable())
        outer = int(width + 0.999) + margins.left() + margins.right()
        return QSize(outer, self.heightForWidth(outer))

    def minimumSizeHint(self) -> QSize:
        margins = self.contentsMargins()
        outer = int(self._widest_unbreakable() + 0.999) + margins.left() + margins.right()
        return QSize(outer, int(self._line_height() + 0.999) + margins.top() + margins.bottom())

    def changeEvent(self, event: QEvent) -> None:
        # A new font or style changes every measure.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._changed()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Some containers (scroll areas, plain parents) ignore heightForWidth; pinning the
        # minimum height to it is what guarantees the text is never clipped.
        self.setMinimumHeight(self.heightForWidth(event.size().width()))
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        inner = max(float(rect.width()), self._widest_unbreakable())
        placed = self._layout(inner)
        if not placed:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setPen(self._colour if self._colour is not None else self.palette().color(self.foregroundRole()))
        base_font, ruby_font = self.font(), self._ruby_font()
        base_metrics, ruby_metrics = QFontMetricsF(base_font), QFontMetricsF(ruby_font)
        band = self._ruby_band()
        line_height = self._line_height()
        offsets = self._line_offsets(placed, inner)
        for item in placed:
            left = rect.left() + offsets[item.line] + item.x
            top = rect.top() + item.line * line_height
            base_x = left + (item.cell.width - item.cell.base_width) / 2
            painter.setFont(base_font)
            painter.drawText(QPointF(base_x, top + band + base_metrics.ascent()), item.cell.base)
            if item.cell.reading:
                painter.setFont(ruby_font)
                ruby_width = ruby_metrics.horizontalAdvance(item.cell.reading)
                ruby_x = left + (item.cell.width - ruby_width) / 2
                painter.drawText(QPointF(ruby_x, top + ruby_metrics.ascent()), item.cell.reading)
        painter.end()

    # -- layout --------------------------------------------------------------------------

    def _changed(self) -> None:
        self._cache = {}
        self._groups_cache = None
        self.updateGeometry()
        self.update()

    def _ruby_font(self) -> QFont:
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * RUBY_SCALE)
        else:
            font.setPixelSize(max(1, round(font.pixelSize() * RUBY_SCALE)))
        return font

    def _has_ruby(self) -> bool:
        return any(segment.reading for segment in self._segments)

    def _ruby_band(self) -> float:
        # Every line keeps the band when the text has any ruby, so line spacing is even.
        if not self._has_ruby():
            return 0.0
        height = QFontMetricsF(self._ruby_font()).height()
        return height * (1 + _RUBY_GAP)

    def _line_height(self) -> float:
        return self._ruby_band() + QFontMetricsF(self.font()).height()

    def _groups(self) -> list[list[_Cell | None]]:
        """Unbreakable groups of cells; ``None`` in the list stands for a forced line break."""
        if self._groups_cache is not None:
            return self._groups_cache
        base_metrics = QFontMetricsF(self.font())
        ruby_metrics = QFontMetricsF(self._ruby_font())

        def cell(base: str, reading: str | None) -> _Cell:
            base_width = base_metrics.horizontalAdvance(base)
            ruby_width = ruby_metrics.horizontalAdvance(reading) if reading else 0.0
            return _Cell(base, reading, max(base_width, ruby_width), base_width)

        groups: list[list[_Cell | None]] = []
        glue_next = False
        for segment in self._segments:
            pieces = segment.base.split("\n") if segment.reading is None else [segment.base]
            for index, piece in enumerate(pieces):
                if index > 0:
                    groups.append([None])
                    glue_next = False
                if not piece:
                    continue
                if segment.reading is None and not segment.continues and len(piece) > 1:
                    # Text without ruby may break between characters, as Japanese does;
                    # runs of Latin letters or digits stay whole words.
                    units = _breakable_units(piece)
                else:
                    units = [piece]
                for unit_index, unit in enumerate(units):
                    new = cell(unit, segment.reading)
                    joins = (
                        groups
                        and groups[-1] != [None]
                        and (
                            glue_next
                            or (segment.continues and unit_index == 0)
                            or unit[0] in _NO_LINE_START
                        )
                    )
                    if joins:
                        groups[-1].append(new)
                    else:
                        groups.append([new])
                    glue_next = unit[-1] in _NO_LINE_END
        self._groups_cache = groups
        return groups

    def _layout(self, width: float) -> tuple[_Placed, ...]:
        key = round(width, 1)
        if key in self._cache:
            return self._cache[key]
        placed: list[_Placed] = []
        line, x = 0, 0.0
        for group in self._groups():
            if group == [None]:
                line, x = line + 1, 0.0
                continue
            cells = [item for item in group if item is not None]
            group_width = sum(item.width for item in cells)
            if x > 0 and x + group_width > width:
                line, x = line + 1, 0.0
            for item in cells:
                # A group wider than a whole line (a long word) may break between its
                # cells as a last resort; a single cell never breaks.
                if x > 0 and x + item.width > width and group_width > width:
                    line, x = line + 1, 0.0
                placed.append(_Placed(item, x, line))
                x += item.width
        result = tuple(placed)
        self._cache[key] = result
        return result

    def _line_offsets(self, placed: Sequence[_Placed], width: float) -> dict[int, float]:
        ends: dict[int, float] = {}
        for item in placed:
            ends[item.line] = max(ends.get(item.line, 0.0), item.x + item.cell.width)
        horizontal = self._alignment & Qt.AlignmentFlag.AlignHorizontal_Mask
        if horizontal & Qt.AlignmentFlag.AlignHCenter:
            return {line: (width - end) / 2 for line, end in ends.items()}
        if horizontal & Qt.AlignmentFlag.AlignRight:
            return {line: width - end for line, end in ends.items()}
        return {line: 0.0 for line in ends}

    def _natural_width(self) -> float:
        widest, current = 0.0, 0.0
        for group in self._groups():
            if group == [None]:
                widest, current = max(widest, current), 0.0
                continue
            current += sum(item.width for item in group if item is not None)
        return max(widest, current)

    def _widest_unbreakable(self) -> float:
        """The narrowest width at which nothing is clipped: the widest single cell."""
        return max(
            (item.width for group in self._groups() for item in group if item is not None),
            default=0.0,
        )


def _breakable_units(text: str) -> list[str]:
    """Split ruby-less text where a line may break: between CJK characters, at spaces,
    but never inside a run of Latin letters or digits."""
    units: list[str] = []
    for char in text:
        if units and char.isascii() and char.isalnum() and units[-1][-1].isascii() and units[-1][-1].isalnum():
            units[-1] += char
        else:
            units.append(char)
    return units


__all__ = ["RUBY_SCALE", "RubyLabel"]
