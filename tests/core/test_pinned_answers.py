"""What routes answer that no other test pinned: `json=` with an empty body, the charset rule
for text bodies, the deprecated `stream` argument kept as given, attributes changed after
registration checked when they next answer, a fault given as the body keeping the status and
headers, exceptions raised again, and what a callback's errors say."""

from __future__ import annotations

import asyncio
import functools
import re
import unittest.mock
from typing import Any

import httpx
import pytest
import requests
from tests.core.conftest import ask

import canned
from canned import faults
from canned.errors import CallbackReplyError, CannedDeprecationWarning

URL = "https://e.test/p"


@pytest.fixture
def mock() -> canned.RequestsMock:
    return canned.RequestsMock(assert_all_requests_are_fired=False)


def error_of(mock: canned.RequestsMock) -> BaseException:
    """The exception the client meets for a GET of URL."""
    outcome = ask(mock, "GET", URL)
    assert outcome.kind == "answer"
    error = outcome.reply.error
    assert error is not None
    return error


# -- Response: arguments ------------------------------------------------------------------------


def test_json_with_an_empty_bytes_body_answers_the_json(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, json={"a": 1}, body=b"")
    reply = ask(mock, "GET", URL).reply
    assert reply.body == b'{"a": 1}'
    assert reply.header("Content-Type") == "application/json"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # as responses' `_has_unicode`: a character above U+0080 adds the charset, U+0080 not
        ("caf\u00e9", "text/plain; charset=utf-8"),
        ("\u0081", "text/plain; charset=utf-8"),
        ("\u0080", "text/plain"),
        ("plain", "text/plain"),
    ],
)
def test_a_text_body_gets_the_utf_8_charset_only_for_a_character_above_u0080(
    mock: canned.RequestsMock, body: str, content_type: str
) -> None:
    mock.add(canned.GET, URL, body=body)
    assert ask(mock, "GET", URL).reply.header("Content-Type") == content_type


def test_the_deprecated_stream_argument_is_kept_on_the_route_as_given() -> None:
    with pytest.warns(CannedDeprecationWarning, match="stream argument is deprecated"):
        route = canned.Response(canned.GET, URL, stream=True)
    assert route.stream is True
    with pytest.warns(CannedDeprecationWarning, match="stream argument is deprecated"):
        callback_route = canned.CallbackResponse(
            canned.GET, URL, lambda request: (200, {}, ""), stream=False
        )
    assert callback_route.stream is False


class OnlyReads:
    """A file-like body with `read` only: no iteration, no `readline`."""

    def read(self, size: int = -1) -> bytes:
        return b"read"


def test_a_body_with_only_a_read_method_is_answered_as_a_file(
    mock: canned.RequestsMock,
) -> None:
    body = OnlyReads()
    mock.add(canned.GET, URL, body=body)
    assert ask(mock, "GET", URL).reply.body is body


# -- Response: attributes changed after registration --------------------------------------------


@pytest.mark.parametrize("status", [1000, -1])
def test_a_status_set_out_of_range_after_registration_fails_the_next_answer(
    mock: canned.RequestsMock, status: int
) -> None:
    route = mock.add(canned.GET, URL, status=200)
    route.status = status
    error = error_of(mock)
    assert isinstance(error, ValueError)
    assert str(error) == (
        f"Response attribute: status must be an int from 0 to 999, got {status} (int)"
    )


def test_a_body_set_to_a_wrong_type_after_registration_fails_the_next_answer_naming_it(
    mock: canned.RequestsMock,
) -> None:
    route = mock.add(canned.GET, URL, body="x")
    route.body = 5
    error = error_of(mock)
    assert isinstance(error, TypeError)
    assert str(error) == (
        "Response attribute: body must be str, bytes, a file object, an iterable of bytes, "
        "an exception or a fault, got 5 (int)"
    )


def test_headers_set_to_a_wrong_type_after_registration_fail_the_next_answer_naming_them(
    mock: canned.RequestsMock,
) -> None:
    route = mock.add(canned.GET, URL, headers={"X-A": "1"})
    route.headers = 5
    error = error_of(mock)
    assert isinstance(error, TypeError)
    assert str(error) == (
        "Response attribute: headers must be a dict or a list of (name, value) pairs, got 5 (int)"
    )


# -- a fault or an exception as the body ---------------------------------------------------------


TRUNCATED_AS_BODY: str = (
    "body must be a fault that happens instead of the answer (truncated() goes in faults=, "
    "beside the body it cuts), got canned.faults.truncated(after=0) (Fault)"
)


def test_a_truncated_fault_given_as_the_body_is_refused_at_add_since_it_cuts_a_body(
    mock: canned.RequestsMock,
) -> None:
    with pytest.raises(ValueError, match="truncated") as raised:
        mock.add(canned.GET, URL, body=faults.truncated(0), status=503)
    assert str(raised.value) == "add(): " + TRUNCATED_AS_BODY
    assert mock.registered() == []


def test_a_truncated_fault_as_a_callbacks_body_is_refused_when_the_callback_gives_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add_callback(canned.GET, URL, lambda request: (503, {"X-A": "1"}, faults.truncated(0)))
    with mock, pytest.raises(ValueError, match=re.escape(TRUNCATED_AS_BODY)):
        requests.get(URL)


class TaggedError(Exception):
    """An exception whose constructor adds to its args: `copy.copy`, which makes it again from
    its args, would read otherwise."""

    def __init__(self, *parts: Any) -> None:
        super().__init__(*parts, "tagged")

    def __str__(self) -> str:
        return str(self.args[0])


