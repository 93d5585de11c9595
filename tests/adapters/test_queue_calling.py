"""Tests of staff calling, the board snapshot and learned wait estimates, on SQLite and in memory."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, select

from kiosk.adapters.db import (
    CounterRow,
    EventRow,
    SqlQueueService,
    alembic_config,
    make_engine,
    sync_site,
    upgrade_database,
)
from kiosk.adapters.fake_queue import FakeQueueService
from kiosk.config import Config
from kiosk.core.queue_rules import (
    PRIOR_WEIGHT,
    EventKind,
    QueueError,
    QueueErrorCode,
    ServiceSample,
    VisitEvent,
    estimate_work_min,
    learn_service_times,
    service_samples,
)
from tests.adapters.queue_fixtures import INSURANCE, JST, RESIDENTS, FakeClock

Queue = SqlQueueService | FakeQueueService


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 4, 1, 9, 30, tzinfo=JST))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return "sqlite:///" + (tmp_path / "kiosk.sqlite3").as_posix()


@pytest.fixture
def make_queue(
    config: Config, clock: FakeClock, sqlite_url: str
) -> Iterator[Callable[[str], Queue]]:
    """Builds the SQL (fresh SQLite file) or the in-memory queue on the same clock."""
    engines: list[Any] = []

    def build(kind: str) -> Queue:
        if kind == "fake":
            return FakeQueueService(config, clock)
        engine = make_engine(sqlite_url)
        engines.append(engine)
        upgrade_database(engine)
        sync_site(engine, config)
        return SqlQueueService(engine, config, clock)

    yield build
    for engine in engines:
        engine.dispose()


@pytest.fixture(params=["sql", "fake"])
def queue(request: pytest.FixtureRequest, make_queue: Callable[[str], Queue]) -> Queue:
    return make_queue(request.param)


def _later(clock: FakeClock, minutes: float) -> None:
    clock.at += timedelta(minutes=minutes)


def _issue_route(queue: Queue, clock: FakeClock) -> None:
    """A-001 residents→insurance, A-002 residents only, A-003 insurance only (after A-001)."""
    assert queue.issue_ticket("moving", [RESIDENTS, INSURANCE], "ja").number == "A-001"
    _later(clock, 1)
    assert queue.issue_ticket("moving", [RESIDENTS], "en").number == "A-002"
    _later(clock, 1)
    assert queue.issue_ticket("moving", [INSURANCE], "vi").number == "A-003"
    _later(clock, 1)


def _code(call: Callable[[], object]) -> QueueErrorCode:
    with pytest.raises(QueueError) as error:
        call()
    assert isinstance(error.value.code, QueueErrorCode)
    return error.value.code


def test_passed_on_ticket_keeps_its_place(queue: Queue, clock: FakeClock) -> None:
    """A-001 passed on from residents is called at insurance before A-003, issued later."""
    _issue_route(queue, clock)
    assert (
        queue.call_next("insurance").number == "A-003"
    )  # A-001 is not at insurance yet
    queue.skip("A-003", "insurance")
    called = queue.call_next("residents")
    assert (
        called.number,
        called.counter_id,
        called.counter_number,
        called.position,
    ) == ("A-001", "residents", 1, 0)
    assert called.procedures == ("tennyu",) and called.language == "ja"
    _later(clock, 5)
    queue.pass_on("A-001", "residents")
    at_insurance = queue.call_next("insurance")
    assert (at_insurance.number, at_insurance.position) == ("A-001", 1)
    assert queue.call_next("insurance").number == "A-003"
    assert queue.call_next("insurance") is None
    assert queue.call_next("residents").number == "A-002"
    assert queue.call_next("residents") is None


def test_issue_time_orders_passed_on_ahead_of_later_tickets(
    queue: Queue, clock: FakeClock
) -> None:
    """Without any skip, insurance's queue after the pass-on is A-001 then A-003."""
    _issue_route(queue, clock)
    queue.call_next("residents")
    queue.pass_on("A-001", "residents")
    assert [queue.call_next("insurance").number for _ in range(2)] == ["A-001", "A-003"]


def test_priority_ticket_is_called_first(queue: Queue, clock: FakeClock) -> None:
    """A ticket flagged as needing assistance jumps ahead of earlier ones, and can be unflagged."""
    _issue_route(queue, clock)
    queue.set_priority("A-002")
    called = queue.call_next("residents")
    assert (called.number, called.priority) == ("A-002", True)
    assert queue.call_next("residents").number == "A-001"
    queue.set_priority("A-003", False)
    assert queue.call_next("insurance").number == "A-003"


