"""Print layouts: the real files load, and mistakes get messages a layout author can act on."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import DEFAULT_COUNTERS
from kiosk import paths
from kiosk.core.bundle import Bundle
from kiosk.core.forms import describe_bundle, load_catalog, plan_visit, to_records
from kiosk.core.forms.model import FormCatalog
from kiosk.core.layouts import (
    LayoutError,
    LayoutErrorCode,
    check_layouts,
    fill_text,
    layout_for,
    load_layout,
    load_layouts,
    table_rows,
)
from tests.data.family_of_four import FAMILY_OF_FOUR

COUNTERS = [counter.id for counter in DEFAULT_COUNTERS]

MINIMAL = """\
form: tennyu
title: 住民異動届
page:
  size: A4
  margins: {top: 10, right: 10, bottom: 10, left: 10}
boxes:
  - {label: 氏名, x: 10, y: 30, w: 90, h: 15, field: applicant.name}
  - {label: 署名, x: 100, y: 30, w: 100, h: 15, static: signature}
"""


@pytest.fixture(scope="module")
def catalog() -> FormCatalog:
    return load_catalog(paths.forms_dir(), COUNTERS)


@pytest.fixture(scope="module")
def described(catalog) -> dict[str, Any]:
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTERS)
    bundle = Bundle("A-017", "vi", False, 1743989400, "test", to_records(catalog, plan, FAMILY_OF_FOUR))
    return describe_bundle(catalog, bundle)


def _write(tmp_path: Path, text: str, name: str = "tennyu.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _problems(tmp_path: Path, catalog: FormCatalog, text: str, name: str = "tennyu.yaml") -> list[str]:
    with pytest.raises(LayoutError) as caught:
        load_layout(_write(tmp_path, text, name), catalog)
    return [str(problem) for problem in caught.value.problems]


def test_every_real_form_has_a_valid_layout(catalog) -> None:
    """printing/layouts has one usable layout per form in forms/, and nothing else."""
    folder = paths.printing_dir() / "layouts"
    assert check_layouts(folder, catalog) == []
    layouts = load_layouts(folder, catalog)
    assert set(layouts) == set(catalog.forms)
    for layout in layouts.values():
        assert layout.page.size == "A4" and layout.page.orientation == "portrait"
        assert any(box.static == "signature" for box in layout.boxes), layout.form_id
        assert any(box.static == "reception" for box in layout.boxes), layout.form_id


def test_minimal_layout_loads_into_typed_objects(tmp_path, catalog) -> None:
    """A small valid file becomes a frozen Layout with millimetre boxes and parsed field refs."""
    layout = load_layout(_write(tmp_path, MINIMAL), catalog)
    assert layout.form_id == "tennyu" and layout.title == "住民異動届"
    name, signature = layout.boxes
    assert (name.rect.x, name.rect.y, name.rect.w, name.rect.h) == (10, 30, 90, 15)
    assert name.fill is not None and str(name.fill.refs[0]) == "applicant.name"
    assert signature.static == "signature" and signature.fill is None
    with pytest.raises(AttributeError):
        layout.title = "x"  # type: ignore[misc]


def test_unknown_field_names_file_path_and_suggestion(tmp_path, catalog) -> None:
    """A misspelt field id is reported with the file, the path in it, and the likely fix."""
    problems = _problems(tmp_path, catalog, MINIMAL.replace("applicant.name", "aplicant.name"))
    assert problems == [
        "LAYOUT_007 tennyu.yaml boxes[0].field: 'aplicant' is not a field of the form 'tennyu'; did you mean 'applicant'?"
    ]


def test_unknown_part_lists_the_parts_of_that_kind(tmp_path, catalog) -> None:
    """A part that the field's kind does not have lists the parts it does have."""
    problems = _problems(tmp_path, catalog, MINIMAL.replace("applicant.name", "applicant.kanji"))
    assert len(problems) == 1 and problems[0].startswith("LAYOUT_008 tennyu.yaml boxes[0].field:")
    assert "family_kana" in problems[0] and "kana" in problems[0]
    problems = _problems(tmp_path, catalog, MINIMAL.replace("applicant.name", "phone.area"))
    assert problems == ["LAYOUT_008 tennyu.yaml boxes[0].field: 'area' is not a part of 'phone'; a phone field has no parts"]


