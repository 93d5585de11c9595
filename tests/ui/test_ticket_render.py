"""The drawn ticket: QR codes that decode exactly on 80 mm and 58 mm paper, 1-bit output, PDF."""

from __future__ import annotations

import math
import os
import random

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QRawFont

from kiosk.config import DEFAULT_COUNTERS
from kiosk.core.i18n import Translator
from kiosk.core.qr_symbol import make_symbol
from kiosk.core.receipt import Receipt, build_receipt
from kiosk.core.ticket import RouteStop, Ticket, TicketSlip
from kiosk.ui.theme import UI_FAMILY
from kiosk.ui.ticket_render import (
    QUIET_ZONE_MODULES,
    _families,
    _font,
    qr_module_px,
    render_ticket_image,
    render_ticket_pdf,
    save_png,
    to_mono,
)
from tests.data.receipt_fixtures import JA_MESSAGES, ROUTE, TITLES

FAMILY_ROUTE = ROUTE
# QR-HANDOFF.md measured the sealed family-of-four bundle at about 1,000 digits.
FAMILY_DIGITS = "".join(random.Random(20260401).choice("0123456789") for _ in range(1000))
# Profiles of printing/printers: TM-T20II class 80 mm, TM-T88V class 80 mm, 58 mm.
PAPERS = [(576, 203), (512, 180), (384, 203)]


def receipt(qr_texts: tuple[str, ...] = (FAMILY_DIGITS,), practice: bool = False,
            language: str = "en", site: str = "サンプル市役所 市民課") -> Receipt:
    ticket = Ticket("A-017", "moving", 1775001900, FAMILY_ROUTE, 3, 25, practice=practice)
    return build_receipt(
        TicketSlip(ticket, qr_texts, language, site),
        Translator(language), Translator("ja", JA_MESSAGES), DEFAULT_COUNTERS, TITLES,
    )


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(np.asarray(image.convert("L")))]


@pytest.mark.parametrize(("width", "dpi"), PAPERS)
def test_family_bundle_code_decodes_exactly(qapp, width: int, dpi: int) -> None:
    """The printed 1-bit ticket of a family-of-four bundle scans back to the exact digits."""
    image = render_ticket_image(receipt(), width, dpi)
    assert image.width() == width
    mono = to_mono(image)
    assert decode(mono) == [FAMILY_DIGITS]


@pytest.mark.parametrize(("width", "dpi"), PAPERS)
def test_practice_watermark_keeps_the_code_readable(qapp, width: int, dpi: int) -> None:
    """The 見本 SAMPLE watermark marks the slip but never stops its code from scanning."""
    plain = to_mono(render_ticket_image(receipt(), width, dpi))
    practice = to_mono(render_ticket_image(receipt(practice=True), width, dpi))
    assert decode(practice) == [FAMILY_DIGITS]
    # The watermark adds ink: a practice slip has clearly more black dots per line.
    ink = lambda im: (np.asarray(im) == 0).sum() / im.height  # noqa: E731
    assert ink(practice) > ink(plain) * 1.05


def test_several_codes_all_decode_in_order(qapp) -> None:
    """A split payload prints every part, each readable on its own, in order."""
    parts = tuple(FAMILY_DIGITS[i::3] for i in range(3))
    image = to_mono(render_ticket_image(receipt(qr_texts=parts), 576, 203))
    results = zxingcpp.read_barcodes(np.asarray(image.convert("L")))
    by_top = sorted(results, key=lambda r: r.position.top_left.y)
    assert [r.text for r in by_top] == list(parts)


@pytest.mark.parametrize(("width", "dpi", "expected"), [(576, 203, 5), (512, 180, 4), (384, 203, 3)])
def test_version_20_code_gets_whole_dots_per_module(width: int, dpi: int, expected: int) -> None:
    """A version-20 code (the single-code limit) gets at least 3 whole dots per module."""
    assert qr_module_px(97, width, dpi) == expected >= 3


def test_small_code_modules_are_capped_at_about_one_millimetre() -> None:
    """A short code is not blown up past a scanner's field of view."""
    assert qr_module_px(21, 576, 203) == 7  # 0.88 mm, not 19 dots (2.4 mm)


def test_version_20_code_decodes_on_58mm_paper(qapp) -> None:
    """The largest single code still scans when printed on 58 mm paper at 3 dots a module."""
    digits = "".join(random.Random(7).choice("0123456789") for _ in range(1600))
    assert make_symbol(digits).version == 20
    assert decode(to_mono(render_ticket_image(receipt(qr_texts=(digits,)), 384, 203))) == [digits]


