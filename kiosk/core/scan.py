"""Collecting scanned QR texts until a whole message is there (Qt-free).

A bundle may span several codes (docs/qr-spec.md): staff scan them in any order, from a
keyboard-wedge scanner, a webcam or a pasted image, and may scan the same code twice.
``PartCollector`` keeps the parts of the message being scanned, keyed by its message id,
and says "2 of 3" until every part is in; a part of another message starts over. It only
reads headers; decryption happens once the set is complete. It keeps texts in memory
only and forgets them on ``clear``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.payload import PayloadError, normalise_text, read_header


@dataclass(frozen=True)
class Collected:
    """Where scanning stands: ``texts`` is set once every part of the message is in."""

    have: int
    need: int
    practice: bool
    texts: tuple[str, ...] | None = None


class PartCollector:
    def __init__(self) -> None:
        self._message_id: int | None = None
        self._parts: dict[int, str] = {}

    def add(self, text: str) -> Collected:
        """Add one scanned text; raises PayloadError (with its code) for a text that is not ours."""
        digits = normalise_text(text)
        header = read_header(digits)
        if header.message_id != self._message_id:
            self._message_id, self._parts = header.message_id, {}
        self._parts[header.part_index] = digits
        complete = len(self._parts) == header.part_count
        texts = tuple(self._parts[i] for i in sorted(self._parts)) if complete else None
        result = Collected(len(self._parts), header.part_count, header.practice, texts)
        if complete:
            self.clear()
        return result

    def clear(self) -> None:
        self._message_id, self._parts = None, {}


def is_scan(text: str) -> bool:
    """True when ``text`` could be one of our codes (for pasted text of unknown origin)."""
    try:
        read_header(text)
    except PayloadError:
        return False
    return True