def test_closed_counter_calls_no_one(queue: Queue, clock: FakeClock) -> None:
    """close_counter stops call_next; open_counter resumes it; the board shows the state."""
    _issue_route(queue, clock)
    queue.close_counter("residents")
    assert _code(lambda: queue.call_next("residents")) is QueueErrorCode.COUNTER_CLOSED
    board = {counter.counter_id: counter for counter in queue.board_snapshot().counters}
    assert board["residents"].is_open is False and board["insurance"].is_open is True
    assert board["residents"].waiting == 2  # closing does not drop anyone
    queue.open_counter("residents")
    assert queue.call_next("residents").number == "A-001"


def test_recall_skip_no_show_and_serve_transitions(
    queue: Queue, clock: FakeClock
) -> None:
    """Each operation works only on a ticket called at that counter, and moves it as documented."""
    _issue_route(queue, clock)
    assert (
        _code(lambda: queue.serve("A-001", "residents"))
        is QueueErrorCode.INVALID_TRANSITION
    )
    queue.call_next("residents")
    _later(clock, 2)
    recalled = queue.recall("A-001", "residents")
    assert recalled.called_at == int(clock.at.timestamp())
    assert (
        _code(lambda: queue.recall("A-001", "insurance"))
        is QueueErrorCode.INVALID_TRANSITION
    )

    queue.skip("A-001", "residents")  # back to waiting, queued from the skip
    assert queue.waiting_summary()[0].waiting == 2
    assert queue.call_next("residents").number == "A-002"
    assert queue.call_next("residents").number == "A-001"
    queue.no_show("A-001", "residents")  # the rest of the route is dropped too
    assert (
        _code(lambda: queue.serve("A-001", "residents"))
        is QueueErrorCode.INVALID_TRANSITION
    )
    assert queue.waiting_summary()[1].waiting == 1  # only A-003 waits at insurance

    assert (
        _code(lambda: queue.pass_on("A-002", "residents"))
        is QueueErrorCode.NO_NEXT_STOP
    )
    queue.serve("A-002", "residents")
    assert (
        _code(lambda: queue.serve("A-002", "residents"))
        is QueueErrorCode.INVALID_TRANSITION
    )
    assert queue.call_next("residents") is None


def test_serve_on_a_middle_stop_moves_the_ticket_on(
    queue: Queue, clock: FakeClock
) -> None:
    """serve() finishes this stop; a route with more stops then waits at the next one."""
    _issue_route(queue, clock)
    queue.call_next("residents")
    queue.serve("A-001", "residents")
    assert queue.call_next("insurance").number == "A-001"


def test_cancel_withdraws_a_ticket(queue: Queue, clock: FakeClock) -> None:
    """A cancelled ticket waits nowhere and cannot be cancelled or called again."""
    _issue_route(queue, clock)
    queue.cancel("A-001")
    assert _code(lambda: queue.cancel("A-001")) is QueueErrorCode.INVALID_TRANSITION
    assert queue.call_next("residents").number == "A-002"
    assert queue.call_next("residents") is None


def test_unknown_ticket_or_counter_is_a_coded_error(
    queue: Queue, clock: FakeClock
) -> None:
    """Unknown numbers and counters raise QueueError with their own codes."""
    _issue_route(queue, clock)
    assert _code(lambda: queue.call_next("parking_permits")) is QueueErrorCode.UNKNOWN_COUNTER
    assert _code(lambda: queue.close_counter("parking_permits")) is QueueErrorCode.UNKNOWN_COUNTER
    assert _code(lambda: queue.serve("A-001", "parking_permits")) is QueueErrorCode.UNKNOWN_COUNTER
    assert (
        _code(lambda: queue.serve("Z-999", "residents"))
        is QueueErrorCode.UNKNOWN_TICKET
    )
    assert _code(lambda: queue.cancel("A-004")) is QueueErrorCode.UNKNOWN_TICKET
    _later(clock, 24 * 60)  # numbers belong to one business day
    assert _code(lambda: queue.cancel("A-001")) is QueueErrorCode.UNKNOWN_TICKET


def test_board_snapshot_shows_serving_recent_calls_and_waits(
    queue: Queue, clock: FakeClock
) -> None:
    """The board lists who is served where, the newest calls first, and people and minutes waiting."""
    _issue_route(queue, clock)
    queue.call_next("residents")
    _later(clock, 1)
    queue.call_next("insurance")
    _later(clock, 1)
    queue.recall("A-001", "residents")
    board = queue.board_snapshot(recent=2)
    assert board.at == int(clock.at.timestamp())
    counters = {counter.counter_id: counter for counter in board.counters}
    assert [counter.counter_id for counter in board.counters] == [
        "residents",
        "insurance",
        "children",
        "mynumber",
        "tax",
        "elderly",
    ]
    assert counters["residents"].serving == ("A-001",)
    assert counters["insurance"].serving == ("A-003",)
    assert (
        counters["residents"].waiting,
        counters["residents"].estimated_wait_min,
    ) == (1, 8)
    assert (
        counters["insurance"].waiting,
        counters["insurance"].estimated_wait_min,
    ) == (0, 0)
    assert [(call.number, call.counter_number) for call in board.recent_calls] == [
        ("A-001", 1),
        ("A-003", 2),
    ]
    queue.pass_on("A-001", "residents")
    board = queue.board_snapshot()
    counters = {counter.counter_id: counter for counter in board.counters}
    assert counters["residents"].serving == ()
    assert counters["insurance"].waiting == 1
    assert len(board.recent_calls) == 3


