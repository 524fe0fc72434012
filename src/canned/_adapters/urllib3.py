"""The urllib3 adapter, for code that uses urllib3 directly: intercept, convert, decide nothing.

Owns: the patch of `urllib3.HTTPConnectionPool.urlopen`, the seam every urllib3 request reaches
(`PoolManager.request`/`urlopen`, `ProxyManager`, HTTP and HTTPS pools, `urllib3.request`, and
botocore, which calls a pool's `urlopen` itself); `to_request` (urlopen's arguments -> view); the
conversions the dispatch path uses (a `Reply` -> the unread `HTTPResponse` of
`urllib3_responses`, read at once when `preload_content`, as urlopen's own is; a refused
connection's `NewConnectionError`, wrapped in `MaxRetryError` as urlopen wraps one, when
unmatched; each fault as the error urlopen meets for it from a real server, wrapped as urlopen
wraps it; the read timeout urlopen reads with); and what urlopen does with an answer (follow a
same-host redirect, retry the statuses its `Retry` names) or an error (a fault, a body ending
early while preloading: ask again as its `Retry` allows), without sleeping; and `snapshot`, a
real answer as a cassette records it, with the response handed on still unread if it was. Cross-host
redirects stay `PoolManager.urlopen`'s, above the seam. A request a client above (requests)
already let through is not asked again.
"""

from __future__ import annotations

import errno
import functools
import socket
from collections.abc import Iterable, Mapping
from http.client import BadStatusLine
from typing import TYPE_CHECKING, Any, Callable, Final, NamedTuple

