"""Print layouts of the A4 official forms: printing/layouts/*.yaml → checked, typed layouts.

A layout says where each value of a form goes on the paper form staff print at the
counter (pre-filled 住民異動届 and so on): ruled boxes and member tables in millimetres,
each filled from a field of the form (or a part of a name, address or date), plus static
boxes such as the signature. The loader follows the forms loader: file → plain dict →
frozen objects, and every problem is reported with the file, the path inside it and what
to change (printing/layouts/README.md documents the format). ``fill_text``/``table_rows``
turn a described form (``kiosk.core.forms.describe_bundle``) into the strings to print.
This module must not draw, import Qt, or log the values it resolves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kiosk.core import era
from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.forms.loader import suggestion
from kiosk.core.forms.model import FieldKind, FieldSpec, FormCatalog, FormSpec

#: Paper sizes in millimetres (portrait width, height). Only A4 is printed at counters.
PAPER_SIZES = {"A4": (210.0, 297.0)}
#: Boxes may touch (they share ruled lines) but must not overlap by more than this.
_OVERLAP_TOLERANCE_MM = 0.05
#: Parts a layout can print from a compound value, by field kind. ``name``/``kana``
#: (person) and ``street`` (都道府県 to 番地, without the building: paper forms give
#: 方書 its own box) / ``postal`` (〒150-0002) are joined forms; ``wareki``/``western``
#: pick one half of the date display.
FIELD_PARTS: Mapping[FieldKind, tuple[str, ...]] = {
    FieldKind.PERSON_NAME: ("family", "given", "family_kana", "given_kana", "latin", "name", "kana"),
    FieldKind.ADDRESS: ("postal_code", "prefecture", "city", "town", "block", "building", "street", "postal"),
    FieldKind.DATE: ("wareki", "western"),
}
STATIC_KINDS = ("signature", "date_filed", "reception", "heading", "text")
ALIGNMENTS = ("left", "center", "right")


class LayoutErrorCode(ErrorCode):
    FILE = "LAYOUT_001"
    YAML_SYNTAX = "LAYOUT_002"
    UNKNOWN_KEY = "LAYOUT_003"
    MISSING_KEY = "LAYOUT_004"
    WRONG_TYPE = "LAYOUT_005"
    UNKNOWN_FORM = "LAYOUT_006"
    UNKNOWN_FIELD = "LAYOUT_007"
    UNKNOWN_PART = "LAYOUT_008"
    OUTSIDE_PAGE = "LAYOUT_009"
    OVERLAP = "LAYOUT_010"
    BAD_VALUE = "LAYOUT_011"
    NOT_A_GROUP = "LAYOUT_012"
    UNKNOWN_CHOICE = "LAYOUT_013"
    NO_LAYOUT = "LAYOUT_014"


@dataclass(frozen=True)
class LayoutProblem:
    """One thing wrong in one layout file, written for the city IT staff who edit it."""

    code: LayoutErrorCode
    file: str  # relative to the layouts folder, e.g. "tennyu.yaml"
    path: str  # inside the file, e.g. "boxes[3].field"; "" for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.file} {self.path}" if self.path else self.file
        return f"{self.code.value} {where}: {self.message}"


class LayoutError(KioskError):
    """Layout files that cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: Sequence[LayoutProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        code = self.problems[0].code if self.problems else LayoutErrorCode.FILE
        super().__init__(code, f"{len(self.problems)} problem(s) in the print layouts:\n{lines}")


@dataclass(frozen=True)
class FieldRef:
    """``field`` or ``field.part``: a top-level field of the form, or a member field in a table."""

    field: str
    part: str | None = None

    def __str__(self) -> str:
        return self.field if self.part is None else f"{self.field}.{self.part}"


@dataclass(frozen=True)
class Fill:
    """What fills a box or cell: the first ref that has a value; choices may print other text."""

    refs: tuple[FieldRef, ...]
    choice_text: Mapping[str, str]  # choice id → text printed instead of the choice label


@dataclass(frozen=True)
class Rect:
    x: float  # mm from the paper's left edge
    y: float  # mm from the paper's top edge
    w: float
    h: float

    def overlaps(self, other: Rect) -> bool:
        tol = _OVERLAP_TOLERANCE_MM
        return (
            self.x + tol < other.x + other.w and other.x + tol < self.x + self.w
            and self.y + tol < other.y + other.h and other.y + tol < self.y + self.h
        )


@dataclass(frozen=True)
class Box:
    label: str  # printed small in the top-left corner, as on the paper form
    rect: Rect
    page: int  # 1-based page of this form
    fill: Fill | None = None  # None for a static box
    static: str | None = None  # one of STATIC_KINDS when fill is None
    text: str = ""  # static text (heading, text) or a note printed in a static box
    align: str = "left"
    max_pt: float = 11.0  # values start at this size and shrink to fit the box


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # mm
    fill: Fill  # refs name member fields of the table's group; no refs: a blank column
    lead: Fill | None = None  # refs name top-level fields: the table's first row (the applicant)
    align: str = "left"


@dataclass(frozen=True)
class Table:
    label: str
    x: float
    y: float
    header_h: float
    row_h: float
    rows: int
    page: int
    group: str  # id of a group field of the form (the first of ``groups``)
    columns: tuple[Column, ...]
    numbered: bool = False  # a narrow first column 1, 2, 3 …
    max_pt: float = 9.5
    rows_if: str | None = None  # member field id: only members for whom it is true get a row
    #: Every group the table may print, in order: the first that has members is printed
    #: (a form that lists the people of a move from the visit's shared group, and asks its
    #: own list when there was no move).
    groups: tuple[str, ...] = ()
    #: The groups whose members have ``rows_if``; members of the others all get a row.
    rows_if_groups: tuple[str, ...] = ()

    @property
    def width(self) -> float:
        return sum(column.width for column in self.columns) + (NUMBER_COLUMN_MM if self.numbered else 0.0)

    @property
    def caption_h(self) -> float:
        """A band above the header for the table's label (none without a label)."""
        return CAPTION_MM if self.label else 0.0

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.width, self.caption_h + self.header_h + self.rows * self.row_h)

    @property
    def has_lead(self) -> bool:
        return any(column.lead is not None for column in self.columns)


