"""Draw the ticket slip: the one place that turns a ``Receipt`` into pixels or a PDF page.

The same layout code paints a white raster ``QImage`` for thermal printers (80 mm paper =
576 dots at 203 dpi, 58 mm = 384 dots; TM-T88-class heads are 512 dots at 180 dpi), the
on-screen fallback when the printer fails, and a vector PDF (page 80 mm wide, fonts
embedded). Text is BIZ UDGothic from assets/fonts, with CJK system fonts as fallbacks for
glyphs it lacks (e.g. 𠮷). QR codes are drawn from the modules of
``kiosk.core.qr_symbol`` with a whole number of dots per module and a clear quiet zone,
so a 1-bit printer reproduces every module exactly. This module decides layout only: it chooses no wording (kiosk.core.receipt
does) and talks to no printer (kiosk.adapters.escpos_printer does). It needs a running
QGuiApplication, like all Qt font code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QMarginsF, QPoint, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBitmap,
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QRegion,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QWidget

from kiosk.core.i18n import EASY_JAPANESE
from kiosk.core.qr_symbol import QrSymbol, make_symbol
from kiosk.core.receipt import BiText, Receipt
from kiosk.ui.theme import (
    DEVANAGARI,
    LATIN_EXTENDED,
    SHIPPED_FALLBACK,
    UI_FAMILY,
    load_fonts,
)
from kiosk.ui.widgets.furigana_text import ruby_segments
from kiosk.ui.widgets.ruby_label import RubyLabel

#: Tried after BIZ UDGothic for missing glyphs: Windows names first, then Linux ones.
PRINT_FALLBACK_FAMILIES = (
    SHIPPED_FALLBACK, LATIN_EXTENDED, DEVANAGARI, "Yu Gothic", "Meiryo", "MS Gothic", "Noto Sans CJK JP", "IPAexGothic", "IPAGothic",
    "Noto Sans CJK SC", "Noto Sans CJK KR", "Noto Sans", "DejaVu Sans",
)

#: A QR code needs 4 light modules around it (ISO/IEC 18004); nothing else may print there.
QUIET_ZONE_MODULES = 4
#: Bigger modules than this only make the code harder to fit in a hand scanner's field of
#: view (a version-5 code would otherwise be 70 mm wide); 1 mm is ample for print and phones.
MAX_MODULE_MM = 1.0
#: The thermal print width of 80 mm paper; the PDF page keeps the 4 mm paper edges.
PDF_PAGE_WIDTH_MM = 80.0
PDF_CONTENT_WIDTH_MM = 72.0
PDF_DPI = 300


def qr_module_px(symbol_size: int, width_px: int, dpi: int) -> int:
    """Whole dots per module: the largest that fits the width with its quiet zone, capped.

    Raises ValueError when not even one dot per module fits (the code cannot print).
    """
    fit = width_px // (symbol_size + 2 * QUIET_ZONE_MODULES)
    if fit < 1:
        raise ValueError(f"a {symbol_size}-module QR code does not fit in {width_px} dots")
    cap = max(1, math.floor(MAX_MODULE_MM * dpi / 25.4))
    return min(fit, cap)


def _module_path(symbol: QrSymbol) -> QPainterPath:
    """The dark modules as one path, one unit per module.

    Built through a 1-bit image and QRegion instead of one addRect per module run: a
    version-20 code has thousands of runs, and PySide6 6.12 on CPython 3.11 drops a
    reference to None on every call of a void method, so per-module calls would crash
    the interpreter after a few tickets. One path also leaves no hairline seams between
    modules in PDF viewers.
    """
    n = symbol.size
    stride = (n + 3) // 4 * 4  # QImage rows are 32-bit aligned
    padding = b"\xff" * (stride - n)
    data = b"".join(bytes(0 if dark else 255 for dark in row) + padding for row in symbol.modules)
    grey = QImage(data, n, n, stride, QImage.Format.Format_Grayscale8).copy()  # own the bytes
    region = QRegion(QBitmap.fromImage(grey.convertToFormat(QImage.Format.Format_Mono)))
    path = QPainterPath()
    path.addRegion(region)
    return path


@cache
def _families() -> tuple[str, ...]:
    """BIZ UDGothic first, then the fallbacks this system actually has."""
    load_fonts()
    available = set(QFontDatabase.families())
    return (UI_FAMILY, *(name for name in PRINT_FALLBACK_FAMILIES if name in available))


@lru_cache(maxsize=64)
def _font(size_px: int, bold: bool = False) -> QFont:
    """A print font; cached because every setter call costs (see ``_module_path``)."""
    font = QFont()
    font.setFamilies(list(_families()))
    font.setPixelSize(max(1, size_px))
    font.setBold(bold)
    # Full hinting snaps stems to whole dots, which keeps thresholded 1-bit text crisp.
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return font


_Op = Callable[[QPainter], None]


@dataclass
class _Slip:
    """Lays the receipt out top to bottom once, recording paint operations.

    Laying out first gives the height (the image or PDF page is made to fit) and the QR
    zones (kept clear of the watermark); the recorded operations then paint exactly what
    was measured, so measurement and drawing cannot disagree.
    """

    receipt: Receipt
    device: QPaintDevice
    width: float  # content width in device pixels
    dpi: float
    x0: float = 0.0  # left edge of the content
    integer_modules: bool = True
    y: float = 0.0
    qr_rects: list[QRectF] = field(default_factory=list)
    ops: list[_Op] = field(default_factory=list)
    ruby_texts: list[str] = field(default_factory=list)  # lines printed with furigana

    # -- sizes ---------------------------------------------------------------------------
    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    def font(self, size_mm: float, bold: bool = False) -> QFont:
        return _font(round(self.mm(size_mm)), bold)

    def fitted_font(self, text: str, size_mm: float, min_mm: float, bold: bool = False) -> QFont:
        """The largest size from ``size_mm`` down to ``min_mm`` that keeps ``text`` on one line."""
        font = self.font(size_mm, bold)
        advance = QFontMetricsF(font, self.device).horizontalAdvance(text)
        if advance <= self.inner_width:
            return font
        return self.font(max(min_mm, size_mm * self.inner_width / advance * 0.98), bold)

    @property
    def margin(self) -> float:
        return self.mm(1.5)

    @property
    def inner_width(self) -> float:
        return self.width - 2 * self.margin

    # -- primitives ----------------------------------------------------------------------
    def text(
        self,
        text: str,
        font: QFont,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter,
        indent: float = 0.0,
        after: float = 0.0,
        inverted: bool = False,
        fill_above: float = 0.0,
        fill_below: float = 0.0,
        ruby: bool = False,
    ) -> None:
        """A wrapped paragraph with 20 % leading (BIZ UD's own line gap is tight for print).

        Lines break at word boundaries (and between CJK characters), or anywhere in a word
        too long for the line. With ``ruby`` (the やさしい日本語 line), kanji get their
        furigana, drawn by the same RubyLabel as on screen.
        """
        if not text:
            return
        left = self.x0 + self.margin + indent
        width = self.inner_width - indent
        segments = ruby_segments(text) if ruby else None
        if segments is not None:
            self._ruby_text(text, segments, font, align, left, width, after, inverted, fill_above, fill_below)
            return
        option = QTextOption(align)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout = QTextLayout(text, font, self.device)
        layout.setTextOption(option)
        layout.beginLayout()
        top = last_height = 0.0
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            line.setPosition(QPointF(0, top))
            last_height = line.height()
            top += last_height * 1.2
        layout.endLayout()
        height = top - last_height * 0.2
        y = self.y

        def draw(painter: QPainter) -> None:
            painter.setPen(QColor("white" if inverted else "black"))
            layout.draw(painter, QPointF(left, y))

        self._paragraph(draw, height, after, inverted, fill_above, fill_below)

    def _paragraph(
        self, draw: _Op, height: float, after: float, inverted: bool, fill_above: float, fill_below: float,
    ) -> None:
        """Record a paragraph's drawing at the current line, on a black band if inverted."""
        band = QRectF(self.x0 + self.margin - self.mm(0.8), self.y - fill_above,
                      self.inner_width + self.mm(1.6), height + fill_above + fill_below)

        def paint(painter: QPainter) -> None:
            if inverted:
                painter.fillRect(band, QColor("black"))
            draw(painter)

        self.ops.append(paint)
        self.y += height + after

    def _ruby_text(
        self, text: str, segments, font: QFont, align: Qt.AlignmentFlag, left: float, width: float,
        after: float, inverted: bool, fill_above: float, fill_below: float,
    ) -> None:
        label = RubyLabel(segments)
        label.setFont(font)
        label.setAlignment(align)
        label.setColour(QColor("white" if inverted else "black"))
        height = label.heightForWidth(int(width))
        label.resize(int(width), height)
        y = self.y

        def draw(painter: QPainter) -> None:
            label.render(painter, QPoint(round(left), round(y)), QRegion(), QWidget.RenderFlag.DrawChildren)

        self.ruby_texts.append(text)
        self._paragraph(draw, height, after, inverted, fill_above, fill_below)

    def bitext(
        self,
        value: BiText | None,
        size_mm: float,
        bold: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter,
        indent: float = 0.0,
        after_mm: float = 1.2,
        inverted: bool = False,
    ) -> None:
        """The citizen's line, then the Japanese line a little smaller (staff read it)."""
        if value is None:
            return
        lines = value.lines
        between = self.mm(0.8)
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            # An inverted block is one black band: each line also fills the gap below it.
            self.text(
                line, self.font(size_mm if i == 0 else size_mm * 0.85, bold), align, indent,
                after=self.mm(after_mm) if last else between, inverted=inverted,
                fill_above=self.mm(0.8) if i == 0 else 0.0,
                fill_below=self.mm(0.8) if last else between,
                # The citizen's line of an やさしい日本語 slip gets furigana; the Japanese
                # line below it is for staff and stays plain.
                ruby=i == 0 and self.receipt.language == EASY_JAPANESE,
            )

    def gap(self, size_mm: float) -> None:
        self.y += self.mm(size_mm)

    def rule(self) -> None:
        """A dashed separator: lighter to the eye than a solid bar, same on 1-bit paper."""
        self.gap(1.5)
        y = float(round(self.y))
        start = QPointF(self.x0 + self.margin, y)
        end = QPointF(self.x0 + self.width - self.margin, y)
        pen = QPen(QColor("black"))
        pen.setWidthF(max(1.0, round(self.mm(0.25))))
        pen.setStyle(Qt.PenStyle.DashLine)

        def paint(painter: QPainter) -> None:
            painter.setPen(pen)
            painter.drawLine(start, end)

        self.ops.append(paint)
        self.gap(2.5)

    def big_number(self, number: str) -> None:
        """The ticket number as large as the width allows (at most 22 mm tall type)."""
        advance = QFontMetricsF(_font(100, True), self.device).horizontalAdvance(number) or 1.0
        font = _font(round(min(self.mm(22), 100 * self.inner_width * 0.95 / advance)), True)
        metrics = QFontMetricsF(font, self.device)
        # Digits and Latin capitals have no descender: trim most of the band below them.
        height = metrics.ascent() + metrics.descent() * 0.3
        rect = QRectF(self.x0, self.y, self.width, height)
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)

        def paint(painter: QPainter) -> None:
            painter.setPen(QColor("black"))
            painter.setFont(font)
            painter.drawText(rect, flags, number)

        self.ops.append(paint)
        self.y += height + self.mm(1.5)

    def badge(self, number: int, side: float) -> None:
        """A black square with the stop's number in white, at the current line."""
        box = QRectF(self.x0 + self.margin, self.y, side, side)
        font = self.font(3.8 * 1.2, bold=True)

        def paint(painter: QPainter) -> None:
            painter.fillRect(box, QColor("black"))
            painter.setPen(QColor("white"))
            painter.setFont(font)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), str(number))

        self.ops.append(paint)

    def route(self) -> None:
        body = 3.8
        side = self.mm(body * 1.7)
        indent = side + self.mm(2)
        left = Qt.AlignmentFlag.AlignLeft
        for stop in self.receipt.route:
            top = self.y
            self.badge(stop.position, side)
            # "Counter 1  Resident registration": number and name on one line per language.
            head = BiText(
                f"{stop.counter_label.citizen}  {stop.counter_name.citizen}".strip(),
                f"{stop.counter_label.japanese}  {stop.counter_name.japanese}".strip(),
            )
            self.bitext(head, body, bold=True, align=left, indent=indent, after_mm=0.6)
            for procedure in stop.procedures:
                bullet = BiText(*(f"• {line}" if line else "" for line in
                                  (procedure.citizen, procedure.japanese)))
                self.bitext(bullet, body * 0.85, align=left, indent=indent + self.mm(1),
                            after_mm=0.6)
            self.y = max(self.y, top + side) + self.mm(2)

    def code(self, symbol: QrSymbol, label: str) -> None:
        if label:
            self.text(label, self.font(4.5, bold=True), after=self.mm(1))
        if self.integer_modules:
            module = float(qr_module_px(symbol.size, round(self.width), round(self.dpi)))
        else:  # vector output: same physical size as on paper, no need for whole dots
            module = min(self.width / (symbol.size + 2 * QUIET_ZONE_MODULES), self.mm(MAX_MODULE_MM))
        side = (symbol.size + 2 * QUIET_ZONE_MODULES) * module
        left = self.x0 + (self.width - side) / 2
        if self.integer_modules:  # whole dots from a whole-dot origin: every module exact
            left = float(round(left))
            self.y = float(round(self.y))
        zone = QRectF(left, self.y, side, side)
        origin = QPointF(left + QUIET_ZONE_MODULES * module, self.y + QUIET_ZONE_MODULES * module)
        self.qr_rects.append(zone)
        path = _module_path(symbol)

        def paint(painter: QPainter) -> None:
            painter.fillRect(zone, QColor("white"))
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.translate(origin)
            painter.scale(module, module)
            painter.fillPath(path, QBrush(QColor("black")))
            painter.restore()

        self.ops.append(paint)
        self.y += side + self.mm(1)

    # -- the slip ------------------------------------------------------------------------
    def lay_out(self) -> "_Slip":
        r = self.receipt
        left = Qt.AlignmentFlag.AlignLeft
        self.gap(3)
        if r.practice_notice is not None:
            self.gap(1)
            self.bitext(r.practice_notice, 3.6, bold=True, inverted=True, after_mm=2.5)
        self.text(r.site_name, self.fitted_font(r.site_name, 4.4, 3.2, bold=True), after=self.mm(1))
        self.bitext(r.title, 3.4)
        self.gap(1.5)
        self.bitext(r.number_label, 3.6, bold=True, after_mm=0.5)
        self.big_number(r.ticket_number)
        self.bitext(r.issued, 3.0)
        self.rule()
        self.bitext(r.waiting, 4.0, bold=True, align=left)
        self.bitext(r.wait_estimate, 4.0, bold=True, align=left)
        self.bitext(r.call_notice, 3.4, align=left)
        if r.route:
            self.rule()
            self.bitext(r.route_heading, 3.6, bold=True, align=left, after_mm=2.5)
            self.route()
        if r.codes:
            self.rule()
            self.bitext(r.codes_caption, 3.8, bold=True, after_mm=2)
            words = " ".join(r.watermark_words)
            for code in r.codes:
                # Practice codes are labelled right at the code, which the watermark avoids.
                self.code(make_symbol(code.text),
                          "  ".join(part for part in (words, code.part_label) if part))
                self.gap(2)
            self.bitext(r.privacy, 3.2, align=left)
        for section in r.checklist:  # what to bring, fees, what could be done online
            self.rule()
            self.bitext(section.heading, 3.6, bold=True, align=left, after_mm=1.5)
            for line in section.lines:
                self.bitext(BiText(*(f"• {text}" if text else "" for text in (line.citizen, line.japanese))),
                            3.2, align=left, indent=self.mm(1), after_mm=1.0)
        self.gap(5)
        return self

    def paint(self, painter: QPainter, height: float) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.watermark(painter, height)
        for op in self.ops:
            op(painter)

    def watermark(self, painter: QPainter, height: float) -> None:
        """Hollow diagonal 見本 SAMPLE marks down the slip, kept out of every QR zone.

        Dashed outlines (not filled letters) keep the text under them readable, and the
        QR codes with their quiet zones are clipped out, so the marks never cost a module.
        """
        words = " ".join(self.receipt.watermark_words)
        if not words:
            return
        clip = QPainterPath()
        clip.addRect(QRectF(0, 0, self.width + 2 * self.x0, height))
        for zone in self.qr_rects:
            hole = QPainterPath()
            hole.addRect(zone)
            clip = clip.subtracted(hole)
        text_path = QPainterPath()
        text_path.addText(0, 0, self.font(13, bold=True), words)
        bounds = text_path.boundingRect()
        text_path.translate(-bounds.center())
        scale = min(1.0, (self.width * 1.1) / max(bounds.width(), 1.0))
        pen = QPen(QColor("black"))
        pen.setWidthF(max(1.0, round(self.mm(0.25))))
        # Dashed outlines read as "grey" on 1-bit paper: visible, yet they barely cover text.
        pen.setDashPattern([3.0, 2.0])
        painter.save()
        painter.setClipPath(clip)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        step = max(self.mm(80), math.hypot(bounds.width(), bounds.height()) * scale * 0.8)
        centre_y = first = self.mm(40)
        while centre_y == first or centre_y < height - self.mm(20):
            painter.save()
            painter.translate(self.x0 + self.width / 2, centre_y)
            painter.rotate(-30)
            painter.scale(scale, scale)
            painter.drawPath(text_path)
            painter.restore()
            centre_y += step
        painter.restore()


