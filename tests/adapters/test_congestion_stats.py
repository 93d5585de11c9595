"""Tests of the hourly statistics query and of ``kiosk congestion export`` on SQLite."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from kiosk.adapters.congestion_stats import hourly_counts, same_weekday_days
from kiosk.adapters.db import SqlQueueService, make_engine, sync_site, upgrade_database
from kiosk.cli import main
from kiosk.commands.congestion import HTML_NAME, JSON_NAME, run_export
from kiosk.config import Config
from kiosk.core.congestion import HourCount
from kiosk.core.ports import QueueUnavailableError
from tests.adapters.queue_fixtures import INSURANCE, JST, RESIDENTS, FakeClock

DAY = date(2025, 4, 1)  # a Tuesday
TICKET_NUMBER = re.compile(r"\b[A-Z]-\d{3}\b")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 4, 1, 8, 30, tzinfo=JST))


@pytest.fixture
def engine(config: Config) -> Iterator[Engine]:
    engine = make_engine(config.database_url)
    upgrade_database(engine)
    sync_site(engine, config)
    yield engine
    engine.dispose()


@pytest.fixture
def queue(engine: Engine, config: Config, clock: FakeClock) -> SqlQueueService:
    return SqlQueueService(engine, config, clock)


def _at(clock: FakeClock, when: datetime) -> None:
    clock.at = when.replace(tzinfo=JST)


def _busy_tuesday(queue: SqlQueueService, clock: FakeClock) -> None:
    """A week-earlier ticket, then today: three tickets at 08:xx, one at 09:xx, calls."""
    _at(clock, datetime(2025, 3, 25, 10, 0))
    queue.issue_ticket("moving", [RESIDENTS], "ja")
    _at(clock, datetime(2025, 3, 25, 10, 6))
    queue.call_next("residents")
    _at(clock, datetime(2025, 4, 1, 8, 30))
    queue.issue_ticket("moving", [RESIDENTS, INSURANCE], "vi")
    _at(clock, datetime(2025, 4, 1, 8, 40))
    queue.issue_ticket("moving", [RESIDENTS], "en")
    _at(clock, datetime(2025, 4, 1, 8, 50))
    queue.issue_ticket("certificates", [INSURANCE], "ja")  # B-001
    _at(clock, datetime(2025, 4, 1, 9, 0))
    assert queue.call_next("residents").number == "A-001"  # waited 30 min
    _at(clock, datetime(2025, 4, 1, 9, 5))
    assert queue.call_next("insurance").number == "B-001"  # waited 15 min
    queue.pass_on("A-001", "residents")
    _at(clock, datetime(2025, 4, 1, 9, 20))
    queue.issue_ticket("moving", [INSURANCE], "ko")  # A-003, not called
    _at(clock, datetime(2025, 4, 1, 9, 30))
    queue.serve("B-001", "insurance")
    assert queue.call_next("insurance").number == "A-001"  # a second call: not a new wait


def test_hourly_counts_count_issues_and_first_call_waits(
    engine: Engine, queue: SqlQueueService, clock: FakeClock
) -> None:
    """Per local hour: tickets issued, how many were called, minutes from issue to first call."""
    _busy_tuesday(queue, clock)
    counts = hourly_counts(engine, [DAY, DAY - timedelta(weeks=1), DAY - timedelta(weeks=2)])
    assert counts[DAY] == (HourCount(8, 3, 2, 45.0), HourCount(9, 1, 0, 0.0))
    assert counts[DAY - timedelta(weeks=1)] == (HourCount(10, 1, 1, 6.0),)
    assert counts[DAY - timedelta(weeks=2)] == ()


def test_same_weekday_days_are_the_four_previous_weeks() -> None:
    """The usual figures come from the same weekday of the four weeks before."""
    assert same_weekday_days(DAY) == [
        date(2025, 3, 25), date(2025, 3, 18), date(2025, 3, 11), date(2025, 3, 4)
    ]


def test_missing_database_is_an_outage_and_creates_no_file(tmp_path: Path) -> None:
    """A missing SQLite file is QUEUE_001, and no empty database is left behind."""
    path = tmp_path / "nowhere.sqlite3"
    engine = make_engine("sqlite:///" + path.as_posix())
    with pytest.raises(QueueUnavailableError, match="QUEUE_001"):
        hourly_counts(engine, [DAY])
    assert not path.exists()
    engine.dispose()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_export_writes_both_files_and_they_parse(
    config: Config, queue: SqlQueueService, clock: FakeClock, tmp_path: Path
) -> None:
    """One export writes congestion.json and .html: valid, with today's figures, no numbers."""
    _busy_tuesday(queue, clock)
    out = tmp_path / "public"
    assert run_export(config, out, clock=clock) == 0
    document = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    hours = {entry["hour"]: entry for entry in document["busy_hours"]}
    assert (hours[8]["issued"], hours[8]["average_wait_min"]) == (3, 23)  # 45 / 2 = 22.5
    assert (hours[10]["usual_issued"], document["usual_weeks"]) == (1.0, 1)
    residents, insurance = document["counters"][:2]
    assert (residents["waiting"], residents["open"]) == (1, True)
    assert insurance["waiting"] == 1  # A-003 (A-001 is called there)
    page = (out / HTML_NAME).read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert parser.tags[0] == "html" and "table" in parser.tags and "script" not in parser.tags
    for text in (json.dumps(document), page):
        assert not TICKET_NUMBER.search(text)
    assert sorted(p.name for p in out.iterdir()) == [HTML_NAME, JSON_NAME]  # no temp files left