#: Width of the row-number column of a ``numbered`` table.
NUMBER_COLUMN_MM = 6.0
#: Height of the caption band above a labelled table.
CAPTION_MM = 6.0


@dataclass(frozen=True)
class Page:
    size: str
    orientation: str
    width: float  # mm, after orientation
    height: float
    top: float  # margins, mm
    right: float
    bottom: float
    left: float
    header: float  # mm below the top margin kept for the title and ticket line


@dataclass(frozen=True)
class Layout:
    form_id: str
    title: str
    page: Page
    boxes: tuple[Box, ...]
    tables: tuple[Table, ...]
    path: str = ""

    @property
    def page_count(self) -> int:
        pages = [box.page for box in self.boxes] + [table.page for table in self.tables]
        return max(pages, default=1)


# ---------------------------------------------------------------------- loading


_StrictLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TOP_KEYS = {"form", "title", "page", "boxes", "tables"}
_PAGE_KEYS = {"size", "orientation", "margins", "header"}
_MARGIN_KEYS = {"top", "right", "bottom", "left"}
_BOX_KEYS = {"label", "x", "y", "w", "h", "page", "field", "choice_text", "static", "text", "align", "max_pt"}
_TABLE_KEYS = {"label", "x", "y", "header_h", "row_h", "rows", "page", "group", "columns", "numbered", "max_pt", "rows_if"}
_COLUMN_KEYS = {"label", "w", "field", "lead", "choice_text", "lead_choice_text", "align"}


def load_layouts(layouts_dir: Path, catalog: FormCatalog) -> dict[str, Layout]:
    """Every layout under ``layouts_dir`` by form id; raise LayoutError listing all problems."""
    layouts, problems = _load_all(layouts_dir, catalog)
    if problems:
        raise LayoutError(problems)
    return layouts


def check_layouts(layouts_dir: Path, catalog: FormCatalog) -> list[LayoutProblem]:
    """Every problem in the layout files under ``layouts_dir`` (empty when usable)."""
    return _load_all(layouts_dir, catalog)[1]


def load_layout(path: Path, catalog: FormCatalog) -> Layout:
    """One layout file; raise LayoutError listing all its problems."""
    layout, problems = _Reader(path, catalog).read()
    if problems or layout is None:
        raise LayoutError(problems)
    return layout


