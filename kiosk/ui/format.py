"""Human-readable answers for the review screen, in the citizen's language.

Japanese screens show dates as 和暦 with 西暦 alongside; other languages show ISO dates
formatted by Babel for their locale. Only formatting: no validation, no storage.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from babel.dates import format_date

from kiosk.core import era
from kiosk.core.forms.engine import Question
from kiosk.core.forms.model import ADDRESS_PARTS, FieldKind
from kiosk.core.i18n import Translator


def format_date_for(value: date, tr: Translator) -> str:
    if tr.language in ("ja", "ja-x-easy"):
        return f"{era.format_wareki(value)}（{value.year}年）"
    return format_date(value, format="long", locale=tr.babel_locale)


def format_answer(question: Question, value: Any, tr: Translator) -> str:
    kind = question.field.kind
    if value is None:
        return "—"
    if kind is FieldKind.YESNO:
        return tr.gettext("Yes") if value else tr.gettext("No")
    if kind is FieldKind.CHOICE:
        for choice in question.field.choices:
            if choice.id == value:
                return tr.text(choice.label)
        return str(value)
    if kind is FieldKind.DATE and isinstance(value, date):
        return format_date_for(value, tr)
    if kind is FieldKind.PERSON_NAME and isinstance(value, Mapping):
        name = " ".join(p for p in (value.get("family"), value.get("given")) if p)
        kana = " ".join(p for p in (value.get("family_kana"), value.get("given_kana")) if p)
        shown = f"{name}（{kana}）" if kana else name
        if value.get("latin"):
            shown += f" / {value['latin']}"
        return shown
    if kind is FieldKind.ADDRESS and isinstance(value, Mapping):
        postal = value.get("postal_code", "")
        head = f"〒{postal[:3]}-{postal[3:]} " if len(postal) == 7 else ""
        parts = [str(value[p]) for p in ADDRESS_PARTS if p != "postal_code" and value.get(p)]
        return head + " ".join(parts)
    if kind is FieldKind.POSTAL_CODE and isinstance(value, str) and len(value) == 7:
        return f"〒{value[:3]}-{value[3:]}"
    return str(value)
