"""Tests of the published congestion document and page: figures, anonymity, escaping."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.config import Config, Counter, load_config
from kiosk.core.congestion import (
    BUSY_HOURS,
    HourCount,
    build_document,
    busy_hours,
    render_html,
)
from kiosk.core.queue_rules import BoardSnapshot, CalledTicket, CounterBoard

JST = ZoneInfo("Asia/Tokyo")
TICKET_NUMBER = re.compile(r"\b[A-Z]-\d{3}\b")
AT = int(datetime(2025, 4, 1, 10, 15, tzinfo=JST).timestamp())


def _config(tmp_path: Path) -> Config:
    return load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path)})


def _snapshot() -> BoardSnapshot:
    return BoardSnapshot(
        counters=(
            CounterBoard("residents", 1, True, ("A-017",), 4, 26),
            CounterBoard("insurance", 2, False, (), 2, 12),
            CounterBoard("children", 3, True, (), 0, 0),
            CounterBoard("mynumber", 4, True, ("B-003", "B-004"), 1, 7),
        ),
        recent_calls=(
            CalledTicket("A-017", "residents", 1, 0, ("tennyu",), "vi", AT - 60),
            CalledTicket("B-004", "mynumber", 4, 0, (), "pt-BR", AT - 120, priority=True),
        ),
        at=AT,
    )


TODAY = (
    HourCount(7, 1, 1, 4.0),  # before opening: counted in 08:00
    HourCount(8, 3, 2, 20.0),
    HourCount(9, 5, 0, 0.0),
    HourCount(19, 2, 1, 3.0),  # after closing: counted in 17:00
)


class _Page(HTMLParser):
    """Collects tags, their attributes and the text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_document_counters_carry_counts_and_names_only(tmp_path: Path) -> None:
    """Each counter publishes number, bilingual name, open, waiting and its estimate."""
    document = build_document(_snapshot(), _config(tmp_path), JST, TODAY)
    assert document["site"] == {"ja": "サンプル市役所", "en": "Sample City Hall"}
    assert document["generated_at"] == "2025-04-01T10:15:00+09:00"
    assert document["counters"][0] == {
        "number": 1,
        "name": {"ja": "住民記録（転入・転出）", "en": "Resident registration"},
        "open": True,
        "waiting": 4,
        "estimated_wait_min": 26,
    }
    closed = document["counters"][1]
    assert (closed["open"], closed["waiting"], closed["estimated_wait_min"]) == (False, 2, None)
    assert [c["number"] for c in document["counters"]] == [1, 2, 3, 4]


def test_busy_hours_fold_outside_hours_and_average_waits() -> None:
    """Early and late tickets land in the first and last hour; averages use called ones only."""
    hours = {entry["hour"]: entry for entry in busy_hours(TODAY)}
    assert list(hours) == list(BUSY_HOURS)
    assert hours[8] == {"hour": 8, "issued": 4, "average_wait_min": 8}  # (4 + 20) / 3
    assert hours[9] == {"hour": 9, "issued": 5, "average_wait_min": None}
    assert hours[17] == {"hour": 17, "issued": 2, "average_wait_min": 3}
    assert hours[12] == {"hour": 12, "issued": 0, "average_wait_min": None}
    assert sum(entry["issued"] for entry in hours.values()) == 11


def test_usual_figures_average_past_weekdays_and_skip_closed_days(tmp_path: Path) -> None:
    """The usual per hour is the mean over past days that had tickets; a holiday is skipped."""
    past = [
        (HourCount(10, 4, 4, 40.0),),
        (),  # a public holiday: no tickets at all
        (HourCount(10, 2, 2, 10.0), HourCount(11, 1, 1, 2.0)),
    ]
    document = build_document(_snapshot(), _config(tmp_path), JST, TODAY, past)
    hours = {entry["hour"]: entry for entry in document["busy_hours"]}
    assert document["usual_weeks"] == 2
    assert (hours[10]["usual_issued"], hours[10]["usual_average_wait_min"]) == (3.0, 8)
    assert (hours[11]["usual_issued"], hours[11]["usual_average_wait_min"]) == (0.5, 2)
    assert (hours[8]["usual_issued"], hours[8]["usual_average_wait_min"]) == (0.0, None)
    assert "usual_issued" not in busy_hours(TODAY)[0]


def test_no_ticket_number_or_language_is_published(tmp_path: Path) -> None:
    """Numbers being served and recent calls (with languages) stay out of JSON and HTML."""
    document = build_document(_snapshot(), _config(tmp_path), JST, TODAY)
    published = json.dumps(document, ensure_ascii=False)
    page = render_html(document)
    for text in (published, page):
        assert not TICKET_NUMBER.search(text)
        assert "pt-BR" not in text and '"vi"' not in text and "tennyu" not in text
    assert "serving" not in published and "recent" not in published


def test_page_escapes_a_hostile_counter_name(tmp_path: Path) -> None:
    """A counter name with markup is shown as text, never run or parsed as a tag."""
    hostile = Counter("residents", 1, {"ja": "<script>alert('x')</script>", "en": 'a" onload="x'})
    config = _config(tmp_path).with_overrides(
        counters=(hostile,), site_name={"ja": "<b>市</b>", "en": "City & Co"}
    )
    snapshot = BoardSnapshot((CounterBoard("residents", 1, True, (), 1, 8),), (), AT)
    page = render_html(build_document(snapshot, config, JST, TODAY))
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<b>" not in page and "City &amp; Co" in page
    parsed = _parse(page)
    assert "script" not in {tag for tag, _ in parsed.tags}
    assert all("onload" not in attrs for _, attrs in parsed.tags)
    assert "<script>alert('x')</script>" in "".join(parsed.text)


def test_page_is_self_contained_and_accessible(tmp_path: Path) -> None:
    """No scripts or remote URLs; refresh, charset, lang attributes and table headers are there."""
    past = [(HourCount(10, 4, 4, 40.0),)]
    page = render_html(build_document(_snapshot(), _config(tmp_path), JST, TODAY, past))
    assert "<script" not in page.lower()
    assert not re.search(r"https?:", page, re.IGNORECASE)
    assert "<link" not in page and "<img" not in page and "url(" not in page
    parsed = _parse(page)
    tags = parsed.tags
    assert tags[0] == ("html", {"lang": "ja"})
    assert ("meta", {"charset": "utf-8"}) in tags
    assert ("meta", {"http-equiv": "refresh", "content": "60"}) in tags
    assert sum(1 for tag, attrs in tags if attrs.get("lang") == "en") >= 10
    assert sum(1 for tag, _ in tags if tag == "table") == 2
    assert sum(1 for tag, _ in tags if tag == "caption") == 2
    row_headers = [attrs for tag, attrs in tags if tag == "th" and attrs.get("scope") == "row"]
    assert len(row_headers) == 4 + len(BUSY_HOURS)
    text = "".join(parsed.text)
    assert "住民記録（転入・転出）" in text and "Resident registration" in text
    assert "休止中" in text  # the closed counter says so instead of a wait


def test_bar_widths_follow_the_issued_counts(tmp_path: Path) -> None:
    """The busiest hour draws a full-width bar; the others are in proportion."""
    page = render_html(build_document(_snapshot(), _config(tmp_path), JST, TODAY))
    widths = [int(w) for w in re.findall(r'class="bar" style="width: (\d+)%"', page)]
    assert widths == [80, 100, 0, 0, 0, 0, 0, 0, 0, 40]
