"""The httpx adapter, for `httpx` and `httpx2` alike: intercept, convert, decide nothing.

Owns: the patches of `HTTPTransport.handle_request` and `AsyncHTTPTransport.handle_async_request`
(so every `Client`/`AsyncClient`, and SDK transports subclassing them, are intercepted),
`to_request` (httpx.Request -> view) and the conversions the dispatch path uses (a `Reply` ->
httpx.Response, its header text as the bytes a server sends; the client's own `ConnectError`).
Both packages share one API, so one module serves both; each is imported only when a mock is
first activated, and only if it is installed.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import Any, Final

from canned._core import activation
from canned._core.dispatch import dispatch, dispatch_async
from canned._core.reply import Reply
from canned._core.request import Request

CHUNK_SIZE: Final = 65_536
# What the conversions need for one request: the transport, the httpx.Request, and whether the
# client is async.
Context = tuple[Any, Any, bool]


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


def _sync_chunks(body: Any) -> Iterator[bytes]:
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


def _stream_classes(module: ModuleType) -> tuple[type, type]:
    """The package's sync and async byte streams over a body given as chunks or a file."""

    class SyncStream(module.SyncByteStream):  # type: ignore[name-defined,misc]  # runtime base
        def __init__(self, body: Any) -> None:
            self.body = body

        def __iter__(self) -> Iterator[bytes]:
            return _sync_chunks(self.body)

    class AsyncStream(module.AsyncByteStream):  # type: ignore[name-defined,misc]  # runtime base
        def __init__(self, body: Any) -> None:
            self.body = body

        def __aiter__(self) -> AsyncIterator[bytes]:
            return _async_chunks(self.body)

    return SyncStream, AsyncStream


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
        """The transports' intercepting `handle_request` and `handle_async_request`."""
        adapter = self

        def handle_request(transport: Any, request: Any) -> Any:
            mock = activation.current()
            if mock is None:  # the last mock left while this call was on its way
                return adapter.sync_original(transport, request)
            return dispatch(mock, to_request(request), adapter, (transport, request, False))

        async def handle_async_request(transport: Any, request: Any) -> Any:
            mock = activation.current()
            if mock is None:
                return await adapter.async_original(transport, request)
            await request.aread()
            view = to_request(request)
            return await dispatch_async(mock, view, adapter, (transport, request, True))

        return handle_request, handle_async_request

    def uninstall(self) -> None:
        module = self.module
        if module is None or self.sync_original is None:
            return
        module.HTTPTransport.handle_request = self.sync_original
        module.AsyncHTTPTransport.handle_async_request = self.async_original
        self.sync_original = self.async_original = None

    # -- conversions (the dispatch path's `Client`) ------------------------------------------

    def send(self, context: Context) -> Any:
        transport, request, _ = context
        return self.sync_original(transport, request)

    async def send_async(self, context: Context) -> Any:
        transport, request, _ = context
        return await self.async_original(transport, request)

    def refused(self, message: str, context: Context) -> BaseException:
        assert self.module is not None  # installed before any request reaches here
        return self.module.ConnectError(message, request=context[1])  # type: ignore[no-any-return]  # httpx's own

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
        if isinstance(body, bytes):
            # unread, as from a server: the client times it (`elapsed`) and may stream it
            if reply.header("Content-Length") is None and reply.header("Transfer-Encoding") is None:
                common["headers"].append(("Content-Length", str(len(body))))
            return module.Response(stream=module.ByteStream(body), **common)
        if is_async:
            return module.Response(stream=self.async_stream(body), **common)
        if isinstance(body, AsyncIterable):
            raise TypeError(
                "a sync httpx client cannot read an async iterator body; give an iterator"
            )
        return module.Response(stream=self.sync_stream(body), **common)


httpx_adapter: Final = HttpxAdapter("httpx")
httpx2_adapter: Final = HttpxAdapter("httpx2")
