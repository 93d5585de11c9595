"""Staff exports of a decoded bundle: JSON for other systems, CSV for Excel.

Both take the document that ``describe_bundle`` builds (what ``kiosk decode`` prints and
the staff console shows) and return the file's content; the caller chooses where to save
it. Practice-mode bundles are refused (``ExportError`` PRACTICE): sample data must never
enter a city's records as if a citizen had filed it. The CSV is UTF-8 with a BOM, because
Excel on Japanese Windows otherwise reads it as Shift_JIS and garbles every name, and every
cell that a spreadsheet would run as a formula is neutralised (see ``neutralise_cell``).
This module must not import Qt, write files, or log anything: the content is personal data.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from kiosk.core.errors import ErrorCode, KioskError


class ExportErrorCode(ErrorCode):
    PRACTICE = "EXPORT_001"  # a practice-mode bundle: refused for export as real data
    BAD_DOCUMENT = "EXPORT_002"  # not a decoded-bundle document (describe_bundle's shape)


class ExportError(KioskError):
    """A bundle that must not, or cannot, be exported; the message holds no personal data."""


#: CSV header row. Staff open the file in Excel, so the column names are Japanese (they
#: are part of the export format, like the decoder's labels, not interface text).
#: Columns: ticket, form id, form title, member number (1-based; empty outside a group),
#: field key ("18.1" = sub-field 1 of group field 18), field id, Japanese label,
#: display value, raw value (JSON for names, addresses and lists).
CSV_COLUMNS = (
    "受付番号", "様式ID", "様式名", "人番号", "項目番号", "項目ID", "項目名", "表示", "値",
)

#: Characters that make a spreadsheet treat a cell as a formula (or, for tab and CR/LF,
#: that some importers strip to reveal one). Checked after NFKC, so the full-width
#: ＝＋－＠ a Japanese IME types, and look-alikes such as ﹦, are caught too.
_FORMULA_STARTS = frozenset("=+-@\t\r\n")


def neutralise_cell(text: str) -> str:
    """``text``, prefixed with ``'`` when a spreadsheet would run it as a formula.

    The rule (OWASP "CSV injection"): a cell whose first character, after NFKC, is one of
    ``= + - @``, tab, CR or LF gets a leading apostrophe, which Excel and LibreOffice show
    as text. Nothing the forms collect starts with those legitimately: dates are
    ``YYYY-MM-DD``, phone numbers and postal codes are digits, and a leading ``-`` in a
    free-text answer loses nothing by showing the apostrophe. Everything else is unchanged.
    """
    if text and unicodedata.normalize("NFKC", text[0])[:1] in _FORMULA_STARTS:
        return "'" + text
    return text


def refuse_practice(described: Mapping[str, Any]) -> None:
    """Raise ``ExportError`` PRACTICE for a practice-mode bundle (BAD_DOCUMENT if unsure).

    Only an explicit ``"practice": false`` passes: a document that does not say which it
    is could be sample data, and exporting sample data as real is the failure to prevent.
    """
    if not isinstance(described, Mapping):
        raise ExportError(ExportErrorCode.BAD_DOCUMENT, "expected a decoded-bundle document (a JSON object)")
    practice = described.get("practice")
    if practice is True:
        raise ExportError(
            ExportErrorCode.PRACTICE,
            "this ticket was made in practice mode (sample data); it cannot be exported as a real application",
        )
    if practice is not False:
        raise ExportError(ExportErrorCode.BAD_DOCUMENT, "the document does not say whether it is practice data")


def to_json(described: Mapping[str, Any]) -> str:
    """The document as indented JSON text, non-ASCII kept as is (encode it as UTF-8)."""
    refuse_practice(described)
    return json.dumps(described, ensure_ascii=False, indent=2) + "\n"


def to_csv(described: Mapping[str, Any]) -> bytes:
    """The document as CSV bytes: UTF-8 with BOM, CRLF rows, one row per field.

    A group field (e.g. the household) gives one summary row (display 「3名」, value the
    member count) followed by one row per member sub-field, numbered from 1.
    """
    refuse_practice(described)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(described):
        writer.writerow([neutralise_cell(cell) for cell in row])
    # "utf-8-sig" writes the BOM that makes Excel read the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def _rows(described: Mapping[str, Any]) -> Iterator[list[str]]:
    forms = described.get("forms")
    if not isinstance(forms, list):
        raise ExportError(ExportErrorCode.BAD_DOCUMENT, "the document has no 'forms' list")
    ticket = _cell(described.get("ticket"))
    for i, form in enumerate(forms):
        if not isinstance(form, Mapping) or not isinstance(form.get("fields", []), list):
            raise ExportError(ExportErrorCode.BAD_DOCUMENT, f"forms[{i}] is not a described form")
        head = [ticket, _cell(form.get("form")), _cell(form.get("title"))]
        for j, field in enumerate(form.get("fields", [])):
            if not isinstance(field, Mapping):
                raise ExportError(ExportErrorCode.BAD_DOCUMENT, f"forms[{i}].fields[{j}] is not a field row")
            value = field.get("value")
            members = value if _is_group(value) else None
            shown = len(members) if members is not None else value
            yield head + ["", _cell(field.get("key")), _cell(field.get("id")), _cell(field.get("label")),
                          _cell(field.get("display")), _cell(shown)]
            for number, member in enumerate(members or (), start=1):
                for sub in member:
                    yield head + [
                        str(number),
                        f"{_cell(field.get('key'))}.{_cell(sub.get('key'))}",
                        f"{_cell(field.get('id'))}.{_cell(sub.get('id'))}",
                        f"{_cell(field.get('label'))} / {_cell(sub.get('label'))}",
                        _cell(sub.get("display")),
                        _cell(sub.get("value")),
                    ]


def _is_group(value: Any) -> bool:
    # describe_bundle writes a group as a list of members, each a list of field rows;
    # any other list (an unknown field's raw array) is exported as one JSON cell.
    return isinstance(value, list) and all(
        isinstance(member, list) and all(isinstance(sub, Mapping) and "key" in sub for sub in member)
        for member in value
    ) and bool(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