def test_overlapping_and_off_page_boxes_are_refused(tmp_path, catalog) -> None:
    """Boxes may share a ruled line but not cover each other, and must stay inside the margins."""
    touching = load_layout(_write(tmp_path, MINIMAL), catalog)  # x 10–100 and 100–200 share a line
    assert len(touching.boxes) == 2
    problems = _problems(tmp_path, catalog, MINIMAL.replace("x: 100, y: 30, w: 100", "x: 95, y: 30, w: 110"))
    assert any(p.startswith("LAYOUT_010 tennyu.yaml boxes[1]: overlaps boxes[0] on page 1") for p in problems)
    assert any(p.startswith("LAYOUT_009 tennyu.yaml boxes[1]:") and "205" in p for p in problems)
    problems = _problems(tmp_path, catalog, MINIMAL.replace("x: 10, y: 30, w: 90", "x: 10, y: 12, w: 90"))
    assert problems[0].startswith("LAYOUT_009 tennyu.yaml boxes[0]:") and "page.header" in problems[0]


def test_typos_in_keys_and_yaml_errors_are_explained(tmp_path, catalog) -> None:
    """An unknown key suggests the right one; broken YAML gives the line to look at."""
    problems = _problems(tmp_path, catalog, MINIMAL.replace("{label: 氏名", "{lable: 氏名"))
    assert problems == [(
        "LAYOUT_003 tennyu.yaml boxes[0].lable: unknown key 'lable'; did you mean 'label'?; allowed: align, "
        "choice_text, field, h, label, max_pt, page, static, text, w, x, y"
    )]
    problems = _problems(tmp_path, catalog, MINIMAL.replace("boxes:\n", "boxes:\n  - {label: [\n"))
    assert len(problems) == 1 and problems[0].startswith("LAYOUT_002 tennyu.yaml: not valid YAML at line")


def test_unknown_form_and_wrong_file_name(tmp_path, catalog) -> None:
    """The form must exist in forms/ and the file must carry its id as name."""
    problems = _problems(tmp_path, catalog, MINIMAL.replace("form: tennyu", "form: tenyu"), name="tenyu.yaml")
    assert problems[0] == "LAYOUT_006 tenyu.yaml form: 'tenyu' is not a form in forms/; did you mean 'tennyu'?"
    problems = _problems(tmp_path, catalog, MINIMAL, name="other.yaml")
    assert problems == ["LAYOUT_011 other.yaml form: the file must be named tennyu.yaml, like the form it lays out"]


def test_box_needs_exactly_one_of_field_and_static(tmp_path, catalog) -> None:
    """A box with both a field and a static kind (or an unknown static kind) is refused."""
    both = MINIMAL.replace("static: signature", "static: signature, field: phone")
    assert _problems(tmp_path, catalog, both)[0].startswith("LAYOUT_004 tennyu.yaml boxes[1]: give a box either 'field'")
    wrong = MINIMAL.replace("static: signature", "static: signatur")
    assert _problems(tmp_path, catalog, wrong) == [(
        "LAYOUT_011 tennyu.yaml boxes[1].static: 'signatur' is not a static box; did you mean 'signature'?; "
        "use one of signature, date_filed, reception, heading, text"
    )]


def test_table_errors_name_the_group_and_its_members(tmp_path, catalog) -> None:
    """A table over a non-group, a bad member field, and a bad choice_text are each explained."""
    table = MINIMAL + textwrap.dedent("""\
        tables:
          - label: 異動者
            x: 10
            y: 50
            header_h: 8
            row_h: 10
            rows: 3
            group: GROUP
            columns:
              - {label: 氏名, w: 60, field: MEMBER}
              - {label: 続柄, w: 30, field: relationship, choice_text: {wife: 妻, spouse: 配偶者}}
        """)
    problems = _problems(tmp_path, catalog, table.replace("GROUP", "phone").replace("MEMBER", "name.name"))
    assert "LAYOUT_012 tennyu.yaml tables[0].group: 'phone' is a phone, not a group; use a box" in problems
    problems = _problems(tmp_path, catalog, table.replace("GROUP", "household").replace("MEMBER", "nmae.name"))
    assert problems == [
        "LAYOUT_007 tennyu.yaml tables[0].columns[0].field: 'nmae' is not a field of the group 'household'; did you mean 'name'?",
        "LAYOUT_013 tennyu.yaml tables[0].columns[1].choice_text.spouse: 'spouse' is not a choice of relationship",
    ]