from urllib3 import HTTPConnectionPool, HTTPResponse, exceptions
from urllib3._collections import HTTPHeaderDict  # where 1.26 and 2 both define it
from urllib3._version import __version__  # urllib3 1.26 and 2 both keep it there
from urllib3.exceptions import (
    ConnectTimeoutError,
    HostChangedError,
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util import Timeout, parse_url
from urllib3.util.retry import Retry

from canned._adapters.chunks import decoded_chunks
from canned._adapters.urllib3_responses import raw_response, read_again
from canned._core import activation
from canned._core.dispatch import carry_out, passing_through
from canned._core.headers import decoded
from canned._core.reply import Reply
from canned._core.request import Request, to_bytes

if TYPE_CHECKING:
    from canned._core.faults import Fault
    from canned._core.mock import Mock

Urlopen = Callable[..., Any]

# The urlopen that was in place when canned was imported.
real_urlopen: Final[Urlopen] = HTTPConnectionPool.urlopen

DEFAULT_PORTS: Final = {"http": 80, "https": 443}
URLLIB3_1: Final = __version__.startswith("1.")
# What a response keeps of its status line.
# What urllib3 2 drops from the headers when a 303 turns a request into a GET without its body
# (RFC 9110, 15.4.4): the fields that described that body.
BODY_HEADERS: Final = (
    "Content-Encoding",
    "Content-Language",
    "Content-Location",
    "Content-Type",
    "Content-Length",
    "Digest",
    "Last-Modified",
    "Transfer-Encoding",
)


class Attempt(NamedTuple):
    """One call of `urlopen`, as urlopen itself reads its arguments: what the conversions, the
    real send and the next hop of a redirect or retry need."""

    pool: HTTPConnectionPool
    method: str
    url: str  # as the pool was given it (a path, or absolute through a proxy), no fragment
    body: Any  # as it is sent on: a file or iterable body is read once, into bytes
    body_bytes: bytes | None  # what matchers see
    headers: Mapping[str, str]
    retries: Retry
    redirect: bool
    assert_same_host: bool
    options: dict[str, Any]  # urlopen's other keyword arguments, passed on as given
    real: Urlopen
    # The Retry urlopen asks again with after this attempt's error (a fault, a body cut short),
    # noted when its Retry allows another attempt; empty when it does not.
    asks_again: list[Retry]


def read_body(body: Any) -> tuple[Any, bytes | None]:
    """The body as it is sent on, and as bytes: a file is read once and its bytes go on in its
    place; an iterable is joined and goes on as one chunk, still sent chunked."""
    if body is None or isinstance(body, (bytes, str, bytearray, memoryview)):
        return body, to_bytes(body)
    if hasattr(body, "read"):
        data = to_bytes(body.read())
        return data, data
    data = b"".join(to_bytes(chunk) or b"" for chunk in body)
    return (data,), data


def full_url(pool: HTTPConnectionPool, url: str) -> str:
    """The absolute URL of `url` sent through `pool`: a path gets the pool's origin; an absolute
    URL (a pool speaking to a proxy, or `assert_same_host=False`) is already whole."""
    if not url.startswith("/"):
        return url
    host = f"[{pool.host}]" if ":" in pool.host else pool.host  # an IPv6 address
    port = pool.port
    if port is None or port == DEFAULT_PORTS.get(pool.scheme):
        return f"{pool.scheme}://{host}{url}"
    return f"{pool.scheme}://{host}:{port}{url}"


def text_headers(headers: Mapping[str, Any]) -> Mapping[str, str]:
    """The headers as matchers read them, names in any case: values given as bytes (botocore
    gives them so) are decoded as http.client sends them, Latin-1; headers already all text
    are used as they are when urllib3's own (case-insensitive) or a dict (the view wraps it),
    else copied into a dict (a caller's own mapping may mind case)."""
    if all(isinstance(value, str) for value in headers.values()):
        if isinstance(headers, (dict, HTTPHeaderDict)):
            return headers
        return dict(headers.items())
    return {
        name: value.decode("latin-1") if isinstance(value, bytes) else str(value)
        for name, value in headers.items()
    }


def to_request(attempt: Attempt) -> Request:
    """The view of one urlopen call: the headers as given (the pool's when none were)."""
    return Request(
        attempt.method,
        full_url(attempt.pool, attempt.url),
        text_headers(attempt.headers),
        attempt.body_bytes,
    )


def after_error(attempt: Attempt, error: HTTPError) -> HTTPError:
    """What urlopen does with an error one attempt met: its Retry counts it (a connection
    error against `connect`, a read error against `read`). Given up, it is `MaxRetryError`
    with the error as `reason`, or the error itself when retries are off or urllib3 does not
    retry it (a read error of a POST); else urlopen asks again: the next attempt's Retry is
    noted in `attempt.asks_again`, and this attempt's log keeps the error."""
    try:
        retries = attempt.retries.increment(
            attempt.method, attempt.url, error=error, _pool=attempt.pool
        )
    except HTTPError as given_up:  # MaxRetryError, or `error` raised again
        return given_up
    attempt.asks_again.append(retries)
    return error


def as_pool_answer(response: HTTPResponse, attempt: Attempt) -> HTTPResponse:
    """`response` as urlopen hands one back: its URL and Retry set (so `url` and `geturl()`
    give the last redirect's location, as urllib3's do), read already when `preload_content`.
    A body that ends before its Content-Length breaks that read with urllib3's `ProtocolError`,
    a read error urlopen retries.

    The one place this adapter touches a private attribute of urllib3: `_request_url`, which
    urllib3 2's `url` setter sets and urllib3 1's `geturl()` reads.
    """
    # urllib3 1's `request()` passes the URL it was given (`request_url`), 2's does not
    response._request_url = attempt.options.get("request_url", attempt.url)  # see the docstring
    response.retries = attempt.retries  # after the URL: urllib3 2 moves it to the last redirect
    response.decode_content = attempt.options.get("decode_content", True)
    if attempt.options.get("preload_content", True):
        try:
            response.data  # noqa: B018  # read and kept (a custom route's read answer stays)
        except ProtocolError as broken:  # the connection ended in the middle of the body
            raise after_error(attempt, broken)  # noqa: B904  # as urlopen raises it
    return response


def connection_of(pool: HTTPConnectionPool) -> Any:
    """A connection of `pool`, unopened: the one urllib3's connection errors name."""
    return pool.ConnectionCls(host=pool.host, port=pool.port)


def name_resolution_error(pool: HTTPConnectionPool, reason: socket.gaierror) -> HTTPError:
    """urllib3 2's `NameResolutionError` for a host name that does not resolve; urllib3 1
    raises a `NewConnectionError` for it."""
    connection = connection_of(pool)
    resolution_error = getattr(exceptions, "NameResolutionError", None)
    if resolution_error is None:  # urllib3 1
        return NewConnectionError(connection, f"Failed to establish a new connection: {reason}")
    return resolution_error(pool.host, connection, reason)  # type: ignore[no-any-return]  # urllib3's own


@functools.lru_cache(maxsize=4096)
def as_sent(url: str) -> str:
    """`url` as urlopen sends it: normalised by urllib3's own parser, without its fragment
    (cached: a suite asks for the same few URLs over and over)."""
    return parse_url(url)._replace(fragment=None).url


def met_error(fault: Fault, pool: HTTPConnectionPool, url: str) -> HTTPError:
    """The error a request to `url` through `pool` meets for `fault` from a real server, before
    urlopen's Retry sees it: a connection error from connecting (the socket's error as its
    cause), or a read error from reading the answer (the socket's or http.client's error inside
    `ProtocolError`, as urlopen wraps them), each carrying `fault.message`. requests, which
    sends through urlopen, meets the same."""
    kind, message = fault.kind, fault.message
    if kind == "read_timeout":
        error: HTTPError = met_while(
            ReadTimeoutError(pool, url, message), socket.timeout("timed out")
        )
    elif kind == "connection_reset":
        error = ProtocolError(
            "Connection aborted.", ConnectionResetError(errno.ECONNRESET, message)
        )
    elif kind == "malformed":
        error = ProtocolError("Connection aborted.", BadStatusLine(message))
    elif kind == "connect_timeout":
        error = met_while(
            ConnectTimeoutError(connection_of(pool), message), socket.timeout("timed out")
        )
    elif kind == "dns_failure":
        lookup = socket.gaierror(socket.EAI_NONAME, message)
        error = met_while(name_resolution_error(pool, lookup), lookup)
    else:  # connection_refused
        refusal = ConnectionRefusedError(errno.ECONNREFUSED, message)
        error = met_while(
            NewConnectionError(
                connection_of(pool), f"Failed to establish a new connection: {refusal}"
            ),
            refusal,
        )
    return error


def met_while(error: HTTPError, socket_error: OSError) -> HTTPError:
    """`error` as urllib3 raises it for `socket_error`: from it (its `__cause__`) on urllib3 2,
    while handling it (its `__context__`) on urllib3 1."""
    if URLLIB3_1:
        error.__context__ = socket_error
    else:
        error.__cause__ = socket_error
    return error


class Urllib3Client:
    """urllib3's conversions for the dispatch path."""

    def to_native(self, reply: Reply, attempt: Attempt) -> HTTPResponse:
        return as_pool_answer(raw_response(reply, attempt.method), attempt)

    def adopt(self, response: Any, attempt: Attempt) -> Any:
        return as_pool_answer(response, attempt)  # a custom route's own urllib3 response

    def refused(self, message: str, attempt: Attempt) -> BaseException:
        """A refused connection as urlopen raises one: the `NewConnectionError` itself when
        retries are off for it, else `MaxRetryError` with it as `reason` (a refused connection
        is refused again, so canned gives up at once instead of asking again)."""
        pool = attempt.pool
        error = NewConnectionError(
            connection_of(pool),  # urllib3 1 names the pool here, 2 the connection
            f"Failed to establish a new connection: {message}",
        )
        try:
            attempt.retries.increment(attempt.method, attempt.url, error=error, _pool=pool)
        except (MaxRetryError, NewConnectionError) as given_up:
            return given_up
        return MaxRetryError(pool, attempt.url, error)

    def fault_error(self, fault: Fault, attempt: Attempt) -> BaseException:
        """What urlopen raises for `fault` from a real server (see `after_error`): with retries
        on, `MaxRetryError` once its Retry is used up, the error met as its `reason`; with
        `retries=False`, that error itself. While the Retry allows, urlopen asks again."""
        return after_error(attempt, met_error(fault, attempt.pool, attempt.url))

    def read_timeout(self, attempt: Attempt) -> float | None:
        """The read timeout urlopen reads the answer with: its `timeout=` (seconds or a
        `Timeout`), else the pool's; of a `Timeout` with a total, what the total leaves."""
        given = attempt.options.get("timeout", Timeout.DEFAULT_TIMEOUT)
        if given is Timeout.DEFAULT_TIMEOUT:
            timeout = attempt.pool.timeout.clone()
        elif isinstance(given, Timeout):
            timeout = given.clone()
        else:
            timeout = Timeout.from_float(given)
        timeout.start_connect()  # a total counts from here, as urlopen's does
        read = timeout.read_timeout
        # urllib3 1 leaves the default to the socket; urllib3 2 resolves it itself
        return socket.getdefaulttimeout() if read is Timeout.DEFAULT_TIMEOUT else read

    def send(self, attempt: Attempt) -> Any:
        return attempt.real(
            attempt.pool,
            attempt.method,
            attempt.url,
            attempt.body,
            attempt.headers,
            attempt.retries,
            attempt.redirect,
            attempt.assert_same_host,
            **attempt.options,
        )

    def snapshot(self, response: HTTPResponse, attempt: Attempt) -> tuple[Reply, HTTPResponse]:
        """The real answer as a cassette keeps it, and the response to hand on. A preloaded
        answer is read already and goes on as it is (its `data` decoded by urllib3 unless
        `decode_content=False`; a chunked one is kept as one chunk: urllib3 joined them); an
        unread one is read as it came (a chunked one kept in the server's chunks), its
        connection goes back to the pool, and an unread answer over the same bytes goes on,
        streamed, read in pieces and decoded as the real one would have been."""
        headers = tuple(response.headers.items())
        encoding = response.headers.get("Content-Encoding")
        body: bytes | tuple[bytes, ...]
        if attempt.options.get("preload_content", True):
            body = response.data if response.decode_content else decoded(response.data, encoding)
            return Reply(response.status, headers, body), response
        sent: bytes | list[bytes]
        if response.chunked and response.supports_chunked_reads():
            sent = list(response.read_chunked(decode_content=False))
            body = decoded_chunks(sent, encoding)  # the server's chunks, each decoded
        else:
            sent = response.read(decode_content=False)
            body = decoded(sent, encoding)
        fresh = as_pool_answer(
            read_again(response, sent, attempt.method),
            attempt._replace(retries=response.retries or attempt.retries),
        )
        return Reply(response.status, headers, body), fresh


client: Final = Urllib3Client()


def without(headers: Mapping[str, str], names: Iterable[str]) -> Mapping[str, str]:
    """A copy of `headers` (of the same type) without the fields `names` (any case)."""
    dropped = {name.lower() for name in names}
    kept = headers.copy()  # type: ignore[attr-defined]  # a dict or HTTPHeaderDict, as urllib3 copies
    for name in headers:
        if name.lower() in dropped:
            kept.pop(name, None)
    return kept  # type: ignore[no-any-return]  # the copy's own type


def after_answer(attempt: Attempt, response: Any) -> Any:
    """What urlopen does with an answer: follow a same-host redirect, or ask again for a status
    its Retry names; each hop goes through `pool.urlopen` (and so to the mock) again. When the
    Retry is used up, `MaxRetryError` is raised, or the answer returned if it says not to raise.
    Nothing sleeps: neither the backoff nor a Retry-After."""
    pool, method, url, retries = attempt.pool, attempt.method, attempt.url, attempt.retries
    body, headers, options = attempt.body, attempt.headers, attempt.options
    location = attempt.redirect and response.get_redirect_location()
    if location:
        if response.status == 303:  # a GET without the body, as urllib3 2 does
            method, body, headers = "GET", None, without(headers, BODY_HEADERS)
            options = {**options, "chunked": False, "body_pos": None}
        if retries.remove_headers_on_redirect and not pool.is_same_host(location):
            headers = without(headers, retries.remove_headers_on_redirect)
        next_url, raises = location, retries.raise_on_redirect
    elif retries.is_retry(method, response.status, bool(response.headers.get("Retry-After"))):
        next_url, raises = url, retries.raise_on_status
    else:
        return response
    try:
        retries = retries.increment(method, url, response=response, _pool=pool)
    except MaxRetryError:
        if raises:
            response.drain_conn()
            raise
        return response
    response.drain_conn()
    next_attempt = attempt._replace(
        method=method, url=next_url, body=body, headers=headers, options=options
    )
    return ask_again(next_attempt, retries)


def ask_again(attempt: Attempt, retries: Retry) -> Any:
    """urlopen's next attempt, with the Retry the last one left: through `pool.urlopen`, and
    so to the mock, again. Nothing sleeps: neither the backoff nor a Retry-After."""
    return attempt.pool.urlopen(
        attempt.method,
        attempt.url,
        attempt.body,
        attempt.headers,
        retries=retries,
        redirect=attempt.redirect,
        assert_same_host=attempt.assert_same_host,
        **attempt.options,
    )


def on_urlopen(mock: Mock, attempt: Attempt) -> Any:
    """One intercepted urlopen: view, decide, carry out (the dispatch path, in two steps: the
    outcome's kind says whether redirects and retries are canned's to emulate). An error its
    Retry lets urlopen ask again after (see `after_error`) is asked again."""
    outcome = mock.handle(to_request(attempt))
    try:
        response = carry_out(mock, outcome, client, attempt)
    except HTTPError:
        if not attempt.asks_again:
            raise
    if attempt.asks_again:  # after the error, outside its handling, as urlopen asks again
        return ask_again(attempt, attempt.asks_again[0])
    if outcome.kind != "answer":
        return response  # sent for real: urllib3 itself followed and retried it
    return after_answer(attempt, response)


class Urllib3Interceptor:
    """Replaces `HTTPConnectionPool.urlopen` while any mock is active, and puts it back."""

    def __init__(self) -> None:
        self.original: Urlopen = real_urlopen

    def install(self) -> None:
        self.original = HTTPConnectionPool.urlopen
        HTTPConnectionPool.urlopen = intercepted_urlopen  # type: ignore[method-assign,assignment]  # the seam

    def uninstall(self) -> None:
        HTTPConnectionPool.urlopen = self.original  # type: ignore[method-assign]  # the seam


interceptor: Final = Urllib3Interceptor()


def intercepted_urlopen(
    pool: HTTPConnectionPool,
    method: str,
    url: str,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    retries: Retry | bool | int | None = None,
    redirect: bool = True,
    assert_same_host: bool = True,
    **options: Any,
) -> Any:
    """`HTTPConnectionPool.urlopen` while a mock is active: the innermost mock answers, unless a
    client above already let this request through (then the original sends it, untouched)."""
    mock = activation.current()
    real = interceptor.original
    if mock is None or passing_through():  # no mock left, or requests sends it for real
        return real(
            pool, method, url, body, headers, retries, redirect, assert_same_host, **options
        )
    url = as_sent(url)
    if not isinstance(retries, Retry):
        retries = Retry.from_int(retries, redirect=redirect, default=pool.retries)
    if assert_same_host and not pool.is_same_host(url):
        raise HostChangedError(pool, url, retries)
    sent, body_bytes = read_body(body)
    attempt = Attempt(
        pool,
        method,
        url,
        sent,
        body_bytes,
        pool.headers if headers is None else headers,
        retries,
        redirect,
        assert_same_host,
        options,
        real,
        [],
    )
    return on_urlopen(mock, attempt)
