"""The call log: what was asked and what was answered.

Owns: `Call` and `CallList`, with responses' names and shapes. The log keeps references (the
request and the response objects the client saw), never copies. Imports nothing else of canned.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, overload


class Call(NamedTuple):
    """Same as `responses.Call`: the request as the route saw it, and the response or exception."""

    request: Any
    response: Any


class CallList(Sequence[Call]):
    """Same as `responses.CallList`: every call in order; emptied in place, never replaced."""

    def __init__(self) -> None:
        self._calls: list[Call] = []

    def __iter__(self) -> Iterator[Call]:
        return iter(self._calls)

    def __len__(self) -> int:
        return len(self._calls)

    @overload
    def __getitem__(self, index: int) -> Call: ...

    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...

    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        return self._calls[index]

    def __repr__(self) -> str:
        return f"CallList({self._calls!r})"

    def add(self, request: Any, response: Any) -> None:
        self._calls.append(Call(request, response))

    def add_call(self, call: Call) -> None:
        self._calls.append(call)

    def reset(self) -> None:
        self._calls.clear()

    def restore(self, calls: list[Call]) -> None:
        self._calls[:] = calls
