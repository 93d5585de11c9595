"""The printed official forms: values land in their layout boxes, in embedded fonts, legibly.

Each real form is rendered for the family-of-four bundle; the PDF is then read twice:
through pypdf's text layer (what is written, and where: every value's anchor must lie in
its layout box) and as pixels from poppler's pdftoppm at 100 dpi (ink where a value was
filled, none where the field is empty). Needs poppler-utils (pdftoppm) on PATH.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtGui import QFont, QRawFont

from kiosk.config import DEFAULT_COUNTERS
from kiosk import paths
from kiosk.core.bundle import Bundle
from kiosk.core.forms import describe_bundle, load_catalog, plan_visit, to_records
from kiosk.core.layouts import (
    Layout,
    LayoutError,
    LayoutErrorCode,
    fill_text,
    load_layouts,
    table_rows,
)
from kiosk.core.form_samples import load_form_samples, sample_bundle
from kiosk.ui.form_pdf import (
    render_bundle_pdf,
    render_form_pdf,
    table_cell_mm,
    value_rect_mm,
)
from kiosk.ui.theme import SHIPPED_FALLBACK, load_fonts
from tests.data.family_of_four import FAMILY_OF_FOUR

COUNTERS = [counter.id for counter in DEFAULT_COUNTERS]
#: Every procedure: each is filled from its sample answers (forms/samples/<form id>.yaml).
ALL_FORMS = tuple(sorted(p.stem for p in paths.forms_dir().glob("*.yaml") if p.name != "facts.yaml"))
DPI = 100
PT_PER_MM = 72 / 25.4
DARK = 128  # grey level below which a pixel counts as ink

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")


# ---------------------------------------------------------------------- fixtures


def _describe(practice: bool = False) -> dict[str, Any]:
    catalog = load_catalog(paths.forms_dir(), COUNTERS)
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTERS)
    bundle = Bundle("A-017", "vi", practice, 1743989400, "test-kiosk", to_records(catalog, plan, FAMILY_OF_FOUR))
    return describe_bundle(catalog, bundle)


@pytest.fixture(scope="module")
def layouts() -> dict[str, Layout]:
    return load_layouts(paths.printing_dir() / "layouts", load_catalog(paths.forms_dir(), COUNTERS))


@pytest.fixture(scope="module")
def described() -> dict[str, Any]:
    return _describe()


@pytest.fixture(scope="module")
def rendered(qapp, tmp_path_factory, described, layouts) -> dict[str, tuple[dict[str, Any], Path, list[Image.Image]]]:
    """Each real form rendered on its own and rasterised: form id → (described form, pdf, pages)."""
    folder = tmp_path_factory.mktemp("forms")
    result = {}
    for form in described["forms"]:
        pdf = folder / f"{form['form']}.pdf"
        render_form_pdf(form, layouts[form["form"]], pdf, ticket="A-017", language="vi")
        result[form["form"]] = (form, pdf, _rasterise(pdf))
    return result


@pytest.fixture(scope="module")
def sample_rendered(qapp, tmp_path_factory, layouts) -> dict[str, tuple[dict[str, Any], Path, list[Image.Image]]]:
    """Every form filled from its sample and rasterised: form id → (described form, pdf, pages)."""
    catalog = load_catalog(paths.forms_dir(), COUNTERS)
    folder = tmp_path_factory.mktemp("samples")
    result = {}
    for form_id, sample in load_form_samples(paths.forms_dir()).items():
        described = describe_bundle(catalog, sample_bundle(catalog, sample))
        assert described["warnings"] == [], (form_id, described["warnings"])
        form = described["forms"][0]
        pdf = folder / f"{form_id}.pdf"
        render_form_pdf(form, layouts[form_id], pdf, ticket="A-017", language="ja")
        result[form_id] = (form, pdf, _rasterise(pdf))
    return result


def _rasterise(pdf: Path) -> list[Image.Image]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(prefix)], check=True, timeout=60)
    pages = sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
    return [Image.open(page).convert("RGB") for page in pages]


# ---------------------------------------------------------------------- PDF reading


Fragment = tuple[str, float, float, float, str]


def _fragments(pdf: Path, page_index: int = 0) -> list[Fragment]:
    """Text pieces of one page: text, anchor (x, baseline y) in mm from the top-left, size in pt, font name."""
    page = PdfReader(pdf).pages[page_index]
    height = float(page.mediabox.height)
    found: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        name = str(font.get("/BaseFont", "")) if font else ""
        found.append((text, x / PT_PER_MM, (height - y) / PT_PER_MM, abs(size * cm[3] * tm[3]), name))

    page.extract_text(visitor_text=visit)
    return found


def _text_in(fragments: list[Fragment], rect: tuple[float, float, float, float]) -> str:
    x, y, w, h = rect
    inside = [text for text, fx, fy, *_ in fragments if x - 0.1 <= fx <= x + w and y <= fy <= y + h + 0.1]
    return "".join("".join(inside).split())


def _squash(text: str) -> str:
    return "".join(text.split())


def _ink(image: Image.Image, rect: tuple[float, float, float, float], inset: float = 0.6) -> int:
    """Dark pixels inside a rectangle given in mm (shrunk by ``inset`` mm to stay off the rules)."""
    x, y, w, h = rect
    scale = DPI / 25.4
    box = (round((x + inset) * scale), round((y + inset) * scale), round((x + w - inset) * scale), round((y + h - inset) * scale))
    grey = np.asarray(image.crop(box).convert("L"))
    return int((grey < DARK).sum())


def _reddish(image: Image.Image) -> int:
    """Pixels of the translucent red watermark (black text and grey fills are not reddish)."""
    rgb = np.asarray(image).astype(int)
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((red - green > 30) & (red - blue > 30)).sum())


# ---------------------------------------------------------------------- tests


def test_bundle_pdf_embeds_fonts_and_carries_the_values(qapp, tmp_path, described, layouts) -> None:
    """One PDF for the bundle, a page per form in bundle order, fonts embedded, values in the text layer."""
    pdf = tmp_path / "bundle.pdf"
    render_bundle_pdf(described, layouts, pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == len(described["forms"]) == 4
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("BIZUDMincho" in name for name in fonts), fonts
    assert all(fonts.values()), f"fonts not embedded: {fonts}"
    texts = [_squash(page.extract_text()) for page in reader.pages]
    for value in ("NGUYEN", "VANAN", "グエン", "渋谷区", "令和7年4月1日", "昭和63年5月20日", "受付番号A-017", "使用言語:vi"):
        assert value in texts[0], value
    titles = [_squash(layouts[form["form"]].title) for form in described["forms"]]
    assert [title in text for title, text in zip(titles, texts)] == [True] * 4
    assert "みずほ銀行" in texts[2] and "1234567" in texts[2]
    assert "見本" not in "".join(texts)  # not a practice bundle


def test_every_form_has_a_sample_that_fills_it() -> None:
    """Each procedure has sample answers, so its printed form is checked below and shown in docs/samples."""
    assert set(load_form_samples(paths.forms_dir())) == set(ALL_FORMS)


@pytest.mark.parametrize("form_id", ALL_FORMS)
def test_every_value_lies_inside_its_layout_box(sample_rendered, layouts, form_id) -> None:
    """Each box's text (pypdf coordinates) sits inside that box's value area, and only there."""
    form, pdf, pages = sample_rendered[form_id]
    layout = layouts[form_id]
    fragments = {page: _fragments(pdf, page) for page in range(len(pages))}
    filled = boxes = 0
    for box in layout.boxes:
        if box.fill is None:
            continue
        expected = _squash(fill_text(box.fill, form))
        assert _text_in(fragments[box.page - 1], value_rect_mm(box)) == expected, box.label
        filled += bool(expected)
        boxes += 1
    for table in layout.tables:
        rows = table_rows(table, form)
        for row in range(table.rows):
            for column in range(len(table.columns)):
                expected = _squash(rows[row][column]) if row < len(rows) else ""
                cell = table_cell_mm(table, row, column)
                assert _text_in(fragments[table.page - 1], cell) == expected, (table.label, row, column)
    # The sample fills most of the form; a blank page must not pass.
    assert filled >= 5 and filled >= boxes * 0.6, (filled, boxes)


@pytest.mark.parametrize("form_id", ALL_FORMS)
def test_raster_shows_ink_where_values_were_filled(sample_rendered, layouts, form_id) -> None:
    """At 100 dpi, every filled box and cell has ink and every empty one is blank paper."""
    form, _, pages = sample_rendered[form_id]
    layout = layouts[form_id]
    for image in pages:
        width, height = image.size
        assert abs(width - 210 / 25.4 * DPI) <= 1 and abs(height - 297 / 25.4 * DPI) <= 1  # A4 portrait
    empty_seen = 0
    for box in layout.boxes:
        if box.fill is None:
            continue
        image = pages[box.page - 1]
        ink = _ink(image, value_rect_mm(box))
        if fill_text(box.fill, form):
            assert ink > 8, f"no ink in '{box.label}'"  # a lone "0" is about 15 pixels
        else:
            assert ink == 0, f"ink in the empty box '{box.label}'"
            empty_seen += 1
    for table in layout.tables:
        rows = table_rows(table, form)
        image = pages[table.page - 1]
        for row in range(table.rows):
            for column in range(len(table.columns)):
                ink = _ink(image, table_cell_mm(table, row, column), inset=0.8)
                if row < len(rows) and rows[row][column]:
                    assert ink > 10, (table.label, row, column)
                else:
                    assert ink == 0, (table.label, row, column)
                    empty_seen += 1
    if layout.tables:
        assert empty_seen > 0  # unused ruled rows are blank paper (the ink == 0 branch ran)


def test_specific_values_appear_in_the_expected_boxes(rendered, layouts) -> None:
    """Spot checks against the fixture: name, kana, address, 和暦 date and 世帯主 where the paper form has them."""
    _, pdf, _ = rendered["tennyu"]
    by_label = {box.label: box for box in layouts["tennyu"].boxes}
    fragments = _fragments(pdf)
    assert _text_in(fragments, value_rect_mm(by_label["氏名"])) == "NGUYENVANAN"
    assert _text_in(fragments, value_rect_mm(by_label["フリガナ"])) == "グエンヴァンアン"
    assert _text_in(fragments, value_rect_mm(by_label["異動日（住み始めた日）"])) == "令和7年4月1日（2025年4月1日）"
    assert _text_in(fragments, value_rect_mm(by_label["世帯主"])) == "届出人と同じ"
    assert _text_in(fragments, value_rect_mm(by_label["本籍"])) == ""
    street = next(box for box in layouts["tennyu"].boxes if box.label == "住所")
    assert _text_in(fragments, value_rect_mm(street)) == "東京都渋谷区渋谷2-21-1"
    table = layouts["tennyu"].tables[0]
    first_row = [_text_in(fragments, table_cell_mm(table, 0, column)) for column in range(len(table.columns))]
    assert first_row == ["NGUYENVANAN", "グエンヴァンアン", "昭和63年5月20日", "男", "世帯主", "ベトナム", "AB12345678CD"]


def test_long_value_shrinks_to_fit_its_box(qapp, tmp_path, described, layouts) -> None:
    """A very long 方書 is set smaller (or wrapped) inside its box, never over the neighbouring box."""
    form = copy.deepcopy(described["forms"][0])
    long_building = "グランドメゾン渋谷ステーションフロントタワー東館第二期二十三階二三〇五号室"
    for row in form["fields"]:
        if row["id"] == "new_address":
            row["value"]["building"] = long_building
    pdf = tmp_path / "long.pdf"
    render_form_pdf(form, layouts["tennyu"], pdf)
    layout = layouts["tennyu"]
    building = next(b for b in layout.boxes if b.fill and str(b.fill.refs[0]) == "new_address.building")
    head = next(b for b in layout.boxes if b.label == "世帯主")
    fragments = _fragments(pdf)
    assert _text_in(fragments, value_rect_mm(building)) == long_building
    sizes = [size for text, _, _, size, _ in fragments if text.strip() and text.strip()[0] in long_building[:3]]
    assert sizes and min(sizes) < building.max_pt  # it did shrink
    # Every piece ends inside the box: all its characters are full-width (1 em each).
    vx, vy, vw, vh = value_rect_mm(building)
    for text, x, fy, size, _ in fragments:
        if text.strip() and text.strip()[0] in long_building and vy <= fy <= vy + vh:
            assert x + len(text.strip()) * size / PT_PER_MM <= vx + vw + 0.2, text
    # And no ink in the strip between the value area and the box's right-hand rule.
    image = _rasterise(pdf)[0]
    assert _ink(image, (vx + vw, vy, building.rect.x + building.rect.w - (vx + vw), vh), inset=0.3) == 0
    assert _text_in(fragments, value_rect_mm(head)) == "届出人と同じ"  # the neighbour holds only its own value


def test_name_with_kichi_renders_a_real_glyph(qapp, tmp_path, described, layouts) -> None:
    """𠮷 (missing from BIZ UD) is drawn from the shipped fallback font, embedded, not as tofu."""
    load_fonts()
    assert not QRawFont.fromFont(QFont("BIZ UDMincho")).supportsCharacter(0x20BB7)  # why a fallback is needed
    assert QRawFont.fromFont(QFont(SHIPPED_FALLBACK)).supportsCharacter(0x20BB7)

    def render(family: str, name: str) -> tuple[Path, Image.Image]:
        form = copy.deepcopy(described["forms"][0])
        for row in form["fields"]:
            if row["id"] == "applicant":
                row["value"] = {"family": family, "given": "太郎", "family_kana": "ヨシダ", "given_kana": "タロウ"}
        pdf = tmp_path / f"{name}.pdf"
        render_form_pdf(form, layouts["tennyu"], pdf)
        return pdf, _rasterise(pdf)[0]

    pdf, image = render("𠮷田", "kichi")
    fragments = _fragments(pdf)
    name_box = next(b for b in layouts["tennyu"].boxes if b.label == "氏名")
    # Qt writes ToUnicode entries for the BMP only, so the text layer loses 𠮷 itself
    # (a Qt limitation: copy-paste gives 田太郎); the rest of the name is there.
    assert _text_in(fragments, value_rect_mm(name_box)).endswith("田太郎")
    # The glyph came from the shipped fallback, embedded in the PDF, inside the name box.
    vx, vy, vw, vh = value_rect_mm(name_box)
    fallback = [f for f in fragments if "KioskCJKFallback" in f[4] and vx - 0.1 <= f[1] <= vx + vw and vy <= f[2] <= vy + vh + 0.1]
    assert len(fallback) == 1, fragments
    _, x, baseline, size, _ = fallback[0]
    em = size / PT_PER_MM
    cell = (x, baseline - 0.88 * em, em, em)
    # Not tofu: a character no shipped font has (a private-use code point) shows what Qt
    # draws for a missing glyph at the same place; 𠮷 must carry strokes and differ from it.
    _, tofu_image = render("\U000F0001田", "tofu")
    assert _ink(image, cell, inset=0.2) > 40
    scale = DPI / 25.4
    box = tuple(round(v * scale) for v in (cell[0] + 0.2, cell[1] + 0.2, cell[0] + cell[2] - 0.2, cell[1] + cell[3] - 0.2))
    kichi = np.asarray(image.crop(box).convert("L")) < DARK
    tofu = np.asarray(tofu_image.crop(box).convert("L")) < DARK
    assert int((kichi != tofu).sum()) > 40


def test_practice_bundle_has_a_watermark_on_every_page(qapp, tmp_path, layouts) -> None:
    """A practice payload prints 見本 across every page (text layer and red ink at the centre)."""
    practice = _describe(practice=True)
    pdf = tmp_path / "practice.pdf"
    render_bundle_pdf(practice, layouts, pdf)
    reader = PdfReader(pdf)
    images = _rasterise(pdf)
    assert len(reader.pages) == len(images) == 4
    for page, image in zip(reader.pages, images):
        assert "見本" in _squash(page.extract_text())
        width, height = image.size
        assert _reddish(image.crop((width // 4, height // 4, 3 * width // 4, 3 * height // 4))) > 5000


def test_ordinary_bundle_has_no_watermark_ink(rendered) -> None:
    """Without the practice flag no reddish watermark ink appears (the check above can fail)."""
    _, _, pages = rendered["tennyu"]
    assert _reddish(pages[0]) == 0


def test_long_member_table_continues_on_an_extra_page(qapp, tmp_path, described, layouts) -> None:
    """More movers than ruled rows: the rest are printed on a continuation page, none dropped."""
    form = copy.deepcopy(described["forms"][0])
    household = next(row for row in form["fields"] if row["id"] == "household")
    template = household["value"][1]
    for number in range(6):  # 1 applicant + 3 + 6 = 10 people, the table has 7 rows
        member = copy.deepcopy(template)
        member[0]["value"]["given"] = f"EXTRA {chr(ord('A') + number)}"
        household["value"].append(member)
    pdf = tmp_path / "long-table.pdf"
    render_form_pdf(form, layouts["tennyu"], pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    second = _squash(reader.pages[1].extract_text())
    assert "（続き）" in second and "NGUYENEXTRAD" in second and "NGUYENEXTRAF" in second
    assert "NGUYENEXTRAC" in _squash(reader.pages[0].extract_text())
    table = layouts["tennyu"].tables[0]
    assert _text_in(_fragments(pdf, 1), table_cell_mm(table, 0, 0)) == "NGUYENEXTRAD"


def test_bundle_without_a_layout_is_refused_before_writing(qapp, tmp_path, described, layouts) -> None:
    """A form with no layout file raises LAYOUT_014 naming the file to add, and writes no PDF."""
    partial = {form_id: layout for form_id, layout in layouts.items() if form_id != "kokuho_kanyu"}
    pdf = tmp_path / "refused.pdf"
    with pytest.raises(LayoutError) as caught:
        render_bundle_pdf(described, partial, pdf)
    assert caught.value.code is LayoutErrorCode.NO_LAYOUT
    assert "printing/layouts/kokuho_kanyu.yaml" in str(caught.value)
    assert not pdf.exists()


def test_forms_filed_with_a_move_print_the_people_of_the_move(qapp, tmp_path, layouts) -> None:
    """After a move within the city, the insurance-card and My Number card forms list the household
    already given for the 転居届 (filtered by each member's answer), not a second list typed again."""
    from datetime import date

    from kiosk.core.practice import load_personas

    catalog = load_catalog(paths.forms_dir(), COUNTERS)
    persona = next(p for p in load_personas(paths.forms_dir(), catalog) if p.id == "family_moving_within")
    answers = persona.answers_on(date(2031, 6, 15))
    assert not any(".members." in path or ".card_holders." in path for path in answers)  # nothing typed twice
    plan = plan_visit(catalog, persona.event_id, answers, COUNTERS)
    described = describe_bundle(catalog, Bundle("A-020", "vi", False, 1743989400, "k", to_records(catalog, plan, answers)))
    forms = {form["form"]: form for form in described["forms"]}
    insurance = table_rows(layouts["kokuho_shikaku"].tables[0], forms["kokuho_shikaku"])
    cards = table_rows(layouts["mynumber_kenmen"].tables[0], forms["mynumber_kenmen"])
    assert [row[0] for row in insurance] == ["TRAN THI BINH", "NGUYEN MINH KHOA"]
    assert [row[0] for row in cards] == ["TRAN THI BINH"]  # the child has no card
    pdf = tmp_path / "within.pdf"
    render_bundle_pdf(described, layouts, pdf)
    text = "".join(PdfReader(pdf).pages[plan.forms.index("kokuho_shikaku")].extract_text().split())
    assert "TRANTHIBINH" in text and "NGUYENMINHKHOA" in text
