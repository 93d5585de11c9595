"""Error codes shared by the whole product.

Users see a translated message chosen by the code; logs see the code alone (never the
answers that caused it). Each subsystem extends ``ErrorCode`` with its own members.
"""

from __future__ import annotations

from enum import Enum


class ErrorCode(str, Enum):
    """Base for error-code enums; the value is the stable code written in logs and docs."""

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


class KioskError(Exception):
    """An expected failure with a code and an English message for logs and the CLI."""

    code: ErrorCode

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message
