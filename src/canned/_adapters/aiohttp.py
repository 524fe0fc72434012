"""The aiohttp adapter: canned is the server at the end of aiohttp's own connection.

Owns: the patches of `aiohttp.BaseConnector.connect` and `ClientRequest.send`, the in-memory
connection they share (`CannedConnection`: a transport keeping what aiohttp writes, aiohttp's own
`ResponseHandler` as protocol), `to_request`, and the dispatch path's conversions: a `Reply` as
HTTP/1.1 bytes fed to aiohttp's parser (a body short of its Content-Length ends the connection),
a refused connection's `ClientConnectorError`, each fault as aiohttp meets it (connect faults in
`connect`), the `ClientTimeout` read timeout, the real connection for a passthrough, recorded by
`aiohttp_recording`. All above the connection (cookies, redirects, auth, trace configs,
middlewares) is aiohttp's own code, imported only when a mock is first activated, if installed.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import importlib
import socket
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Final

from canned._adapters import aiohttp_recording
from canned._adapters.aiohttp_recording import chunked
from canned._core import activation
from canned._core.dispatch import dispatch_async
from canned._core.reply import Reply, is_bodiless
from canned._core.request import Request

if TYPE_CHECKING:
    from aiohttp.connector import Connection as _Connection

    from canned._core.faults import Fault
else:
    _Connection = object  # aiohttp is imported only on activation: see `_connection_class`

CHUNK_SIZE: Final = 65_536
# What the conversions need for one request: its ClientRequest and the connection it went to.
Context = tuple[Any, Any]


class CannedTransport(asyncio.Transport):
    """The socket's place: keeps what aiohttp writes, tells its protocol when closed, and
    holds a streamed body back while aiohttp's read buffer is full (its flow control)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.written = bytearray()
        self.protocol: Any = None
        self.closing = False
        self.readable = asyncio.Event()  # cleared while aiohttp has paused reading
        self.readable.set()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        if not self.closing:
            self.closing = True
            self.readable.set()  # a body waiting to go on sees the end
            self.loop.call_soon(self.protocol.connection_lost, None)

    def abort(self) -> None:  # what aiohttp's `ResponseHandler.abort` calls
        self.close()

    def pause_reading(self) -> None:
        self.readable.clear()

    def resume_reading(self) -> None:
        self.readable.set()

    def get_write_buffer_size(self) -> int:  # aiohttp 3.14's upload tracker asks
        return 0

    def request_bytes(self) -> tuple[bytes, bytes]:
        """The request head (status line and headers) and its body, as written."""
        head, _, body = bytes(self.written).partition(b"\r\n\r\n")
        return head, body


def dechunked(body: bytes) -> bytes:
    """A body sent with `Transfer-Encoding: chunked`, without its chunk framing."""
    data, at = bytearray(), 0
    while True:
        line_end = body.index(b"\r\n", at)
        size = int(body[at:line_end].split(b";")[0], 16)
        if size == 0:
            return bytes(data)
        data += body[line_end + 2 : line_end + 2 + size]
        at = line_end + 2 + size + 2  # the CRLF after each chunk


def to_request(request: Any, transport: CannedTransport) -> Request:
    """The view of a `ClientRequest` written to `transport`: its headers as sent (with the
    session's defaults, cookies, auth and the Content-Type/Length aiohttp adds) and the body
    bytes aiohttp wrote for `json=`, `data=` (form-encoded, bytes, str, a file or a stream)."""
    headers = request.headers
    _, body = transport.request_bytes()
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        body = dechunked(body)
    return Request(request.method, str(request.url), headers, body or None, native=request)


def continue_awaited(request: Any) -> Any:
    """The future a `ClientRequest` sent with `Expect: 100-continue` awaits before it writes
    its body (None for other requests). aiohttp keeps it private (`_continue`): read only here."""
    return getattr(request, "_continue", None)


def as_bytes(chunk: Any) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _sync_chunks(body: Any) -> Iterator[bytes]:
    if hasattr(body, "read"):
        while chunk := body.read(CHUNK_SIZE):
            yield as_bytes(chunk)
        return
    for chunk in body:
        yield as_bytes(chunk)


async def _chunks(body: Any) -> AsyncIterator[bytes]:
    if isinstance(body, AsyncIterable):
        async for chunk in body:
            yield as_bytes(chunk)
        return
    for chunk in _sync_chunks(body):
        yield chunk


