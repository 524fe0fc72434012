"""The mock's own decisions: the unmatched-request policy, and nothing lost from the call log."""

from __future__ import annotations

import gc
import weakref
from types import SimpleNamespace
from typing import Any

import pytest
from tests.core.conftest import ask

import canned
from canned._core.reply import Reply

URL = "https://mock.example.test/a"


def test_on_unmatched_warn_warns_with_the_diagnosis_then_refuses() -> None:
    with canned.RequestsMock(on_unmatched="warn") as mock:
        with pytest.warns(canned.UnmatchedRequestWarning) as warned:
            outcome = ask(mock, "GET", URL)
        assert outcome.kind == "unmatched"
        assert outcome.message.startswith("Connection refused by Responses")
        assert str(warned[0].message) == outcome.message
        mock.settle_error(outcome, ConnectionRefusedError(outcome.message))
        assert len(mock.calls) == 1


def test_an_on_unmatched_policy_can_answer_with_a_route() -> None:
    def teapot(request: Any) -> canned.Response:
        return canned.Response(request.method, request.url, status=418)

    with canned.RequestsMock(on_unmatched=teapot) as mock:
        outcome = ask(mock, "GET", URL)
        assert (outcome.kind, outcome.reply.status) == ("answer", 418)
        mock.settle(outcome, outcome.reply)
        assert mock.calls[0].response.status == 418


def test_an_on_unmatched_policy_returning_none_refuses_as_usual() -> None:
    with canned.RequestsMock(on_unmatched=lambda request: None) as mock:
        outcome = ask(mock, "GET", URL)
    assert outcome.kind == "unmatched"
    assert outcome.message.startswith("Connection refused by Responses")


def test_an_on_unmatched_policy_can_let_a_request_through() -> None:
    def through(request: Any) -> canned.PassthroughResponse:
        return canned.PassthroughResponse(request.method, request.url)

    with canned.RequestsMock(on_unmatched=through) as mock:
        outcome = ask(mock, "GET", URL)
        assert (outcome.kind, outcome.route.url) == ("passthrough", URL)  # type: ignore[union-attr]
        mock.settle(outcome, "the real answer")
        assert len(mock.calls) == 1


def test_an_on_unmatched_policy_that_raises_is_recorded_with_the_request() -> None:
    def refuse(request: Any) -> None:
        raise PermissionError("not in this test")

    native = SimpleNamespace()  # the client's own request object
    with canned.RequestsMock(on_unmatched=refuse) as mock:
        outcome = ask(mock, "GET", URL, native=native)
        error = outcome.reply.error
        assert (outcome.kind, type(error)) == ("answer", PermissionError)
        assert error.request is native
        mock.settle_error(outcome, error)
        assert mock.calls[0].request.native is native
        assert mock.calls[0].response is error


def test_an_on_unmatched_policy_returning_junk_names_the_policy() -> None:
    with canned.RequestsMock(on_unmatched=lambda request: 404) as mock:
        outcome = ask(mock, "GET", URL)
    assert isinstance(outcome.reply.error, TypeError)
    assert str(outcome.reply.error).startswith(
        "on_unmatched: the policy's return value must be a route or None"
    )


def test_an_exception_from_response_callback_is_recorded() -> None:
    def broken(response: Reply) -> Reply:
        raise RuntimeError("callback bug")

    with canned.RequestsMock(response_callback=broken) as mock:
        route = mock.add(canned.GET, URL)
        outcome = ask(mock, "GET", URL)
        with pytest.raises(RuntimeError, match="callback bug") as raised:
            mock.settle(outcome, outcome.reply)
        assert mock.calls[0].response is raised.value
        assert route.calls[0] is mock.calls[0]


def test_a_response_callback_returning_junk_is_named() -> None:
    def junk(response: Reply) -> Any:
        return "not a response"

    with canned.RequestsMock(response_callback=junk) as mock:
        mock.add(canned.GET, URL)
        outcome = ask(mock, "GET", URL)
        with pytest.raises(TypeError, match=r"^response_callback .*junk must return a Reply"):
            mock.settle(outcome, outcome.reply)
        assert isinstance(mock.calls[0].response, TypeError)


def test_a_mock_and_its_routes_are_freed_when_dropped_without_the_garbage_collector() -> None:
    # a reference cycle would keep every mock of a long suite until the collector ran
    gc.disable()
    try:
        mock = canned.RequestsMock(assert_all_requests_are_fired=False)
        with mock:
            route = mock.add(canned.GET, URL, body="x")
            outcome = ask(mock, "GET", URL)
            mock.settle(outcome, outcome.reply)
        refs = [weakref.ref(mock), weakref.ref(route), weakref.ref(mock.get_registry())]
        del mock, route, outcome
        assert [ref() for ref in refs] == [None, None, None]
    finally:
        gc.enable()
