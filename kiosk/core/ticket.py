"""A queue ticket as the citizen sees it: number, route of counters, wait, QR texts.

Only numbers, counter ids, times, language and procedure ids: a ticket holds nothing
personal (the QR texts are encrypted and exist only in memory and on the slip).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RouteStop:
    counter_id: str
    counter_number: int
    procedures: tuple[str, ...]  # form ids handled at this counter, in order


@dataclass(frozen=True)
class Ticket:
    number: str  # "A-017"
    service_id: str
    issued_at: int  # Unix time, seconds
    route: tuple[RouteStop, ...]
    people_ahead: int
    estimated_wait_min: int
    practice: bool = False


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on the slip: the ticket plus the encrypted QR texts (digits)."""

    ticket: Ticket
    qr_texts: tuple[str, ...]
    language: str
    site_name: str


def spoken_number(number: str) -> str:
    """A-017 → "A 17": the letter, then the number as people say it (not "zero one seven")."""
    letter, _, digits = number.partition("-")
    return f"{letter} {int(digits)}" if digits.isdigit() else number
