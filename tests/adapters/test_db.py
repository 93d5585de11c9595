"""Tests of the queue database on a real SQLite file: numbering, routes, waits, failures, privacy."""

from __future__ import annotations

import shutil
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, delete, inspect, select, update

from kiosk.adapters.db import (
    Base,
    EventKind,
    EventRow,
    NumberCounterRow,
    SqlQueueService,
    TicketRow,
    VisitRow,
    VisitStatus,
    alembic_config,
    business_day,
    make_engine,
    seed_demo,
    sync_site,
    upgrade_database,
)
from kiosk.config import Config, ConfigError, Service
from kiosk.core.ports import PortError, QueueUnavailableError
from kiosk.core.ticket import RouteStop
from tests.adapters.queue_fixtures import (
    CHILDREN,
    INSURANCE,
    JST,
    MYNUMBER,
    RESIDENTS,
    FakeClock,
)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return "sqlite:///" + (tmp_path / "db" / "kiosk.sqlite3").as_posix()


@pytest.fixture
def engine(db_url: str, config: Config):
    engine = make_engine(db_url)
    upgrade_database(engine)
    sync_site(engine, config)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 4, 1, 9, 30, tzinfo=JST))


@pytest.fixture
def queue(engine: Engine, config: Config, clock: FakeClock) -> SqlQueueService:
    return SqlQueueService(engine, config, clock)


def test_numbers_count_up_per_service(queue: SqlQueueService) -> None:
    """Each service has its own series A-001, A-002 … and B-001 …."""
    numbers = [
        queue.issue_ticket("moving", [RESIDENTS], "ja").number,
        queue.issue_ticket("moving", [RESIDENTS, INSURANCE], "en").number,
        queue.issue_ticket("certificates", [RESIDENTS], "vi").number,
        queue.issue_ticket("moving", [MYNUMBER], "ja").number,
    ]
    assert numbers == ["A-001", "A-002", "B-001", "A-003"]


def test_numbers_restart_at_the_configured_hour(engine: Engine, config: Config) -> None:
    """The series restarts at business_day_starts_hour local time, not at midnight."""
    clock = FakeClock(datetime(2025, 4, 1, 17, 0, tzinfo=JST))
    queue = SqlQueueService(engine, config.with_overrides(business_day_starts_hour=6), clock)
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-001"
    clock.at = datetime(2025, 4, 2, 5, 59, tzinfo=JST)  # after midnight, before 06:00
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-002"
    clock.at = datetime(2025, 4, 2, 6, 0, tzinfo=JST)
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-001"
    with engine.connect() as conn:
        days = conn.execute(select(TicketRow.business_day).order_by(TicketRow.id)).scalars().all()
    assert days == [date(2025, 4, 1), date(2025, 4, 1), date(2025, 4, 2)]


def test_business_day_uses_local_time_of_a_utc_clock() -> None:
    """A UTC clock reading is converted to Tokyo time before the reset hour applies."""
    # 18:59 UTC = 03:59 JST the next morning: still the previous business day.
    assert business_day(datetime(2025, 4, 1, 18, 59, tzinfo=UTC), 4, JST) == date(2025, 4, 1)
    assert business_day(datetime(2025, 4, 1, 19, 0, tzinfo=UTC), 4, JST) == date(2025, 4, 2)
    with pytest.raises(ConfigError):
        business_day(datetime(2025, 4, 1, tzinfo=UTC), 24, JST)


def test_route_is_stored_in_order(queue: SqlQueueService, engine: Engine) -> None:
    """Visits keep the route's order, counters and procedure ids; only the first is queued."""
    route = [RESIDENTS, RouteStop("insurance", 2, ("kokuho_kanyu", "kokuho_card")), CHILDREN]
    ticket = queue.issue_ticket("moving", route, "ja")
    assert ticket.route == tuple(route)
    with engine.connect() as conn:
        rows = conn.execute(
            select(VisitRow.position, VisitRow.counter_id, VisitRow.procedures, VisitRow.status,
                   VisitRow.queued_at)
            .order_by(VisitRow.position)
        ).all()
    assert [(row.position, row.counter_id, row.procedures, row.status) for row in rows] == [
        (0, "residents", "tennyu", "waiting"),
        (1, "insurance", "kokuho_kanyu,kokuho_card", "waiting"),
        (2, "children", "jido_teate", "waiting"),
    ]
    assert rows[0].queued_at == datetime(2025, 4, 1, 0, 30, tzinfo=UTC)
    assert rows[1].queued_at is None and rows[2].queued_at is None


