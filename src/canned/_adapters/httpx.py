"""The httpx adapter, for `httpx` and `httpx2` alike: intercept, convert, decide nothing.

Owns: the patches of `HTTPTransport.handle_request` and `AsyncHTTPTransport.handle_async_request`
(so every `Client`/`AsyncClient`, and SDK transports subclassing them, are intercepted),
`to_request` (httpx.Request -> view) and the conversions the dispatch path uses (a `Reply` ->
httpx.Response, its header text as the bytes a server sends; the client's own `ConnectError`;
each fault as the exception httpx raises for it, wrapping httpcore's as httpx does; a body
shorter than its Content-Length failing as a server's that closes early; a route's latency in
`response.elapsed`), and the transport's connect `retries=`, emulated unslept (httpcore retries
inside the pool, below the patched seam).
Both packages share one API, so one module serves both; each is imported only when a mock is
first activated, and only if it is installed (httpcore, or httpcore2, only when a fault is made).
"""

from __future__ import annotations

import errno
import importlib
import socket
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator
from datetime import timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from canned._adapters.chunks import decoded_chunks
from canned._core import activation
from canned._core.dispatch import dispatch, dispatch_async
from canned._core.headers import decoded
from canned._core.reply import Reply, is_bodiless
from canned._core.request import Request

if TYPE_CHECKING:
    from canned._core.faults import Fault

CHUNK_SIZE: Final = 65_536
# What the conversions need for one request: the transport, the httpx.Request, and whether the
# client is async.
Context = tuple[Any, Any, bool]
# A status whose answer has no body whatever its Content-Length says (RFC 9110 6.4.1).
# Each fault kind: httpx's exception (httpcore's of the same name inside it, as httpx maps it),
# and the error beneath httpcore's as a real socket raises it (None: h11's parse error).
FAULT_ERRORS: Final[dict[str, tuple[str, Callable[[str], BaseException] | None]]] = {
    "connect_timeout": ("ConnectTimeout", socket.timeout),
    "read_timeout": ("ReadTimeout", socket.timeout),
    "connection_refused": (
        "ConnectError",
        lambda text: ConnectionRefusedError(errno.ECONNREFUSED, text),
    ),
    "dns_failure": ("ConnectError", lambda text: socket.gaierror(socket.EAI_NONAME, text)),
    "connection_reset": ("ReadError", lambda text: ConnectionResetError(errno.ECONNRESET, text)),
    "malformed": ("RemoteProtocolError", None),
}


def to_request(request: Any) -> Request:
    """The view of an `httpx.Request`; its body is read (once) so matchers can see it."""
    body = request.read()
    return Request(
        request.method,
        str(request.url),
        request.headers,  # httpx.Headers: case-insensitive already, used as it is
        body if body else None,
        native=request,
    )


def on_the_wire(text: str) -> str | bytes:
    """A header name or value of a route as the bytes a server would send for it.

    httpx encodes text headers as ASCII (a UnicodeEncodeError for "résumé"), and decodes a
    server's header bytes as ASCII, else UTF-8, else latin-1. Text that is not ASCII is sent as
    UTF-8, so it reads back as given, exactly as from a server sending UTF-8. A value given as
    bytes at `add` arrives here as its latin-1 text (what requests, like http.client, shows of a
    server's bytes); when those bytes are UTF-8 they are sent as given, so httpx reads them as
    it would from a server sending them.
    """
    try:
        sent = text.encode("latin-1")
        sent.decode("utf-8")
    except UnicodeError:  # text, not bytes in disguise
        return text.encode("utf-8", "backslashreplace")  # a lone surrogate shows as "\\ud800"
    return sent


def core_of(module: ModuleType) -> ModuleType:
    """httpcore for httpx, httpcore2 for httpx2: the package whose errors httpx wraps."""
    return importlib.import_module(module.__name__.replace("httpx", "httpcore"))


def wrapped(
    module: ModuleType, name: str, message: str, request: Any, beneath: BaseException | None
) -> BaseException:
    """httpx's exception `name` for `request`, raised from httpcore's as httpx raises it."""
    lower = getattr(core_of(module), name)(message)
    lower.__cause__ = beneath
    error: BaseException = getattr(module, name)(message, request=request)
    error.__cause__ = lower
    return error


