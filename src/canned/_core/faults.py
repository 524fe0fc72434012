"""Faults, latency, flaky routes and scenarios: decided here, raised by the adapter as its
client's own.

Owns: `Fault` (what goes wrong, as data: a kind and, for a truncated body, how many bytes arrive
first), the constructors users call (`canned.faults.read_timeout()`, ...), `Chaos` (a fault
injected into a fraction of answers, reproducibly), `Scenarios` (named states, each starting in
"started") and `apply` (what the dispatch path does with a reply's fault and latency: the fault
to raise, or the reply to answer with and how long it took). Imports no HTTP client: each adapter
turns a `Fault` into its client's exception, raised where that client raises it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping
from typing import Any, Final, Literal, NamedTuple, Union

from canned._core import validation
from canned._core.reply import Reply

FaultKind = Literal[
    "connect_timeout",
    "read_timeout",
    "connection_refused",
    "connection_reset",
    "dns_failure",
    "truncated",
    "malformed",
]
# Faults that happen while connecting: a client raises them where it connects (urlopen wraps
# them in URLError, aiohttp raises them from its connector); the others while reading the answer.
CONNECT_FAULTS: Final = frozenset({"connect_timeout", "connection_refused", "dns_failure"})
STARTED: Final = "started"
# A route's latency: seconds, or a range drawn from the mock's seeded generator.
Latency = Union[float, tuple[float, float]]


class Fault(NamedTuple):
    """Something that goes wrong on the way: each adapter raises it as its client's own error.

    `after` is, for a truncated body, how many bytes of it arrive before the connection ends.
    `message` is the text the client's exception carries.
    """

    kind: FaultKind
    message: str
    after: int = 0

    @property
    def is_connect_fault(self) -> bool:
        """Whether it happens while connecting (before any byte of the request is sent)."""
        return self.kind in CONNECT_FAULTS

    def __repr__(self) -> str:
        shown = f"after={self.after}" if self.kind == "truncated" else ""
        return f"canned.faults.{self.kind}({shown})"


def connect_timeout() -> Fault:
    """The connection is not made within the client's connect timeout."""
    return Fault("connect_timeout", "canned fault: the connection timed out")


def read_timeout() -> Fault:
    """The server accepts the request and does not answer within the client's read timeout."""
    return Fault("read_timeout", "canned fault: the server did not answer in time (read timeout)")


def connection_refused() -> Fault:
    """Nothing listens: the connection is refused."""
    return Fault("connection_refused", "canned fault: the connection was refused")


def connection_reset() -> Fault:
    """The server resets the connection after the request is sent, before any answer."""
    return Fault("connection_reset", "canned fault: the connection was reset by the server")


def dns_failure() -> Fault:
    """The host name does not resolve."""
    return Fault("dns_failure", "canned fault: the host name could not be resolved")


def truncated(after: int) -> Fault:
    """The status and headers arrive (with the whole body's length), then the connection ends
    after `after` bytes of the body: the client's own incomplete-read error while reading, so
    streaming code sees those bytes first."""
    validation.check_count("truncated()", "after", after)
    return Fault("truncated", "canned fault: the connection ended in the middle of the body", after)


def malformed() -> Fault:
    """The server answers with something that is not HTTP."""
    return Fault("malformed", "canned fault: the answer is not HTTP")


class Chaos(NamedTuple):
    """`RequestsMock(chaos=Chaos(0.2, faults.connection_reset(), seed=7))`: that fault instead
    of the answer for a `rate` fraction of answers, drawn from a generator seeded with `seed`."""

    rate: float
    fault: Fault
    seed: int | None = None


def check_chaos(where: str, chaos: Any) -> Chaos | None:
    """`chaos` as given to a mock: None, or a `Chaos` with a rate from 0 to 1 and a fault."""
    if chaos is None:
        return None
    if not isinstance(chaos, Chaos):
        validation.reject(where, "chaos", "a canned.faults.Chaos(rate, fault, seed=...)", chaos)
    rate = chaos.rate
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        validation.reject(where, "chaos rate", "a number from 0 to 1", rate, error=ValueError)
    check_fault(where, "chaos fault", chaos.fault)
    if chaos.seed is not None and (isinstance(chaos.seed, bool) or not isinstance(chaos.seed, int)):
        validation.reject(where, "chaos seed", "an int or None", chaos.seed)
    return chaos