async def feed(
    protocol: Any, transport: CannedTransport, body: Any, is_chunked: bool, promised: int
) -> None:
    """Stream `body` into the response parser one chunk at a time, as a socket would: a reader
    waiting for data takes each chunk before the next comes (its wake-up is scheduled first),
    and while aiohttp's buffer is full the body waits. A body that fails midway is a connection
    lost mid-body, one short of its `promised` length ends early; a closed response stops it."""
    sent = 0
    try:
        async for chunk in _chunks(body):
            await transport.readable.wait()
            if transport.is_closing():
                return
            if chunk:
                protocol.data_received(chunked(chunk) if is_chunked else chunk)
                sent += len(chunk)
            await asyncio.sleep(0)  # one turn of the loop: the waiting reader takes this chunk
    except Exception as error:
        protocol.connection_lost(error)
        return
    if is_chunked and not transport.is_closing():
        protocol.data_received(chunked(b""))  # the last chunk
    elif sent < promised:
        await end_early(protocol, transport)


async def end_early(protocol: Any, transport: CannedTransport) -> None:
    """The server hangs up short of the Content-Length: once the reader took the bytes that came,
    the connection ends, and aiohttp's parser fails the body (its `ClientPayloadError`)."""
    await transport.readable.wait()
    if not transport.is_closing():  # not closed by the reader meanwhile
        protocol.connection_lost(None)


def raise_error(error: BaseException) -> Any:
    """What `send` does when the answer is an error: raise it."""
    raise error


def read_answer(conn: Any) -> Any:
    """What `send` does when the error is on the connection: the response, which meets it."""
    return conn.response


def response_head(reply: Reply, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {reply.status} {reply.reason or ''}"]
    lines.extend(f"{name}: {value}" for name, value in headers)
    # aiohttp decodes a server's header bytes as UTF-8: text headers are sent so
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "backslashreplace")


def serve(reply: Reply, method: str, conn: Any) -> Any:
    """Feed `reply` to the parser of `conn` as a server's HTTP/1.1 answer (bytes at once, chunks
    one by one as given); the ClientResponse that will read it."""
    headers = list(reply.headers)
    body = reply.body
    length = reply.header("Content-Length")
    has_length, promised = length is not None, int(length) if length and length.isdigit() else 0
    is_chunked = "chunked" in (reply.header("Transfer-Encoding") or "").lower()
    if is_bodiless(reply.status):
        body = b""  # no body, and no length: a server sends neither
    elif not (has_length or is_chunked):
        if isinstance(body, bytes):
            headers.append(("Content-Length", str(len(body))))
        else:
            headers.append(("Transfer-Encoding", "chunked"))
            is_chunked = True
    if method == "HEAD":
        body = b""  # the headers a GET would have, without the body
    protocol = conn.canned_protocol
    protocol.data_received(response_head(reply, headers))
    if isinstance(body, bytes):
        if body:
            protocol.data_received(chunked(body) if is_chunked else body)
        if is_chunked:
            protocol.data_received(chunked(b""))
        elif len(body) < promised:
            if body:
                protocol.pause_reading()  # resumed once the reader has taken these bytes
            conn.feeding = asyncio.get_running_loop().create_task(
                end_early(protocol, conn.canned_transport)
            )
    else:
        conn.feeding = asyncio.get_running_loop().create_task(
            feed(protocol, conn.canned_transport, body, is_chunked, promised)
        )
    return conn.response


