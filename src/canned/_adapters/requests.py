"""The requests adapter: intercept `HTTPAdapter.send`, convert, and decide nothing.

Owns: the patch of `requests.adapters.HTTPAdapter.send` (so every Session, mounted subclass and
library built on requests is intercepted), `to_request` (PreparedRequest -> view),
`to_native` (Outcome -> a real `requests.Response` built by the adapter's own `build_response`
over a real `urllib3.HTTPResponse`), and urllib3 `Retry` emulated without sleeping.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Callable, Final

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from canned._core import activation
from canned._core.dispatch import carry_out
from canned._core.reply import Reply
from canned._core.request import VIEW_ATTRIBUTE, Request, to_bytes

if TYPE_CHECKING:
    from canned._core.mock import Mock

SEND_ARGUMENTS: Final = ("stream", "timeout", "verify", "cert", "proxies")
Send = Callable[..., requests.Response]

# The send that was in place when canned was imported (responses' `_real_send`).
real_send: Final[Send] = HTTPAdapter.send


class _Body(io.BytesIO):
    """A body served as `http.client.HTTPResponse` serves one: read in pieces, and once read
    to the end `isclosed()` is true and `fp` is None. urllib3 stops streaming there, and
    wrappers that tee the body (CacheControl's) take `fp is None` as the end of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)  # shares `data` until written to: never here
        self._size = len(data)

    @property
    def fp(self) -> _Body | None:
        return None if self.isclosed() else self

    def isclosed(self) -> bool:
        return self.closed or self.tell() >= self._size


class _Empty:
    """The body of a HEAD answer, shared by all of them: reading gives b"" and closing is a
    no-op, so one instance serves all. Read to the end from the start, as http.client's is."""

    closed = False
    fp = None

    def read(self, amount: int | None = None) -> bytes:
        return b""

    read1 = read

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        pass


_EMPTY: Final = _Empty()


class _NoBuffer:
    """urllib3 2's read buffer for a response whose source is `_EMPTY` (a HEAD answer):
    nothing is ever buffered. Holds no state, so one instance serves every
    answer; each of urllib3's own buffers weighs about 1.5 KB, which the call log would keep
    for every answer."""

    def __len__(self) -> int:
        return 0

    def put(self, data: bytes) -> None:
        if data:  # cannot happen while the source is `_EMPTY`; said loudly if it ever does
            raise RuntimeError("canned: a HEAD answer was given bytes to buffer")

    def get(self, n: int) -> bytes:
        return b""

    def get_all(self) -> bytes:
        return b""


_NO_BUFFER: Final = _NoBuffer()


class _ChunkedSource:
    """An `http.client.HTTPResponse`-like source that serves chunks as HTTP/1.1 chunked encoding.

    urllib3 then reads it with `read_chunked`, as from a streaming server, so
    `iter_content(chunk_size=None)` yields the chunks as they were given (server-sent events).
    `read()` serves the plain bytes for code that reads the raw response directly.
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._encoded = b""
        self._pending = b""  # the rest of a chunk `read1` cut short
        self._done = False
        self.closed = False
        self.fp = self  # urllib3 reads chunked bodies through `fp.readline()`

    def _next_chunk(self) -> bytes | None:
        if self._pending:  # what `read1` cut short comes first, whichever way is read next
            data, self._pending = self._pending, b""
            return data
        for chunk in self._chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
            if data:
                return data
        self._done = True
        return None

    def _fill(self, size: int) -> None:
        while len(self._encoded) < size and (self._pending or not self._done):
            chunk = self._next_chunk()
            self._encoded += (
                b"0\r\n\r\n" if chunk is None else b"%x\r\n%s\r\n" % (len(chunk), chunk)
            )

    def readline(self, limit: int = -1) -> bytes:
        while b"\n" not in self._encoded and (self._pending or not self._done):
            self._fill(len(self._encoded) + 1)
        end = self._encoded.find(b"\n") + 1 or len(self._encoded)
        line, self._encoded = self._encoded[:end], self._encoded[end:]
        return line

    def _safe_read(self, amount: int) -> bytes:
        self._fill(amount)
        data, self._encoded = self._encoded[:amount], self._encoded[amount:]
        return data

    def read(self, amount: int | None = None) -> bytes:
        chunks = []
        while (self._pending or not self._done) and (chunk := self._next_chunk()) is not None:
            chunks.append(chunk)
        return b"".join(chunks)

    def read1(self, amount: int | None = -1) -> bytes:
        """The next chunk, or up to `amount` bytes of it (urllib3's `read1` asks for this)."""
        data = (self._next_chunk() if self._pending or not self._done else None) or b""
        if amount is not None and 0 <= amount < len(data):
            data, self._pending = data[:amount], data[amount:]
        return data

    def isclosed(self) -> bool:
        return self.closed or (self._done and not self._encoded and not self._pending)

    def close(self) -> None:
        self.closed = True


class _OriginalResponse:
    """What `http.client.HTTPResponse` offers to urllib3 (`_method`, `isclosed`, `close`) and,
    as its own `msg`, to requests' cookie extraction (`get_all`), over the answer's header
    pairs; building a real HTTPMessage would cost more than the rest of the answer."""

    __slots__ = ("_method", "pairs")

    def __init__(self, pairs: tuple[tuple[str, str], ...], method: str) -> None:
        self.pairs = pairs
        self._method = method  # urllib3 asks whether this answers a HEAD

    @property
    def msg(self) -> _OriginalResponse:
        return self

    def get_all(self, name: str, default: Any = None) -> Any:
        lowered = name.lower()
        found = [value for key, value in self.pairs if key.lower() == lowered]
        return found or default

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        pass


def to_request(prepared: requests.PreparedRequest, send_kwargs: dict[str, Any]) -> Request:
    """The view of `prepared`; the PreparedRequest gets responses' `params` and `req_kwargs`."""
    body = prepared.body
    if hasattr(body, "read"):
        body = body.read()  # type: ignore[union-attr]  # file-like bodies are read once (#719)
        prepared.body = body
    elif body is not None and not isinstance(body, (bytes, str)):
        body = b"".join(to_bytes(chunk) or b"" for chunk in body)  # a generator: chunked upload
        prepared.body = body
    view = Request(
        prepared.method or "GET",
        prepared.url or "",
        prepared.headers,  # requests' CaseInsensitiveDict: used as it is, not copied
        to_bytes(body),
        native=prepared,
        req_kwargs=send_kwargs,
    )
    prepared.params = view.params  # type: ignore[attr-defined]  # responses' extra attribute
    prepared.req_kwargs = view.req_kwargs  # type: ignore[attr-defined]  # responses' extra attribute
    setattr(prepared, VIEW_ATTRIBUTE, view)
    return view


def _header_facts(headers: tuple[tuple[str, str], ...]) -> tuple[str | None, bool]:
    """The answer's Transfer-Encoding, and whether it sets cookies: one pass over its headers."""
    encoding, cookies = None, False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "transfer-encoding":
            encoding = value
        elif lowered == "set-cookie":
            cookies = True
    return encoding, cookies


def _raw_response(reply: Reply, method: str) -> HTTPResponse:
    """The answer as urllib3 gives one from a server, its body unread: requests (and anything
    that wraps or reads `raw`) reads it as it would from a connection."""
    headers = reply.headers
    body = reply.body
    encoding, cookies = _header_facts(headers)
    if method == "HEAD":
        fp: Any = _EMPTY  # a HEAD answer carries headers only, as from a server
    elif isinstance(body, bytes) and (encoding is None or "chunked" not in encoding.lower()):
        fp = _Body(body)
    elif hasattr(body, "read"):
        fp = body
    elif isinstance(body, AsyncIterable):
        raise TypeError("requests cannot read an async iterator body; give bytes or an iterator")
    else:  # an iterable of bytes (checked at add()), or bytes the headers say are chunked
        fp = _ChunkedSource((body,) if isinstance(body, bytes) else body)
        if encoding is None:
            headers += (("Transfer-Encoding", "chunked"),)
    # The stand-in for http.client's response is read only by requests' cookie extraction and
    # by urllib3's chunked reads; without either, leaving it out saves both their work.
    original = None
    if cookies or isinstance(fp, _ChunkedSource):
        original = _OriginalResponse(headers, method)
    raw = HTTPResponse(
        body=fp,
        headers=headers,  # type: ignore[arg-type]  # urllib3 takes pairs too
        status=reply.status,
        reason=reply.reason,
        preload_content=False,
        original_response=original,  # type: ignore[arg-type]  # duck-typed
        request_method=method,
    )
    if fp is _EMPTY:
        _share_empty_buffer(raw)
    return raw


def _share_empty_buffer(raw: HTTPResponse) -> None:
    """Give a HEAD answer the shared empty read buffer (urllib3 2's private `_decoded_buffer`;
    1.26 has none): the one place canned touches a private attribute of urllib3."""
    if hasattr(raw, "_decoded_buffer"):
        raw._decoded_buffer = _NO_BUFFER  # type: ignore[assignment]  # duck-typed, stateless


# What the conversions need for one request: the adapter sending it, the PreparedRequest, the
# send's keyword arguments and the real send.
Context = tuple[HTTPAdapter, requests.PreparedRequest, dict[str, Any], Send]


class RequestsClient:
    """requests' conversions for the dispatch path."""

    def to_native(self, reply: Reply, context: Context) -> requests.Response:
        adapter, prepared, _, _ = context
        return adapter.build_response(prepared, _raw_response(reply, prepared.method or "GET"))

    def adopt(self, response: Any, context: Context) -> requests.Response:
        adapter, prepared, _, _ = context
        return adapter.build_response(prepared, response)  # a custom route's urllib3 response

    def refused(self, message: str, context: Context) -> BaseException:
        return requests.ConnectionError(message, request=context[1])

    def send(self, context: Context) -> requests.Response:
        adapter, prepared, kwargs, real = context
        return real(adapter, prepared, **kwargs)


client: Final = RequestsClient()


def on_request(
    mock: Mock,
    adapter: HTTPAdapter,
    prepared: requests.PreparedRequest,
    kwargs: dict[str, Any],
    *,
    real: Send,
    retries: Retry | None = None,
) -> requests.Response:
    """One intercepted `send` (its keyword arguments in `kwargs`, passed as a dict: this runs
    per request): view, decide, carry out (the dispatch path, in two steps: the outcome's kind
    says whether urllib3's retries are canned's to emulate); then urllib3 retries, unslept."""
    outcome = mock.handle(to_request(prepared, kwargs))
    response = carry_out(mock, outcome, client, (adapter, prepared, kwargs, real))
    # The view served matching; the call log keeps the PreparedRequest (with `params` and
    # `req_kwargs`) and `view_of` rebuilds a view if one is asked for later.
    if VIEW_ATTRIBUTE in prepared.__dict__:  # a response_callback or a hook may have taken it
        delattr(prepared, VIEW_ATTRIBUTE)  # not `__dict__.pop`: that would make a dict
    retries = retries or adapter.max_retries
    method = prepared.method or "GET"
    if not (
        outcome.kind == "answer"  # a real send was retried by urllib3 itself
        and isinstance(retries, Retry)
        # requests' default Retry(0) retries nothing: skip asking it on every answer
        and (retries.total or retries.status_forcelist)
        and retries.is_retry(method, response.status_code, "Retry-After" in response.headers)
    ):
        return response  # type: ignore[no-any-return]  # response_callback's own return
    try:
        retries = retries.increment(method=method, url=response.url, response=response.raw)
    except MaxRetryError as error:
        if retries.raise_on_status:
            raise requests.exceptions.RetryError(error, request=prepared) from error
        return response  # type: ignore[no-any-return]  # response_callback's own return
    return on_request(mock, adapter, prepared, kwargs, real=real, retries=retries)


def send_kwargs(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """`send`'s positional arguments by name (responses #642)."""
    if not args:
        return kwargs  # what Session.send passes: all by keyword
    named = dict(zip(SEND_ARGUMENTS, args))
    named.update(kwargs)
    return named


class RequestsInterceptor:
    """Replaces `HTTPAdapter.send` while any mock is active, and puts the original back."""

    def __init__(self) -> None:
        self.original: Send = real_send

    def install(self) -> None:
        self.original = HTTPAdapter.send
        HTTPAdapter.send = intercepted_send  # type: ignore[method-assign,assignment]  # the seam

    def uninstall(self) -> None:
        HTTPAdapter.send = self.original  # type: ignore[method-assign]  # the public seam


interceptor: Final = RequestsInterceptor()


def intercepted_send(
    adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any
) -> requests.Response:
    """`HTTPAdapter.send` while a mock is active: the innermost mock answers."""
    mock = activation.current()
    if mock is None:  # the last mock left while this call was on its way
        return interceptor.original(adapter, request, *args, **kwargs)
    send_override = getattr(mock, "send_override", None)
    if send_override is not None:  # a RequestsMock subclass's own `_on_request` (responses' hook)
        return send_override(adapter, request, *args, **kwargs)  # type: ignore[no-any-return]  # the subclass's return
    real = getattr(mock, "real_adapter_send", None) or interceptor.original
    return on_request(mock, adapter, request, send_kwargs(args, kwargs), real=real)
