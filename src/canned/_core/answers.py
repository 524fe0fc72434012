"""The route kinds that answer: a static answer, one computed per request, the real network.

Owns: `Response`, `CallbackResponse` and `PassthroughResponse` with responses' names and
arguments, and `check_body`, what a body may be. Arguments are checked here, at registration;
changed attributes of a `Response` are checked when they next answer. Must not import an HTTP
client: answers are `Reply` values that adapters convert.
"""

from __future__ import annotations

import copy
import io
import json as json_module
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Sequence
from typing import Any, Final

from canned._core import validation
from canned._core.faults import Fault
from canned._core.headers import UNSET, HeaderPairs, has_content_type
from canned._core.reply import Body, Pending, Reply
from canned._core.routes import URL, BaseResponse, Matcher
from canned.errors import CallbackReplyError, warn_deprecated

STREAM_DEPRECATED: Final = "stream argument is deprecated. Use stream parameter in request directly"
CONTENT_TYPE_TWICE: Final = (
    "You cannot define both `content_type` and `headers[Content-Type]`. "
    "Using the `content_type` kwarg is recommended."
)


def raised_anew(route: BaseResponse, error: BaseException) -> BaseException:
    """The exception `route` raises for this request when its answer is `error`: `error` itself
    the first time (so `except ... as e: assert e is error` holds, as in responses), then a
    fresh copy of it as given each time after, with its own traceback and `.request`: raising
    one instance again would grow its traceback and keep the first request on it."""
    kept: tuple[BaseException, BaseException | None] | None = route.__dict__.get("_given_error")
    if kept is None or kept[0] is not error:
        route.__dict__["_given_error"] = (error, _faithful_copy(error))
        return error.with_traceback(None)  # it may have been raised before, in another test
    pristine = kept[1]
    if pristine is None:
        return error.with_traceback(None)
    return _faithful_copy(pristine) or error.with_traceback(None)


def _faithful_copy(error: BaseException) -> BaseException | None:
    """A copy of `error` that reads the same (type, args, text, attributes): `copy.copy`, else
    (a class whose `__reduce__` rebuilds it otherwise, as urllib3 1.26's errors do) one made
    with its arguments and given its attributes, without running `__init__` again; None when
    neither reads the same."""
    for make in (copy.copy, _rebuilt):
        try:
            clone = make(error)
        except Exception:  # an exception class this way cannot rebuild: try the next
            continue
        if (
            type(clone) is type(error)
            and clone.args == error.args
            and str(clone) == str(error)
            and clone.__dict__ == error.__dict__
        ):
            return clone
    return None


def _rebuilt(error: BaseException) -> BaseException:
    clone = type(error).__new__(type(error), *error.args)
    clone.args = error.args
    clone.__dict__.update(error.__dict__)
    return clone


def check_body(where: str, body: Any) -> Body | BaseException | Fault:
    """A body a route can answer with: text, bytes, a file, chunks, or an exception to raise.
    None is an empty body, as in responses."""
    if type(body) is bytes:  # the usual case first: this runs for every route
        return body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, Fault) and body.kind == "truncated":  # it cuts a body: it has none
        validation.reject(
            where,
            "body",
            "a fault that happens instead of the answer (truncated() goes in "
            "faults=, beside the body it cuts)",
            body,
            error=ValueError,
        )
    if isinstance(body, (bytes, BaseException, Fault)):
        return body  # a fault (`body=faults.read_timeout()`) happens instead of the answer
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, io.TextIOBase):  # its reads give text, which no client can send
        validation.reject(where, "body", "a file opened in binary mode ('rb')", body)
    if hasattr(body, "read") or isinstance(body, AsyncIterable):
        return body  # type: ignore[no-any-return]  # a file object or async chunks, used as given
    if isinstance(body, (list, tuple)):
        if all(isinstance(chunk, (bytes, str)) for chunk in body):
            return body  # chunks, checked now; an iterator is checked as it is read
    elif isinstance(body, Iterable) and not isinstance(body, (dict, set, frozenset)):
        return body
    validation.reject(
        where,
        "body",
        "str, bytes, a file object, an iterable of bytes, an exception or a fault",
        body,
    )