class AiohttpAdapter:
    """The interceptor and the dispatch path's conversions for aiohttp."""

    def __init__(self) -> None:
        self.module: ModuleType | None = None
        self.is_missing = False
        self.is_installed = False
        self.connect_original: Any = None  # kept after uninstalling: a call on its way uses it
        self.send_original: Any = None
        self.connection_class: Any = None
        self.connect: Any = None
        self.send_patched: Any = None

    def _import(self) -> ModuleType | None:
        """aiohttp, imported on first activation; None (remembered) if not installed."""
        if self.module is None and not self.is_missing:
            try:
                self.module = importlib.import_module("aiohttp")
            except ImportError:
                self.is_missing = True
        return self.module

    def install(self) -> None:
        module = self.module or self._import()
        if module is None:
            return
        if self.connection_class is None:
            self.connection_class = _connection_class()
            self.connect, self.send_patched = self._patches()  # made once, installed each time
        self.connect_original = module.BaseConnector.connect
        self.send_original = module.ClientRequest.send
        module.BaseConnector.connect = self.connect
        module.ClientRequest.send = self.send_patched
        self.is_installed = True

    def uninstall(self) -> None:
        module = self.module
        if module is None or not self.is_installed:
            return
        module.BaseConnector.connect = self.connect_original
        module.ClientRequest.send = self.send_original
        self.is_installed = False

    def _patches(self) -> tuple[Any, Any]:
        """The intercepting `BaseConnector.connect` and `ClientRequest.send` (`*_intercepted`)."""

        async def connect(connector: Any, req: Any, traces: Any, timeout: Any) -> Any:
            return await self.connect_intercepted(connector, req, traces, timeout)

        async def send(req: Any, conn: Any) -> Any:
            return await self.send_intercepted(req, conn)

        return connect, send

    async def connect_intercepted(self, connector: Any, req: Any, traces: Any, timeout: Any) -> Any:
        """While a mock is active, no socket: aiohttp writes the request to an in-memory
        connection, and the mock answers it there (an unmatched request is refused here,
        where aiohttp refuses one, so the session never retries it)."""
        mock = activation.current()
        if mock is None:  # the last mock left while this call was on its way
            return await self.connect_original(connector, req, traces, timeout)
        conn = self.connection_class(connector, req, traces, timeout)
        waiting = continue_awaited(req)
        if waiting is not None and not waiting.done():
            waiting.set_result(True)  # canned, the server, says "100 Continue" at once
        try:
            conn.response = await self.send_original(req, conn)
            await req.close()  # the body is written in a task of its own: wait for all of it
            view = to_request(req, conn.canned_transport)
            await dispatch_async(mock, view, self, (req, conn))
        except BaseException as error:
            if error is conn.connection_error:
                conn.close()
                raise
            if error is not conn.read_error:
                # the answer is an error (a body or a callback's): raised by `send`, as a
                # server's failure is, and so by the session as it raises one
                conn.deliver = functools.partial(raise_error, error)
            # else the connection holds the error: the session meets it reading the answer
        return conn

    async def send_intercepted(self, req: Any, conn: Any) -> Any:
        """On canned's connection the answer is delivered now the session has set up its parser."""
        if isinstance(conn, self.connection_class):
            return conn.deliver()
        return await self.send_original(req, conn)  # a real connection

    # -- conversions (the dispatch path's `AsyncClient`) -------------------------------------

    def to_native(self, reply: Reply, context: Context) -> Any:
        """The ClientResponse aiohttp made, which will read `reply` through aiohttp's parser."""
        req, conn = context
        conn.deliver = functools.partial(serve, reply, req.method, conn)
        return conn.response

    def adopt(self, response: Any, context: Context) -> Any:
        context[1].deliver = lambda: response  # a custom route's own aiohttp response
        return response

    def refused(self, message: str, context: Context) -> BaseException:
        """What aiohttp raises for a refused connection, its OS error carrying `message`."""
        assert self.module is not None  # installed before any request reaches here
        req, conn = context
        refusal = ConnectionRefusedError(errno.ECONNREFUSED, message)
        conn.connection_error = self.module.ClientConnectorError(req.connection_key, refusal)
        return conn.connection_error  # type: ignore[no-any-return]  # aiohttp's own

    def fault_error(self, fault: Fault, context: Context) -> BaseException:
        """The error aiohttp meets for `fault`. A connect fault is the connector's error, raised
        from `connect` (the session turns a timeout into its `ConnectionTimeoutError`); the
        others are put on the connection, where aiohttp's own reader meets them: the timeout of
        `sock_read`, the `ClientOSError` of a reset, the parser's error for bytes that are not
        HTTP (which the response raises as a `ClientResponseError`)."""
        module = self.module
        assert module is not None  # installed before any request reaches here
        req, conn = context
        kind, message = fault.kind, fault.message
        if fault.is_connect_fault:
            if kind == "connect_timeout":
                conn.connection_error = asyncio.TimeoutError(message)
                return conn.connection_error  # type: ignore[no-any-return]  # just made
            if kind == "dns_failure":
                cause: OSError = socket.gaierror(socket.EAI_NONAME, message)
                error_class = getattr(module, "ClientConnectorDNSError", None)  # aiohttp 3.10+
            else:
                cause = ConnectionRefusedError(errno.ECONNREFUSED, message)
                error_class = None
            error = (error_class or module.ClientConnectorError)(req.connection_key, cause)
            error.__cause__ = cause
            conn.connection_error = error
            return error  # type: ignore[no-any-return]  # aiohttp's own
        protocol = conn.canned_protocol
        if kind == "read_timeout":  # aiohttp 3.10+ names a read timeout SocketTimeoutError
            timeout_class = getattr(module, "SocketTimeoutError", module.ServerTimeoutError)
            protocol.set_exception(timeout_class(message))
        elif kind == "connection_reset":  # what aiohttp's `connection_lost` makes of it
            reset = ConnectionResetError(errno.ECONNRESET, message)
            lost = module.ClientOSError(*reset.args)
            lost.__cause__ = reset  # as aiohttp chains it for a waiting reader
            protocol.set_exception(lost)
        else:  # malformed: aiohttp's parser reads what is not HTTP
            protocol.set_response_params()
            protocol.data_received(message.encode("utf-8") + b"\r\n\r\n")
        conn.read_error = protocol.exception()
        conn.deliver = functools.partial(read_answer, conn)
        return conn.read_error  # type: ignore[no-any-return]  # aiohttp's own

    def read_timeout(self, context: Context) -> float | None:
        """The session's (or the request's) `ClientTimeout`: `sock_read` or `total`, the
        shorter, as aiohttp's own timers take them: a `total` of None, 0 or less is no limit; a
        `sock_read` of None or 0 is none, and one below 0 expires at once."""
        timeout = context[1].timeout
        limits = [max(timeout.sock_read, 0.0)] if timeout.sock_read else []
        if timeout.total is not None and timeout.total > 0:
            limits.append(timeout.total)
        return min(limits) if limits else None

    def send(self, context: Context) -> Any:
        raise NotImplementedError("aiohttp sends only from a coroutine: see send_async")

    async def send_async(self, context: Context) -> Any:
        """Send for real: a real connection from the connector (TLS, proxy, resolver, pool) takes
        the bytes aiohttp wrote, and the session reads from it; failing to connect fails there."""
        req, conn = context
        try:
            real = await self.connect_original(conn.connector, req, conn.traces, conn.timeout)
        except BaseException as error:
            conn.connection_error = error
            raise
        conn.use(real)
        return conn.response

    def snapshot(self, response: Any, context: Context) -> tuple[Reply, Any]:
        raise NotImplementedError("aiohttp reads only from a coroutine: see snapshot_async")

    async def snapshot_async(self, response: Any, context: Context) -> tuple[Reply, Any]:
        """Send for real now and read the whole answer, undecoded; the real connection goes back
        to the pool, and the session's parser reads the server's bytes again from canned's."""
        req, conn = context
        conn.send_to_real()
        timeout = conn.timeout.sock_read or None
        real = await aiohttp_recording.read_real(conn.protocol, req.method, timeout)
        conn.real.release()
        conn.real = None  # the answer comes from canned's connection from now on
        conn.deliver = functools.partial(real.serve, conn)
        return real.reply(), response