def test_issue_logs_an_event_with_utc_times(queue: SqlQueueService, engine: Engine) -> None:
    """Issuing writes one 'issued' event, and times come back timezone-aware in UTC."""
    ticket = queue.issue_ticket("moving", [INSURANCE, MYNUMBER], "ko")
    with engine.connect() as conn:
        issued_at = conn.scalar(select(TicketRow.issued_at))
        events = conn.execute(select(EventRow.kind, EventRow.position, EventRow.counter_id)).all()
    assert issued_at == datetime(2025, 4, 1, 0, 30, tzinfo=UTC)
    assert ticket.issued_at == int(issued_at.timestamp())
    assert events == [(EventKind.ISSUED, 0, "insurance")]


def test_concurrent_issuance_gives_no_duplicates(db_url: str, engine: Engine, config: Config) -> None:
    """Four kiosks (threads with their own engines) issuing at once never share a number."""
    clock = FakeClock(datetime(2025, 4, 1, 10, 0, tzinfo=JST))
    per_thread = 15
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def kiosk() -> None:
        own_engine = make_engine(db_url)
        service = SqlQueueService(own_engine, config, clock)
        try:
            start.wait()
            for _ in range(per_thread):
                numbers.append(service.issue_ticket("moving", [RESIDENTS], "ja").number)
        except BaseException as exc:  # noqa: BLE001 - surfaced below; a thread cannot fail the test
            errors.append(exc)
        finally:
            own_engine.dispose()

    threads = [threading.Thread(target=kiosk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"A-{seq:03d}" for seq in range(1, 4 * per_thread + 1)]


def test_unique_constraint_is_the_safety_net(queue: SqlQueueService, engine: Engine) -> None:
    """If the number counter were reset, a duplicate number is refused, not issued."""
    queue.issue_ticket("moving", [RESIDENTS], "ja")
    with engine.begin() as conn:
        conn.execute(delete(NumberCounterRow))
    with pytest.raises(QueueUnavailableError) as error:
        queue.issue_ticket("moving", [RESIDENTS], "ja")
    assert error.value.code is PortError.QUEUE_UNAVAILABLE
    with engine.connect() as conn:
        assert conn.execute(select(TicketRow.number)).scalars().all() == ["A-001"]


def test_waiting_summary_counts_current_visits_only(
    queue: SqlQueueService, engine: Engine, clock: FakeClock
) -> None:
    """A person waits at the first unfinished stop of their route, and only today."""
    queue.issue_ticket("moving", [RESIDENTS, INSURANCE], "ja")
    queue.issue_ticket("moving", [RESIDENTS, CHILDREN], "ja")
    queue.issue_ticket("certificates", [INSURANCE], "en")
    assert _summary(queue) == {"residents": (2, 16), "insurance": (1, 6), "children": (0, 0), "mynumber": (0, 0),
                               "tax": (0, 0), "elderly": (0, 0)}

    # Staff finish A-001 at the residents' counter (the staff API comes later).
    with engine.begin() as conn:
        first = conn.scalar(select(TicketRow.id).where(TicketRow.number == "A-001"))
        conn.execute(
            update(VisitRow)
            .where(VisitRow.ticket_id == first, VisitRow.position == 0)
            .values(status=VisitStatus.PASSED)
        )
    assert _summary(queue)["residents"] == (1, 8)
    assert _summary(queue)["insurance"] == (2, 12)

    clock.at += timedelta(days=1)
    assert all(waiting == 0 for waiting, _ in _summary(queue).values())


def test_ticket_reports_people_ahead_at_its_first_counter(queue: SqlQueueService) -> None:
    """people_ahead counts others waiting at the first counter; the estimate uses its prior."""
    first = queue.issue_ticket("moving", [RESIDENTS, INSURANCE], "ja")
    queue.issue_ticket("certificates", [INSURANCE], "ja")
    third = queue.issue_ticket("moving", [RESIDENTS], "ja")
    fourth = queue.issue_ticket("moving", [INSURANCE], "ja")
    assert (first.people_ahead, first.estimated_wait_min) == (0, 0)
    assert (third.people_ahead, third.estimated_wait_min) == (1, 8)
    # A-001 is not yet at insurance, so only B-001 is ahead there.
    assert (fourth.people_ahead, fourth.estimated_wait_min) == (1, 6)


def test_unknown_service_or_counter_is_refused(queue: SqlQueueService) -> None:
    """A service or counter the database does not know raises QUEUE_UNKNOWN_SERVICE."""
    with pytest.raises(QueueUnavailableError) as service_error:
        queue.issue_ticket("parking", [RESIDENTS], "ja")
    assert service_error.value.code is PortError.QUEUE_UNKNOWN_SERVICE
    with pytest.raises(QueueUnavailableError) as counter_error:
        queue.issue_ticket("moving", [RESIDENTS, RouteStop("parking_permits", 9, ())], "ja")
    assert counter_error.value.code is PortError.QUEUE_UNKNOWN_SERVICE
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-001"  # nothing was used up


def test_sync_site_deactivates_removed_services(engine: Engine, config: Config, clock: FakeClock) -> None:
    """A service dropped from the config can no longer issue; duplicate letters are refused."""
    smaller = config.with_overrides(services=(config.services[0],))
    sync_site(engine, smaller)
    queue = SqlQueueService(engine, smaller, clock)
    with pytest.raises(QueueUnavailableError) as error:
        queue.issue_ticket("certificates", [RESIDENTS], "ja")
    assert error.value.code is PortError.QUEUE_UNKNOWN_SERVICE
    clash = config.with_overrides(services=(*config.services, Service("parking_permits", "A", {"ja": "駐輪場"})))
    with pytest.raises(ConfigError, match="letters"):
        sync_site(engine, clash)


def test_practice_tickets_are_refused(queue: SqlQueueService, engine: Engine) -> None:
    """Practice tickets never touch the live tables."""
    with pytest.raises(ValueError, match="FakeQueueService"):
        queue.issue_ticket("moving", [RESIDENTS], "ja", practice=True)
    with engine.connect() as conn:
        assert conn.scalar(select(TicketRow.id)) is None


def test_free_text_cannot_enter_the_route(queue: SqlQueueService) -> None:
    """Procedure ids must look like form ids and languages must be known tags."""
    with pytest.raises(ValueError, match="not a form id"):
        queue.issue_ticket("moving", [RouteStop("residents", 1, ("山田 太郎",))], "ja")
    with pytest.raises(ValueError, match="not a form id"):
        queue.issue_ticket("moving", [RouteStop("residents", 1, ("tennyu,kokuho",))], "ja")
    with pytest.raises(ValueError, match="language"):
        queue.issue_ticket("moving", [RESIDENTS], "Taro Yamada")
    with pytest.raises(ValueError, match="at least one"):
        queue.issue_ticket("moving", [], "ja")


def test_removed_database_folder_pauses_ticketing(db_url: str, config: Config, clock: FakeClock, tmp_path: Path) -> None:
    """With the database folder gone (and no open connection), both calls raise QUEUE_UNAVAILABLE."""
    engine = make_engine(db_url)
    upgrade_database(engine)
    sync_site(engine, config)
    engine.dispose()  # Windows cannot delete a folder holding an open database file
    shutil.rmtree(tmp_path / "db")
    queue = SqlQueueService(engine, config, clock)
    for call in (lambda: queue.issue_ticket("moving", [RESIDENTS], "ja"), queue.waiting_summary):
        with pytest.raises(QueueUnavailableError) as error:
            call()
        assert error.value.code is PortError.QUEUE_UNAVAILABLE


@pytest.mark.skipif(sys.platform == "win32", reason="Windows cannot delete an open database file")
def test_pooled_connection_notices_the_removed_folder(
    queue: SqlQueueService, engine: Engine, tmp_path: Path
) -> None:
    """A pooled connection is not reused once its file is gone (Linux would keep writing to it)."""
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-001"
    shutil.rmtree(tmp_path / "db")
    with pytest.raises(QueueUnavailableError) as error:
        queue.issue_ticket("moving", [RESIDENTS], "ja")
    assert error.value.code is PortError.QUEUE_UNAVAILABLE


def test_closed_postgres_port_pauses_ticketing(config: Config, clock: FakeClock) -> None:
    """An unreachable PostgreSQL server raises QUEUE_UNAVAILABLE, never a driver error."""
    engine = make_engine("postgresql+psycopg://x@127.0.0.1:1/x?connect_timeout=1")
    queue = SqlQueueService(engine, config, clock)
    with pytest.raises(QueueUnavailableError) as issue_error:
        queue.issue_ticket("moving", [RESIDENTS], "ja")
    with pytest.raises(QueueUnavailableError) as summary_error:
        queue.waiting_summary()
    with pytest.raises(QueueUnavailableError) as upgrade_error:
        upgrade_database(engine)
    for error in (issue_error, summary_error, upgrade_error):
        assert error.value.code is PortError.QUEUE_UNAVAILABLE


def test_schema_holds_no_personal_data(queue: SqlQueueService, engine: Engine) -> None:
    """No table has a column for a name, an address, a birth date, a phone or an answer."""
    queue.issue_ticket("moving", [RESIDENTS, INSURANCE], "ja")
    inspector = inspect(engine)
    columns = [
        column["name"]
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
    ]
    assert "number" in columns  # the inspection really saw the tickets table
    forbidden = ("name", "address", "birth", "phone", "answer", "kana", "sex", "gender")
    assert [column for column in columns if any(word in column.lower() for word in forbidden)] == []


def test_migrations_match_the_models(engine: Engine, db_url: str) -> None:
    """The committed migrations create exactly the models' schema, and downgrade cleanly."""
    upgrade_database(engine)  # a second run is a no-op
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    command.downgrade(alembic_config(db_url), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}


def test_sqlite_connections_use_wal_and_foreign_keys(engine: Engine) -> None:
    """Every SQLite connection runs in WAL mode with foreign keys and a busy timeout."""
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_seed_demo_fills_every_counter_once_a_day(db_url: str, config: Config, clock: FakeClock) -> None:
    """The demo queue puts people at every counter, and a second run the same day adds none."""
    engine = make_engine(db_url)
    upgrade_database(engine)
    try:
        added = seed_demo(engine, config, clock)
        summary = SqlQueueService(engine, config, clock).waiting_summary()
        assert added == 5 + 2 + 1 + 3 + 5 + 2  # the demo pattern, repeated over the six counters
        assert [wait.waiting for wait in summary] == [5, 2, 1, 3, 5, 2]
        assert all(wait.estimated_wait_min > 0 for wait in summary)
        assert seed_demo(engine, config, clock) == 0
    finally:
        engine.dispose()


def test_unsupported_database_url_is_a_config_error() -> None:
    """A URL for a database we do not support names the fix."""
    with pytest.raises(ConfigError, match="postgresql\\+psycopg"):
        make_engine("mysql://x@localhost/kiosk")


def _summary(queue: SqlQueueService) -> dict[str, tuple[int, int]]:
    return {wait.counter_id: (wait.waiting, wait.estimated_wait_min) for wait in queue.waiting_summary()}


def test_schema_head_constant_is_alembics_head() -> None:
    """The start-up shortcut's SCHEMA_HEAD is the newest migration, so no upgrade is ever skipped."""
    from alembic.script import ScriptDirectory

    from kiosk.adapters.db import SCHEMA_HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD
