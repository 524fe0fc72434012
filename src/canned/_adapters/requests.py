"""The requests adapter: intercept `HTTPAdapter.send`, convert, and decide nothing.

Owns: the patch of `requests.adapters.HTTPAdapter.send` (so every Session, mounted subclass and
library built on requests is intercepted), `to_request` (PreparedRequest -> view), the
conversions the dispatch path uses (a `Reply` -> a real `requests.Response` built by the
adapter's own `build_response` over an unread `urllib3.HTTPResponse`; `requests.ConnectionError`
when unmatched; each fault as the exception requests raises for it), urllib3 `Retry` emulated
without sleeping, and the clock `Session.send` times requests with (so `elapsed` shows latency).
"""

from __future__ import annotations

import threading
from time import perf_counter
from typing import TYPE_CHECKING, Any, Callable, Final

import requests
from requests import sessions
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util import Timeout
from urllib3.util.retry import Retry

from canned._adapters.chunks import decoded_chunks
from canned._adapters.urllib3_responses import raw_response, read_again
from canned._core import activation
from canned._core.dispatch import carry_out
from canned._core.reply import Reply
from canned._core.request import VIEW_ATTRIBUTE, Request, to_bytes

if TYPE_CHECKING:
    from canned._core.faults import Fault
    from canned._core.mock import Mock

SEND_ARGUMENTS: Final = ("stream", "timeout", "verify", "cert", "proxies")
Send = Callable[..., requests.Response]

# The send that was in place when canned was imported (responses' `_real_send`).
real_send: Final[Send] = HTTPAdapter.send
real_clock: Final = sessions.preferred_clock


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


def as_sent_unwrapped(error: HTTPError, prepared: requests.PreparedRequest) -> Exception:
    """What `HTTPAdapter.send` raises for a urllib3 error urlopen raised as it met it (retries
    off): a broken connection as `ConnectionError`, a read timeout as `ReadTimeout`, and any
    other urllib3 error (a connect timeout, a refused connection) as it is."""
    if isinstance(error, (ProtocolError, OSError)):
        return requests.ConnectionError(error, request=prepared)
    if isinstance(error, ReadTimeoutError):
        return requests.ReadTimeout(error, request=prepared)
    return error


class Retrying:
    """urllib3's `Retry` as one attempt has it, and the one the next attempt gets when a fault
    the Retry allows again is met (set by `fault_error`, as urlopen retries one)."""

    __slots__ = ("again", "retries")

    def __init__(self, retries: Any) -> None:
        self.retries = retries
        self.again: Retry | None = None


# send's keyword arguments, the real send, and the attempt's Retry.
Context = tuple[HTTPAdapter, requests.PreparedRequest, dict[str, Any], Send, Retrying]


def as_requests_error(error: Exception, prepared: requests.PreparedRequest) -> Exception:
    """The exception `HTTPAdapter.send` raises for an error urllib3's urlopen raised (a fault
    never gives up on a status, so `RetryError` is not among them)."""
    if isinstance(error, MaxRetryError):
        reason = error.reason
        if isinstance(reason, ConnectTimeoutError) and not isinstance(reason, NewConnectionError):
            return requests.ConnectTimeout(error, request=prepared)
        return requests.ConnectionError(error, request=prepared)
    if isinstance(error, ReadTimeoutError):
        return requests.ReadTimeout(error, request=prepared)
    if isinstance(error, ConnectTimeoutError) and not isinstance(error, NewConnectionError):
        return requests.ConnectTimeout(error, request=prepared)  # an attempt retried after
    return requests.ConnectionError(error, request=prepared)  # ProtocolError, OSError


class LatencyClock(threading.local):
    """`requests.sessions.preferred_clock` while a mock is active: the real clock plus the
    latency of this thread's answers, so `Session.send` measures `elapsed` as if the server
    took that long, though no time passed."""

    def __init__(self) -> None:
        self.latency = 0.0

    def __call__(self) -> float:
        return perf_counter() + self.latency


clock: Final = LatencyClock()


