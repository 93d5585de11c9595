"""Evaluating the tiny declarative ``show_if`` / ``when`` conditions of the form files.

A condition names answers by id (``field``), compares with ``equals`` or ``in``, tests
truthiness, or combines with ``all`` / ``any`` (kiosk.core.forms.model.Condition). This
module only evaluates them against a lookup function supplied by the caller, which
decides what a name means in its scope (a sibling in a group member, a form field, a
shared fact, an interview answer). It is three-valued so that the staff-side record
checker can say "unknown" when a condition names an answer a record does not carry.
It must stay an evaluator: no expression language, no code from form files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Callable

from kiosk.core.forms.model import Condition


class _Unknown:
    """The value of an answer the caller cannot see (e.g. not carried in a record)."""

    _instance: "_Unknown | None" = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()

Lookup = Callable[[str], Any]


def same_value(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (``True`` is not ``1`` in a form)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def is_truthy(value: Any) -> bool:
    """An answer counts as given: not None/False/0/blank, and a compound with a filled part."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping):
        return any(is_truthy(part) for part in value.values())
    return bool(value)


def evaluate(condition: Condition | None, lookup: Lookup) -> bool | None:
    """True, False, or None when the answer depends on something ``lookup`` calls UNKNOWN."""
    if condition is None:
        return True
    if condition.field is not None:
        value = lookup(condition.field)
        if value is UNKNOWN:
            return None
        if condition.has_equals:
            return same_value(value, condition.equals)
        if condition.in_ is not None:
            return any(same_value(value, option) for option in condition.in_)
        return is_truthy(value)
    if condition.all:
        results = [evaluate(part, lookup) for part in condition.all]
        if any(result is False for result in results):
            return False
        return None if any(result is None for result in results) else True
    if condition.any:
        results = [evaluate(part, lookup) for part in condition.any]
        if any(result is True for result in results):
            return True
        return None if any(result is None for result in results) else False
    # The loader refuses empty conditions; an empty one built in code imposes nothing.
    return True


def holds(condition: Condition | None, lookup: Lookup) -> bool:
    """Two-valued evaluation for the kiosk, where every answer is known (None = not given)."""
    return evaluate(condition, lookup) is True


def referenced_names(condition: Condition | None) -> Iterator[str]:
    """Every answer id a condition reads, in order, with repeats."""
    if condition is None:
        return
    if condition.field is not None:
        yield condition.field
    for part in condition.all + condition.any:
        yield from referenced_names(part)