@pytest.mark.parametrize("practice", [False, True])
def test_code_is_drawn_module_for_module(qapp, practice: bool) -> None:
    """Modules are whole dots, black exactly where the symbol is dark; the quiet zone stays blank."""
    symbol = make_symbol(FAMILY_DIGITS)
    module = qr_module_px(symbol.size, 576, 203)
    ink = np.asarray(to_mono(render_ticket_image(receipt(practice=practice), 576, 203))) == 0
    side = (symbol.size + 2 * QUIET_ZONE_MODULES) * module
    left = (576 - side) // 2 + QUIET_ZONE_MODULES * module
    # The code's top edge: the first row with the finder pattern's 7-module black bar
    # between white dots (the practice banner above is black all across).
    top = next(
        y for y in range(len(ink))
        if ink[y, left:left + 7 * module].all() and not ink[y, left - 1] and not ink[y, left + 7 * module]
    )
    grid = ink[top:top + symbol.size * module, left:left + symbol.size * module]
    expected = np.kron(np.array(symbol.modules, dtype=bool), np.ones((module, module), dtype=bool))
    assert grid.shape == expected.shape and (grid == expected).all()
    margin = QUIET_ZONE_MODULES * module
    zone = ink[top - margin:top + symbol.size * module + margin, left - margin:left + symbol.size * module + margin]
    zone[margin:-margin, margin:-margin] = False
    assert not zone.any()  # the quiet zone is blank all round


def test_to_mono_gives_pure_1bit_without_dither(qapp) -> None:
    """Printer images are mode "1" with no grey speckle from dithering."""
    mono = to_mono(render_ticket_image(receipt(), 384, 203))
    assert mono.mode == "1"
    assert set(np.unique(np.asarray(mono.convert("L")))) <= {0, 255}


def test_ticket_number_is_large(qapp) -> None:
    """The number is drawn at least 15 mm tall on 80 mm paper (readable across the lobby)."""
    image = render_ticket_image(receipt(), 576, 203)
    ink = np.asarray(to_mono(image))[: image.height() // 3] == 0
    # Rows crossing the number have ink from "A" on the left to "7" on the right; the
    # longest unbroken run of such rows is the number's height (rules are 2 dots thin).
    wide = [bool(len(row.nonzero()[0])) and np.ptp(row.nonzero()[0]) > 576 * 0.6 for row in ink]
    longest = run = 0
    for is_wide in wide:
        run = run + 1 if is_wide else 0
        longest = max(longest, run)
    assert longest / 203 * 25.4 >= 15


def test_text_falls_back_for_characters_biz_ud_lacks(qapp) -> None:
    """𠮷 (outside BIZ UD Gothic) has a fallback font whenever the system has one."""
    families = _families()
    assert families[0] == UI_FAMILY == "BIZ UDPGothic"
    assert UI_FAMILY in QFontDatabase.families()
    assert not QRawFont.fromFont(_font(40)).supportsCharacter(0x20BB7)
    has_glyph = [f for f in QFontDatabase.families() if QRawFont.fromFont(_named(f)).supportsCharacter(0x20BB7)]
    if has_glyph:
        assert any(QRawFont.fromFont(_named(f)).supportsCharacter(0x20BB7) for f in families[1:])
    metrics = QFontMetricsF(_font(40))
    assert metrics.horizontalAdvance("𠮷野") > 0


def _named(family: str) -> QFont:
    font = QFont(family)
    font.setPixelSize(40)
    return font


def test_pdf_is_80mm_wide_with_embedded_fonts_and_real_text(qapp, tmp_path) -> None:
    """The PDF slip is one 80 mm page, embeds its fonts, and its text layer has the number."""
    path = tmp_path / "ticket.pdf"
    render_ticket_pdf(receipt(practice=True), path)
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width_mm = float(page.mediabox.width) / 72 * 25.4
    assert abs(width_mm - 80) < 0.5
    assert float(page.mediabox.height) > float(page.mediabox.width)
    assert "A-017" in page.extract_text()
    fonts = page["/Resources"]["/Font"]
    assert len(fonts) > 0
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]


def test_save_png_keeps_size_and_resolution(qapp, tmp_path) -> None:
    """A saved PNG has the printer's dots and records its dpi."""
    image = render_ticket_image(receipt(), 384, 203)
    path = tmp_path / "ticket.png"
    save_png(image, path)
    with Image.open(path) as png:
        assert png.size == (384, image.height())
        assert round(png.info["dpi"][0]) == 203


def test_save_png_to_a_missing_folder_raises_oserror(qapp, tmp_path) -> None:
    """A failed save is an error, never a silent success."""
    with pytest.raises(OSError):
        save_png(render_ticket_image(receipt(qr_texts=()), 384, 203), tmp_path / "no" / "such" / "t.png")


