"""Draws the pre-filled official forms (A4 PDF) that staff print for the citizen to sign.

The only drawing code for official forms: it takes a described bundle (the decoder's
JSON, ``kiosk.core.forms.describe_bundle``) and the print layouts
(``kiosk.core.layouts``), and paints ruled boxes, small labels and the values with
QPdfWriter in BIZ UDMincho, falling back to the shipped "Kiosk CJK Fallback" for
ideographs BIZ UD lacks (𠮷). Fonts are embedded by Qt. What goes where, and which text
fills a box, is decided by the layout and the core; this module only measures and draws.
It must not read form files, decide form logic, or log the values it prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from kiosk.core.layouts import (
    NUMBER_COLUMN_MM,
    Box,
    Layout,
    Table,
    fill_text,
    layout_for,
    table_rows,
)
from kiosk.ui.theme import LATIN_EXTENDED, SHIPPED_FALLBACK, load_fonts

#: Printed forms are set in Mincho, as the paper forms are; the shipped fallback covers
#: names with ideographs outside BIZ UD (𠮷), Noto Sans the Vietnamese letters with marks.
FORM_FAMILIES = ("BIZ UDMincho", SHIPPED_FALLBACK, LATIN_EXTENDED)
#: 1200 units per inch: positions land within 0.02 mm of the layout; the PDF is vector
#: anyway, so this only sets the coordinate grid, not a raster resolution.
RESOLUTION = 1200
MM_PER_INCH = 25.4

LABEL_PT = 6.5
HEADER_PT = 7.0
MIN_VALUE_PT = 5.0
TITLE_PT = 17.0
TICKET_PT = 9.0
FOOTER_PT = 6.5
LINE_MM = 0.2
HEADING_FILL = QColor(232, 232, 232)
WATERMARK = "見本"
WATERMARK_COLOUR = QColor(200, 30, 30, 70)  # translucent: the filled values stay legible
BLANK_ERA_DATE = "令和　　年　　月　　日"


def render_form_pdf(
    described_form: Mapping[str, Any],
    layout: Layout,
    path: Path | str,
    *,
    practice: bool = False,
    ticket: str = "",
    language: str = "",
) -> None:
    """Write one form (one element of a described bundle's "forms") as an A4 PDF.

    Needs a QGuiApplication (fonts are registered through Qt). ``ticket`` and
    ``language`` go in the header line; ``practice`` adds the 見本 watermark.
    """
    with _PdfDocument(Path(path), layout.title) as document:
        document.form(described_form, layout, practice=practice, ticket=ticket, language=language)


def render_bundle_pdf(described: Mapping[str, Any], layouts: Mapping[str, Layout], path: Path | str) -> None:
    """Write every form of a described bundle into one PDF, in bundle order.

    Raises ``kiosk.core.layouts.LayoutError`` (LAYOUT_014) before writing anything when
    a form has no layout.
    """
    forms = list(described.get("forms", []))
    chosen = [(form, layout_for(layouts, str(form.get("form")))) for form in forms]
    title = "・".join(layout.title for _, layout in chosen) or "届出書"
    with _PdfDocument(Path(path), title) as document:
        for form, layout in chosen:
            document.form(
                form, layout,
                practice=bool(described.get("practice", False)),
                ticket=str(described.get("ticket", "")),
                language=str(described.get("language", "")),
            )


def form_font(point_size: float) -> QFont:
    """BIZ UDMincho with the shipped fallbacks, at ``point_size`` (tests measure with it too)."""
    load_fonts()
    font = QFont()
    font.setFamilies(list(FORM_FAMILIES))
    font.setPointSizeF(point_size)
    # Kerning and hinting would make measured widths differ from drawn ones by a hair,
    # enough to push a fitted value over its ruled line.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(False)
    return font


class _PdfDocument:
    """One QPdfWriter and its painter; ``form`` appends the pages of one form."""

    def __init__(self, path: Path, title: str) -> None:
        self.path = path
        self.title = title
        self.writer: QPdfWriter | None = None
        self.painter: QPainter | None = None
        self.pages = 0

    def __enter__(self) -> Self:
        load_fonts()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        writer = QPdfWriter(str(self.path))
        writer.setResolution(RESOLUTION)
        writer.setTitle(self.title)  # the form names only: PDF metadata must not hold personal data
        writer.setCreator("Smart Counter Kiosk")
        writer.setPageLayout(QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
            QPageLayout.Unit.Millimeter,
        ))
        self.writer = writer
        return self

    def __exit__(self, *exc: object) -> None:
        if self.painter is not None:
            self.painter.end()
        self.painter = None
        self.writer = None

    # -- pages

    def _new_page(self, layout: Layout) -> QPainter:
        assert self.writer is not None
        orientation = (QPageLayout.Orientation.Landscape if layout.page.orientation == "landscape"
                       else QPageLayout.Orientation.Portrait)
        self.writer.setPageOrientation(orientation)
        if self.painter is None:
            self.painter = QPainter(self.writer)
            self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        else:
            self.writer.newPage()
        self.pages += 1
        return self.painter

    def form(self, described_form: Mapping[str, Any], layout: Layout, *, practice: bool, ticket: str,
             language: str) -> None:
        # Tables longer than their ruled rows continue on extra pages (same position).
        table_data = {index: table_rows(table, described_form) for index, table in enumerate(layout.tables)}
        extra = max((max(0, -(-len(rows) // table.rows) - 1)
                     for table, rows in zip(layout.tables, table_data.values())), default=0)
        total = layout.page_count + extra
        for number in range(1, total + 1):
            painter = self._new_page(layout)
            pen = _Pen(painter)
            continuation = number > layout.page_count
            _draw_header(pen, layout, ticket, language, practice, continuation)
            if not continuation:
                for box in layout.boxes:
                    if box.page == number:
                        _draw_box(pen, box, described_form)
            for index, table in enumerate(layout.tables):
                rows = table_data[index]
                if continuation:
                    chunk = number - layout.page_count  # 1 = the first page of overflow rows
                elif table.page == number:
                    chunk = 0
                else:
                    continue
                start = chunk * table.rows
                if continuation and start >= len(rows):
                    continue
                _draw_table(pen, table, rows[start:start + table.rows], first_number=start + 1)
            _draw_footer(pen, layout, number, total)
            if practice:
                _draw_watermark(pen, layout)


class _Pen:
    """Millimetre helpers over a painter on a QPdfWriter at RESOLUTION."""

    def __init__(self, painter: QPainter) -> None:
        self.painter = painter
        self.unit = RESOLUTION / MM_PER_INCH  # device units per millimetre

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        u = self.unit
        return QRectF(x * u, y * u, w * u, h * u)

    def line_pen(self, width_mm: float = LINE_MM) -> QPen:
        pen = QPen(QColor(0, 0, 0))
        pen.setWidthF(width_mm * self.unit)
        return pen

    def ruled(self, rect: QRectF, fill: QColor | None = None) -> None:
        painter = self.painter
        painter.setPen(self.line_pen())
        painter.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)

    def text(self, rect: QRectF, text: str, point_size: float, flags: Qt.AlignmentFlag | int) -> None:
        self.painter.setFont(form_font(point_size))
        self.painter.setPen(QColor(0, 0, 0))
        self.painter.drawText(rect, int(flags), text)

    def fitted(self, rect: QRectF, text: str, max_pt: float, align: str) -> None:
        """Draw ``text`` as large as possible up to ``max_pt``: one line, else wrapped, never over the rules."""
        if not text:
            return
        horizontal = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter,
                      "right": Qt.AlignmentFlag.AlignRight}[align]
        device = self.painter.device()
        single = int(horizontal | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine)
        wrapped = int(horizontal | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWrapAnywhere)
        sizes = [max_pt - 0.5 * step for step in range(int((max_pt - MIN_VALUE_PT) / 0.5) + 1)]
        # Text with line breaks (notes, vertical headings) keeps them; everything else
        # prefers one line, as a person writing on the form would.
        for point_size in sizes if "\n" not in text else []:
            metrics = QFontMetricsF(form_font(point_size), device)
            if metrics.horizontalAdvance(text) <= rect.width() and metrics.height() <= rect.height():
                self.text(rect, text, point_size, single)
                return
        for point_size in sizes:
            metrics = QFontMetricsF(form_font(point_size), device)
            bound = metrics.boundingRect(rect, wrapped, text)
            if bound.height() <= rect.height() and bound.width() <= rect.width():
                self.text(rect, text, point_size, wrapped)
                return
        # Too long even at the smallest size: clip rather than draw over the neighbours.
        self.painter.save()
        self.painter.setClipRect(rect)
        self.text(rect, text, MIN_VALUE_PT, wrapped)
        self.painter.restore()


def _draw_header(pen: _Pen, layout: Layout, ticket: str, language: str, practice: bool, continuation: bool) -> None:
    page = layout.page
    width = page.width - page.left - page.right
    ticket_line = f"受付番号 {ticket or 'なし'} ／ 使用言語: {language or '不明'}"
    if practice:
        ticket_line = f"練習用（見本） ／ {ticket_line}"
    pen.text(pen.rect(page.left, page.top, width, 5), ticket_line, TICKET_PT,
             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    title = layout.title + ("（続き）" if continuation else "")
    pen.text(pen.rect(page.left, page.top + 4, width, page.header - 5), title, TITLE_PT,
             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)


def _draw_footer(pen: _Pen, layout: Layout, number: int, total: int) -> None:
    page = layout.page
    width = page.width - page.left - page.right
    area = pen.rect(page.left, page.height - page.bottom + 1, width, max(page.bottom - 3, 3))
    pen.text(area, f"{layout.form_id}　{number}/{total}", FOOTER_PT, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    pen.text(area, "スマート窓口キオスクの入力内容から作成", FOOTER_PT, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


def _label_height(box: Box) -> float:
    return 3.2 if box.label else 0.0


def _draw_box(pen: _Pen, box: Box, described_form: Mapping[str, Any]) -> None:
    r = box.rect
    outer = pen.rect(r.x, r.y, r.w, r.h)
    if box.static == "heading":
        pen.ruled(outer, HEADING_FILL)
        text = box.text or box.label
        # A tall narrow heading is set vertically, one character per line, as on paper forms.
        if r.h > r.w * 1.5:
            text = "\n".join(text)
        pen.fitted(pen.rect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1), text, 10.5, "center")
        return
    pen.ruled(outer)
    if box.label:
        pen.text(pen.rect(r.x + 0.8, r.y + 0.4, r.w - 1.6, _label_height(box)), box.label, LABEL_PT,
                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextSingleLine)
    inner = value_rect_mm(box)
    area = pen.rect(*inner)
    if box.fill is not None:
        pen.fitted(area, fill_text(box.fill, described_form), box.max_pt, box.align)
    elif box.static == "date_filed":
        pen.fitted(area, BLANK_ERA_DATE, 10.5, "center")
    elif box.static == "text" and box.text:
        pen.fitted(area, box.text, min(box.max_pt, 8.5), box.align)
    # signature and reception boxes stay blank: the citizen signs, staff stamp.


def value_rect_mm(box: Box) -> tuple[float, float, float, float]:
    """Where a box's value goes (x, y, w, h in mm): inside the rules, below the label."""
    r = box.rect
    top = _label_height(box) + 0.5 if box.label else 0.8
    return (r.x + 1.5, r.y + top, r.w - 3.0, r.h - top - 0.8)


def table_cell_mm(table: Table, row: int, column: int) -> tuple[float, float, float, float]:
    """A table cell (x, y, w, h in mm); row 0 is the first body row, column 0 the first field column."""
    x = table.x + (NUMBER_COLUMN_MM if table.numbered else 0.0) + sum(c.width for c in table.columns[:column])
    y = table.y + table.caption_h + table.header_h + row * table.row_h
    return (x, y, table.columns[column].width, table.row_h)


def _draw_table(pen: _Pen, table: Table, rows: list[list[str]], first_number: int) -> None:
    if table.caption_h:
        pen.text(pen.rect(table.x, table.y, table.width, table.caption_h - 0.8), table.label, 9.0,
                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextSingleLine)
    top = table.y + table.caption_h
    x = table.x
    if table.numbered:
        pen.ruled(pen.rect(x, top, NUMBER_COLUMN_MM, table.header_h), HEADING_FILL)
        for row in range(table.rows):
            cell = pen.rect(x, top + table.header_h + row * table.row_h, NUMBER_COLUMN_MM, table.row_h)
            pen.ruled(cell)
            pen.text(cell, str(first_number + row), LABEL_PT, Qt.AlignmentFlag.AlignCenter)
        x += NUMBER_COLUMN_MM
    for index, column in enumerate(table.columns):
        header = pen.rect(x, top, column.width, table.header_h)
        pen.ruled(header, HEADING_FILL)
        pen.fitted(pen.rect(x + 0.5, top + 0.3, column.width - 1, table.header_h - 0.6), column.label, HEADER_PT, "center")
        for row in range(table.rows):
            cx, cy, cw, ch = table_cell_mm(table, row, index)
            pen.ruled(pen.rect(cx, cy, cw, ch))
            if row < len(rows):
                pen.fitted(pen.rect(cx + 1.0, cy + 0.8, cw - 2.0, ch - 1.6), rows[row][index], table.max_pt, column.align)
        x += column.width


def _draw_watermark(pen: _Pen, layout: Layout) -> None:
    painter = pen.painter
    page = layout.page
    painter.save()
    centre = QPointF(page.width / 2 * pen.unit, page.height / 2 * pen.unit)
    painter.translate(centre)
    painter.rotate(-45)
    font = form_font(220)
    painter.setFont(font)
    painter.setPen(WATERMARK_COLOUR)
    side = page.height * pen.unit
    painter.drawText(QRectF(-side / 2, -side / 4, side, side / 2), int(Qt.AlignmentFlag.AlignCenter), WATERMARK)
    painter.restore()
