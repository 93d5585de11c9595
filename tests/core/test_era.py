"""Tests for kiosk.core.era, with japanera as the independent oracle (a test-only dependency)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from japanera import EraDate

from kiosk.core.era import (
    EARLIEST_DATE,
    ERAS,
    DateErrorCode,
    DateInputError,
    era_end,
    era_year_range,
    format_wareki,
    from_parts,
    parse_date,
    to_wareki,
)

dates_in_range = st.dates(min_value=EARLIEST_DATE, max_value=date(2100, 12, 31))


def japanera_era_and_year(d: date) -> tuple[str, int]:
    era_date = EraDate.from_date(d)
    return era_date.era.kanji, int(era_date.strftime("%-Y"))


def japanera_parse(era_name: str, year: int, month: int, day: int) -> date | None:
    """japanera's reading of 「{era}{year}年{month}月{day}日」, or None if it rejects it."""
    try:
        found = EraDate.strptime(f"{era_name}{year}年{month}月{day}日", "%-K%-y年%m月%d日")
    except ValueError:
        return None
    matches = [d.to_date() for d in found if d.era.kanji == era_name]
    return matches[0] if matches else None


def boundary_days() -> list[date]:
    days = []
    for era in ERAS:
        for offset in (-1, 0, 1):
            day = era.start + timedelta(days=offset)
            if day >= EARLIEST_DATE:
                days.append(day)
    return days + [EARLIEST_DATE, EARLIEST_DATE + timedelta(days=1)]


def test_table_matches_japanera_names_and_starts() -> None:
    """The hand-written table has the same five modern eras and start days as japanera (明治 aside)."""
    for era in ERAS[1:]:
        oracle = EraDate.from_date(era.start).era
        assert oracle.kanji == era.name
        assert oracle.since == era.start
        assert oracle.english_head == era.letter


@pytest.mark.parametrize("day", boundary_days(), ids=str)
def test_boundaries_agree_with_japanera(day: date) -> None:
    """The day before, of and after each era start gets japanera's era and year."""
    era, year = to_wareki(day)
    assert (era.name, year) == japanera_era_and_year(day)


@pytest.mark.parametrize("day", boundary_days(), ids=str)
def test_boundaries_round_trip_through_text(day: date) -> None:
    """Formatting a boundary day and parsing it back gives the same day, with and without 元年."""
    assert parse_date(format_wareki(day)) == day
    assert parse_date(format_wareki(day, gannen=False)) == day


@settings(max_examples=300, deadline=None)
@given(dates_in_range)
def test_era_and_year_agree_with_japanera(day: date) -> None:
    """Every day 1873–2100 gets the era and era year japanera gives."""
    era, year = to_wareki(day)
    assert (era.name, year) == japanera_era_and_year(day)


@settings(max_examples=300, deadline=None)
@given(dates_in_range, st.booleans())
def test_format_parse_round_trip(day: date, gannen: bool) -> None:
    """format_wareki → parse_date is the identity, and the letter form S50.3.1 reads back too."""
    assert parse_date(format_wareki(day, gannen=gannen)) == day
    era, year = to_wareki(day)
    assert parse_date(f"{era.letter}{year}.{day.month}.{day.day}") == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%Y%m%d")) == day


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(ERAS),
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=31),
)
def test_acceptance_agrees_with_japanera(era, year: int, month: int, day: int) -> None:
    """An era date is accepted exactly when japanera finds it in that era (from 1873 on)."""
    oracle = japanera_parse(era.name, year, month, day)
    if oracle is not None and oracle < EARLIEST_DATE:
        oracle = None
    try:
        ours = from_parts(era.name, year, month, day)
    except DateInputError:
        ours = None
    assert ours == oracle


