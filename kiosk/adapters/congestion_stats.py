"""Hourly ticket statistics for the congestion page, read from the queue database.

For given business days it counts the tickets issued per local hour and sums their
actual waits (issue → first call), using the tables of ``kiosk.adapters.db``. It only
reads, in a deferred (shared) transaction, so publishing never blocks a kiosk issuing a
ticket. It returns counts and minutes only (``kiosk.core.congestion.HourCount``), never
ticket numbers or languages, and turns every database failure into
``QueueUnavailableError`` like the queue service does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

# _READ_ONLY is db.py's execution option for a deferred SQLite BEGIN; reusing it keeps one
# definition of "read-only" (a plain BEGIN IMMEDIATE would take the write lock).
from kiosk.adapters.db import _READ_ONLY, DEFAULT_TIMEZONE, EventRow, TicketRow
from kiosk.core.congestion import USUAL_WEEKS, HourCount
from kiosk.core.ports import PortError, QueueUnavailableError
from kiosk.core.queue_rules import CALL_EVENTS


@contextmanager
def _unavailable(action: str) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        # The driver's first line only: SQLAlchemy's str() appends the SQL and parameters.
        cause = getattr(exc, "orig", None) or exc
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        raise QueueUnavailableError(PortError.QUEUE_UNAVAILABLE, f"{action}: {reason}") from exc


def check_sqlite_file(engine: Engine) -> None:
    """Refuse a missing SQLite file instead of letting the driver create an empty one.

    A publisher on a PC whose kiosk has not run yet (or whose data folder is gone) must
    report an outage, not leave an empty database behind for the kiosk to find.
    """
    url = engine.url
    database = url.database
    is_file = (
        url.get_backend_name() == "sqlite"
        and bool(database)
        and database != ":memory:"
        and not url.query.get("uri")
    )
    if is_file and not Path(str(database)).exists():
        raise QueueUnavailableError(
            PortError.QUEUE_UNAVAILABLE, f"the SQLite database file is missing: {Path(str(database)).name}"
        )


def hourly_counts(
    engine: Engine, days: Iterable[date], *, timezone: str = DEFAULT_TIMEZONE
) -> dict[date, tuple[HourCount, ...]]:
    """Per business day (every day asked for is a key): tickets per local hour of issue.

    The wait of a ticket is from its issue to its first call at any counter; tickets not
    called yet count as issued but have no wait. Hours with no ticket are left out.
    """
    wanted = sorted(set(days))
    zone = ZoneInfo(timezone)
    check_sqlite_file(engine)
    day_tickets = select(TicketRow.id).where(TicketRow.business_day.in_(wanted))
    first_call = (
        select(EventRow.ticket_id, func.min(EventRow.at).label("first_called"))
        .where(
            EventRow.kind.in_([str(kind) for kind in CALL_EVENTS]),
            EventRow.ticket_id.in_(day_tickets),
        )
        .group_by(EventRow.ticket_id)
        .subquery()
    )
    stmt = (
        select(TicketRow.business_day, TicketRow.issued_at, first_call.c.first_called)
        .outerjoin(first_call, first_call.c.ticket_id == TicketRow.id)
        .where(TicketRow.business_day.in_(wanted))
    )
    buckets: dict[date, dict[int, tuple[int, int, float]]] = {day: {} for day in wanted}
    with _unavailable("read hourly statistics"), engine.execution_options(
        **{_READ_ONLY: True}
    ).begin() as conn:
        for day, issued_at, first_called in conn.execute(stmt):
            hour = issued_at.astimezone(zone).hour
            issued, called, minutes = buckets[day].get(hour, (0, 0, 0.0))
            if first_called is not None:
                called += 1
                minutes += max(0.0, (first_called - issued_at).total_seconds() / 60)
            buckets[day][hour] = (issued + 1, called, minutes)
    return {
        day: tuple(
            HourCount(hour, issued, called, minutes)
            for hour, (issued, called, minutes) in sorted(hours.items())
        )
        for day, hours in buckets.items()
    }


def same_weekday_days(day: date, weeks: int = USUAL_WEEKS) -> list[date]:
    """The same weekday in each of the ``weeks`` weeks before ``day``, most recent first."""
    return [day - timedelta(weeks=week) for week in range(1, weeks + 1)]
