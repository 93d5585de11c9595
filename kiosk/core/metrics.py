"""Write-less, measured: characters a citizen types at the kiosk vs. what paper asks for.

PRODUCT.md makes "write-less" a number. ``typed_characters`` counts what the citizen
enters on the kiosk for a set of answers: every question once (once-only), text parts
only, nothing for taps (choices, yes/no, numbers), and nothing for the address parts
that the postal code fills in. ``paper_characters`` counts what the same answers take by
hand on the paper forms of the bundle: every form repeats its own copy of the shared
facts, dates are written out in 和暦, the address in full, and each tick box is one mark.
Pure functions over the forms engine; no I/O, nothing logged.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from kiosk.core import era
from kiosk.core.forms import (
    FieldKind,
    FieldSpec,
    FormCatalog,
    VisitPlan,
    form_questions,
    interview_questions,
    to_records,
)
from kiosk.core.forms.model import ADDRESS_PARTS, PERSON_NAME_PARTS

_FILLED_BY_POSTAL_CODE = ("postal_code", "prefecture", "city", "town")


def _text_length(value: Any) -> int:
    return len(str(value)) if value not in (None, "") else 0


def typed_characters(catalog: FormCatalog, plan: VisitPlan, answers: Mapping[str, Any]) -> int:
    questions = interview_questions(catalog, plan.event_id, answers) + form_questions(catalog, plan, answers)
    filled_addresses = {q.fills_path for q in questions if q.fills_path and answers.get(q.path)}
    total = 0
    for question in questions:
        value = answers.get(question.path)
        kind = question.field.kind
        if value is None:
            continue
        if kind in (FieldKind.TEXT, FieldKind.PHONE, FieldKind.POSTAL_CODE):
            total += _text_length(value)
        elif kind is FieldKind.PERSON_NAME:
            total += sum(_text_length(value.get(part)) for part in PERSON_NAME_PARTS)
        elif kind is FieldKind.ADDRESS:
            skip = _FILLED_BY_POSTAL_CODE if question.path in filled_addresses else ()
            total += sum(_text_length(value.get(part)) for part in ADDRESS_PARTS if part not in skip)
        elif kind is FieldKind.DATE and isinstance(value, date):
            total += len(str(value.year)) + len(str(value.month)) + len(str(value.day))
    return total


def _paper_length(spec: FieldSpec, value: Any) -> int:
    kind = spec.kind
    if value is None:
        return 0
    if kind in (FieldKind.CHOICE, FieldKind.YESNO):
        return 1  # one ○ or ✓ on paper
    if kind is FieldKind.NUMBER:
        return _text_length(value)
    if kind is FieldKind.DATE and isinstance(value, int):
        written = date(value // 10000, value // 100 % 100, value % 100)
        return len(era.format_wareki(written))
    if kind in (FieldKind.PERSON_NAME, FieldKind.ADDRESS) and isinstance(value, Mapping):
        parts = PERSON_NAME_PARTS if kind is FieldKind.PERSON_NAME else ADDRESS_PARTS
        return sum(_text_length(value.get(key)) for key in parts.values())
    if kind is FieldKind.GROUP and isinstance(value, list):
        members = {field.key: field for field in spec.fields}
        return sum(
            _paper_length(members[key], sub) for member in value for key, sub in member.items() if key in members
        )
    return _text_length(value)


def paper_characters(catalog: FormCatalog, plan: VisitPlan, answers: Mapping[str, Any]) -> int:
    total = 0
    for record in to_records(catalog, plan, answers):
        fields = {field.key: field for field in catalog.forms[record.form_id].fields}
        for key, value in record.values.items():
            if key in fields:
                total += _paper_length(fields[key], value)
    return total
