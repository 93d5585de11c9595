"""An in-memory queue with the same rules as the SQL one, for tests and practice mode.

``FakeQueueService`` numbers tickets per service and business day, queues routes,
counts people waiting, lets staff call, recall, skip, serve and pass on, and learns
wait estimates exactly like ``SqlQueueService`` (both share ``kiosk.core.queue_rules``
and the helpers of ``kiosk.adapters.db``), but keeps everything in this process and
forgets it when the process ends. Practice mode (smartphone classes) uses it so that practice tickets
never take a real number or reach the statistics. Like the real queue it stores
numbers, routes, times and language tags only, never personal data.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.adapters.db import (
    DEFAULT_TIMEZONE,
    SystemClock,
    business_day,
    check_starts_hour,
    check_ticket_request,
    counter_waits,
    format_number,
)
from kiosk.config import Config
from kiosk.core.ports import Clock, CounterWait, PortError, QueueUnavailableError
from kiosk.core.queue_rules import (
    CALL_EVENTS,
    FINISH_EVENTS,
    LEARNING_WINDOW_DAYS,
    VISIT_DONE,
    BoardSnapshot,
    CalledTicket,
    CounterBoard,
    EventKind,
    QueueError,
    QueueErrorCode,
    ServiceTimes,
    TicketStatus,
    VisitEvent,
    VisitStatus,
    estimate_work_min,
    learn_service_times,
    queue_sort_key,
    service_samples,
)
from kiosk.core.ticket import RouteStop, Ticket


@dataclass
class _Visit:
    counter_id: str
    procedures: tuple[str, ...]
    status: VisitStatus = VisitStatus.WAITING
    called_at: datetime | None = None  # last call; on a waiting visit, when it was skipped


@dataclass
class _Entry:
    key: int  # issue order, like the SQL ticket id
    ticket: Ticket
    issued_at: datetime
    business_day: date
    language: str
    status: TicketStatus = TicketStatus.OPEN
    priority: bool = False
    visits: list[_Visit] = field(default_factory=list)

    def current_position(self) -> int | None:
        """The first visit not done yet (mirrors db._unfinished_before)."""
        for position, visit in enumerate(self.visits):
            if visit.status not in VISIT_DONE:
                return position
        return None

    def waiting_visit(self) -> _Visit | None:
        """The current visit, if it is waiting (mirrors db._waiting_visits)."""
        position = self.current_position()
        if position is None or self.status != TicketStatus.OPEN:
            return None
        visit = self.visits[position]
        return visit if visit.status == VisitStatus.WAITING else None


@dataclass(frozen=True)
class _Event:
    entry: _Entry
    position: int | None
    kind: EventKind
    at: datetime
    counter_id: str | None


class FakeQueueService:
    """``kiosk.core.ports.QueueService`` and the staff operations in memory; thread-safe.

    Set ``available = False`` to make every call raise QueueUnavailableError, as the
    SQL service does when its database is unreachable (for testing the UI's pause).
    """

    def __init__(
        self,
        config: Config,
        clock: Clock | None = None,
        *,
        timezone: str = DEFAULT_TIMEZONE,
    ) -> None:
        self._config = config
        self._clock = clock or SystemClock()
        self._zone = ZoneInfo(timezone)
        self._starts_hour = check_starts_hour(config.business_day_starts_hour)
        self._lock = threading.Lock()
        self._last_seq: dict[tuple[str, date], int] = {}
        self._entries: list[_Entry] = []
        self._events: list[_Event] = []
        self._open = {counter.id: True for counter in config.counters}
        self.available = True

    def issue_ticket(
        self, service_id: str, route: Sequence[RouteStop], language: str, practice: bool = False
    ) -> Ticket:
        self._check_available()
        stops = check_ticket_request(route, language)
        letters = {service.id: service.letter for service in self._config.services}
        if service_id not in letters:
            raise QueueUnavailableError(
                PortError.QUEUE_UNKNOWN_SERVICE, f"service {service_id!r} is not in the site config"
            )
        counter_ids = {counter.id for counter in self._config.counters}
        if unknown := sorted({stop.counter_id for stop in stops} - counter_ids):
            raise QueueUnavailableError(
                PortError.QUEUE_UNKNOWN_SERVICE,
                f"route names counter(s) {unknown} that the site config does not have",
            )
        now = self._now()
        day = business_day(now, self._starts_hour, self._zone)
        with self._lock:
            seq = self._last_seq.get((service_id, day), 0) + 1
            self._last_seq[(service_id, day)] = seq
            ahead = self._queues(day).get(stops[0].counter_id, [])
            ticket = Ticket(
                number=format_number(letters[service_id], seq),
                service_id=service_id,
                issued_at=int(now.timestamp()),
                route=stops,
                people_ahead=len(ahead),
                estimated_wait_min=estimate_work_min(
                    self._service_times(now), ((stops[0].counter_id, procs) for procs in ahead),
                    self._config.counter(stops[0].counter_id).clerks,
                ),
                practice=practice,
            )
            entry = _Entry(
                len(self._entries) + 1,
                ticket,
                now,
                day,
                language,
                visits=[_Visit(stop.counter_id, stop.procedures) for stop in stops],
            )
            self._entries.append(entry)
            self._events.append(_Event(entry, 0, EventKind.ISSUED, now, stops[0].counter_id))
        return ticket

    def waiting_summary(self) -> list[CounterWait]:
        self._check_available()
        now = self._now()
        day = business_day(now, self._starts_hour, self._zone)
        with self._lock:
            return counter_waits(self._config, self._queues(day), self._service_times(now))

    # ----------------------------------------------------------------- staff calling
    # Same rules and docstrings as SqlQueueService; see there.

    def open_counter(self, counter_id: str) -> None:
        self._set_open(counter_id, True)

    def close_counter(self, counter_id: str) -> None:
        self._set_open(counter_id, False)

    def set_priority(self, ticket_number: str, priority: bool = True) -> None:
        self._check_available()
        with self._lock:
            entry = self._entry(ticket_number, self._now())
            _require(entry.status == TicketStatus.OPEN, f"ticket {ticket_number} is {entry.status}")
            entry.priority = priority

    def call_next(self, counter_id: str) -> CalledTicket | None:
        self._check_available()
        now = self._now()
        day = business_day(now, self._starts_hour, self._zone)
        with self._lock:  # the lock makes choosing and marking one step, like FOR UPDATE
            self._check_counter(counter_id)
            if not self._open[counter_id]:
                raise QueueError(QueueErrorCode.COUNTER_CLOSED, f"counter {counter_id!r} is closed")
            candidates = [
                entry
                for entry in self._entries
                if entry.business_day == day
                and (visit := entry.waiting_visit()) is not None
                and visit.counter_id == counter_id
            ]
            if not candidates:
                return None
            entry = min(
                candidates,
                key=lambda e: queue_sort_key(
                    e.priority, e.issued_at, self._current(e).called_at, e.key
                ),
            )
            position = entry.current_position()
            assert position is not None  # a candidate has a waiting current visit
            visit = entry.visits[position]
            visit.status = VisitStatus.CALLED
            visit.called_at = now
            self._events.append(_Event(entry, position, EventKind.CALLED, now, counter_id))
            return self._called(entry, position, now)

    def recall(self, ticket_number: str, counter_id: str) -> CalledTicket:
        self._check_available()
        now = self._now()
        with self._lock:
            entry, position = self._called_visit(ticket_number, counter_id, now)
            entry.visits[position].called_at = now
            self._events.append(_Event(entry, position, EventKind.RECALLED, now, counter_id))
            return self._called(entry, position, now)

    def skip(self, ticket_number: str, counter_id: str) -> None:
        self._check_available()
        now = self._now()
        with self._lock:
            entry, position = self._called_visit(ticket_number, counter_id, now)
            visit = entry.visits[position]
            visit.status = VisitStatus.WAITING
            visit.called_at = now
            self._events.append(_Event(entry, position, EventKind.SKIPPED, now, counter_id))

    def no_show(self, ticket_number: str, counter_id: str) -> None:
        self._check_available()
        now = self._now()
        with self._lock:
            entry, position = self._called_visit(ticket_number, counter_id, now)
            for visit in entry.visits[position:]:
                visit.status = VisitStatus.SKIPPED
            entry.status = TicketStatus.DONE
            self._events.append(_Event(entry, position, EventKind.NO_SHOW, now, counter_id))

    def serve(self, ticket_number: str, counter_id: str) -> None:
        self._finish(ticket_number, counter_id, EventKind.SERVED)

    def pass_on(self, ticket_number: str, counter_id: str) -> None:
        self._finish(ticket_number, counter_id, EventKind.PASSED_ON)

    def cancel(self, ticket_number: str) -> None:
        self._check_available()
        now = self._now()
        with self._lock:
            entry = self._entry(ticket_number, now)
            _require(entry.status == TicketStatus.OPEN, f"ticket {ticket_number} is {entry.status}")
            for visit in entry.visits:
                if visit.status not in VISIT_DONE:
                    visit.status = VisitStatus.CANCELLED
            entry.status = TicketStatus.CANCELLED
            self._events.append(_Event(entry, None, EventKind.CANCELLED, now, None))

    def board_snapshot(self, recent: int = 10) -> BoardSnapshot:
        if recent < 0:
            raise ValueError("recent must be 0 or more")
        self._check_available()
        now = self._now()
        day = business_day(now, self._starts_hour, self._zone)
        with self._lock:
            serving: dict[str, list[tuple[datetime, int, str]]] = {}
            for entry in self._entries:
                if entry.business_day != day or entry.status != TicketStatus.OPEN:
                    continue
                for visit in entry.visits:
                    if visit.status == VisitStatus.CALLED and visit.called_at is not None:
                        serving.setdefault(visit.counter_id, []).append(
                            (visit.called_at, entry.key, entry.ticket.number)
                        )
            calls = [
                event
                for event in self._events
                if event.kind in CALL_EVENTS and event.entry.business_day == day
            ]
            # Newest first; among equal times the later event first, as in SQL (id desc).
            newest = sorted(enumerate(calls), key=lambda item: (item[1].at, item[0]), reverse=True)
            recent_calls = tuple(
                self._called(event.entry, event.position or 0, event.at)
                for _, event in newest[:recent]
            )
            waits = {
                wait.counter_id: wait
                for wait in counter_waits(self._config, self._queues(day), self._service_times(now))
            }
            return BoardSnapshot(
                counters=tuple(
                    CounterBoard(
                        counter_id=counter.id,
                        counter_number=counter.number,
                        is_open=self._open.get(counter.id, False),
                        serving=tuple(number for *_, number in sorted(serving.get(counter.id, []))),
                        waiting=waits[counter.id].waiting,
                        estimated_wait_min=waits[counter.id].estimated_wait_min,
                    )
                    for counter in self._config.counters
                ),
                recent_calls=recent_calls,
                at=int(now.timestamp()),
            )

    def service_times(self) -> ServiceTimes:
        """Expected minutes per procedure, learned from the recent event log."""
        self._check_available()
        now = self._now()
        with self._lock:
            return self._service_times(now)

    # ----------------------------------------------------------------- practice helpers

    def issued_tickets(self) -> tuple[Ticket, ...]:
        """Every ticket issued so far, oldest first (for tests and the practice reset)."""
        with self._lock:
            return tuple(entry.ticket for entry in self._entries)

    def reset(self) -> None:
        """Forget every ticket and number: the practice mode's one-tap reset."""
        with self._lock:
            self._last_seq.clear()
            self._entries.clear()
            self._events.clear()
            self._open = {counter.id: True for counter in self._config.counters}

    # ----------------------------------------------------------------- internals

    def _finish(self, ticket_number: str, counter_id: str, kind: EventKind) -> None:
        self._check_available()
        now = self._now()
        with self._lock:
            entry, position = self._called_visit(ticket_number, counter_id, now)
            last = position == len(entry.visits) - 1
            if kind == EventKind.PASSED_ON and last:
                raise QueueError(
                    QueueErrorCode.NO_NEXT_STOP,
                    f"ticket {ticket_number} has no stop after {counter_id!r}; use serve",
                )
            entry.visits[position].status = (
                VisitStatus.PASSED if kind == EventKind.PASSED_ON else VisitStatus.SERVED
            )
            if last:
                entry.status = TicketStatus.DONE
            self._events.append(_Event(entry, position, kind, now, counter_id))

    def _called_visit(self, ticket_number: str, counter_id: str, now: datetime) -> tuple[_Entry, int]:
        self._check_counter(counter_id)
        entry = self._entry(ticket_number, now)
        positions = [
            position
            for position, visit in enumerate(entry.visits)
            if visit.counter_id == counter_id and visit.status == VisitStatus.CALLED
        ]
        _require(
            entry.status == TicketStatus.OPEN and bool(positions),
            f"ticket {ticket_number} is not called at counter {counter_id!r}",
        )
        return entry, positions[0]

    def _entry(self, ticket_number: str, now: datetime) -> _Entry:
        day = business_day(now, self._starts_hour, self._zone)
        for entry in self._entries:
            if entry.business_day == day and entry.ticket.number == ticket_number:
                return entry
        raise QueueError(QueueErrorCode.UNKNOWN_TICKET, f"no ticket {ticket_number!r} today")

    def _check_counter(self, counter_id: str) -> None:
        if counter_id not in self._open:
            raise QueueError(QueueErrorCode.UNKNOWN_COUNTER, f"counter {counter_id!r} is not in the site")

    def _set_open(self, counter_id: str, is_open: bool) -> None:
        self._check_available()
        with self._lock:
            self._check_counter(counter_id)
            self._open[counter_id] = is_open

    def _current(self, entry: _Entry) -> _Visit:
        position = entry.current_position()
        assert position is not None
        return entry.visits[position]

    def _called(self, entry: _Entry, position: int, at: datetime) -> CalledTicket:
        visit = entry.visits[position]
        numbers = {counter.id: counter.number for counter in self._config.counters}
        return CalledTicket(
            number=entry.ticket.number,
            counter_id=visit.counter_id,
            counter_number=numbers.get(visit.counter_id, 0),
            position=position,
            procedures=visit.procedures,
            language=entry.language,
            called_at=int(at.timestamp()),
            priority=entry.priority,
        )

    def _queues(self, day: date) -> dict[str, list[tuple[str, ...]]]:
        queues: dict[str, list[tuple[str, ...]]] = {}
        for entry in self._entries:
            if entry.business_day != day:
                continue
            visit = entry.waiting_visit()
            if visit is not None:
                queues.setdefault(visit.counter_id, []).append(visit.procedures)
        return queues

    def _service_times(self, now: datetime) -> ServiceTimes:
        since = now - timedelta(days=LEARNING_WINDOW_DAYS)
        return learn_service_times(
            service_samples(
                VisitEvent(
                    event.entry.key,
                    event.position,
                    event.kind,
                    event.at,
                    event.entry.visits[event.position].counter_id,
                    event.entry.visits[event.position].procedures,
                )
                for event in self._events
                if event.position is not None
                and event.kind in CALL_EVENTS | FINISH_EVENTS
                and event.at >= since
            )
        )

    def _check_available(self) -> None:
        if not self.available:
            raise QueueUnavailableError(PortError.QUEUE_UNAVAILABLE, "the fake queue is switched off")

    def _now(self) -> datetime:
        now = self._clock.now()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the queue clock must return timezone-aware datetimes")
        return now.astimezone(UTC)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise QueueError(QueueErrorCode.INVALID_TRANSITION, message)
