"""Answer values: normalising, validating and encoding what a citizen gave for one field.

Each ``FieldKind`` has one value shape in the session (see the comments in
kiosk.core.forms.model) and one payload shape in a ``FormRecord`` (kiosk.core.bundle).
This module turns the first into the second and checks answers, returning ``Problem``s
with an English msgid and placeholders that the UI translates. Character rules come
from kiosk.core.textclass and dates from kiosk.core.era, so the kiosk, the staff
decoder and the tests agree. It must never put an answer into a message or a log: a
``Problem`` names what is wrong (and which characters), never the value itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from kiosk.core import era, textclass
from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.forms.model import ADDRESS_PARTS, PERSON_NAME_PARTS, CharClass, FieldKind, FieldSpec
from kiosk.core.i18n import N_


class AnswerErrorCode(ErrorCode):
    REQUIRED = "ANSWER_001"
    WRONG_TYPE = "ANSWER_002"
    BAD_CHARACTERS = "ANSWER_003"
    TOO_LONG = "ANSWER_004"
    NUMBER_OUT_OF_RANGE = "ANSWER_005"
    DATE_OUT_OF_RANGE = "ANSWER_006"
    BAD_PHONE = "ANSWER_007"
    BAD_POSTAL_CODE = "ANSWER_008"
    UNKNOWN_CHOICE = "ANSWER_009"
    FAMILY_NAME_REQUIRED = "ANSWER_010"
    KANA_ONLY = "ANSWER_011"
    LATIN_ONLY = "ANSWER_012"
    ADDRESS_INCOMPLETE = "ANSWER_013"
    BAD_DATE = "ANSWER_014"
    LOOKS_LIKE_MY_NUMBER = "ANSWER_015"


@dataclass(frozen=True)
class Problem:
    """Why an answer was refused: a code for logs, an English msgid and its parameters."""

    code: AnswerErrorCode
    message: str  # English msgid with {placeholders}; translate, then format with params
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


# TRANSLATORS: messages shown under a question when an answer is refused.
MSG_REQUIRED = N_("Please answer this question.")
MSG_WRONG_TYPE = N_("This answer cannot be used here. Please enter it again.")
# TRANSLATORS: {characters} lists the characters that are not allowed, e.g. "@, #".
MSG_BAD_CHARACTERS = N_("These characters cannot be used here: {characters}")
MSG_TOO_LONG = N_("Please use at most {max_length} characters.")
MSG_NUMBER_BETWEEN = N_("Please enter a number from {minimum} to {maximum}.")
MSG_NUMBER_AT_LEAST = N_("Please enter a number of {minimum} or more.")
MSG_NUMBER_AT_MOST = N_("Please enter a number of {maximum} or less.")
# TRANSLATORS: {start} and {end} are dates, formatted by the screen.
MSG_DATE_BETWEEN = N_("Please enter a date from {start} to {end}.")
MSG_DATE_FROM = N_("Please enter a date on or after {start}.")
MSG_DATE_UNTIL = N_("Please enter a date on or before {end}.")
MSG_BAD_DATE = N_("This date does not exist. Please check it.")
# TRANSLATORS: a text answer of exactly 12 digits is refused: the kiosk never takes the My Number.
MSG_MY_NUMBER = N_("A 12-digit number looks like a My Number (個人番号). Please never enter it here.")
MSG_BAD_PHONE = N_("Please enter a Japanese phone number: 10 or 11 digits starting with 0.")
MSG_BAD_POSTAL_CODE = N_("Please enter the 7-digit postal code (for example 150-0002).")
MSG_UNKNOWN_CHOICE = N_("Please choose one of the options.")
MSG_FAMILY_NAME_REQUIRED = N_("Please enter the family name.")
# TRANSLATORS: the reading of a name (フリガナ) must be katakana.
MSG_KANA_ONLY = N_("Please write the reading in katakana. These characters cannot be used: {characters}")
MSG_LATIN_ONLY = N_(
    "Please write the name in capital letters A–Z, as on the residence card. "
    "These characters cannot be used: {characters}"
)
MSG_PREFECTURE_REQUIRED = N_("Please enter the prefecture.")
MSG_CITY_REQUIRED = N_("Please enter the city, ward, town or village.")
MSG_BLOCK_REQUIRED = N_("Please enter the block and house number.")

_ADDRESS_REQUIRED = (
    ("prefecture", MSG_PREFECTURE_REQUIRED),
    ("city", MSG_CITY_REQUIRED),
    ("block", MSG_BLOCK_REQUIRED),
)
#: Character class of each part of a person's name.
NAME_PART_CLASSES = {
    "family": CharClass.ANY,
    "given": CharClass.ANY,
    "family_kana": CharClass.KATAKANA,
    "given_kana": CharClass.KATAKANA,
    "latin": CharClass.LATIN,
}


class EncodeError(KioskError):
    """An answer that cannot be put into a payload (the UI should have refused it)."""


class _EncodeCode(ErrorCode):
    NOT_ENCODABLE = "ANSWER_100"


def is_empty(value: Any) -> bool:
    """No answer: None, blank text, or a name/address/list with nothing filled in."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return all(is_empty(part) for part in value.values())
    if isinstance(value, (list, tuple)):
        return not value
    return False


def normalize_answer(spec: FieldSpec, value: Any) -> Any:
    """The value as it should be stored; safe to call on stored values again (idempotent).

    Only fixes what cannot change the meaning (widths, spaces, hiragana in a katakana
    field, hyphens in phone numbers); anything else is left for validation to refuse.
    """
    kind = spec.kind
    if value is None:
        return None
    if kind is FieldKind.TEXT and isinstance(value, str):
        return textclass.normalize(value, spec.charclass)
    if kind is FieldKind.PHONE and isinstance(value, str):
        return textclass.normalize_phone(value)
    if kind is FieldKind.POSTAL_CODE and isinstance(value, str):
        return textclass.normalize_postal_code(value) or value.strip()
    if kind is FieldKind.DATE:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str) and value.strip():
            try:
                return era.parse_date(value)
            except era.DateInputError:
                return value
        return value
    if kind in (FieldKind.NUMBER, FieldKind.GROUP) and isinstance(value, str):
        digits = unicodedata.normalize("NFKC", value).strip()
        return int(digits) if digits.isdigit() else value
    if kind is FieldKind.PERSON_NAME and isinstance(value, Mapping):
        return _normalize_parts(value, NAME_PART_CLASSES)
    if kind is FieldKind.ADDRESS and isinstance(value, Mapping):
        parts = _normalize_parts(value, {part: CharClass.ANY for part in ADDRESS_PARTS if part != "postal_code"})
        if isinstance(parts.get("postal_code"), str):
            parts["postal_code"] = textclass.normalize_postal_code(parts["postal_code"]) or parts["postal_code"].strip()
        return parts
    return value