def test_estimates_move_from_prior_to_observed_times(
    queue: Queue, clock: FakeClock
) -> None:
    """Served residents visits of 20 minutes pull the 8-minute prior up, by the k=5 weighting."""
    for _ in range(6):
        queue.issue_ticket("certificates", [RESIDENTS], "ja")
    assert queue.waiting_summary()[0].estimated_wait_min == 6 * 8  # day one: the prior
    for number in ("B-001", "B-002", "B-003", "B-004", "B-005"):
        assert queue.call_next("residents").number == number
        _later(clock, 20)
        queue.serve(number, "residents")
    # One person waits; expected = (5 × 8 + 5 × 20) / (5 + 5) = 14 minutes.
    wait = queue.waiting_summary()[0]
    assert (wait.waiting, wait.estimated_wait_min) == (1, 14)
    ticket = queue.issue_ticket("certificates", [RESIDENTS], "ja")
    assert (ticket.people_ahead, ticket.estimated_wait_min) == (1, 14)
    assert queue.service_times().procedure_minutes(
        "residents", "tennyu"
    ) == pytest.approx(14)


def test_estimate_sums_the_procedures_ahead(queue: Queue, clock: FakeClock) -> None:
    """Two procedures at one counter count as twice the work of one."""
    queue.issue_ticket(
        "moving", [replace(INSURANCE, procedures=("kokuho_kanyu", "kokuho_card"))], "ja"
    )
    queue.issue_ticket("moving", [INSURANCE], "ja")
    assert queue.waiting_summary()[1].estimated_wait_min == 3 * 6


def _staff_script(queue: Queue, clock: FakeClock, start: datetime) -> list[object]:
    """A morning of staff operations; every result, refusal and summary in order."""
    clock.at = start
    results: list[object] = []

    def step(call: Callable[[], object]) -> None:
        try:
            results.append(call())
        except QueueError as error:
            results.append(error.code)
        results.append(queue.waiting_summary())
        _later(clock, 3)

    _issue_route(queue, clock)
    step(lambda: queue.issue_ticket("certificates", [INSURANCE, RESIDENTS], "ko"))
    step(lambda: queue.set_priority("B-001"))
    step(lambda: queue.call_next("insurance"))
    step(lambda: queue.call_next("residents"))
    step(lambda: queue.skip("A-001", "residents"))
    step(lambda: queue.call_next("residents"))
    step(lambda: queue.pass_on("B-001", "insurance"))
    step(lambda: queue.serve("A-002", "residents"))
    step(lambda: queue.call_next("residents"))
    step(lambda: queue.recall("A-001", "residents"))
    step(lambda: queue.pass_on("A-001", "residents"))
    step(lambda: queue.close_counter("insurance"))
    step(lambda: queue.call_next("insurance"))
    step(lambda: queue.open_counter("insurance"))
    step(lambda: queue.call_next("insurance"))
    step(lambda: queue.no_show("A-001", "insurance"))
    step(lambda: queue.call_next("residents"))
    step(lambda: queue.cancel("A-003"))
    step(lambda: queue.board_snapshot(recent=4))
    step(lambda: queue.service_times().procedure_minutes("residents", "tennyu"))
    return results


def test_fake_matches_the_sql_queue_when_calling(
    make_queue: Callable[[str], Queue], clock: FakeClock
) -> None:
    """The same staff script gives the same calls, errors, boards and estimates from both services."""
    start = clock.at
    sql = _staff_script(make_queue("sql"), clock, start)
    fake = _staff_script(make_queue("fake"), clock, start)
    assert sql == fake
    assert QueueErrorCode.COUNTER_CLOSED in sql  # the script really hit the refusals


def _desks_call_everyone(
    url: str, config: Config, clock: FakeClock, desks: int, tickets: int
) -> None:
    """``desks`` staff (own engines) call at one counter type until no one waits; no repeats."""
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        sync_site(engine, config)
        issuer = SqlQueueService(engine, config, clock)
        for _ in range(tickets):
            issuer.issue_ticket("moving", [RESIDENTS], "ja")
    finally:
        engine.dispose()
    called: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(desks)

    def desk() -> None:
        own = make_engine(url)
        service = SqlQueueService(own, config, clock)
        try:
            barrier.wait()
            while (ticket := service.call_next("residents")) is not None:
                called.append(ticket.number)
        except Exception as exc:  # noqa: BLE001 - surfaced below; a thread cannot fail the test
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=desk) for _ in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(called) == [f"A-{seq:03d}" for seq in range(1, tickets + 1)]


