"""Build the QR symbol for one payload text: regular QR, one numeric segment, ECC M.

segno is pure Python, so this stays in the Qt-free core and every renderer (Qt ticket,
PDF, PNG for tests) draws the same modules. Two segno defaults are overridden on purpose:
Micro QR (unreadable by many decoders) and mode auto-detection (a header of another mode
would silently change the whole symbol's mode and version; QR-HANDOFF.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import segno

MAX_VERSION = 40


@dataclass(frozen=True)
class QrSymbol:
    version: int
    error: str  # "M"
    mode: str  # "numeric"
    modules: tuple[tuple[bool, ...], ...]  # dark = True, without quiet zone

    @property
    def size(self) -> int:
        return len(self.modules)


def make_symbol(text: str, error: str = "M") -> QrSymbol:
    if not text or not text.isdigit() or not text.isascii():
        raise ValueError("QR payload texts are ASCII digits only")
    qr = segno.make(text, mode="numeric", error=error.lower(), micro=False, boost_error=False)
    if qr.mode != "numeric":  # pragma: no cover - segno honours mode=; guard the invariant
        raise AssertionError(f"expected one numeric segment, got {qr.mode}")
    rows = tuple(tuple(bool(v) for v in row) for row in qr.matrix_iter(scale=1, border=0))
    return QrSymbol(version=int(qr.version), error=qr.error.upper(), mode=qr.mode, modules=rows)