def test_an_exception_whose_constructor_changes_its_args_is_raised_afresh_reading_the_same(
    mock: canned.RequestsMock,
) -> None:
    given = TaggedError("boom")
    mock.add(canned.GET, URL, body=given)
    first = error_of(mock)
    second = error_of(mock)
    assert first is given
    assert second is not given
    assert (type(second), second.args, str(second)) == (TaggedError, ("boom", "tagged"), "boom")


def send_get(is_async: bool) -> httpx.Response:
    """A GET of URL sent with httpx's sync or async client."""
    if not is_async:
        return httpx.get(URL)

    async def send() -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(URL)

    return asyncio.run(send())


@pytest.mark.parametrize(
    "register",
    [
        lambda mock: mock.add(canned.GET, URL, body=KeyError("given")),
        lambda mock: mock.add_callback(
            canned.GET, URL, lambda request: (200, {}, KeyError("given"))
        ),
    ],
    ids=["Response", "callback"],
)
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_chaos_truncating_answers_still_raises_a_routes_own_exception(
    register: Any, is_async: bool
) -> None:
    chaos = faults.Chaos(1.0, faults.truncated(0))
    with canned.RequestsMock(chaos=chaos, assert_all_requests_are_fired=False) as mock:
        register(mock)
        with pytest.raises(KeyError, match="given"):
            send_get(is_async)


# -- CallbackResponse: what its errors say ---------------------------------------------------------


def test_callback_response_names_itself_when_the_callback_is_not_callable() -> None:
    with pytest.raises(TypeError) as raised:
        canned.CallbackResponse(canned.GET, URL, 5)  # type: ignore[arg-type]
    assert str(raised.value) == "CallbackResponse(): callback must be callable, got 5 (int)"


def test_callback_response_names_itself_when_the_content_type_is_not_text() -> None:
    with pytest.raises(TypeError) as raised:
        canned.CallbackResponse(
            canned.GET,
            URL,
            lambda request: (200, {}, ""),
            content_type=5,  # type: ignore[arg-type]
        )
    assert str(raised.value) == (
        "CallbackResponse(): content_type must be a str or None, got 5 (int)"
    )


def wrong_answer(request: Any, answer: Any) -> Any:
    return answer


def test_a_callback_without_a_qualname_is_named_by_its_repr_when_it_returns_a_wrong_value(
    mock: canned.RequestsMock,
) -> None:
    callback = functools.partial(wrong_answer, answer=5)
    mock.add_callback(canned.GET, URL, callback)
    error = error_of(mock)
    assert isinstance(error, CallbackReplyError)
    assert str(error) == (
        f"callback {callback!r} must return (status, headers, body) or an exception, got 5 (int)"
    )


def test_a_callbacks_wrong_headers_are_reported_naming_the_callback(
    mock: canned.RequestsMock,
) -> None:
    mock.add_callback(canned.GET, URL, functools.partial(wrong_answer, answer=(200, 5, "")))
    error = error_of(mock)
    assert isinstance(error, TypeError)
    assert re.fullmatch(
        r"callback functools\.partial\(.*\): headers must be a dict or a list of "
        r"\(name, value\) pairs, got 5 \(int\)",
        str(error),
    )


def test_a_callbacks_wrong_body_is_reported_naming_the_callback(
    mock: canned.RequestsMock,
) -> None:
    def answers_an_int_body(request: Any) -> Any:
        return (200, {}, 5)

    mock.add_callback(canned.GET, URL, answers_an_int_body)
    error = error_of(mock)
    assert isinstance(error, TypeError)
    assert str(error) == (
        "callback test_a_callbacks_wrong_body_is_reported_naming_the_callback.<locals>."
        "answers_an_int_body: body must be str, bytes, a file object, an iterable of bytes, "
        "an exception or a fault, got 5 (int)"
    )


# -- what a route reads afresh at each answer ----------------------------------------------------


def test_a_bytearray_body_changed_in_place_is_answered_as_it_is_now() -> None:
    body = bytearray(b"one")
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, "https://e.test/a", body=body)
        assert requests.get("https://e.test/a").content == b"one"
        body[:] = b"two!"
        answer = requests.get("https://e.test/a")
    assert answer.content == b"two!"


@pytest.mark.parametrize("kind", ["response", "callback"])
def test_get_headers_set_on_one_route_gives_its_answers_headers(kind: str) -> None:
    with canned.RequestsMock() as mock:
        if kind == "response":
            route = mock.add(canned.GET, "https://e.test/a", body=b"x")
        else:
            route = mock.add_callback(canned.GET, "https://e.test/a", lambda r: (200, {}, "x"))
        other = mock.add(canned.GET, "https://e.test/b", body=b"y")
        with unittest.mock.patch.object(route, "get_headers", return_value=[("X-Own", "1")]):
            patched = requests.get("https://e.test/a").headers
            untouched = requests.get("https://e.test/b").headers
        after = requests.get("https://e.test/a").headers
    assert patched["X-Own"] == "1"
    assert "X-Own" not in untouched
    assert "X-Own" not in after
    assert other.call_count == 1


def test_chaos_leaves_a_routes_own_exception_as_it_is_for_async_clients_as_for_sync_ones() -> None:
    async def ask_async() -> None:
        async with httpx.AsyncClient() as client:
            await client.get("https://e.test/a")

    for send in (lambda: httpx.get("https://e.test/a"), lambda: asyncio.run(ask_async())):
        with canned.RequestsMock(chaos=faults.Chaos(1.0, faults.connection_reset())) as mock:
            mock.add(canned.GET, "https://e.test/a", body=KeyError("given"))
            with pytest.raises(KeyError, match="given"):
                send()
