"""Practice mode's sample people: who they are and how they answer, as data.

Smartphone classes (スマホ教室) and floor guides use the kiosk with invented people
(forms/practice/personas.yaml) so that nobody types their own details while learning.
A persona names the life event it practises and answers every question by its answer
path, exactly as the kiosk stores answers (kiosk.core.forms.engine). Dates are written
relative to the day of the class (``-6d``, ``-34y``, ``-8y3m``) so that a persona stays
valid for years: a child stays eight, a move stays last week. ``sample_answer`` gives the
value for the question on screen, which the kiosk types in when the learner taps "Fill
in the sample". This module reads data only; it never touches a queue or a printer.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.forms.model import FormCatalog
from kiosk.core.forms.translations import (
    FormText,
    add_translations,
    read_translations,
    text_context,
)
from kiosk.core.i18n import NATIVE_NAMES

PERSONAS_FILE = Path("practice") / "personas.yaml"
#: Languages written inline in personas.yaml; the others come from forms/translations,
#: like the form texts (msgctxt "practice/personas").
INLINE = ("ja", "ja-x-easy", "en")
_RELATIVE = re.compile(r"^-(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)d)?$")


class PracticeErrorCode(ErrorCode):
    BAD_PERSONAS = "PRACTICE_001"


class PracticeError(KioskError):
    """The personas file cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Persona:
    id: str
    event_id: str
    title: Mapping[str, str]  # language → text, like form texts
    description: Mapping[str, str]
    answers: Mapping[str, Any]  # answer path → value; dates still relative (see resolve)

    def answers_on(self, today: date) -> dict[str, Any]:
        """Every answer with relative dates turned into dates as of ``today``."""
        return resolve_relative(self.answers, today)


def relative_date(text: str, today: date) -> date | None:
    """``-34y2m6d`` → the date that long before ``today`` (None if ``text`` is not one)."""
    match = _RELATIVE.match(text.strip())
    if match is None or not any(match.groups()):
        return None
    years, months, days = (int(part or 0) for part in match.groups())
    month_index = today.year * 12 + (today.month - 1) - years * 12 - months
    year, month = divmod(month_index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date.fromordinal(date(year, month + 1, day).toordinal() - days)


def resolve_relative(value: Any, today: date) -> Any:
    """``value`` with every relative date in it (``-6d``, also inside maps) made a date."""
    if isinstance(value, str):
        resolved = relative_date(value, today)
        return value if resolved is None else resolved
    if isinstance(value, Mapping):
        return {key: resolve_relative(item, today) for key, item in value.items()}
    return value


def load_personas(forms_dir: Path, catalog: FormCatalog) -> tuple[Persona, ...]:
    """The personas of ``forms_dir/practice/personas.yaml`` (none when the file is absent).

    Raises PracticeError naming the persona and entry when one is unusable: a missing
    title, an unknown life event.
    """
    path = forms_dir / PERSONAS_FILE
    if not path.is_file():
        return ()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PracticeError(PracticeErrorCode.BAD_PERSONAS, f"{path.name}: cannot be read: {exc}") from exc
    translations = read_translations(forms_dir / "translations", tuple(NATIVE_NAMES), INLINE)
    context = text_context(PERSONAS_FILE.as_posix())

    def translated(text: Any) -> MappingProxyType:
        own = {str(k): str(v) for k, v in dict(text or {}).items()}
        return MappingProxyType(add_translations(own, context, translations))

    personas = []
    seen: set[str] = set()
    for index, entry in enumerate(raw.get("personas") or []):
        where = f"{path.name} personas[{index}]"
        if not isinstance(entry, Mapping):
            raise PracticeError(PracticeErrorCode.BAD_PERSONAS, f"{where}: expected a map")
        persona_id = str(entry.get("id", ""))
        event_id = str(entry.get("event", ""))
        if not persona_id or persona_id in seen:
            raise PracticeError(PracticeErrorCode.BAD_PERSONAS, f"{where}: missing or repeated id {persona_id!r}")
        if event_id not in catalog.events:
            raise PracticeError(
                PracticeErrorCode.BAD_PERSONAS,
                f"{where}: event {event_id!r} is not a life event; use one of {sorted(catalog.events)}",
            )
        title, description = entry.get("title"), entry.get("description", {})
        if not isinstance(title, Mapping) or not title.get("ja") or not title.get("en"):
            raise PracticeError(PracticeErrorCode.BAD_PERSONAS, f"{where}.title: write at least ja and en")
        answers = entry.get("answers")
        if not isinstance(answers, Mapping) or not answers:
            raise PracticeError(PracticeErrorCode.BAD_PERSONAS, f"{where}.answers: expected a map of answers")
        seen.add(persona_id)
        personas.append(Persona(
            persona_id, event_id, translated(title), translated(description), MappingProxyType(dict(answers)),
        ))
    return tuple(personas)


def persona_texts(forms_dir: Path) -> list[FormText]:
    """The personas' titles and descriptions, for the translation template (forms.pot)."""
    path = forms_dir / PERSONAS_FILE
    if not path.is_file():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    context = text_context(PERSONAS_FILE.as_posix())
    texts = []
    for index, entry in enumerate(raw.get("personas") or []):
        for key in ("title", "description"):
            text = entry.get(key) or {}
            if text.get("en"):
                texts.append(FormText(context, str(text["en"]), str(text.get("ja", "")),
                                      f"{PERSONAS_FILE.as_posix()} personas[{index}].{key}"))
    return texts
