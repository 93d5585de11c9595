"""The queue database on a real PostgreSQL server (many terminals, one database)."""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kiosk.adapters.db import (
    Base,
    SqlQueueService,
    make_engine,
    sync_site,
    upgrade_database,
)
from kiosk.config import Config
from kiosk.core.ports import QueueUnavailableError
from kiosk.core.queue_rules import QueueError
from tests.adapters.queue_fixtures import INSURANCE, RESIDENTS

pytestmark = pytest.mark.postgres


class WallClock:
    def now(self):
        from datetime import datetime, timezone

        return datetime.now(timezone.utc)


def test_migrations_build_exactly_the_models_on_postgresql(postgres_url: str) -> None:
    """Alembic's head on PostgreSQL matches the SQLAlchemy models (nothing to autogenerate)."""
    engine = make_engine(postgres_url)
    upgrade_database(engine)
    upgrade_database(engine)  # a second start is a no-op
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_terminals_issuing_at_once_never_share_a_number(postgres_url: str, config: Config) -> None:
    """Eight terminals issuing concurrently on one PostgreSQL get 200 distinct, gap-free numbers."""
    engine = make_engine(postgres_url)
    upgrade_database(engine)
    sync_site(engine, config)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def terminal() -> None:
        queue = SqlQueueService(make_engine(postgres_url), config, WallClock())
        try:
            for _ in range(25):
                number = queue.issue_ticket("moving", [RESIDENTS, INSURANCE], "ja").number
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=terminal) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert sorted(numbers) == [f"A-{n:03d}" for n in range(1, 201)]
    engine.dispose()


def test_a_stopped_server_pauses_ticketing_without_a_traceback(postgres_url: str, config: Config) -> None:
    """A database that refuses connections gives QueueUnavailableError, the code the kiosk pauses on."""
    from sqlalchemy.engine import make_url

    closed = make_url(postgres_url).set(port=1).render_as_string(hide_password=False)
    queue = SqlQueueService(make_engine(closed + "?connect_timeout=2"), config, WallClock())
    with pytest.raises(QueueUnavailableError):
        queue.issue_ticket("moving", [RESIDENTS], "ja")


def _changes(postgres_url: str, config: Config) -> tuple[SqlQueueService, threading.Event, list[int], object]:
    engine = make_engine(postgres_url)
    upgrade_database(engine)
    sync_site(engine, config)
    queue = SqlQueueService(engine, config, WallClock())
    seen = threading.Event()
    count = [0]

    def on_change() -> None:
        count[0] += 1
        seen.set()

    stop = queue.watch_changes(on_change)
    return queue, seen, count, stop


def test_every_change_is_pushed_to_watchers_on_commit(postgres_url: str, config: Config) -> None:
    """Another terminal's issue, call and pass-on reach a watcher (LISTEN/NOTIFY)."""
    watched, seen, _count, stop = _changes(postgres_url, config)
    assert callable(stop)
    try:
        assert seen.wait(10), "no catch-up call after connecting"
        other = SqlQueueService(make_engine(postgres_url), config, WallClock())
        for action in (
            lambda: other.issue_ticket("moving", [RESIDENTS, INSURANCE], "ja"),
            lambda: other.call_next(RESIDENTS.counter_id),
            lambda: other.pass_on("A-001", RESIDENTS.counter_id),
            lambda: other.close_counter(INSURANCE.counter_id),
        ):
            seen.clear()
            action()
            assert seen.wait(10), "a committed change was not pushed"
        # Reads announce nothing.
        seen.clear()
        other.board_snapshot()
        other.waiting_summary()
        assert not seen.wait(1.5), "a read sent a notification"
    finally:
        stop()


def test_a_rolled_back_change_is_not_pushed(postgres_url: str, config: Config) -> None:
    """A refused operation (serving a ticket nobody called) rolls back and notifies nobody."""
    watched, seen, _count, stop = _changes(postgres_url, config)
    try:
        assert seen.wait(10)
        seen.clear()
        watched.issue_ticket("moving", [RESIDENTS], "ja")
        assert seen.wait(10)
        time.sleep(0.5)  # let any straggler arrive before watching for silence
        seen.clear()
        with pytest.raises(QueueError):
            watched.serve("A-001", RESIDENTS.counter_id)  # never called: refused
        assert not seen.wait(1.5), "a rolled-back transaction was announced"
    finally:
        stop()


def test_sqlite_has_no_push_and_says_so(tmp_path, config: Config) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    upgrade_database(engine)
    sync_site(engine, config)
    assert SqlQueueService(engine, config, WallClock()).watch_changes(lambda: None) is None
