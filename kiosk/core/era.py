"""Japanese era dates (和暦): a five-row era table, formatting, and lenient date parsing.

Citizens give dates of birth in 和暦 as often as in 西暦, typed in half- or full-width,
with era letters (S50.3.1) or kanji (昭和50年3月1日). This module turns those into
``datetime.date`` and back, and tells a wrong date apart from an unreadable one so the
UI can say what to fix. It is pure: it does not know today's date (range rules such as
"not in the future" belong to the form field) and it must never put the text it was
given into an error message, because a birth date is personal data and messages are
logged. The table is hand-written on purpose (docs/decisions/003-wareki-table.md);
tests compare it with japanera, which the product itself must not import.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.core.errors import ErrorCode, KioskError


@dataclass(frozen=True)
class Era:
    """One era of the modern table; ``start`` is its first day in the Gregorian calendar."""

    name: str  # 昭和
    kana: str  # しょうわ
    latin: str  # Showa (Hepburn without macrons, as on the era picker)
    letter: str  # S (the one-letter abbreviation used on forms: S50.3.1)
    start: date


ERAS: tuple[Era, ...] = (
    Era("明治", "めいじ", "Meiji", "M", date(1868, 10, 23)),
    Era("大正", "たいしょう", "Taisho", "T", date(1912, 7, 30)),
    Era("昭和", "しょうわ", "Showa", "S", date(1926, 12, 25)),
    Era("平成", "へいせい", "Heisei", "H", date(1989, 1, 8)),
    Era("令和", "れいわ", "Reiwa", "R", date(2019, 5, 1)),
)

#: Japan adopted the Gregorian calendar on 明治6年1月1日; before that a 和暦 date was a
#: lunisolar date with no one-line conversion, so nothing earlier is accepted.
EARLIEST_DATE = date(1873, 1, 1)


class DateErrorCode(ErrorCode):
    EMPTY = "DATE_001"
    UNPARSEABLE = "DATE_002"
    ERA_YEAR_OUT_OF_RANGE = "DATE_003"  # 平成32年, 昭和65年, and also 昭和64年1月8日
    INVALID_DAY = "DATE_004"  # 2月30日, 13月
    TOO_EARLY = "DATE_005"  # before 1873-01-01


class DateInputError(KioskError):
    """A date the citizen typed or picked cannot be accepted; the code says why."""


def era_end(era: Era) -> date | None:
    """The last day of ``era``, or None for the current era."""
    index = ERAS.index(era)
    if index + 1 == len(ERAS):
        return None
    return ERAS[index + 1].start - timedelta(days=1)


def era_year_range(era: Era) -> tuple[int, int | None]:
    """First and last era year (1-based), the last being None for the current era.

    The era picker uses this to bound its year spinner; 明治 starts at 6 because
    earlier years fall before :data:`EARLIEST_DATE`.
    """
    first = max(1, EARLIEST_DATE.year - era.start.year + 1)
    end = era_end(era)
    return first, (None if end is None else end.year - era.start.year + 1)


def to_wareki(d: date) -> tuple[Era, int]:
    """The era and era year (1 = 元年) of a Gregorian date on or after 1873-01-01."""
    if d < EARLIEST_DATE:
        raise ValueError("dates before 1873-01-01 have no Gregorian 和暦 equivalent")
    for era in reversed(ERAS):
        if d >= era.start:
            return era, d.year - era.start.year + 1
    raise AssertionError("unreachable: EARLIEST_DATE is inside the first era")


def format_wareki(d: date, *, gannen: bool = True) -> str:
    """「昭和50年3月1日」; the first year of an era is written 元年 unless ``gannen`` is False."""
    era, year = to_wareki(d)
    year_text = "元" if (year == 1 and gannen) else str(year)
    return f"{era.name}{year_text}年{d.month}月{d.day}日"


def _era_by_token() -> dict[str, Era]:
    tokens: dict[str, Era] = {}
    for era in ERAS:
        for token in (era.name, era.kana, era.latin, era.letter):
            tokens[token.lower()] = era
    # Common spellings with long vowels written out (Hepburn variants people type).
    tokens["taishou"] = tokens["taisho"]
    tokens["shouwa"] = tokens["showa"]
    return tokens


_ERA_TOKENS = _era_by_token()

# Hyphen look-alikes a citizen or an IME may produce instead of "-"; NFKC leaves them.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70"
_DASH_TABLE = str.maketrans({ch: "-" for ch in _DASHES})

_ERA_ALTERNATION = "|".join(
    re.escape(token) for token in sorted(_ERA_TOKENS, key=len, reverse=True)
)
_YEAR = r"(?P<year>\d{1,4}|元)"
_REST = (
    r"(?:年(?P<month_k>\d{1,2})月(?P<day_k>\d{1,2})日?"
    r"|[-/.](?P<month_s>\d{1,2})[-/.](?P<day_s>\d{1,2}))"
)
_DATE_RE = re.compile(rf"(?:(?P<era>{_ERA_ALTERNATION})|西暦)?{_YEAR}{_REST}")
_COMPACT_RE = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")


def _canonical(text: str) -> str:
    # NFKC is safe here (dates hold no names): it folds full-width digits and
    # separators, and the squared era signs ㍼/㍻/㋿ into 昭和/平成/令和.
    folded = unicodedata.normalize("NFKC", text).translate(_DASH_TABLE).lower()
    return "".join(folded.split())


def parse_date(text: str) -> date:
    """Read a 西暦 or 和暦 date typed by a citizen; raise DateInputError saying what is wrong."""
    canonical = _canonical(text)
    if not canonical:
        raise DateInputError(DateErrorCode.EMPTY, "no date was given")
    compact = _COMPACT_RE.fullmatch(canonical)
    if compact:
        return from_parts(
            None, int(compact["year"]), int(compact["month"]), int(compact["day"])
        )
    match = _DATE_RE.fullmatch(canonical)
    if not match:
        raise DateInputError(DateErrorCode.UNPARSEABLE, "the text is not a date form we read")
    month = int(match["month_k"] or match["month_s"])
    day = int(match["day_k"] or match["day_s"])
    era_token = match["era"]
    if era_token is None:
        # A Gregorian year must be written in full: "75/3/1" is ambiguous (S75? 1975?).
        if match["year"] == "元" or len(match["year"]) != 4:
            raise DateInputError(
                DateErrorCode.UNPARSEABLE, "a year without an era must have four digits"
            )
        return from_parts(None, int(match["year"]), month, day)
    year = 1 if match["year"] == "元" else int(match["year"])
    return from_parts(_ERA_TOKENS[era_token].name, year, month, day)


def _era_named(name: str) -> Era:
    era = _ERA_TOKENS.get(name.strip().lower())
    if era is None:
        raise DateInputError(DateErrorCode.UNPARSEABLE, "unknown era name")
    return era


def from_parts(era_name: str | None, year: int, month: int, day: int) -> date:
    """The date for an era picker's choice; ``era_name`` None means ``year`` is 西暦.

    ``era_name`` may be the kanji, kana, romanised name or letter of an era.
    """
    era = None if era_name is None else _era_named(era_name)
    if era is not None:
        end = era_end(era)
        last_year = None if end is None else end.year - era.start.year + 1
        if year < 1 or (last_year is not None and year > last_year):
            raise DateInputError(
                DateErrorCode.ERA_YEAR_OUT_OF_RANGE, "the era year is outside that era"
            )
        gregorian_year = era.start.year + year - 1
    else:
        gregorian_year = year
    if gregorian_year < EARLIEST_DATE.year:
        raise DateInputError(DateErrorCode.TOO_EARLY, "the date is before 1873-01-01")
    if gregorian_year > date.max.year:
        code = DateErrorCode.UNPARSEABLE if era is None else DateErrorCode.ERA_YEAR_OUT_OF_RANGE
        raise DateInputError(code, "the year is beyond what a calendar date can hold")
    try:
        result = date(gregorian_year, month, day)
    except ValueError:
        raise DateInputError(
            DateErrorCode.INVALID_DAY, "no such day in that month"
        ) from None
    if era is not None:
        end = era_end(era)
        if result < era.start or (end is not None and result > end):
            # 昭和64年1月8日 has a valid era year but is already 平成元年.
            raise DateInputError(
                DateErrorCode.ERA_YEAR_OUT_OF_RANGE, "the date is outside that era"
            )
    if result < EARLIEST_DATE:
        raise DateInputError(DateErrorCode.TOO_EARLY, "the date is before 1873-01-01")
    return result