def check_fault(where: str, name: str, fault: Any) -> Fault:
    if not isinstance(fault, Fault):
        validation.reject(where, name, "a fault from canned.faults (such as read_timeout())", fault)
    return fault


def check_latency(where: str, latency: Any) -> Latency:
    """Seconds (a number from 0 up), or a `(low, high)` range of them."""
    if isinstance(latency, tuple) and len(latency) == 2:
        low, high = (validation.check_seconds(where, "latency", value) for value in latency)
        if low > high:  # shown as given
            validation.reject(
                where, "latency", "a (low, high) range with low <= high", latency, error=ValueError
            )
        return (low, high)
    return validation.check_seconds(where, "latency", latency)


class Scenarios(Mapping[str, str]):
    """A mock's scenarios: each name's current state, "started" until a route moves it.

    `mock.scenarios["cart"]` reads a state, `mock.scenarios.reset()` puts every scenario back to
    "started"; routes with `scenario=`, `state=` and `sets_state=` read and move them.
    """

    def __init__(self) -> None:
        self._states: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        return self._states.get(name, STARTED)

    def __iter__(self) -> Iterator[str]:
        return iter(self._states)

    def __len__(self) -> int:
        return len(self._states)

    def __repr__(self) -> str:
        return f"Scenarios({self._states!r})"

    def move(self, name: str, state: str) -> None:
        """Put scenario `name` in `state` (a route that answered, with `sets_state=`)."""
        self._states[name] = state

    def reset(self) -> None:
        """Every scenario back to "started"."""
        self._states.clear()


def draw(latency: Latency, generator: random.Random) -> float:
    """The latency of one answer: the seconds given, or one drawn from the range."""
    if isinstance(latency, tuple):
        return generator.uniform(*latency)
    return latency


def apply(
    reply: Reply,
    timeout: float | None,
    chaos: Chaos | None,
    generator: random.Random,
) -> tuple[Reply, Fault | None]:
    """What happens to `reply` on the way: the fault the client meets (the route's, chaos's, or
    a read timeout when the latency is more than the client's read `timeout`), or the reply to
    answer with, its `elapsed` set to the latency and a truncated body cut short. With a fault,
    `elapsed` is how long the client waited before meeting it."""
    fault = reply.fault
    if chaos is not None and generator.random() < chaos.rate:
        fault = chaos.fault
    latency = draw(reply.latency, generator) if reply.latency else 0.0
    if fault is None and timeout is not None and latency > timeout:
        fault = read_timeout()
    if fault is not None and fault.kind != "truncated":
        # how long the client waited before it met the fault: none for a connection never
        # made, else the latency, or its own timeout when that ran out first
        waited = (
            0.0
            if fault.is_connect_fault
            else min(latency, math.inf if timeout is None else timeout)
        )
        return reply._replace(elapsed=waited), fault
    answered = reply._replace(fault=None, latency=0.0, elapsed=latency)
    if fault is not None:
        answered = cut_short(answered, fault.after)
    return answered, None


def cut_short(reply: Reply, after: int) -> Reply:
    """`reply` with only the first `after` bytes of its body, its `Content-Length` still the
    whole body's: the client reads the headers, then the connection ends early."""
    body = reply.body
    if not isinstance(body, bytes):
        body = b"".join(_chunks(body))
    headers = tuple(pair for pair in reply.headers if pair[0].lower() != "content-length")
    headers += (("Content-Length", str(len(body))),)
    return reply._replace(body=body[:after], headers=headers)


def _chunks(body: Any) -> Iterator[bytes]:
    if hasattr(body, "read"):
        yield body.read()
        return
    for chunk in body:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