class ConnectionToCanned(_Connection):
    """A connection to canned, or, once `use` is called, to the real server: the methods of
    `CannedConnection` (see `_connection_class`), put before aiohttp's own `Connection`."""

    protocol_class: Any = None  # `CannedProtocol`, aiohttp's reader never pooled

    def __init__(self, connector: Any, req: Any, traces: Any, timeout: Any) -> None:
        loop = asyncio.get_running_loop()
        self.canned_transport = CannedTransport(loop)
        self.canned_protocol = self.protocol_class(loop)
        self.canned_transport.protocol = self.canned_protocol
        self.canned_protocol.connection_made(self.canned_transport)
        super().__init__(connector, req.connection_key, self.canned_protocol, loop)
        self.connector, self.traces, self.timeout = connector, traces, timeout
        self.real: Any = None
        self.response: Any = None  # the ClientResponse aiohttp's `send` made
        self.deliver: Callable[[], Any] | None = None  # set by the conversions
        # refused, or a passthrough's failed connect: raised from `connect`, where aiohttp does
        self.connection_error: BaseException | None = None
        self.read_error: BaseException | None = None  # a fault aiohttp meets reading
        self.feeding: Any = None  # the task streaming a body given as chunks

    def use(self, real: Any) -> None:
        """Pass through: from now on this is `real`, the session's settings included, and the
        request goes there when aiohttp sends it."""
        self.real = real
        self.deliver = self.send_to_real

    def send_to_real(self) -> Any:
        """The request, as aiohttp wrote it, to the real server; the response that reads
        the real answer."""
        head, body = self.canned_transport.request_bytes()
        self.real.transport.write(head + b"\r\n\r\n" + body)
        self.real.protocol.start_timeout()  # the session's sock_read, as after a send
        return self.response

    @property
    def protocol(self) -> Any:
        return self.real.protocol if self.real is not None else super().protocol

    @property
    def transport(self) -> Any:
        return self.real.transport if self.real is not None else super().transport

    @property
    def closed(self) -> bool:
        return self.real.closed if self.real is not None else super().closed

    def release(self) -> None:
        self.stop_feeding()
        if self.real is not None:
            self.real.release()
        super().release()

    def close(self) -> None:
        self.stop_feeding()
        if self.real is not None:
            self.real.close()
        super().close()

    def stop_feeding(self) -> None:
        """The response is done with: a body still being streamed stops (its task is
        cancelled, so a generator body is closed), as a closed socket stops a server."""
        feeding = self.feeding
        if feeding is not None and not feeding.done():
            feeding.cancel()


def _connection_class() -> type:
    """canned's in-memory `Connection`, on aiohttp's own classes (imported once aiohttp is)."""
    from aiohttp.client_proto import ResponseHandler
    from aiohttp.connector import Connection

    class CannedProtocol(ResponseHandler):
        """aiohttp's response reader, never pooled: one request per in-memory connection."""

        @property
        def should_close(self) -> bool:
            return True

    class CannedConnection(ConnectionToCanned, Connection):
        protocol_class = CannedProtocol

    return CannedConnection


interceptor: Final = AiohttpAdapter()
