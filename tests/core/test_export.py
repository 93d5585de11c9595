"""Staff exports (kiosk.core.export): BOM, CSV round trip, formula injection, practice refusal."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.export import (
    CSV_COLUMNS,
    ExportError,
    ExportErrorCode,
    neutralise_cell,
    refuse_practice,
    to_csv,
    to_json,
)

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "qr-vectors"


def _described(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))["bundle"]


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_bom_and_header() -> None:
    """Excel needs the UTF-8 BOM; the first row is the documented header."""
    data = to_csv(_described("v01-single-tennyu"))
    assert data.startswith(b"\xef\xbb\xbf")
    assert _rows(data)[0] == list(CSV_COLUMNS)


def test_csv_round_trips_every_field_through_the_csv_module() -> None:
    """One row per field; the csv module reads back the same display and raw values."""
    described = _described("v01-single-tennyu")
    rows = _rows(to_csv(described))[1:]
    fields = described["forms"][0]["fields"]
    top = [row for row in rows if row[3] == ""]
    assert [row[4] for row in top] == [str(f["key"]) for f in fields]
    for row, field in zip(top, fields):
        assert row[0] == "A-001" and row[1] == "tennyu" and row[2] == described["forms"][0]["title"]
        assert row[5] == field["id"] and row[6] == field["label"] and row[7] == neutralise_cell(field["display"])
    address = next(row for row in top if row[5] == "new_address")
    assert json.loads(address[8]) == next(f["value"] for f in fields if f["id"] == "new_address")


def test_group_members_are_flattened_with_member_numbers() -> None:
    """The household becomes a summary row plus one row per member sub-field, numbered from 1."""
    described = _described("v02-family-of-four")
    rows = _rows(to_csv(described))[1:]
    tennyu = [row for row in rows if row[1] == "tennyu"]
    summary = next(row for row in tennyu if row[5] == "household")
    assert summary[3] == "" and summary[7] == "3名" and summary[8] == "3"
    names = [row for row in tennyu if row[5] == "household.name"]
    assert [row[3] for row in names] == ["1", "2", "3"]
    assert names[0][4] == "18.1" and "TRAN THI BINH" in names[0][7]
    assert json.loads(names[2][8])["given"] == "THI LAN"


def test_japanese_and_rare_characters_are_preserved() -> None:
    """髙, 﨑 (not 崎), 𠮷 and the variation selector come out unchanged in CSV and JSON."""
    described = _described("v04-rare-characters")
    text = to_csv(described).decode("utf-8-sig")
    for needle in ("髙﨑", "𠮷子", "葛\U000e0100西", "転入届", "e\u0301"):
        assert needle in text
    assert json.loads(to_json(described)) == described
    assert "𠮷子" in to_json(described)  # not \\ud842 escapes


@pytest.mark.parametrize(
    "cell",
    ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠A1", "﹦1"],
)
def test_formula_starts_are_neutralised(cell: str) -> None:
    """Cells a spreadsheet would run (including full-width forms after NFKC) get a leading '."""
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["2025-04-01", "09012345678", "山田", "", "〒150-0002", "'quoted", " =x"])
def test_ordinary_cells_are_unchanged(cell: str) -> None:
    """Dates, phone numbers and names are not touched."""
    assert neutralise_cell(cell) == cell


def test_injected_answer_is_neutralised_in_the_csv() -> None:
    """A hostile name typed at a kiosk reaches the CSV only as text."""
    described = _described("v01-single-tennyu")
    field = described["forms"][0]["fields"][0]
    field["display"] = "=cmd|' /C calc'!A0"
    field["value"] = "＠SUM(1)"
    row = _rows(to_csv(described))[1]
    assert row[7] == "'=cmd|' /C calc'!A0" and row[8] == "'＠SUM(1)"


def test_practice_bundles_are_refused() -> None:
    """Practice payloads cannot be exported as real, by either format."""
    described = _described("v05-practice")
    for export in (refuse_practice, to_csv, to_json):
        with pytest.raises(ExportError) as caught:
            export(described)
        assert caught.value.code is ExportErrorCode.PRACTICE


def test_document_without_practice_flag_is_refused() -> None:
    """A document that does not say it is real is not exported as real."""
    described = _described("v01-single-tennyu")
    del described["practice"]
    with pytest.raises(ExportError) as caught:
        to_csv(described)
    assert caught.value.code is ExportErrorCode.BAD_DOCUMENT
    refuse_practice(_described("v01-single-tennyu"))  # a real bundle passes