class RequestsClient:
    """requests' conversions for the dispatch path."""

    def to_native(self, reply: Reply, context: Context) -> requests.Response:
        adapter, prepared = context[0], context[1]
        if reply.elapsed:
            clock.latency += reply.elapsed  # the answer took this long: `elapsed` says so
        return adapter.build_response(prepared, raw_response(reply, prepared.method or "GET"))

    def fault_error(self, fault: Fault, context: Context) -> BaseException:
        """What requests raises for `fault` from a real server: the error urlopen meets, given
        to the adapter's `Retry` as urlopen gives it (a connect fault counts against `connect`,
        a read fault against `read`), raised as `HTTPAdapter.send` raises it. While the Retry
        allows, the request is asked again (`Retrying.again`), as urlopen asks again."""
        from canned._adapters.urllib3 import met_error  # faults only: keeps import canned fast

        adapter, prepared, _, _, retrying = context
        url = prepared.url or ""
        pool = adapter.poolmanager.connection_from_url(url)  # made, not connected
        met = met_error(fault, pool, prepared.path_url)
        try:
            retrying.again = retrying.retries.increment(
                prepared.method, prepared.path_url, error=met
            )
        except MaxRetryError as given_up:
            return as_requests_error(given_up, prepared)
        except HTTPError as given_up:  # `met` raised again: retries are off, or not for this
            return as_sent_unwrapped(given_up, prepared)
        return as_requests_error(met, prepared)  # this attempt's; the next one is asked

    def read_timeout(self, context: Context) -> float | None:
        """The read timeout given to `send` (a number, a `(connect, read)` pair, a urllib3
        `Timeout`, or None)."""
        timeout = context[2].get("timeout")
        if isinstance(timeout, tuple):
            return timeout[1]  # type: ignore[no-any-return]  # (connect, read)
        if isinstance(timeout, Timeout):
            return timeout.read_timeout  # urllib3 resolves it
        return timeout  # a number or None

    def adopt(self, response: Any, context: Context) -> requests.Response:
        adapter, prepared = context[0], context[1]
        return adapter.build_response(prepared, response)  # a custom route's urllib3 response

    def refused(self, message: str, context: Context) -> BaseException:
        return requests.ConnectionError(message, request=context[1])

    def send(self, context: Context) -> requests.Response:
        adapter, prepared, kwargs, real, _ = context
        return real(adapter, prepared, **kwargs)

    def snapshot(
        self, response: requests.Response, context: Context
    ) -> tuple[Reply, requests.Response]:
        """The real answer as recorded: `.content` reads the body once, decoded by urllib3,
        and keeps it for the caller (a `stream=True` caller iterates the kept bytes). Header
        pairs come from urllib3's response, repeats (Set-Cookie) apart. A chunked answer is
        read from urllib3's response chunk by chunk, as the server sent them, and the caller
        reads them again from a new one over the same chunks."""
        raw = response.raw
        headers: Any = getattr(raw, "headers", None)
        pairs = tuple((headers if hasattr(headers, "items") else response.headers).items())
        if isinstance(raw, HTTPResponse) and raw.chunked and raw.supports_chunked_reads():
            sent = tuple(raw.read_chunked(decode_content=False))
            response.raw = read_again(raw, sent, context[1].method or "GET")
            body = decoded_chunks(sent, raw.headers.get("Content-Encoding"))
            return Reply(response.status_code, pairs, body), response
        return Reply(response.status_code, pairs, response.content or b""), response


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
    retries = retries or adapter.max_retries
    retrying = Retrying(retries)
    outcome = mock.handle(to_request(prepared, kwargs))
    try:
        response = carry_out(mock, outcome, client, (adapter, prepared, kwargs, real, retrying))
    except requests.RequestException:
        if retrying.again is None:
            raise
    finally:
        # The view served matching; the call log keeps the PreparedRequest (with `params`
        # and `req_kwargs`) and `view_of` rebuilds a view if one is asked for later.
        if VIEW_ATTRIBUTE in prepared.__dict__:  # a response_callback or a hook may have it
            delattr(prepared, VIEW_ATTRIBUTE)  # not `__dict__.pop`: that would make a dict
    if retrying.again is not None:  # a fault urllib3's Retry lets it send again after: unslept
        return on_request(mock, adapter, prepared, kwargs, real=real, retries=retrying.again)
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
        sessions.preferred_clock = clock  # how Session.send times a request

    def uninstall(self) -> None:
        HTTPAdapter.send = self.original  # type: ignore[method-assign]  # the public seam
        sessions.preferred_clock = real_clock


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
    return on_request(mock, adapter, request, send_kwargs(args, kwargs), real=real_send_for(mock))


def real_send_for(mock: Any) -> Send:
    """The send a passthrough takes: the mock's `real_adapter_send`, else the send that was in
    place when canned patched `HTTPAdapter.send`."""
    return getattr(mock, "real_adapter_send", None) or interceptor.original
