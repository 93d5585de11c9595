"""The queue's pure rules: statuses, staff-call results, board contents and wait estimates.

Both queue services (``SqlQueueService`` on the database and the in-memory
``FakeQueueService``) apply these rules, so a counter, the board and practice mode see
the same behaviour. This module only computes: it must not import Qt or SQLAlchemy,
read a clock or touch storage, and it holds numbers, counter ids, procedure (form) ids
and times only, never personal data.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.core.errors import ErrorCode, KioskError

# --------------------------------------------------------------------------- statuses


class TicketStatus(enum.StrEnum):
    """The ticket as a whole."""

    OPEN = "open"  # some visit on its route is not finished yet
    DONE = "done"  # every visit is served, passed or skipped
    CANCELLED = "cancelled"  # withdrawn; its remaining visits are cancelled too


class VisitStatus(enum.StrEnum):
    """One stop of a ticket's route. A visit is *current* when every earlier one is done."""

    WAITING = "waiting"  # queued here (if current) or further down the route
    CALLED = "called"  # staff called the number; the citizen is at this counter
    SERVED = "served"  # this counter finished its procedures
    PASSED = "passed"  # this counter handed the ticket on to the next stop
    SKIPPED = "skipped"  # the stop was dropped (a no-show, and the stops after it)
    CANCELLED = "cancelled"  # the ticket was withdrawn before this stop


#: Visits after which the next stop on the route becomes current.
VISIT_DONE = frozenset({VisitStatus.SERVED, VisitStatus.PASSED, VisitStatus.SKIPPED})


class EventKind(enum.StrEnum):
    """What happened to a ticket; the log from which statistics and wait times are learned."""

    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    SKIPPED = "skipped"
    NO_SHOW = "no_show"
    SERVED = "served"
    PASSED_ON = "passed_on"
    CANCELLED = "cancelled"


#: Events that start service at a counter (the citizen is asked to come now).
CALL_EVENTS = frozenset({EventKind.CALLED, EventKind.RECALLED})
#: Events that end service at a counter; called→(served|passed_on) is one service time.
FINISH_EVENTS = frozenset({EventKind.SERVED, EventKind.PASSED_ON})


class QueueErrorCode(ErrorCode):
    """Why a staff operation was refused (the database itself failing is QUEUE_001)."""

    UNKNOWN_TICKET = "QUEUE_101"  # no ticket with this number today
    UNKNOWN_COUNTER = "QUEUE_102"  # not a counter of the site (or removed from config)
    COUNTER_CLOSED = "QUEUE_103"  # a closed counter calls no one
    INVALID_TRANSITION = "QUEUE_104"  # e.g. serving a ticket that was not called here
    NO_NEXT_STOP = "QUEUE_105"  # pass_on on the last stop of a route


class QueueError(KioskError):
    """A staff operation that the queue's rules refuse; nothing was changed."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CalledTicket:
    """A number called to a counter: what the counter screen, board and call-out need."""

    number: str  # "A-017"
    counter_id: str
    counter_number: int
    position: int  # which stop of the ticket's route (0 = first)
    procedures: tuple[str, ...]  # form ids handled at this stop
    language: str  # the citizen's UI language tag, for the spoken call-out
    called_at: int  # Unix time, seconds (of the latest call or recall)
    priority: bool = False


@dataclass(frozen=True)
class CounterBoard:
    """One counter on the display board."""

    counter_id: str
    counter_number: int
    is_open: bool
    serving: tuple[str, ...]  # numbers called here and not finished, oldest call first
    waiting: int
    estimated_wait_min: int


@dataclass(frozen=True)
class BoardSnapshot:
    """Everything the lobby board shows, read in one transaction."""

    counters: tuple[CounterBoard, ...]  # in config order
    recent_calls: tuple[CalledTicket, ...]  # newest first (calls and recalls)
    at: int  # Unix time, seconds, of the snapshot


# --------------------------------------------------------------------------- queue order


def queue_sort_key(
    priority: bool, issued_at: datetime, skipped_at: datetime | None, ticket_key: int
) -> tuple[int, datetime, int]:
    """Order of call_next: priority first, then the ticket's original issue time.

    A ticket passed on from another counter keeps its issue time, so it is not put at
    the back. A ticket *skipped* at this counter waits from the moment of the skip
    instead (behind everyone issued before it), so that "call next" does not call the
    absent citizen again at once. ``ticket_key`` (issue order) breaks ties.
    """
    return (0 if priority else 1, skipped_at or issued_at, ticket_key)


# --------------------------------------------------------------------------- estimates

#: Prior service time per procedure at each counter, in minutes. Rough figures for a
#: 市民課 floor (moving-in at the residents' counter takes longest; My Number card work
#: includes identity checks). A visit with no procedure ids counts as one procedure.
PRIOR_SERVICE_MINUTES: Mapping[str, int] = {
    "residents": 8,
    "insurance": 6,
    "children": 5,
    "mynumber": 7,
}
#: Prior for a counter a site adds that the table above does not know.
DEFAULT_SERVICE_MINUTES = 6
#: How many observations the prior is worth: on day one the estimate is the prior; after
#: five served procedures the observed mean weighs as much as the prior.
PRIOR_WEIGHT = 5
#: Service times longer than this are ignored when learning (a ticket left "called"
#: over lunch, or a counter that forgot to press "served").
MAX_SAMPLE_MINUTES = 120.0
#: How far back the services read the event log when learning.
LEARNING_WINDOW_DAYS = 28

# The key of a visit without procedure ids (demo tickets, generic visits).
_NO_PROCEDURE = ""


def prior_minutes(counter_id: str) -> float:
    """The prior service time of one procedure at a counter."""
    return float(PRIOR_SERVICE_MINUTES.get(counter_id, DEFAULT_SERVICE_MINUTES))


def estimate_wait_min(counter_id: str, people_waiting: int) -> int:
    """The naive estimate: people waiting × the counter's prior time (for comparison)."""
    return math.ceil(people_waiting * prior_minutes(counter_id))


