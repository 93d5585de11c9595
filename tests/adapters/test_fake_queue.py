"""Tests of the in-memory queue used by tests and practice mode, and its parity with the SQL one."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.adapters.db import SqlQueueService, make_engine, sync_site, upgrade_database
from kiosk.adapters.fake_queue import FakeQueueService
from kiosk.config import Config
from kiosk.core.ports import PortError, QueueUnavailableError
from kiosk.core.ticket import RouteStop
from tests.adapters.queue_fixtures import CHILDREN, INSURANCE, JST, RESIDENTS, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 4, 1, 9, 30, tzinfo=JST))


@pytest.fixture
def queue(config: Config, clock: FakeClock) -> FakeQueueService:
    return FakeQueueService(config, clock)


def test_numbers_count_up_per_service_and_restart_each_day(
    queue: FakeQueueService, clock: FakeClock
) -> None:
    """Series run per service and restart at the configured hour (04:00 by default)."""
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-001"
    assert queue.issue_ticket("certificates", [RESIDENTS], "ja").number == "B-001"
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-002"
    clock.at = datetime(2025, 4, 2, 3, 59, tzinfo=JST)
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-003"
    clock.at = datetime(2025, 4, 2, 4, 0, tzinfo=JST)
    assert queue.issue_ticket("moving", [RESIDENTS], "ja").number == "A-001"
    assert queue.waiting_summary()[0].waiting == 1  # yesterday's tickets no longer wait


def test_practice_flag_is_carried(queue: FakeQueueService) -> None:
    """Practice tickets are issued and marked, so the slip can say SAMPLE."""
    ticket = queue.issue_ticket("moving", [RESIDENTS, INSURANCE], "ja-x-easy", practice=True)
    assert ticket.practice is True
    assert queue.issued_tickets() == (ticket,)


def test_reset_forgets_everything(queue: FakeQueueService) -> None:
    """The practice reset starts the numbers and the waits over."""
    queue.issue_ticket("moving", [RESIDENTS], "ja", practice=True)
    queue.reset()
    assert queue.issued_tickets() == ()
    assert all(wait.waiting == 0 for wait in queue.waiting_summary())
    assert queue.issue_ticket("moving", [RESIDENTS], "ja", practice=True).number == "A-001"


def test_switched_off_queue_raises_unavailable(queue: FakeQueueService) -> None:
    """available = False behaves like an unreachable database."""
    queue.available = False
    for call in (lambda: queue.issue_ticket("moving", [RESIDENTS], "ja"), queue.waiting_summary):
        with pytest.raises(QueueUnavailableError) as error:
            call()
        assert error.value.code is PortError.QUEUE_UNAVAILABLE


def test_unknown_service_or_counter_is_refused(queue: FakeQueueService) -> None:
    """Unknown services and counters raise QUEUE_UNKNOWN_SERVICE, as in the SQL service."""
    for service_id, route in (("parking", [RESIDENTS]), ("moving", [RouteStop("parking_permits", 9, ())])):
        with pytest.raises(QueueUnavailableError) as error:
            queue.issue_ticket(service_id, route, "ja")
        assert error.value.code is PortError.QUEUE_UNKNOWN_SERVICE


def test_free_text_is_refused(queue: FakeQueueService) -> None:
    """The fake applies the same guard against free text in routes and languages."""
    with pytest.raises(ValueError):
        queue.issue_ticket("moving", [RouteStop("residents", 1, ("山田 太郎",))], "ja")
    with pytest.raises(ValueError):
        queue.issue_ticket("moving", [RESIDENTS], "Taro")


def test_threads_never_share_a_number(queue: FakeQueueService) -> None:
    """Concurrent callers (the UI's worker threads) get distinct numbers."""
    numbers: list[str] = []
    start = threading.Barrier(4)

    def issue() -> None:
        start.wait()
        for _ in range(50):
            numbers.append(queue.issue_ticket("moving", [RESIDENTS], "ja").number)

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [f"A-{seq:03d}" for seq in range(1, 201)]


def test_fake_matches_the_sql_queue(config: Config, clock: FakeClock, tmp_path: Path) -> None:
    """The same requests give the same tickets and waits from the fake and from SQLite."""
    engine = make_engine("sqlite:///" + (tmp_path / "kiosk.sqlite3").as_posix())
    try:
        upgrade_database(engine)
        sync_site(engine, config)
        sql = SqlQueueService(engine, config, clock)
        fake = FakeQueueService(config, clock)
        requests = [
            ("moving", [RESIDENTS, INSURANCE], "ja"),
            ("moving", [RESIDENTS, CHILDREN], "vi"),
            ("certificates", [INSURANCE], "en"),
            ("moving", [INSURANCE, CHILDREN], "ja"),
            ("certificates", [CHILDREN], "ko"),
        ]
        for service_id, route, language in requests:
            assert sql.issue_ticket(service_id, route, language) == fake.issue_ticket(
                service_id, route, language
            )
        assert sql.waiting_summary() == fake.waiting_summary()
        assert [wait.waiting for wait in fake.waiting_summary()] == [2, 2, 1, 0, 0, 0]
    finally:
        engine.dispose()


def test_clerks_share_the_work_ahead(config: Config) -> None:
    """Three people ahead at a counter with two clerks wait half as long as with one."""
    from dataclasses import replace

    from tests.adapters.queue_fixtures import FakeClock

    clock = FakeClock(datetime(2025, 4, 1, 9, 30, tzinfo=JST))
    one = FakeQueueService(config, clock)
    two_clerks = replace(config, counters=tuple(
        replace(c, clerks=2) if c.id == "residents" else c for c in config.counters))
    two = FakeQueueService(two_clerks, clock)
    for queue in (one, two):
        for _ in range(3):
            queue.issue_ticket("moving", [RESIDENTS], "ja")
    alone, shared = one.issue_ticket("moving", [RESIDENTS], "ja"), two.issue_ticket("moving", [RESIDENTS], "ja")
    assert alone.people_ahead == shared.people_ahead == 3
    assert alone.estimated_wait_min == 24 and shared.estimated_wait_min == 12
