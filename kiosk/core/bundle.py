"""The filled-in forms of one visit, as carried by the QR payload.

A ``Bundle`` is what the kiosk hands to the counter: the ticket it belongs to, the
citizen's language, the practice flag, and one ``FormRecord`` per procedure. Values are
keyed by each field's stable numeric key from its form file (never reused, like protobuf
field numbers), and are CBOR-ready: int, str, bool, None, lists and int-keyed dicts.
Dates are integers YYYYMMDD. Never put the 12-digit My Number in a bundle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

#: A CBOR-ready value: int | str | bool | None | list[Value] | dict[int, Value]
Value = Any


@dataclass(frozen=True)
class FormRecord:
    form_id: str
    form_version: int
    values: Mapping[int, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Bundle:
    ticket_number: str  # e.g. "A-017"; "" when no ticket was issued
    language: str  # BCP 47 tag the citizen used (kiosk.config.ALL_LANGUAGES)
    practice: bool  # practice-mode payloads are refused for export by the staff console
    issued_at: int  # Unix time, seconds
    site: str  # kiosk id
    forms: tuple[FormRecord, ...] = ()
