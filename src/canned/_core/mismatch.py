"""Why a route did not answer a request, as text and as data.

Owns: `Mismatch`, the reason every matcher and route returns on a miss. It *is* the `str` that
responses returns (so `(False, reason)` code keeps working and the "Available matches" lines are
unchanged) and carries what the diagnosis needs to say more: which part of the request differed,
and one line per difference. Imports nothing from the rest of canned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

Subject = Literal[
    "method", "url", "query", "fragment", "headers", "body", "json", "form", "multipart",
    "kwargs", "order", "custom", "times", "scenario",
]  # fmt: skip


class Mismatch(str):
    """A reason for "no match": the text responses shows, plus the differences behind it."""

    subject: Subject
    differences: tuple[str, ...]
    expected: Any
    received: Any

    def __new__(
        cls,
        text: str,
        *,
        subject: Subject,
        differences: Sequence[str] = (),
        expected: Any = None,
        received: Any = None,
    ) -> Mismatch:
        self = super().__new__(cls, text)
        self.subject = subject
        self.differences = tuple(differences) or (str(text),)
        self.expected = expected
        self.received = received
        return self


class Refusal(str):
    """A route's "no" to a request, as a registry reports it: the text responses shows (the
    first reason) and every reason behind it, so the diagnosis need not ask the route again."""

    reasons: tuple[Mismatch, ...]

    def __new__(cls, reasons: Sequence[Mismatch]) -> Refusal:
        self = super().__new__(cls, reasons[0] if reasons else "")
        self.reasons = tuple(reasons)
        return self


def as_mismatch(reason: str) -> Mismatch:
    """A custom matcher's plain-string reason, wrapped so the diagnosis can show it."""
    if isinstance(reason, Mismatch):
        return reason
    return Mismatch(str(reason), subject="custom")


def _show(value: Any) -> str:
    return repr(value)


def json_differences(expected: Any, received: Any, path: str = "") -> list[str]:
    """One line per differing leaf between two JSON values: `field 'a.b': expected 1, got 2`.

    Dicts are compared key by key, lists item by item (a different length is one line); anything
    else is compared as a whole.
    """
    where = f"field {path!r}" if path else "body"
    if isinstance(expected, dict) and isinstance(received, dict):
        lines = []
        for key in expected:
            sub = f"{path}.{key}" if path else str(key)
            if key not in received:
                lines.append(f"field {sub!r}: expected {_show(expected[key])}, missing")
            else:
                lines.extend(json_differences(expected[key], received[key], sub))
        for key in received:
            if key not in expected:
                sub = f"{path}.{key}" if path else str(key)
                lines.append(f"field {sub!r}: not expected, got {_show(received[key])}")
        return lines
    if isinstance(expected, list) and isinstance(received, list):
        if len(expected) != len(received):
            return [f"{where}: expected {len(expected)} items, got {len(received)}"]
        lines = []
        for index, (want, got) in enumerate(zip(expected, received)):
            lines.extend(json_differences(want, got, f"{path}[{index}]"))
        return lines
    if expected == received and type(expected) is type(received):
        return []
    return [f"{where}: expected {_show(expected)}, got {_show(received)}"]
