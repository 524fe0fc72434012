"""The one path every intercepted request takes, whatever the client.

Owns: `Client`, what an adapter gives the core (conversions and the real send, nothing else), and
`dispatch` / `dispatch_async`: ask the mock (find the route, record the call, apply
`on_unmatched`), carry out its outcome (answer, pass through, refuse, raise) with the client's
conversions, and settle the call log with the client's response or the error. Sync and async
clients share it; so does `passing_through()`, which tells a client layered on another (requests
on urllib3 on http.client) that the layer above already decided to send this request for real.
Must not import an HTTP client.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from canned._core import faults
from canned._core.reply import Outcome, Pending, Reply

if TYPE_CHECKING:
    from canned._core.faults import Fault
    from canned._core.mock import Mock
    from canned._core.request import Request

C = TypeVar("C", contravariant=True)

# True while a passthrough is being sent for real: the layers below (urllib3 under requests,
# http.client under urllib3) let it through instead of asking the mock a second time.
_passing_through: Final[ContextVar[bool]] = ContextVar("canned_passing_through", default=False)


def passing_through() -> bool:
    """Whether the request being sent was already let through by a client above this one."""
    return _passing_through.get()


class Client(Protocol[C]):
    """An adapter's conversions for one client. `context` is what the adapter needs to build
    the client's objects for one request (its native request, the transport, ...)."""

    def to_native(self, reply: Reply, context: C) -> Any:
        """The client's own response for a route's `Reply`."""

    def adopt(self, response: Any, context: C) -> Any:
        """The client's response for a client-native response a custom route built itself."""

    def refused(self, message: str, context: C) -> BaseException:
        """The client's own connection error for an unmatched request, carrying `message`."""

    def send(self, context: C) -> Any:
        """Send for real (a passthrough), as the client would have without canned."""

    def fault_error(self, fault: Fault, context: C) -> BaseException:
        """The client's own exception for `fault` (a timeout, a reset, ...), carrying
        `fault.message`; an adapter raising it later than a connection error (where the client
        reads the answer) marks which it is itself."""

    def read_timeout(self, context: C) -> float | None:
        """The read timeout the client set for this request (None: it waits forever)."""

    def snapshot(self, response: Any, context: C) -> tuple[Reply, Any]:
        """A real answer, as a cassette records it: a `Reply` with its status, its header pairs
        as received and its whole body decoded from any Content-Encoding (`headers.decoded`
        does it for a client that does not; a chunked answer's body is the tuple of chunks the
        client read, each decoded), and the response to hand on, still readable by the caller
        as if canned had not read it."""


class AsyncClient(Client[C], Protocol[C]):
    """The conversions of an async client, whose real send is awaited."""

    async def send_async(self, context: C) -> Any:
        """Send for real, awaited."""

    async def snapshot_async(self, response: Any, context: C) -> tuple[Reply, Any]:
        """`snapshot`, its body read by awaiting it."""


def dispatch(mock: Mock, request: Request, client: Client[C], context: C) -> Any:
    """Answer `request` from `mock` as the client would: its response, or its error raised.

    The call is recorded in the mock's log (the response after `response_callback`, or the
    error), unless it went to an `add_passthru` prefix, which responses does not record.
    """
    return carry_out(mock, mock.handle(request), client, context)


async def dispatch_async(mock: Mock, request: Request, client: AsyncClient[C], context: C) -> Any:
    """`dispatch` for an async client: a passthrough is awaited.

    Finding the route holds the mock's thread lock for as long as the registry looks (callbacks
    run outside it), so the event loop is never left polling for it; nothing is awaited while
    it is held, so no other task on this loop can be waiting for it either.
    """
    outcome = mock.handle(request)
    if outcome.kind != "passthrough":
        pending = outcome.reply
        if isinstance(pending, Pending):  # an async callback: awaited here, on the client's loop
            try:
                outcome.reply = pending.finish(await pending.awaitable)
            except BaseException as error:  # raised to the caller, as a sync callback's is
                outcome.reply = Reply(error=error)
        reply = outcome.reply
        # a route's own exception is raised as it is, as `carry_out` raises it for a sync client
        if isinstance(reply, Reply) and reply.error is None and needs_settling(mock, reply):
            outcome.reply, delay = settle_faults(mock, reply, client, context)
            if delay:
                import asyncio

                try:
                    await asyncio.sleep(delay)  # `real_time=True`: the loop goes on meanwhile
                except BaseException as error:  # cancelled while "waiting for the server"
                    mock.settle_error(outcome, error)
                    raise
        return carry_out(mock, outcome, client, context)
    token = _passing_through.set(True)
    try:
        response = await client.send_async(context)
        if mock.is_recording:
            recorded, response = await client.snapshot_async(response, context)
            mock.keep(request, recorded)
    except BaseException as error:
        mock.settle_error(outcome, error)
        raise
    finally:
        _passing_through.reset(token)
    return mock.settle(outcome, response)


def run_to_end(awaitable: Awaitable[Any]) -> Any:
    """The result of `awaitable`, for a sync client: run on an event loop of its own (in
    another thread when this thread is already running one)."""
    import asyncio  # only an async callback answering a sync client needs it

    async def result() -> Any:
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(result())
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, result()).result()


def needs_settling(mock: Mock, reply: Reply) -> bool:
    """Whether `reply` has a fault or latency to settle (or the mock injects chaos)."""
    return reply.fault is not None or bool(reply.latency) or mock.chaos is not None


def settle_faults(mock: Mock, reply: Reply, client: Client[C], context: C) -> tuple[Reply, float]:
    """`reply` with its fault and latency settled, and how long to sleep for it (before a fault
    too: as long as the client waits to meet it): a fault becomes the client's own exception (a
    `Reply` with that error), a latency longer than the client's read timeout its read timeout,
    a truncated body a body cut short."""
    timeout = client.read_timeout(context) if reply.latency else None
    answered, fault = faults.apply(reply, timeout, mock.chaos, mock.random)
    delay = answered.elapsed if mock.real_time else 0.0
    if fault is not None:
        return Reply(error=client.fault_error(fault, context)), delay
    return answered, delay


def carry_out(mock: Mock, outcome: Outcome, client: Client[C], context: C) -> Any:
    """Turn `outcome` into the client's response (returned) or error (raised), and settle it."""
    try:
        if outcome.kind == "answer":
            reply = outcome.reply
            if isinstance(reply, Pending):  # an async callback, for a sync client: run here
                reply = outcome.reply = reply.finish(run_to_end(reply.awaitable))
            if not isinstance(reply, Reply):
                response = client.adopt(reply, context)  # a custom route's own response
            elif reply.error is not None:
                raise reply.error
            else:
                if needs_settling(mock, reply):
                    reply, delay = settle_faults(mock, reply, client, context)
                    if delay:
                        time.sleep(delay)  # `real_time=True`: before a fault too, as it waits
                    if reply.error is not None:
                        raise reply.error
                response = client.to_native(reply, context)
        elif outcome.kind == "passthrough":
            token = _passing_through.set(True)
            try:
                response = client.send(context)
            finally:
                _passing_through.reset(token)
            if mock.is_recording:  # a cassette keeps the real answer
                recorded, response = client.snapshot(response, context)
                mock.keep(outcome.request, recorded)
        else:
            raise client.refused(outcome.message, context)
    except BaseException as error:
        mock.settle_error(outcome, error)
        raise
    return mock.settle(outcome, response)