def test_every_runs_the_bounded_number_of_rounds(
    config: Config, queue: SqlQueueService, clock: FakeClock, tmp_path: Path
) -> None:
    """--every repeats: the second round publishes a ticket issued after the first."""
    out = tmp_path / "public"
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        queue.issue_ticket("moving", [RESIDENTS], "ja")

    assert run_export(config, out, every=0.01, clock=clock, max_rounds=2, sleep=sleep) == 0
    assert len(pauses) == 1 and 0 <= pauses[0] <= 0.01
    document = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    assert document["counters"][0]["waiting"] == 1


def test_ctrl_c_ends_the_loop_cleanly(
    config: Config, queue: SqlQueueService, clock: FakeClock, tmp_path: Path
) -> None:
    """An interrupt while waiting for the next round exits 0 with the files written."""

    def interrupted(_seconds: float) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "public"
    assert run_export(config, out, every=60, clock=clock, sleep=interrupted) == 0
    assert (out / JSON_NAME).exists() and (out / HTML_NAME).exists()


def test_outage_writes_nothing_new_and_prints_one_line(
    config: Config, engine: Engine, queue: SqlQueueService, clock: FakeClock,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """With the database gone the old files stay as they were; one line per round, no traceback."""
    out = tmp_path / "public"
    assert run_export(config, out, clock=clock) == 0
    before = (out / JSON_NAME).read_bytes(), (out / HTML_NAME).read_bytes()
    capsys.readouterr()
    engine.dispose()
    database = Path(config.database_url.removeprefix("sqlite:///"))
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    clock.at += timedelta(minutes=5)
    assert run_export(config, out, clock=clock) == 1
    assert run_export(config, out, every=0.01, clock=clock, max_rounds=2) == 0
    assert ((out / JSON_NAME).read_bytes(), (out / HTML_NAME).read_bytes()) == before
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and err.count("QUEUE_001") == 3
    assert "Traceback" not in err
    assert not database.exists()


def test_cli_exports_to_the_data_folder(
    config: Config, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kiosk congestion export` defaults to the data folder's public/ and exits 0."""
    monkeypatch.setenv("KIOSK_DATA_DIR", str(config.data_dir))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert main(["--config", str(config.data_dir / "absent.toml"), "congestion", "export"]) == 0
    public = config.data_dir / "public"
    assert json.loads((public / JSON_NAME).read_text(encoding="utf-8"))["counters"]
    assert "<table" in (public / HTML_NAME).read_text(encoding="utf-8")