@dataclass(frozen=True)
class VisitEvent:
    """One call or finish event of a visit, as read from the event log."""

    ticket_key: int
    position: int
    kind: EventKind
    at: datetime
    counter_id: str
    procedures: tuple[str, ...]


@dataclass(frozen=True)
class ServiceSample:
    """One observed service: from the (last) call to served or passed on."""

    counter_id: str
    procedures: tuple[str, ...]
    minutes: float


def service_samples(events: Iterable[VisitEvent]) -> list[ServiceSample]:
    """Pair each finish event with the latest call of the same visit before it.

    The *latest* call counts because a recall means the citizen had not come yet.
    Durations that are negative or over MAX_SAMPLE_MINUTES are dropped.
    """
    samples: list[ServiceSample] = []
    last_call: dict[tuple[int, int], datetime] = {}
    for event in sorted(events, key=lambda e: (e.at, e.kind in FINISH_EVENTS)):
        key = (event.ticket_key, event.position)
        if event.kind in CALL_EVENTS:
            last_call[key] = event.at
        elif event.kind in FINISH_EVENTS and key in last_call:
            minutes = (event.at - last_call.pop(key)).total_seconds() / 60
            if 0 <= minutes <= MAX_SAMPLE_MINUTES:
                samples.append(
                    ServiceSample(event.counter_id, event.procedures, minutes)
                )
    return samples


@dataclass(frozen=True)
class ServiceTimes:
    """Expected minutes per procedure at each counter: observed means shrunk to the prior.

    expected = (PRIOR_WEIGHT × prior + sum of observed minutes) / (PRIOR_WEIGHT + count),
    a conjugate-style weighted mean: the prior on day one, the observed mean in the long
    run. A visit's observed time is split evenly over its procedures (the log knows
    when a visit ended, not when each form did).
    """

    observed: Mapping[tuple[str, str], tuple[int, float]] = field(default_factory=dict)
    prior_weight: int = PRIOR_WEIGHT

    def procedure_minutes(self, counter_id: str, procedure: str) -> float:
        count, total = self.observed.get((counter_id, procedure), (0, 0.0))
        prior = prior_minutes(counter_id)
        return (self.prior_weight * prior + total) / (self.prior_weight + count)

    def visit_minutes(self, counter_id: str, procedures: Sequence[str]) -> float:
        """Expected minutes of one visit: the sum over its procedures."""
        return sum(
            self.procedure_minutes(counter_id, procedure)
            for procedure in (procedures or (_NO_PROCEDURE,))
        )


def learn_service_times(
    samples: Iterable[ServiceSample], prior_weight: int = PRIOR_WEIGHT
) -> ServiceTimes:
    """Accumulate samples into per-procedure counts and totals."""
    observed: dict[tuple[str, str], tuple[int, float]] = {}
    for sample in samples:
        procedures = sample.procedures or (_NO_PROCEDURE,)
        share = sample.minutes / len(procedures)
        for procedure in procedures:
            count, total = observed.get((sample.counter_id, procedure), (0, 0.0))
            observed[(sample.counter_id, procedure)] = (count + 1, total + share)
    return ServiceTimes(observed, prior_weight)


def estimate_work_min(
    times: ServiceTimes, visits_ahead: Iterable[tuple[str, Sequence[str]]], clerks: int = 1
) -> int:
    """Whole minutes until your turn: the expected work ahead, shared among the clerks."""
    minutes = sum(
        times.visit_minutes(counter_id, procs) for counter_id, procs in visits_ahead
    ) / max(1, clerks)
    # Rounded before ceil so that float noise (16.0000001) does not add a minute.
    return math.ceil(round(minutes, 6))


def split_procedures(stored: str) -> tuple[str, ...]:
    """Procedure ids from their stored comma-separated form."""
    return tuple(part for part in stored.split(",") if part)