def test_every_problem_is_reported_at_once(tmp_path, catalog) -> None:
    """Several mistakes in one file are all listed, so the author fixes them in one pass."""
    text = MINIMAL.replace("applicant.name", "aplicant").replace("static: signature", "static: signatur").replace(
        "size: A4", "size: B4")
    with pytest.raises(LayoutError) as caught:
        load_layout(_write(tmp_path, text), catalog)
    codes = [problem.code for problem in caught.value.problems]
    assert codes == [LayoutErrorCode.BAD_VALUE, LayoutErrorCode.UNKNOWN_FIELD, LayoutErrorCode.BAD_VALUE]
    assert "3 problem(s)" in str(caught.value)


def test_layout_for_a_form_without_layout_says_which_file_to_add(catalog) -> None:
    """A bundle form with no layout fails with LAYOUT_014 and the path of the missing file."""
    with pytest.raises(LayoutError) as caught:
        layout_for({}, "kokuho_kanyu")
    assert caught.value.code is LayoutErrorCode.NO_LAYOUT
    assert "printing/layouts/kokuho_kanyu.yaml" in str(caught.value)


def test_fill_text_resolves_parts_choices_and_fallbacks(tmp_path, catalog, described) -> None:
    """Parts (kana, 和暦, postal, street), choice_text and first-filled fallbacks give the paper's wording."""
    layout = load_layout(_write(tmp_path, MINIMAL + textwrap.indent(textwrap.dedent("""\
          - {label: a, x: 10, y: 50, w: 20, h: 10, field: applicant.kana}
          - {label: b, x: 30, y: 50, w: 20, h: 10, field: move_date.wareki}
          - {label: c, x: 50, y: 50, w: 20, h: 10, field: move_date.western}
          - {label: d, x: 70, y: 50, w: 20, h: 10, field: move_date}
          - {label: e, x: 90, y: 50, w: 20, h: 10, field: new_address.postal}
          - {label: f, x: 110, y: 50, w: 20, h: 10, field: previous_address.street}
          - {label: g, x: 130, y: 50, w: 20, h: 10, field: previous_address.building}
          - {label: h, x: 150, y: 50, w: 20, h: 10, field: [head_name.name, head_of_household], choice_text: {applicant: 本人}}
          - {label: i, x: 170, y: 50, w: 20, h: 10, field: [honseki, hittousha]}
        """), "  ")), catalog)
    tennyu = described["forms"][0]
    texts = [fill_text(box.fill, tennyu) for box in layout.boxes if box.fill is not None]
    assert texts == [
        "NGUYEN VAN AN", "グエン ヴァン アン", "令和7年4月1日", "2025年4月1日", "令和7年4月1日（2025年4月1日）",
        "〒150-0002", "大阪府大阪市北区梅田1-1-3", "梅田ハイツ 502", "本人", "",
    ]


def test_table_rows_put_the_lead_first_and_filter_members(catalog, described) -> None:
    """The 異動者 table starts with the notifier; the 児童 table keeps only the claimed children."""
    layouts = load_layouts(paths.printing_dir() / "layouts", catalog)
    movers = table_rows(layouts["tennyu"].tables[0], described["forms"][0])
    assert [row[0] for row in movers] == ["NGUYEN VAN AN", "TRAN THI BINH", "NGUYEN MINH KHOA", "NGUYEN THI LAN"]
    assert [row[4] for row in movers] == ["世帯主", "妻", "子", "子"]
    jidou = next(form for form in described["forms"] if form["form"] == "jidou_teate_nintei")
    children = table_rows(layouts["jidou_teate_nintei"].tables[0], jidou)
    assert [row[0] for row in children] == ["NGUYEN MINH KHOA", "NGUYEN THI LAN"]
    assert table_rows(layouts["jidou_teate_nintei"].tables[1], jidou) == []