class Response(BaseResponse):
    """Same as `responses.Response`: a static answer (body, JSON, or an exception to raise).

    Differs: `json=` together with `body=` is a `ValueError` (responses: a bare assert); a
    Content-Type given in `headers` in any case or form replaces the default, so it is sent once.
    """

    def __init__(
        self,
        method: str,
        url: URL,
        body: Any = "",
        json: Any = None,
        status: int = 200,
        headers: Any = None,
        stream: bool | None = None,
        content_type: Any = UNSET,
        auto_calculate_content_length: bool = False,
        *,
        match_querystring: Any = None,
        match: Sequence[Matcher] = (),
        passthrough: bool = False,
        _where: str | None = None,
        **behaviour: Any,
    ) -> None:
        super().__init__(
            method,
            url,
            match_querystring,
            match,
            passthrough=passthrough,
            _where=_where,
            **behaviour,
        )
        where = _where or validation.class_call(type(self))
        if type(status) is not int or not 0 <= status <= 999:
            status = validation.check_status(where, status)
        self.status: int = status
        pairs = () if headers is None else validation.check_headers(where, headers)
        if json is not None:
            if body is not None and body not in ("", b""):
                raise ValueError(f"{where}: pass json= or body=, not both")
            body = validation.check_json(where, json)
        self.body: Any = body
        self._body = check_body(where, body)
        if stream is not None:
            warn_deprecated(STREAM_DEPRECATED)
        self.stream = stream
        if content_type is UNSET:
            if json is not None:
                content_type = "application/json"
            elif isinstance(body, str) and not body.isascii() and any(ord(c) > 128 for c in body):
                content_type = "text/plain; charset=utf-8"
            else:
                content_type = "text/plain"
        elif has_content_type(pairs):
            raise RuntimeError(CONTENT_TYPE_TWICE)
        if content_type is not None and not isinstance(content_type, str):
            validation.reject(where, "content_type", "a str or None", content_type)
        self.content_type = content_type
        self.headers = headers
        if auto_calculate_content_length is not False:
            validation.check_bool(
                where, "auto_calculate_content_length", auto_calculate_content_length
            )
        self.auto_calculate_content_length = auto_calculate_content_length
        self._header_pairs = self._answer_headers(pairs)
        self._made_from = self._answer_inputs()

    def _answer_inputs(self) -> tuple[Any, ...]:
        """The attributes the answer is made from, as set now."""
        return (
            self.body,
            self.status,
            self.headers,
            self.content_type,
            self.auto_calculate_content_length,
        )

    def _answer_headers(self, pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        headers = self._content_type_header(pairs) + pairs
        if (
            self.auto_calculate_content_length
            and isinstance(self._body, bytes)
            and not any(name.lower() == "content-length" for name, _ in pairs)
        ):
            headers += (("Content-Length", str(len(self._body))),)
        return headers

    def _refresh(self) -> None:
        """Remake the answer from the attributes as they are now: suites change `body`,
        `status` or `headers` (in place too) between requests, as responses allows."""
        where = f"{type(self).__name__} attribute"
        status = self.status
        if type(status) is not int or not 0 <= status <= 999:
            validation.check_status(where, status)
        if self.body is not self._made_from[0] or isinstance(self.body, (bytearray, memoryview)):
            self._body = check_body(where, self.body)
        self._header_pairs = self._answer_headers(validation.check_headers(where, self.headers))
        self._made_from = self._answer_inputs()

    def _current(self) -> None:
        if (
            self.headers is not None
            or self._made_from != self._answer_inputs()
            or isinstance(self.body, (bytearray, memoryview))  # changed in place: read afresh
        ):
            self._refresh()

    def get_headers(self) -> HeaderPairs:
        """The answer's header pairs, Content-Type first; repeated names are kept."""
        self._current()
        return HeaderPairs(self._header_pairs)

    def get_response(self, request: Any) -> Reply:
        self._current()
        # a subclass's `get_headers`, or one set on this route (`mock.patch.object`)
        own = self._own_headers or "get_headers" in self.__dict__
        pairs = self._own_header_pairs() if own else self._header_pairs
        body = self._body
        if type(body) is bytes:  # the usual case first: this runs per answer
            return Reply(self.status, pairs, body)
        if isinstance(body, BaseException):
            return Reply(self.status, pairs, error=raised_anew(self, body))
        if isinstance(body, Fault):
            return Reply(self.status, pairs, fault=body)
        return Reply(self.status, pairs, body)

    def __repr__(self) -> str:
        """As responses shows a route: the URL as given (a regex as its repr), the headers as
        JSON."""
        try:
            shown_headers = json_module.dumps(self.headers)
        except TypeError:  # a header class JSON cannot write: shown as its pairs
            shown_headers = json_module.dumps(dict(self.headers))
        return (
            f"<Response(url='{self.url}' status={self.status} "
            f"content_type='{self.content_type}' headers='{shown_headers}')>"
        )


class CallbackResponse(BaseResponse):
    """Same as `responses.CallbackResponse`: `callback(request)` computes each answer.

    The callback returns `(status, headers, body)` or an exception (which is raised); an
    `async def` callback is awaited, on the event loop of an async client (canned's own).
    Differs: a malformed return value raises `CallbackReplyError` naming the callback; every
    exception raised carries `.request` (responses sets it on some only).
    """

    def __init__(
        self,
        method: str,
        url: URL,
        callback: Callable[[Any], Any],
        stream: bool | None = None,
        content_type: str | None = "text/plain",
        **kwargs: Any,
    ) -> None:
        super().__init__(method, url, **kwargs)
        where = kwargs.get("_where") or validation.class_call(type(self))
        validation.check_callable(where, "callback", callback)
        self.callback = callback
        if stream is not None:
            warn_deprecated(STREAM_DEPRECATED)
        self.stream = stream
        if content_type is not None and not isinstance(content_type, str):
            validation.reject(where, "content_type", "a str or None", content_type)
        self.content_type = content_type

    def get_response(self, request: Any) -> Reply | Pending:
        """The callback's answer; an `async def` callback's is `Pending` (awaited by the
        dispatch path: on the loop for an async client)."""
        result = self.callback(request)
        if isinstance(result, Awaitable):  # not `inspect`: importing it costs 3 ms
            return Pending(result, self._reply_from)
        return self._reply_from(result)

    def _reply_from(self, result: Any) -> Reply:
        """The `Reply` for what the callback returned."""
        if isinstance(result, BaseException):
            return Reply(error=raised_anew(self, result))
        name = getattr(self.callback, "__qualname__", repr(self.callback))
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            raise CallbackReplyError(
                f"callback {name} must return (status, headers, body) or an exception, "
                f"got {validation.shown(result)}"
            )
        status, headers, body = result
        where = f"callback {name}"
        status = validation.check_status(where, status)
        header_pairs = validation.check_headers(where, headers)
        checked = check_body(where, body)
        # a subclass's `get_headers`, or one set on this route: a Content-Type from the
        # callback replaces its own, as in responses
        if self._own_headers or "get_headers" in self.__dict__:
            own = self._own_header_pairs()
            if has_content_type(header_pairs):
                own = tuple(pair for pair in own if pair[0].lower() != "content-type")
            pairs = own + header_pairs
        else:
            pairs = self._content_type_header(header_pairs) + header_pairs
        if isinstance(checked, BaseException):
            return Reply(status, pairs, error=raised_anew(self, checked))
        if isinstance(checked, Fault):
            return Reply(status, pairs, fault=checked)
        return Reply(status, pairs, checked)


class PassthroughResponse(BaseResponse):
    """Same as `responses.PassthroughResponse`: requests that match go to the real network."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["passthrough"] = True
        super().__init__(*args, **kwargs)
