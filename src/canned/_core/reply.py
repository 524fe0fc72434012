"""What a route answers, and what the mock decided for one request.

Owns: `Reply` (status, headers, body or exception), `Pending` (a reply an async callback is
still computing) and `Outcome` (answer, passthrough or unmatched). Adapters turn an `Outcome`
into the client's own response or error; nothing here knows a client.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from http.client import responses as _PHRASES
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, Union

if TYPE_CHECKING:
    from typing import IO

    from canned._core.calls import CallList
    from canned._core.request import Request

# A body the client reads: whole bytes, a file object read once, or chunks streamed as they come.
Body = Union[bytes, "IO[bytes]", Iterable[bytes], AsyncIterable[bytes]]


class Reply(NamedTuple):
    """A fake answer: status, header pairs (repeats allowed), a body or an exception to raise.

    `fault` is what goes wrong on the way (a `canned._core.faults.Fault`) and `latency` how long
    the answer takes (seconds, or a range); the dispatch path settles both before an adapter
    sees the reply, which then carries `elapsed`, the latency the client should report.
    """

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: Body = b""
    error: BaseException | None = None
    fault: Any = None
    latency: Any = 0.0
    elapsed: float = 0.0

    @property
    def reason(self) -> str | None:
        return _PHRASES.get(self.status)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


class Pending(NamedTuple):
    """An answer still being computed: an `async def` callback's awaitable, and how its result
    becomes a `Reply`. An async client awaits it on its own loop; a sync one runs it."""

    awaitable: Awaitable[Any]
    finish: Callable[[Any], Reply]


def is_bodiless(status: int) -> bool:
    """Whether an answer with `status` carries no body (1xx, 204, 304): a server sends none,
    and no length, and a client reads none."""
    return status < 200 or status == 204 or status == 304


Kind = Literal["answer", "passthrough", "unmatched"]


class Route(Protocol):
    """What an outcome needs of the route that answered: its own call log."""

    @property
    def calls(self) -> CallList: ...


class Outcome:
    """What the mock decided for one request; the adapter carries it out and settles it.

    - "answer": `reply` is the route's `Reply`, a `Pending` one (an async callback's), or a
      client-native response a custom `get_response` built (passed to the client as is).
    - "passthrough": send for real; `recorded` is False for `add_passthru` prefixes, which
      responses does not record.
    - "unmatched": `diagnosis` says why (kept as data); `message` is its text, rendered when
      the client's connection error is made.
    """

    __slots__ = ("diagnosis", "kind", "recorded", "reply", "request", "route")

    def __init__(
        self,
        kind: Kind,
        request: Request,
        route: Route | None = None,
        reply: Reply | Any = None,
        diagnosis: object = None,
        recorded: bool = True,
    ) -> None:
        self.kind = kind
        self.request = request
        self.route = route
        self.reply = reply
        self.diagnosis = diagnosis
        self.recorded = recorded

    @property
    def message(self) -> str:
        """The diagnosis as the user reads it ("" when there is none)."""
        return "" if self.diagnosis is None else str(self.diagnosis)