def test_concurrent_staff_never_call_the_same_ticket(
    config: Config, clock: FakeClock, sqlite_url: str
) -> None:
    """Two desks of one counter type on SQLite, each with its own engine, call distinct tickets."""
    _desks_call_everyone(sqlite_url, config, clock, desks=2, tickets=20)


@pytest.mark.postgres
def test_postgres_desks_skip_locked_tickets(
    postgres_url: str, config: Config, clock: FakeClock
) -> None:
    """Six desks on PostgreSQL (FOR UPDATE SKIP LOCKED) call 60 tickets, each exactly once."""
    _desks_call_everyone(postgres_url, config, clock, desks=6, tickets=60)


@pytest.mark.postgres
def test_postgres_matches_the_fake(
    postgres_url: str, config: Config, clock: FakeClock
) -> None:
    """The staff script behaves the same on PostgreSQL as in memory."""
    start = clock.at
    engine = make_engine(postgres_url)
    try:
        upgrade_database(engine)
        sync_site(engine, config)
        on_postgres = _staff_script(
            SqlQueueService(engine, config, clock), clock, start
        )
    finally:
        engine.dispose()
    assert on_postgres == _staff_script(FakeQueueService(config, clock), clock, start)


def test_called_events_are_logged_with_their_counter(
    make_queue: Callable[[str], Queue], clock: FakeClock, sqlite_url: str
) -> None:
    """Calls, recalls and finishes are written to ticket_events with the counter concerned."""
    queue = make_queue("sql")
    assert isinstance(queue, SqlQueueService)
    _issue_route(queue, clock)
    queue.call_next("residents")
    queue.recall("A-001", "residents")
    queue.pass_on("A-001", "residents")
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(EventRow.kind, EventRow.position, EventRow.counter_id)
                .where(EventRow.ticket_id == 1)
                .order_by(EventRow.id)
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [
        (EventKind.ISSUED, 0, "residents"),
        (EventKind.CALLED, 0, "residents"),
        (EventKind.RECALLED, 0, "residents"),
        (EventKind.PASSED_ON, 0, "residents"),
    ]


def test_migration_0002_opens_existing_counters(sqlite_url: str) -> None:
    """Counters created under schema 0001 are open after the upgrade, and 0002 downgrades cleanly."""
    command.upgrade(alembic_config(sqlite_url), "0001")
    engine = make_engine(sqlite_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO counters (id, number, active) VALUES ('residents', 1, 1)"
            )
        upgrade_database(engine)
        with engine.connect() as conn:
            assert conn.execute(select(CounterRow.id, CounterRow.is_open)).all() == [
                ("residents", True)
            ]
        command.downgrade(alembic_config(sqlite_url), "0001")
        columns = {column["name"] for column in inspect(engine).get_columns("counters")}
        assert columns == {"id", "number", "active"}
    finally:
        engine.dispose()


def test_service_samples_use_the_last_call_and_drop_outliers() -> None:
    """A recall restarts the service clock; a ticket left called for hours teaches nothing."""
    t0 = datetime(2025, 4, 1, tzinfo=UTC)

    def event(ticket: int, kind: EventKind, minute: float) -> VisitEvent:
        return VisitEvent(
            ticket, 0, kind, t0 + timedelta(minutes=minute), "residents", ("tennyu",)
        )

    samples = service_samples(
        [
            event(1, EventKind.CALLED, 0),
            event(1, EventKind.RECALLED, 4),
            event(1, EventKind.SERVED, 14),
            event(2, EventKind.CALLED, 0),
            event(2, EventKind.SERVED, 300),
            event(3, EventKind.SERVED, 5),  # never called: no start time
        ]
    )
    assert samples == [ServiceSample("residents", ("tennyu",), 10.0)]


def test_learned_times_weigh_the_prior_as_k_observations() -> None:
    """With k observations the estimate is halfway between the prior and the observed mean."""
    times = learn_service_times(
        [ServiceSample("insurance", ("kokuho_kanyu", "kokuho_card"), 20.0)]
        * PRIOR_WEIGHT
    )
    # Each procedure observed at 10 minutes, prior 6: (5 × 6 + 5 × 10) / 10 = 8.
    assert times.procedure_minutes("insurance", "kokuho_kanyu") == pytest.approx(8)
    assert times.procedure_minutes("insurance", "other") == pytest.approx(6)
    assert (
        estimate_work_min(times, [("insurance", ("kokuho_kanyu", "kokuho_card"))]) == 16
    )
    assert (
        estimate_work_min(times, [("children", ())]) == 5
    )  # a visit without forms: one unit