@pytest.mark.parametrize(
    "text",
    [
        "1975-03-01",
        "1975/3/1",
        "1975.3.1",
        "19750301",
        "1975年3月1日",
        "西暦1975年3月1日",
        "昭和50年3月1日",
        "昭和５０年３月１日",
        "S50.3.1",
        "s50/3/1",
        "S50-3-1",
        "Ｓ５０．３．１",
        " 昭和 50年 3月 1日 ",
        "昭和\u300050年3月1日",
        "㍼50年3月1日",
        "showa50.3.1",
        "しょうわ50年3月1日",
        "１９７５－０３－０１",
        "1975ー03ー01",
    ],
)
def test_accepted_spellings_of_one_day(text: str) -> None:
    """Every accepted spelling of 1975-03-01 (西暦, 和暦, letters, full-width, spaces) reads the same."""
    assert parse_date(text) == date(1975, 3, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("H1.1.8", date(1989, 1, 8)),
        ("R1.5.1", date(2019, 5, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("明治6年1月1日", date(1873, 1, 1)),
        ("平成4年2月29日", date(1992, 2, 29)),
    ],
)
def test_era_edges_and_gannen(text: str, expected: date) -> None:
    """Last and first days of eras, 元年, and leap days read as the right Gregorian day."""
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", DateErrorCode.EMPTY),
        ("  \u3000 ", DateErrorCode.EMPTY),
        ("abc", DateErrorCode.UNPARSEABLE),
        ("75/3/1", DateErrorCode.UNPARSEABLE),
        ("元年5月1日", DateErrorCode.UNPARSEABLE),
        ("X50.3.1", DateErrorCode.UNPARSEABLE),
        ("昭和五十年三月一日", DateErrorCode.UNPARSEABLE),
        ("1975-03", DateErrorCode.UNPARSEABLE),
        ("平成32年1月1日", DateErrorCode.ERA_YEAR_OUT_OF_RANGE),
        ("昭和65年1月1日", DateErrorCode.ERA_YEAR_OUT_OF_RANGE),
        ("昭和64年1月8日", DateErrorCode.ERA_YEAR_OUT_OF_RANGE),
        ("平成31年5月1日", DateErrorCode.ERA_YEAR_OUT_OF_RANGE),
        ("大正1年7月29日", DateErrorCode.ERA_YEAR_OUT_OF_RANGE),
        ("昭和0年1月1日", DateErrorCode.ERA_YEAR_OUT_OF_RANGE),
        ("2023-02-29", DateErrorCode.INVALID_DAY),
        ("1975-13-01", DateErrorCode.INVALID_DAY),
        ("S50.4.31", DateErrorCode.INVALID_DAY),
        ("1872-12-31", DateErrorCode.TOO_EARLY),
        ("明治5年12月31日", DateErrorCode.TOO_EARLY),
    ],
)
def test_rejections_carry_the_right_code(text: str, code: DateErrorCode) -> None:
    """Each kind of wrong input is reported with its own code, so the UI can say what to fix."""
    with pytest.raises(DateInputError) as raised:
        parse_date(text)
    assert raised.value.code is code


def test_error_message_does_not_echo_the_input() -> None:
    """A logged error message never contains the (personal) date that was typed."""
    with pytest.raises(DateInputError) as raised:
        parse_date("昭和64年1月8日")
    assert "64" not in str(raised.value)
    assert "昭和" not in str(raised.value)


def test_format_wareki_writes_gannen_and_no_padding() -> None:
    """元年 is written for year 1 unless asked not to, and numbers are not zero-padded."""
    assert format_wareki(date(1975, 3, 1)) == "昭和50年3月1日"
    assert format_wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert format_wareki(date(2019, 5, 1), gannen=False) == "令和1年5月1日"
    assert format_wareki(date(1989, 1, 7)) == "昭和64年1月7日"


def test_to_wareki_refuses_pre_gregorian_dates() -> None:
    """Dates before 1873 have no Gregorian 和暦, so to_wareki refuses them rather than guess."""
    with pytest.raises(ValueError):
        to_wareki(date(1872, 12, 31))


def test_from_parts_for_the_era_picker() -> None:
    """The picker's (era, year, month, day) gives the date, with 西暦 when the era is None."""
    assert from_parts("昭和", 50, 3, 1) == date(1975, 3, 1)
    assert from_parts("S", 50, 3, 1) == date(1975, 3, 1)
    assert from_parts(None, 1975, 3, 1) == date(1975, 3, 1)
    with pytest.raises(DateInputError) as raised:
        from_parts("昭和", 64, 1, 8)
    assert raised.value.code is DateErrorCode.ERA_YEAR_OUT_OF_RANGE
    with pytest.raises(DateInputError) as raised:
        from_parts(None, 1975, 2, 29)
    assert raised.value.code is DateErrorCode.INVALID_DAY
    with pytest.raises(DateInputError) as raised:
        from_parts("明治", 5, 1, 1)
    assert raised.value.code is DateErrorCode.TOO_EARLY


def test_era_year_range_and_end() -> None:
    """The picker's year bounds: 明治6–45, 大正1–15, 昭和1–64, 平成1–31, 令和1–open."""
    ranges = {era.name: era_year_range(era) for era in ERAS}
    assert ranges == {
        "明治": (6, 45),
        "大正": (1, 15),
        "昭和": (1, 64),
        "平成": (1, 31),
        "令和": (1, None),
    }
    assert era_end(ERAS[2]) == date(1989, 1, 7)
    assert era_end(ERAS[-1]) is None