def render_ticket_image(receipt: Receipt, width_px: int = 576, dpi: int = 203) -> QImage:
    """The slip as a white image exactly ``width_px`` dots wide (one dot = one printer dot)."""
    dots_per_metre = round(dpi / 0.0254)
    probe = QImage(1, 1, QImage.Format.Format_RGB32)
    probe.setDotsPerMeterX(dots_per_metre)
    probe.setDotsPerMeterY(dots_per_metre)
    slip = _Slip(receipt, probe, width_px, dpi).lay_out()
    image = QImage(width_px, math.ceil(slip.y), QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        slip.paint(painter, image.height())
    finally:
        painter.end()
    return image


def to_mono(image: QImage) -> Image.Image:
    """A 1-bit Pillow image for ESC/POS: thresholded at 50 %, never dithered.

    Dithering would turn the anti-aliased edges of text into speckles and could move a
    QR module's edge; the QR itself is pure black and white already.
    """
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = grey.width(), grey.height(), grey.bytesPerLine()
    data = bytes(grey.constBits())[: stride * height]
    pil = Image.frombuffer("L", (width, height), data, "raw", "L", stride, 1)
    return pil.convert("1", dither=Image.Dither.NONE)


def save_png(image: QImage, path: Path | str) -> None:
    """Write the image as PNG (its dpi is kept in the file); raise OSError on failure."""
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def render_ticket_pdf(receipt: Receipt, path: Path | str) -> None:
    """One PDF page 80 mm wide and as tall as the slip: vector text (fonts embedded) and QR."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setCreator("Smart Counter Kiosk")
    writer.setTitle(receipt.ticket_number)
    mm = PDF_DPI / 25.4
    width = PDF_CONTENT_WIDTH_MM * mm
    x0 = (PDF_PAGE_WIDTH_MM - PDF_CONTENT_WIDTH_MM) / 2 * mm
    slip = _Slip(receipt, writer, width, PDF_DPI, x0=x0, integer_modules=False).lay_out()
    height = slip.y
    page = QPageSize(QSizeF(PDF_PAGE_WIDTH_MM, height / mm), QPageSize.Unit.Millimeter,
                     "ticket", QPageSize.SizeMatchPolicy.ExactMatch)
    writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"could not write {path}")
    try:
        slip.paint(painter, height)
    finally:
        painter.end()