def _load_all(layouts_dir: Path, catalog: FormCatalog) -> tuple[dict[str, Layout], list[LayoutProblem]]:
    layouts: dict[str, Layout] = {}
    problems: list[LayoutProblem] = []
    for path in sorted(layouts_dir.glob("*.yaml")):
        layout, found = _Reader(path, catalog).read()
        problems.extend(found)
        if layout is not None and not found:
            layouts[layout.form_id] = layout
    return layouts, problems


class _Reader:
    """Reads one file, collecting every problem rather than stopping at the first."""

    def __init__(self, path: Path, catalog: FormCatalog) -> None:
        self.path = path
        self.file = path.name
        self.catalog = catalog
        self.problems: list[LayoutProblem] = []

    def problem(self, code: LayoutErrorCode, where: str, message: str) -> None:
        self.problems.append(LayoutProblem(code, self.file, where, message))

    # -- plumbing

    def read(self) -> tuple[Layout | None, list[LayoutProblem]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.problem(LayoutErrorCode.FILE, "", f"cannot read the file ({error.__class__.__name__}); save it as UTF-8")
            return None, self.problems
        try:
            data = yaml.load(text, Loader=_StrictLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            self.problem(LayoutErrorCode.YAML_SYNTAX, "", f"not valid YAML{at}; check the indentation and quotes there")
            return None, self.problems
        if not isinstance(data, dict):
            self.problem(LayoutErrorCode.WRONG_TYPE, "", "the file must be a map with form, title, page and boxes")
            return None, self.problems
        layout = self.layout(data)
        return layout, self.problems

    def keys(self, data: dict[str, Any], where: str, allowed: set[str], required: Sequence[str]) -> None:
        for key in data:
            if key not in allowed:
                self.problem(
                    LayoutErrorCode.UNKNOWN_KEY, _join(where, str(key)),
                    f"unknown key '{key}'{suggestion(key, allowed)}; allowed: {', '.join(sorted(allowed))}",
                )
        for key in required:
            if key not in data:
                self.problem(LayoutErrorCode.MISSING_KEY, where, f"'{key}' is missing; add it")

    def number(self, data: dict[str, Any], key: str, where: str, default: float | None = None,
               minimum: float = 0.0) -> float:
        value = data.get(key, default)
        if value is None:
            return 0.0  # reported as missing by keys()
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            self.problem(
                LayoutErrorCode.WRONG_TYPE, _join(where, key),
                f"write a number of millimetres (at least {minimum:g}), not {value!r}",
            )
            return default if default is not None else 0.0
        return float(value)

    def integer(self, data: dict[str, Any], key: str, where: str, default: int, minimum: int = 1) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(LayoutErrorCode.WRONG_TYPE, _join(where, key), f"write a whole number ≥ {minimum}, not {value!r}")
            return default
        return value

    def string(self, data: dict[str, Any], key: str, where: str, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            self.problem(LayoutErrorCode.WRONG_TYPE, _join(where, key), f"write text, not {value!r} (quote it)")
            return default
        return value

    def align(self, data: dict[str, Any], where: str) -> str:
        value = self.string(data, "align", where, "left")
        if value not in ALIGNMENTS:
            self.problem(LayoutErrorCode.BAD_VALUE, _join(where, "align"), f"'{value}' is not one of {', '.join(ALIGNMENTS)}")
            return "left"
        return value

    # -- the document

    def layout(self, data: dict[str, Any]) -> Layout | None:
        self.keys(data, "", _TOP_KEYS, ("form", "title", "page", "boxes"))
        form_id = self.string(data, "form", "")
        form = self.catalog.forms.get(form_id)
        if form_id and form is None:
            self.problem(
                LayoutErrorCode.UNKNOWN_FORM, "form",
                f"'{form_id}' is not a form in forms/{suggestion(form_id, self.catalog.forms)}",
            )
        if form_id and self.path.stem != form_id:
            self.problem(LayoutErrorCode.BAD_VALUE, "form", f"the file must be named {form_id}.yaml, like the form it lays out")
        title = self.string(data, "title", "")
        page = self.page(data.get("page"))
        boxes: list[Box] = []
        raw_boxes = data.get("boxes", [])
        if not isinstance(raw_boxes, list):
            self.problem(LayoutErrorCode.WRONG_TYPE, "boxes", "write a list of boxes (each line starting with '- ')")
            raw_boxes = []
        for index, raw in enumerate(raw_boxes):
            box = self.box(raw, f"boxes[{index}]", form, page)
            if box is not None:
                boxes.append(box)
        tables: list[Table] = []
        raw_tables = data.get("tables", [])
        if not isinstance(raw_tables, list):
            self.problem(LayoutErrorCode.WRONG_TYPE, "tables", "write a list of tables (each line starting with '- ')")
            raw_tables = []
        for index, raw in enumerate(raw_tables):
            table = self.table(raw, f"tables[{index}]", form, page)
            if table is not None:
                tables.append(table)
        self.overlaps(boxes, tables)
        if form is None or self.problems:
            return None
        return Layout(form.id, title, page, tuple(boxes), tuple(tables), str(self.path))

    def page(self, raw: Any) -> Page:
        fallback = Page("A4", "portrait", 210.0, 297.0, 10.0, 10.0, 10.0, 10.0, 16.0)
        if not isinstance(raw, dict):
            if raw is not None:
                self.problem(LayoutErrorCode.WRONG_TYPE, "page", "write a map: {size: A4, orientation: portrait, margins: {…}}")
            return fallback
        self.keys(raw, "page", _PAGE_KEYS, ("size", "margins"))
        size = self.string(raw, "size", "page", "A4")
        if size not in PAPER_SIZES:
            self.problem(LayoutErrorCode.BAD_VALUE, "page.size", f"'{size}' is not a known paper size; use {', '.join(PAPER_SIZES)}")
            size = "A4"
        orientation = self.string(raw, "orientation", "page", "portrait")
        width, height = PAPER_SIZES[size]
        if orientation == "landscape":
            width, height = height, width
        elif orientation != "portrait":
            self.problem(LayoutErrorCode.BAD_VALUE, "page.orientation", f"'{orientation}' is neither portrait nor landscape")
            orientation = "portrait"
        margins = raw.get("margins", {})
        if not isinstance(margins, dict):
            self.problem(LayoutErrorCode.WRONG_TYPE, "page.margins", "write a map: {top: 10, right: 10, bottom: 10, left: 10}")
            margins = {}
        self.keys(margins, "page.margins", _MARGIN_KEYS, tuple(sorted(_MARGIN_KEYS)))
        top, right, bottom, left = (self.number(margins, key, "page.margins", 10.0) for key in ("top", "right", "bottom", "left"))
        header = self.number(raw, "header", "page", 16.0)
        if left + right >= width or top + header + bottom >= height:
            self.problem(LayoutErrorCode.OUTSIDE_PAGE, "page.margins", "the margins leave no room on the paper; make them smaller")
        return Page(size, orientation, width, height, top, right, bottom, left, header)

    def inside(self, rect: Rect, page: Page, where: str) -> None:
        area_top = page.top + page.header
        if (rect.x < page.left - 1e-6 or rect.y < area_top - 1e-6
                or rect.x + rect.w > page.width - page.right + 1e-6
                or rect.y + rect.h > page.height - page.bottom + 1e-6):
            self.problem(
                LayoutErrorCode.OUTSIDE_PAGE, where,
                f"the box x {rect.x:g}–{rect.x + rect.w:g} mm, y {rect.y:g}–{rect.y + rect.h:g} mm leaves the printable area "
                f"x {page.left:g}–{page.width - page.right:g} mm, y {area_top:g}–{page.height - page.bottom:g} mm "
                "(the top includes page.header for the title); move or shrink it",
            )

    def box(self, raw: Any, where: str, form: FormSpec | None, page: Page) -> Box | None:
        if not isinstance(raw, dict):
            self.problem(LayoutErrorCode.WRONG_TYPE, where, "each box is a map with label, x, y, w, h and field or static")
            return None
        self.keys(raw, where, _BOX_KEYS, ("x", "y", "w", "h"))
        rect = Rect(*(self.number(raw, key, where, minimum=0.0) for key in ("x", "y", "w", "h")))
        if rect.w <= 0 or rect.h <= 0:
            self.problem(LayoutErrorCode.BAD_VALUE, where, "w and h must be more than 0 mm")
        self.inside(rect, page, where)
        label = self.string(raw, "label", where)
        number = self.integer(raw, "page", where, 1)
        align = self.align(raw, where)
        max_pt = self.number(raw, "max_pt", where, 11.0, minimum=4.0)
        text = self.string(raw, "text", where)
        has_field, has_static = "field" in raw, "static" in raw
        if has_field == has_static:
            self.problem(LayoutErrorCode.MISSING_KEY, where, "give a box either 'field' (what fills it) or 'static' (a blank box), not both or neither")
            return None
        if has_static:
            static = self.string(raw, "static", where)
            if static not in STATIC_KINDS:
                self.problem(LayoutErrorCode.BAD_VALUE, _join(where, "static"),
                             f"'{static}' is not a static box{suggestion(static, STATIC_KINDS)}; use one of {', '.join(STATIC_KINDS)}")
            if "choice_text" in raw:
                self.problem(LayoutErrorCode.UNKNOWN_KEY, _join(where, "choice_text"), "choice_text needs a 'field'; remove it from a static box")
            return Box(label, rect, number, None, static, text, align, max_pt)
        fields = {spec.id: spec for spec in form.fields} if form is not None else None
        fill = self.fill(raw.get("field"), raw.get("choice_text"), where, "field", fields, form)
        return Box(label, rect, number, fill, None, text, align, max_pt)

    def fill(self, refs: Any, choice_text: Any, where: str, key: str,
             fields: Mapping[str, FieldSpec] | None, form: FormSpec | None, scope: str = "") -> Fill:
        names = refs if isinstance(refs, list) else [refs]
        if not names:
            self.problem(LayoutErrorCode.WRONG_TYPE, _join(where, key), "write at least one field id")
        parsed: list[FieldRef] = []
        specs: list[FieldSpec] = []
        for index, name in enumerate(names):
            at = _join(where, key) + (f"[{index}]" if isinstance(refs, list) else "")
            if not isinstance(name, str) or not name:
                self.problem(LayoutErrorCode.WRONG_TYPE, at, "write a field id such as applicant or applicant.kana")
                continue
            field_id, _, part = name.partition(".")
            ref = FieldRef(field_id, part or None)
            parsed.append(ref)
            if fields is None:
                continue  # the form itself is unknown; reported once at 'form'
            spec = fields.get(field_id)
            if spec is None:
                owner = f"the group '{scope}'" if scope else f"the form '{form.id if form else ''}'"
                self.problem(LayoutErrorCode.UNKNOWN_FIELD, at,
                             f"'{field_id}' is not a field of {owner}{suggestion(field_id, fields)}")
                continue
            specs.append(spec)
            if spec.kind is FieldKind.GROUP:
                self.problem(LayoutErrorCode.BAD_VALUE, at, f"'{field_id}' is a group; print it with a table under 'tables'")
            allowed = FIELD_PARTS.get(spec.kind, ())
            if ref.part is not None and ref.part not in allowed:
                hint = f"; parts of a {spec.kind.value}: {', '.join(allowed)}" if allowed else f"; a {spec.kind.value} field has no parts"
                self.problem(LayoutErrorCode.UNKNOWN_PART, at, f"'{ref.part}' is not a part of '{field_id}'{hint}")
        texts: dict[str, str] = {}
        if choice_text is not None:
            at = _join(where, "choice_text")
            if not isinstance(choice_text, dict) or not all(isinstance(v, str) for v in choice_text.values()):
                self.problem(LayoutErrorCode.WRONG_TYPE, at, "write a map of choice id → text to print")
            else:
                choice_ids = {choice.id for spec in specs if spec.kind is FieldKind.CHOICE for choice in spec.choices}
                for choice_id, text in choice_text.items():
                    if fields is not None and str(choice_id) not in choice_ids:
                        self.problem(LayoutErrorCode.UNKNOWN_CHOICE, _join(at, str(choice_id)),
                                     f"'{choice_id}' is not a choice of {', '.join(str(r) for r in parsed) or 'the field'}"
                                     f"{suggestion(str(choice_id), choice_ids)}")
                    texts[str(choice_id)] = text
        return Fill(tuple(parsed), texts)

    def table(self, raw: Any, where: str, form: FormSpec | None, page: Page) -> Table | None:
        if not isinstance(raw, dict):
            self.problem(LayoutErrorCode.WRONG_TYPE, where, "each table is a map with group, x, y, row_h, rows and columns")
            return None
        self.keys(raw, where, _TABLE_KEYS, ("group", "x", "y", "header_h", "row_h", "rows", "columns"))
        raw_group = raw.get("group")
        if isinstance(raw_group, list) and raw_group and all(isinstance(g, str) and g for g in raw_group):
            group_ids = tuple(raw_group)
        else:
            group_ids = (self.string(raw, "group", where),) if raw_group is not None else ("",)
        group_id = group_ids[0]
        groups: list[FieldSpec] = []
        top_fields = {spec.id: spec for spec in form.fields} if form is not None else None
        for index, one_id in enumerate(group_ids):
            at = _join(where, "group") if len(group_ids) == 1 else f"{_join(where, 'group')}[{index}]"
            if top_fields is None or not one_id:
                continue
            group = top_fields.get(one_id)
            if group is None:
                self.problem(LayoutErrorCode.UNKNOWN_FIELD, at,
                             f"'{one_id}' is not a field of the form '{form.id if form else ''}'{suggestion(one_id, top_fields)}")
            elif group.kind is not FieldKind.GROUP:
                self.problem(LayoutErrorCode.NOT_A_GROUP, at, f"'{one_id}' is a {group.kind.value}, not a group; use a box")
            else:
                groups.append(group)
        group = groups[0] if groups else None
        # A column may name a member field of any of the groups (name, birth date …).
        member_fields = (
            {spec.id: spec for one in reversed(groups) for spec in one.fields} if groups else None
        )
        columns: list[Column] = []
        raw_columns = raw.get("columns", [])
        if not isinstance(raw_columns, list) or not raw_columns:
            self.problem(LayoutErrorCode.WRONG_TYPE, _join(where, "columns"), "write a list of at least one column")
            raw_columns = []
        for index, column in enumerate(raw_columns):
            at = f"{where}.columns[{index}]"
            if not isinstance(column, dict):
                self.problem(LayoutErrorCode.WRONG_TYPE, at, "each column is a map with label, w and field")
                continue
            self.keys(column, at, _COLUMN_KEYS, ("label", "w"))
            # A column without a field is left blank for the citizen or staff to write in.
            fill = Fill((), {})
            if "field" in column:
                fill = self.fill(column["field"], column.get("choice_text"), at, "field",
                                 member_fields if group is not None else None, form, group_id)
            elif "choice_text" in column:
                self.problem(LayoutErrorCode.UNKNOWN_KEY, _join(at, "choice_text"), "choice_text needs a 'field'; add one or remove it")
            lead = None
            if "lead" in column:
                lead = self.fill(column["lead"], column.get("lead_choice_text"), at, "lead", top_fields, form)
            elif "lead_choice_text" in column:
                self.problem(LayoutErrorCode.UNKNOWN_KEY, _join(at, "lead_choice_text"), "lead_choice_text needs a 'lead'; add one or remove it")
            columns.append(Column(self.string(column, "label", at), self.number(column, "w", at, minimum=1.0),
                                  fill, lead, self.align(column, at)))
        rows_if = raw.get("rows_if")
        if rows_if is not None:
            if not isinstance(rows_if, str):
                self.problem(LayoutErrorCode.WRONG_TYPE, _join(where, "rows_if"), "write the id of a yes/no member field")
                rows_if = None
            elif member_fields is not None and rows_if not in member_fields:
                self.problem(LayoutErrorCode.UNKNOWN_FIELD, _join(where, "rows_if"),
                             f"'{rows_if}' is not a field of the group '{group_id}'{suggestion(rows_if, member_fields)}")
        numbered = raw.get("numbered", False)
        if not isinstance(numbered, bool):
            self.problem(LayoutErrorCode.WRONG_TYPE, _join(where, "numbered"), "write true or false")
            numbered = False
        rows_if_groups = tuple(
            one.id for one in groups if rows_if is not None and any(spec.id == rows_if for spec in one.fields)
        ) if groups else group_ids
        table = Table(
            label=self.string(raw, "label", where),
            x=self.number(raw, "x", where), y=self.number(raw, "y", where),
            header_h=self.number(raw, "header_h", where, minimum=2.0), row_h=self.number(raw, "row_h", where, minimum=3.0),
            rows=self.integer(raw, "rows", where, 1), page=self.integer(raw, "page", where, 1),
            group=group_id, columns=tuple(columns),
            numbered=numbered, max_pt=self.number(raw, "max_pt", where, 9.5, minimum=4.0), rows_if=rows_if,
            groups=group_ids, rows_if_groups=rows_if_groups,
        )
        self.inside(table.rect, page, where)
        return table

    def overlaps(self, boxes: list[Box], tables: list[Table]) -> None:
        placed = [(f"boxes[{i}]", box.page, box.rect) for i, box in enumerate(boxes)]
        placed += [(f"tables[{i}]", table.page, table.rect) for i, table in enumerate(tables)]
        for i, (where, page, rect) in enumerate(placed):
            for other, other_page, other_rect in placed[:i]:
                if page == other_page and rect.overlaps(other_rect):
                    self.problem(LayoutErrorCode.OVERLAP, where,
                                 f"overlaps {other} on page {page}; boxes may share a ruled line but not cover each other")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


# ---------------------------------------------------------------------- filling


def _by_id(rows: Any) -> dict[str, Mapping[str, Any]]:
    if not isinstance(rows, list):
        return {}
    return {row["id"]: row for row in rows if isinstance(row, Mapping) and isinstance(row.get("id"), str)}


def _part_text(row: Mapping[str, Any], part: str) -> str:
    value = row.get("value")
    if part in ("wareki", "western"):
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return str(row.get("display", ""))  # an undecodable date: show what the decoder shows
        if part == "wareki" and day >= era.EARLIEST_DATE:
            return era.format_wareki(day)
        return f"{day.year}年{day.month}月{day.day}日"
    if not isinstance(value, Mapping):
        return ""
    if part == "name":
        joined = " ".join(str(value[p]) for p in ("family", "given") if value.get(p))
        return joined or str(value.get("latin", ""))
    if part == "kana":
        return " ".join(str(value[p]) for p in ("family_kana", "given_kana") if value.get(p))
    if part == "postal":
        code = str(value.get("postal_code", ""))
        return f"〒{code[:3]}-{code[3:]}" if len(code) == 7 else code
    if part == "street":
        return "".join(str(value.get(p, "")) for p in ("prefecture", "city", "town", "block"))
    return str(value.get(part, ""))


def _resolve(fill: Fill, rows: Mapping[str, Mapping[str, Any]]) -> str:
    for ref in fill.refs:
        row = rows.get(ref.field)
        if row is None:
            continue
        value = row.get("value")
        if ref.part is None and isinstance(value, str) and value in fill.choice_text:
            return fill.choice_text[value]
        text = _part_text(row, ref.part) if ref.part is not None else str(row.get("display", ""))
        if text:
            return text
    return ""


def fill_text(fill: Fill, described_form: Mapping[str, Any]) -> str:
    """The text a box prints for a described form ("" when the form has no such value)."""
    return _resolve(fill, _by_id(described_form.get("fields")))


def table_rows(table: Table, described_form: Mapping[str, Any]) -> list[list[str]]:
    """Every row the table prints (the lead row first, then one per group member), unpadded.

    May be longer than ``table.rows``: the renderer continues on an extra page.
    """
    top = _by_id(described_form.get("fields"))
    rows: list[list[str]] = []
    if table.has_lead:
        lead = [_resolve(column.lead, top) if column.lead is not None else "" for column in table.columns]
        if any(lead):  # a lead that is not part of this visit (no baby on a moving-in claim) takes no row
            rows.append(lead)
    members: list[Any] = []
    chosen = table.group
    for group_id in table.groups or (table.group,):
        group = top.get(group_id)
        value = group.get("value") if group is not None else None
        if isinstance(value, list) and value:
            members, chosen = value, group_id
            break
    filtered = table.rows_if is not None and chosen in (table.rows_if_groups or (table.group,))
    for member in members:
        scope = _by_id(member)
        if filtered and scope.get(table.rows_if, {}).get("value") in (None, False, "", 0):
            continue
        rows.append([_resolve(column.fill, scope) for column in table.columns])
    return rows


def layout_for(layouts: Mapping[str, Layout], form_id: str) -> Layout:
    """The layout of ``form_id``, or a LayoutError saying which file to add."""
    try:
        return layouts[form_id]
    except KeyError:
        raise LayoutError([LayoutProblem(
            LayoutErrorCode.NO_LAYOUT, f"{form_id}.yaml", "",
            f"there is no print layout for the form '{form_id}'; add printing/layouts/{form_id}.yaml",
        )]) from None