def short_body_error(
    module: ModuleType, request: Any, received: int, promised: int
) -> BaseException:
    """What httpx raises while reading a body that ends before its Content-Length: h11's text."""
    message = (
        "peer closed connection without sending complete message body "
        f"(received {received} bytes, expected {promised})"
    )
    return wrapped(module, "RemoteProtocolError", message, request, None)


def promised_length(reply: Reply, method: str) -> int | None:
    """The body length a reply's headers promise, when the client reads it by that length."""
    if method == "HEAD" or is_bodiless(reply.status):
        return None
    if reply.header("Transfer-Encoding") is not None:  # chunked wins over a length
        return None
    length = reply.header("Content-Length")
    digits = None if length is None else length.strip()
    return int(digits) if digits and digits.isascii() and digits.isdigit() else None


def add_latency(response: Any, latency: float) -> None:
    """`response.elapsed` plus `latency`: called as the body's stream closes, just after the
    client's timer stopped (httpx sets `elapsed` itself, then closes the stream it wraps), so
    the client reports the answer as taking that long though no time passed."""
    if not latency or response is None:
        return
    try:
        measured = response.elapsed
    except RuntimeError:  # read from a transport without a client: no timer ran
        measured = timedelta(0)
    response.elapsed = measured + timedelta(seconds=latency)


def _sync_chunks(body: Any) -> Iterator[bytes]:
    if isinstance(body, bytes):
        for start in range(0, len(body), CHUNK_SIZE):
            yield body[start : start + CHUNK_SIZE]
        return
    if hasattr(body, "read"):
        while chunk := body.read(CHUNK_SIZE):
            yield chunk
        return
    for chunk in body:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


async def _async_chunks(body: Any) -> AsyncIterator[bytes]:
    if isinstance(body, AsyncIterable):
        async for chunk in body:
            yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
        return
    for chunk in _sync_chunks(body):
        yield chunk


class Delivery:
    """How a body reaches the client: the answer's latency, reported in `elapsed` when the
    stream closes, and the length its headers promised (None: no promise to break), checked
    when the body ends. `response` is set once the response around the stream is made."""

    def __init__(self, module: ModuleType, latency: float, promised: int | None) -> None:
        self.module = module
        self.latency = latency
        self.promised = promised
        self.response: Any = None

    def check_end(self, received: int) -> None:
        """At the body's end: the client's protocol error if it fell short of its promise."""
        if self.promised is not None and received < self.promised:
            raise short_body_error(self.module, self.response.request, received, self.promised)

    def chunks(self, body: Any) -> Iterator[bytes]:
        """The body's pieces for a sync stream, checked against the promise at its end."""
        received = 0
        for chunk in _sync_chunks(body):
            received += len(chunk)
            yield chunk
        self.check_end(received)

    async def chunks_async(self, body: Any) -> AsyncIterator[bytes]:
        """The body's pieces for an async stream, checked against the promise at its end."""
        received = 0
        async for chunk in _async_chunks(body):
            received += len(chunk)
            yield chunk
        self.check_end(received)

    def close(self) -> None:
        """As the stream closes: the latency added to the response's `elapsed`."""
        add_latency(self.response, self.latency)


def _stream_classes(module: ModuleType) -> tuple[type, type]:
    """The package's sync and async byte streams over a body given as bytes, chunks or a file.

    Made once per package (their bases are its own); what they do is `Delivery`'s, looked up
    as each stream is read and closed."""

    class SyncStream(module.SyncByteStream):  # type: ignore[name-defined,misc]  # runtime base
        def __init__(self, body: Any, delivery: Delivery) -> None:
            self.body = body
            self.delivery = delivery

        def __iter__(self) -> Iterator[bytes]:
            return self.delivery.chunks(self.body)

        def close(self) -> None:
            self.delivery.close()

    class AsyncStream(module.AsyncByteStream):  # type: ignore[name-defined,misc]  # runtime base
        def __init__(self, body: Any, delivery: Delivery) -> None:
            self.body = body
            self.delivery = delivery

        def __aiter__(self) -> AsyncIterator[bytes]:
            return self.delivery.chunks_async(self.body)

        async def aclose(self) -> None:
            self.delivery.close()

    return SyncStream, AsyncStream