def test_easy_japanese_slip_prints_furigana_on_the_citizen_lines(qapp) -> None:
    """An やさしい日本語 slip draws readings over the kanji of its citizen lines; staff lines stay plain."""
    from kiosk.core.furigana import has_kanji
    from kiosk.core.i18n import load_translator
    from kiosk.paths import locales_dir
    from kiosk.ui.ticket_render import _Slip

    ticket = Ticket("A-017", "moving", 1775001900, FAMILY_ROUTE, 3, 25)
    easy = build_receipt(
        TicketSlip(ticket, (FAMILY_DIGITS,), "ja-x-easy", "サンプル市役所"),
        load_translator(locales_dir(), "ja-x-easy"), Translator("ja", JA_MESSAGES), DEFAULT_COUNTERS, TITLES,
    )
    probe = render_ticket_image(easy)  # paints without error
    slip = _Slip(easy, probe, 576, 203).lay_out()
    kanji_lines = [line.lines[0] for line in (easy.title, easy.number_label, easy.waiting, easy.call_notice)
                   if line is not None and has_kanji(line.lines[0])]
    assert kanji_lines, "the Easy Japanese catalogue has kanji to annotate"
    assert set(kanji_lines) <= set(slip.ruby_texts)
    assert all(has_kanji(text) for text in slip.ruby_texts)
    # The staff's Japanese lines are not annotated.
    staff_lines = {line.lines[-1] for line in (easy.title, easy.waiting) if len(line.lines) > 1}
    assert not staff_lines & set(slip.ruby_texts)
    # Readings take room: the same receipt drawn without them is shorter.
    plain = _Slip(easy, probe, 576, 203)
    plain.receipt = easy.__class__(**{**easy.__dict__, "language": "ja"})
    assert plain.lay_out().y < slip.y
    assert render_ticket_image(easy).height() == math.ceil(slip.y)


def _certificate_checklist(methods: tuple[str, ...] = ("cash", "qr_code")):
    from kiosk import paths
    from kiosk.core.forms import load_catalog, plan_visit, visit_checklist

    counters = [counter.id for counter in DEFAULT_COUNTERS]
    catalog = load_catalog(paths.forms_dir(), counters)
    answers = {"requester_role": "agent", "need_juminhyo": True, "need_koseki": False, "need_inkan_shomei": False,
               "need_inkan_toroku": False, "need_shotoku": True, "need_nozei": False,
               "juminhyo.copies": 2, "shotoku_shomei.copies": 1}
    plan = plan_visit(catalog, "certificate", answers, counters)
    return visit_checklist(catalog, plan, answers, {}, methods)


def test_checklist_is_printed_under_the_codes_in_both_languages(qapp, tmp_path) -> None:
    """Documents, fees with their total and ways to pay, then what could be done online: real PDF text."""
    from kiosk.core.i18n import load_translator
    from kiosk.paths import locales_dir

    checklist = _certificate_checklist()
    ticket = Ticket("B-004", "certificates", 1775001900, (RouteStop("residents", 1, ("juminhyo",)),
                                                          RouteStop("tax", 5, ("shotoku_shomei",))), 0, 0)
    slip = TicketSlip(ticket, (FAMILY_DIGITS,), "en", "Sample City Hall")
    built = build_receipt(slip, load_translator(locales_dir(), "en"), load_translator(locales_dir(), "ja"),
                          DEFAULT_COUNTERS, TITLES, checklist=checklist)
    assert [section.kind for section in built.checklist] == ["documents", "fees", "alternatives"]
    pdf = tmp_path / "slip.pdf"
    render_ticket_pdf(built, pdf)
    text = "".join(PdfReader(pdf).pages[0].extract_text().split())
    for expected in ("Pleasehavetheseready:", "委任状", "Fees(paidatthecounter):", "手数料",
                     "300yen×2=600yen", "300円×2＝600円", "Total:900yen", "合計：900円",
                     "Youcanpayby:cash,smartphonecodepayment(PayPayetc.)", "お支払い方法：現金・スマホのコード決済",
                     "Nexttime", "コンビニ"):
        assert expected in text, expected
    # The checklist comes after the code: the code still decodes from the raster slip.
    image = to_mono(render_ticket_image(built, 576, 203))
    assert decode(image.convert("L")) == [FAMILY_DIGITS]
    plain = render_ticket_image(build_receipt(slip, Translator("en"), Translator("ja", JA_MESSAGES),
                                              DEFAULT_COUNTERS, TITLES), 576, 203)
    assert render_ticket_image(built, 576, 203).height() > plain.height() + 400  # the list makes the slip longer
