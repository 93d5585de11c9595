"""An in-memory queue with the same rules as the SQL one, for tests and practice mode.

``FakeQueueService`` numbers tickets per service and business day, queues routes and
counts people waiting exactly like ``SqlQueueService`` (it shares its rules from
``kiosk.adapters.db``), but keeps everything in this process and forgets it when the
process ends. Practice mode (smartphone classes) uses it so that practice tickets
never take a real number or reach the statistics. Like the real queue it stores
numbers, routes, times and language tags only, never personal data.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from kiosk.adapters.db import (
    DEFAULT_TIMEZONE,
    VISIT_DONE,
    SystemClock,
    TicketStatus,
    VisitStatus,
    business_day,
    check_starts_hour,
    check_ticket_request,
    counter_waits,
    estimate_wait_min,
    format_number,
)
from kiosk.config import Config
from kiosk.core.ports import Clock, CounterWait, PortError, QueueUnavailableError
from kiosk.core.ticket import RouteStop, Ticket


@dataclass
class _Visit:
    counter_id: str
    status: VisitStatus = VisitStatus.WAITING


@dataclass
class _Entry:
    ticket: Ticket
    business_day: date
    language: str
    status: TicketStatus = TicketStatus.OPEN
    visits: list[_Visit] = field(default_factory=list)

    def current_visit(self) -> _Visit | None:
        """The first visit not done yet, if it is still waiting (mirrors db._waiting_counts)."""
        for visit in self.visits:
            if visit.status not in VISIT_DONE:
                return visit if visit.status == VisitStatus.WAITING else None
        return None


class FakeQueueService:
    """``kiosk.core.ports.QueueService`` in memory; thread-safe like the real one.

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
            ahead = self._counts(day).get(stops[0].counter_id, 0)
            ticket = Ticket(
                number=format_number(letters[service_id], seq),
                service_id=service_id,
                issued_at=int(now.timestamp()),
                route=stops,
                people_ahead=ahead,
                estimated_wait_min=estimate_wait_min(stops[0].counter_id, ahead),
                practice=practice,
            )
            self._entries.append(
                _Entry(ticket, day, language, visits=[_Visit(stop.counter_id) for stop in stops])
            )
        return ticket

    def waiting_summary(self) -> list[CounterWait]:
        self._check_available()
        day = business_day(self._now(), self._starts_hour, self._zone)
        with self._lock:
            counts = self._counts(day)
        return counter_waits(self._config, counts)

    def issued_tickets(self) -> tuple[Ticket, ...]:
        """Every ticket issued so far, oldest first (for tests and the practice reset)."""
        with self._lock:
            return tuple(entry.ticket for entry in self._entries)

    def reset(self) -> None:
        """Forget every ticket and number: the practice mode's one-tap reset."""
        with self._lock:
            self._last_seq.clear()
            self._entries.clear()

    def _counts(self, day: date) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self._entries:
            if entry.business_day != day or entry.status != TicketStatus.OPEN:
                continue
            visit = entry.current_visit()
            if visit is not None:
                counts[visit.counter_id] = counts.get(visit.counter_id, 0) + 1
        return counts

    def _check_available(self) -> None:
        if not self.available:
            raise QueueUnavailableError(PortError.QUEUE_UNAVAILABLE, "the fake queue is switched off")

    def _now(self) -> datetime:
        now = self._clock.now()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the queue clock must return timezone-aware datetimes")
        return now.astimezone(UTC)