def connect_retries(transport: Any) -> int:
    """The `retries=` given to an `HTTPTransport`: httpcore's pool keeps it, privately (0 for
    a transport whose pool has none)."""
    return getattr(getattr(transport, "_pool", None), "_retries", 0) or 0


def is_from_the_pool(module: ModuleType, error: BaseException) -> bool:
    """Whether `error` is a connect fault as httpcore's pool raises it: the errors its
    `retries=` retries (an unmatched request's refusal or a route's own exception are not)."""
    core = core_of(module)
    return isinstance(error.__cause__, (core.ConnectError, core.ConnectTimeout))


class HttpxAdapter:
    """The interceptor for one httpx-like package (`httpx` or `httpx2`), by module name."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        self.module: ModuleType | None = None
        self.is_missing = False
        self.sync_original: Any = None
        self.async_original: Any = None
        self.sync_stream: Any = None
        self.async_stream: Any = None
        self.sync_send: Callable[..., Any] | None = None
        self.async_send: Callable[..., Any] | None = None

    def _import(self) -> ModuleType | None:
        """The package, imported on first activation; None (remembered) if not installed."""
        if self.module is None and not self.is_missing:
            try:
                self.module = importlib.import_module(self.module_name)
            except ImportError:
                self.is_missing = True  # looking again on every activation costs ~20 µs
        return self.module

    def install(self) -> None:
        module = self.module or self._import()
        if module is None:
            return
        self.sync_original = module.HTTPTransport.handle_request
        self.async_original = module.AsyncHTTPTransport.handle_async_request
        if self.sync_stream is None:
            self.sync_stream, self.async_stream = _stream_classes(module)
            self.sync_send, self.async_send = self._sends()  # made once, installed each time
        module.HTTPTransport.handle_request = self.sync_send
        module.AsyncHTTPTransport.handle_async_request = self.async_send

    def _sends(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        """The transports' intercepting `handle_request` and `handle_async_request`: made once
        per package, each hands its call to this adapter's method of the same name."""
        adapter = self

        def handle_request(transport: Any, request: Any) -> Any:
            return adapter.handle_request(transport, request)

        async def handle_async_request(transport: Any, request: Any) -> Any:
            return await adapter.handle_async_request(transport, request)

        return handle_request, handle_async_request

    def handle_request(self, transport: Any, request: Any) -> Any:
        """A sync transport's call: dispatched while a mock is active; a transport made with
        `retries=` sends again after a connect fault, as its pool would."""
        module = self.module
        assert module is not None  # installed before any request reaches here
        mock = activation.current()
        if mock is None:  # the last mock left while this call was on its way
            return self.sync_original(transport, request)
        context = (transport, request, False)
        for _ in range(connect_retries(transport)):  # httpcore's, unslept
            try:
                return dispatch(mock, to_request(request), self, context)
            except (module.ConnectError, module.ConnectTimeout) as error:
                if not is_from_the_pool(module, error):
                    raise
        return dispatch(mock, to_request(request), self, context)

    async def handle_async_request(self, transport: Any, request: Any) -> Any:
        """`handle_request` for an async transport: the request's body is read by awaiting it."""
        module = self.module
        assert module is not None  # installed before any request reaches here
        mock = activation.current()
        if mock is None:
            return await self.async_original(transport, request)
        await request.aread()
        context = (transport, request, True)
        for _ in range(connect_retries(transport)):
            try:
                return await dispatch_async(mock, to_request(request), self, context)
            except (module.ConnectError, module.ConnectTimeout) as error:
                if not is_from_the_pool(module, error):
                    raise
        return await dispatch_async(mock, to_request(request), self, context)

    def uninstall(self) -> None:
        module = self.module
        if module is None or self.sync_original is None:
            return
        module.HTTPTransport.handle_request = self.sync_original
        module.AsyncHTTPTransport.handle_async_request = self.async_original
        # the originals are kept: a call already on its way when the last mock left goes on
        # to them (see handle_request)

    # -- conversions (the dispatch path's `Client`) ------------------------------------------

    def send(self, context: Context) -> Any:
        transport, request, _ = context
        return self.sync_original(transport, request)

    async def send_async(self, context: Context) -> Any:
        transport, request, _ = context
        return await self.async_original(transport, request)

    def snapshot(self, response: Any, context: Context) -> tuple[Reply, Any]:
        """The real answer as recorded, and a response like it for the client: the body is
        read raw (as the server sent it, a chunked one in the pieces httpcore hands on) and
        served again by a fresh stream, so the client decodes, times and closes it as it would
        have."""
        return self._kept(response, list(response.iter_raw()), context)

    async def snapshot_async(self, response: Any, context: Context) -> tuple[Reply, Any]:
        """`snapshot`, the body read by awaiting it."""
        return self._kept(response, [chunk async for chunk in response.aiter_raw()], context)

    def _kept(self, response: Any, pieces: list[bytes], context: Context) -> tuple[Reply, Any]:
        assert self.module is not None  # installed before any request reaches here
        pairs = tuple(response.headers.multi_items())
        raw = b"".join(pieces)
        encoding = response.headers.get("Content-Encoding")
        body: bytes | tuple[bytes, ...]
        if "chunked" in response.headers.get("Transfer-Encoding", "").lower():
            body = decoded_chunks(pieces, encoding)  # decoded once, piece by piece
        else:
            body = decoded(raw, encoding)
        fresh = self.module.Response(
            status_code=response.status_code,
            headers=response.headers.raw,
            stream=self.module.ByteStream(raw),
            extensions=response.extensions,
            request=context[1],
        )
        return Reply(response.status_code, pairs, body), fresh

    def refused(self, message: str, context: Context) -> BaseException:
        assert self.module is not None  # installed before any request reaches here
        return self.module.ConnectError(message, request=context[1])  # type: ignore[no-any-return]  # httpx's own

    def fault_error(self, fault: Fault, context: Context) -> BaseException:
        """What httpx raises for `fault` from a real server, httpcore's error inside (and the
        socket's inside that), carrying `fault.message` and the request. All come out of the
        transport's `handle_request`, as a real pool's do."""
        assert self.module is not None  # installed before any request reaches here
        name, beneath = FAULT_ERRORS[fault.kind]
        lower = None if beneath is None else beneath(fault.message)
        return wrapped(self.module, name, fault.message, context[1], lower)

    def read_timeout(self, context: Context) -> float | None:
        """The request's read timeout: httpx puts its `Timeout` in the request's extensions."""
        timeout = context[1].extensions.get("timeout") or {}
        return timeout.get("read")

    def adopt(self, response: Any, context: Context) -> Any:
        return response  # a custom route's own httpx.Response

    def to_native(self, reply: Reply, context: Context) -> Any:
        """An `httpx.Response` for a route's reply, its body streamed when given as chunks."""
        module = self.module
        assert module is not None  # installed before any request reaches here
        _, request, is_async = context
        extensions = {"http_version": b"HTTP/1.1"}
        if reply.reason is not None:
            extensions["reason_phrase"] = reply.reason.encode("ascii")
        body = b"" if request.method == "HEAD" else reply.body  # headers only, as from a server
        common: dict[str, Any] = {
            "status_code": reply.status,
            "headers": [
                (name, value)
                if name.isascii() and value.isascii()  # nearly always: httpx encodes these itself
                else (on_the_wire(name), on_the_wire(value))
                for name, value in reply.headers
            ],
            "request": request,
            "extensions": extensions,
        }
        delivery = None
        if isinstance(body, bytes):
            # unread, as from a server: the client times it (`elapsed`) and may stream it
            given = reply.header("Content-Length")
            if given is None and reply.header("Transfer-Encoding") is None:
                common["headers"].append(("Content-Length", str(len(body))))
                promised = None  # the length added is the body's own
            else:
                promised = promised_length(reply, request.method)
            if not reply.elapsed and (promised is None or promised <= len(body)):
                return module.Response(stream=module.ByteStream(body), **common)
            delivery = Delivery(module, reply.elapsed, None)
            delivery.promised = promised  # a short body fails as it is read
        elif not is_async and isinstance(body, AsyncIterable):
            raise TypeError(
                "a sync httpx client cannot read an async iterator body; give an iterator"
            )
        if delivery is None:  # streamed: short of a Content-Length given, it fails at the end
            delivery = Delivery(module, reply.elapsed, promised_length(reply, request.method))
        stream = (self.async_stream if is_async else self.sync_stream)(body, delivery)
        delivery.response = module.Response(stream=stream, **common)
        return delivery.response


httpx_adapter: Final = HttpxAdapter("httpx")
httpx2_adapter: Final = HttpxAdapter("httpx2")