def _normalize_parts(value: Mapping[str, Any], classes: Mapping[str, CharClass]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for part, text in value.items():
        if isinstance(text, str):
            text = textclass.normalize(text, classes.get(part, CharClass.ANY))
        if not is_empty(text):
            result[part] = text
    return result


def date_bounds(spec: FieldSpec, today: date) -> tuple[date | None, date | None]:
    """The first and last acceptable date of a DATE field (None: no limit that way)."""
    start, end = spec.date_range or ("past", "future")
    return _bound(start, today), _bound(end, today)


def _bound(word: str, today: date) -> date | None:
    if word in ("past", "future"):
        return None
    if word == "today":
        return today
    return date.fromisoformat(word)


def validate_value(spec: FieldSpec, value: Any, *, today: date) -> list[Problem]:
    """Problems with one answer for ``spec`` (an empty list means it is acceptable)."""
    value = normalize_answer(spec, value)
    if is_empty(value):
        return [Problem(AnswerErrorCode.REQUIRED, MSG_REQUIRED)] if spec.required else []
    checker = _CHECKERS.get(spec.kind)
    return checker(spec, value, today) if checker is not None else []


def _wrong_type() -> list[Problem]:
    return [Problem(AnswerErrorCode.WRONG_TYPE, MSG_WRONG_TYPE)]


def _check_choice(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    if not any(choice.id == value for choice in spec.choices):
        return [Problem(AnswerErrorCode.UNKNOWN_CHOICE, MSG_UNKNOWN_CHOICE)]
    return []


def _check_yesno(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    return [] if isinstance(value, bool) else _wrong_type()


def _check_text(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    if not isinstance(value, str):
        return _wrong_type()
    problems = []
    offending = textclass.check(value, spec.charclass)
    if offending:
        problems.append(
            Problem(AnswerErrorCode.BAD_CHARACTERS, MSG_BAD_CHARACTERS, {"characters": " ".join(offending)})
        )
    if spec.max_length is not None and len(value) > spec.max_length:
        problems.append(Problem(AnswerErrorCode.TOO_LONG, MSG_TOO_LONG, {"max_length": spec.max_length}))
    if looks_like_my_number(value):
        problems.append(Problem(AnswerErrorCode.LOOKS_LIKE_MY_NUMBER, MSG_MY_NUMBER))
    return problems


_SEPARATORS = re.compile(r"[\s\-‐－ー―]")


def looks_like_my_number(text: str) -> bool:
    """Exactly twelve digits (half- or full-width, spaced or hyphenated): the shape of a My Number.

    The kiosk never takes the 12-digit individual number (番号法: it may be collected only
    for the procedures the law lists, and a kiosk payload is not one of them), so a text
    answer of that shape is refused whatever its check digit: a mistyped number is still
    someone's. No form field needs exactly twelve digits (card numbers have letters,
    phone numbers are ten or eleven digits).
    """
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return len(digits) == 12 and digits.isascii() and digits.isdigit()


def _check_number(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int):
        return _wrong_type()
    low, high = spec.minimum, spec.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            return [Problem(AnswerErrorCode.NUMBER_OUT_OF_RANGE, MSG_NUMBER_BETWEEN, {"minimum": low, "maximum": high})]
        if low is not None:
            return [Problem(AnswerErrorCode.NUMBER_OUT_OF_RANGE, MSG_NUMBER_AT_LEAST, {"minimum": low})]
        return [Problem(AnswerErrorCode.NUMBER_OUT_OF_RANGE, MSG_NUMBER_AT_MOST, {"maximum": high})]
    return []


def _check_date(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    if isinstance(value, str):
        return [Problem(AnswerErrorCode.BAD_DATE, MSG_BAD_DATE)]
    if not isinstance(value, date):
        return _wrong_type()
    start, end = date_bounds(spec, today)
    if (start is not None and value < start) or (end is not None and value > end):
        if start is not None and end is not None:
            return [Problem(AnswerErrorCode.DATE_OUT_OF_RANGE, MSG_DATE_BETWEEN, {"start": start, "end": end})]
        if start is not None:
            return [Problem(AnswerErrorCode.DATE_OUT_OF_RANGE, MSG_DATE_FROM, {"start": start})]
        return [Problem(AnswerErrorCode.DATE_OUT_OF_RANGE, MSG_DATE_UNTIL, {"end": end})]
    return []


def _check_phone(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    if not isinstance(value, str):
        return _wrong_type()
    return [] if textclass.check_phone(value) else [Problem(AnswerErrorCode.BAD_PHONE, MSG_BAD_PHONE)]


def _check_postal_code(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    if not isinstance(value, str):
        return _wrong_type()
    if textclass.normalize_postal_code(value) is None:
        return [Problem(AnswerErrorCode.BAD_POSTAL_CODE, MSG_BAD_POSTAL_CODE)]
    return []


def _check_person_name(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    if not isinstance(value, Mapping) or any(part not in PERSON_NAME_PARTS for part in value):
        return _wrong_type()
    if any(not isinstance(text, str) for text in value.values()):
        return _wrong_type()
    problems = []
    if is_empty(value.get("family")):
        problems.append(Problem(AnswerErrorCode.FAMILY_NAME_REQUIRED, MSG_FAMILY_NAME_REQUIRED))
    for part in ("family", "given"):
        offending = textclass.check(value.get(part, ""), CharClass.ANY)
        if offending:
            problems.append(Problem(
                AnswerErrorCode.BAD_CHARACTERS, MSG_BAD_CHARACTERS,
                {"characters": " ".join(offending), "part": part},
            ))
    kana_offending: list[str] = []
    for part in ("family_kana", "given_kana"):
        for ch in textclass.check(value.get(part, ""), CharClass.KATAKANA):
            if ch not in kana_offending:
                kana_offending.append(ch)
    if kana_offending:
        problems.append(Problem(AnswerErrorCode.KANA_ONLY, MSG_KANA_ONLY, {"characters": " ".join(kana_offending)}))
    latin_offending = textclass.check(value.get("latin", ""), CharClass.LATIN)
    if latin_offending:
        problems.append(Problem(AnswerErrorCode.LATIN_ONLY, MSG_LATIN_ONLY, {"characters": " ".join(latin_offending)}))
    return problems


def _check_address(spec: FieldSpec, value: Any, today: date) -> list[Problem]:
    if not isinstance(value, Mapping) or any(part not in ADDRESS_PARTS for part in value):
        return _wrong_type()
    if any(not isinstance(text, str) for text in value.values()):
        return _wrong_type()
    problems = []
    postal = value.get("postal_code")
    if postal and textclass.normalize_postal_code(postal) is None:
        problems.append(Problem(AnswerErrorCode.BAD_POSTAL_CODE, MSG_BAD_POSTAL_CODE))
    for part, message in _ADDRESS_REQUIRED:
        if is_empty(value.get(part)):
            problems.append(Problem(AnswerErrorCode.ADDRESS_INCOMPLETE, message, {"part": part}))
    for part, text in value.items():
        offending = textclass.check(text, CharClass.ANY)
        if offending:
            problems.append(Problem(
                AnswerErrorCode.BAD_CHARACTERS, MSG_BAD_CHARACTERS,
                {"characters": " ".join(offending), "part": part},
            ))
    return problems


_CHECKERS = {
    FieldKind.CHOICE: _check_choice,
    FieldKind.YESNO: _check_yesno,
    FieldKind.TEXT: _check_text,
    FieldKind.NUMBER: _check_number,
    FieldKind.GROUP: _check_number,  # a group is answered by its member count
    FieldKind.DATE: _check_date,
    FieldKind.PHONE: _check_phone,
    FieldKind.POSTAL_CODE: _check_postal_code,
    FieldKind.PERSON_NAME: _check_person_name,
    FieldKind.ADDRESS: _check_address,
}


# ---------------------------------------------------------------------- payload values


def date_to_int(value: date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def int_to_date(value: Any) -> date | None:
    """The date of a YYYYMMDD integer, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


def encode_value(spec: FieldSpec, value: Any) -> Any:
    """The CBOR-ready payload value of a normalised, valid answer (not for groups)."""
    kind = spec.kind
    if kind is FieldKind.DATE and isinstance(value, date):
        return date_to_int(value)
    if kind is FieldKind.CHOICE:
        for choice in spec.choices:
            if choice.id == value:
                return choice.code
    elif kind is FieldKind.YESNO and isinstance(value, bool):
        return value
    elif kind is FieldKind.NUMBER and isinstance(value, int) and not isinstance(value, bool):
        return value
    elif kind in (FieldKind.TEXT, FieldKind.PHONE, FieldKind.POSTAL_CODE) and isinstance(value, str):
        return value
    elif kind is FieldKind.PERSON_NAME and isinstance(value, Mapping):
        return _encode_parts(value, PERSON_NAME_PARTS)
    elif kind is FieldKind.ADDRESS and isinstance(value, Mapping):
        return _encode_parts(value, ADDRESS_PARTS)
    # The message names the field only: the value may be personal data.
    raise EncodeError(_EncodeCode.NOT_ENCODABLE, f"the answer to '{spec.id}' does not fit a {kind.value} field")


def _encode_parts(value: Mapping[str, Any], parts: Mapping[str, int]) -> dict[int, str]:
    return {
        code: value[part]
        for part, code in parts.items()
        if isinstance(value.get(part), str) and value[part].strip()
    }


def decode_value(spec: FieldSpec, raw: Any) -> tuple[Any, bool]:
    """The answer value of a payload value, and whether it was well-formed for ``spec``."""
    kind = spec.kind
    if kind is FieldKind.DATE:
        decoded = int_to_date(raw)
        return (decoded, True) if decoded is not None else (raw, False)
    if kind is FieldKind.CHOICE:
        for choice in spec.choices:
            if not isinstance(raw, bool) and choice.code == raw:
                return choice.id, True
        return raw, False
    if kind is FieldKind.YESNO:
        return raw, isinstance(raw, bool)
    if kind is FieldKind.NUMBER:
        return raw, isinstance(raw, int) and not isinstance(raw, bool)
    if kind in (FieldKind.TEXT, FieldKind.PHONE, FieldKind.POSTAL_CODE):
        return raw, isinstance(raw, str)
    if kind in (FieldKind.PERSON_NAME, FieldKind.ADDRESS):
        parts = PERSON_NAME_PARTS if kind is FieldKind.PERSON_NAME else ADDRESS_PARTS
        if not isinstance(raw, Mapping):
            return raw, False
        names = {code: part for part, code in parts.items()}
        decoded = {names[code]: text for code, text in raw.items() if code in names}
        well_formed = all(code in names and isinstance(text, str) for code, text in raw.items())
        return decoded, well_formed
    return raw, isinstance(raw, list)
