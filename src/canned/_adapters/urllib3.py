"""The urllib3 adapter, for code that uses urllib3 directly: intercept, convert, decide nothing.

Owns: the patch of `urllib3.HTTPConnectionPool.urlopen`, the seam every urllib3 request reaches
(`PoolManager.request`/`urlopen`, `ProxyManager`, HTTP and HTTPS pools, `urllib3.request`, and
botocore, which calls a pool's `urlopen` itself); `to_request` (urlopen's arguments -> view); the
conversions the dispatch path uses (a `Reply` -> the unread `HTTPResponse` of
`urllib3_responses`, read at once when `preload_content`, as urlopen's own is; a refused
connection's `NewConnectionError`, wrapped in `MaxRetryError` as urlopen wraps one, when
unmatched); and what urlopen does with an answer: follow a same-host redirect and retry the
statuses its `Retry` names, without sleeping. Cross-host redirects stay `PoolManager.urlopen`'s,
above the seam. A request a client above (requests) already let through is not asked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Callable, Final, NamedTuple

from urllib3 import HTTPConnectionPool, HTTPResponse
from urllib3.exceptions import HostChangedError, MaxRetryError, NewConnectionError
from urllib3.util import parse_url
from urllib3.util.retry import Retry

from canned._adapters.urllib3_responses import raw_response
from canned._core import activation
from canned._core.dispatch import carry_out, passing_through
from canned._core.reply import Reply
from canned._core.request import Request, to_bytes

if TYPE_CHECKING:
    from canned._core.mock import Mock

Urlopen = Callable[..., Any]

# The urlopen that was in place when canned was imported.
real_urlopen: Final[Urlopen] = HTTPConnectionPool.urlopen

DEFAULT_PORTS: Final = {"http": 80, "https": 443}
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
    """The headers as matchers read them: values given as bytes (botocore gives them so) are
    decoded as http.client sends them, Latin-1; headers already all text are used as they are."""
    if all(isinstance(value, str) for value in headers.values()):
        return headers
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


def as_pool_answer(response: HTTPResponse, attempt: Attempt) -> HTTPResponse:
    """`response` as urlopen hands one back: its URL and Retry set (so `url` and `geturl()`
    give the last redirect's location, as urllib3's do), read already when `preload_content`.

    The one place this adapter touches a private attribute of urllib3: `_request_url`, which
    urllib3 2's `url` setter sets and urllib3 1's `geturl()` reads.
    """
    response._request_url = attempt.url  # see the docstring
    response.retries = attempt.retries  # after the URL: urllib3 2 moves it to the last redirect
    response.decode_content = attempt.options.get("decode_content", True)
    if attempt.options.get("preload_content", True):
        response.data  # noqa: B018  # read and kept (a custom route's read answer stays as it is)
    return response


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
        connection = pool.ConnectionCls(host=pool.host, port=pool.port)
        error = NewConnectionError(
            connection,  # type: ignore[arg-type]  # urllib3 1 names the pool here, 2 the connection
            f"Failed to establish a new connection: {message}",
        )
        try:
            attempt.retries.increment(attempt.method, attempt.url, error=error, _pool=pool)
        except (MaxRetryError, NewConnectionError) as given_up:
            return given_up
        return MaxRetryError(pool, attempt.url, error)

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
    return pool.urlopen(
        method,
        next_url,
        body,
        headers,
        retries=retries,
        redirect=attempt.redirect,
        assert_same_host=attempt.assert_same_host,
        **options,
    )


def on_urlopen(mock: Mock, attempt: Attempt) -> Any:
    """One intercepted urlopen: view, decide, carry out (the dispatch path, in two steps: the
    outcome's kind says whether redirects and retries are canned's to emulate)."""
    outcome = mock.handle(to_request(attempt))
    response = carry_out(mock, outcome, client, attempt)
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
    url = parse_url(url)._replace(fragment=None).url  # as urlopen sends it
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
    )
    return on_urlopen(mock, attempt)
