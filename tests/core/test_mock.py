"""The mock's own decisions: the unmatched-request policy, and nothing lost from the call log."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
import requests
from tests.servers import SpySend

import canned

URL = "https://mock.example.test/a"


def test_on_unmatched_warn_warns_with_the_diagnosis_then_refuses() -> None:
    with canned.RequestsMock(on_unmatched="warn") as mock:
        with (
            pytest.warns(canned.UnmatchedRequestWarning) as warned,
            pytest.raises(requests.ConnectionError),
        ):
            requests.get(URL)
        assert str(warned[0].message).startswith("Connection refused by Responses")
        assert len(mock.calls) == 1


def test_an_on_unmatched_policy_can_answer_with_a_route() -> None:
    def teapot(request: Any) -> canned.Response:
        return canned.Response(request.method, request.url, status=418)

    with canned.RequestsMock(on_unmatched=teapot) as mock:
        assert requests.get(URL).status_code == 418
        assert mock.calls[0].response.status_code == 418


def test_an_on_unmatched_policy_returning_none_refuses_as_usual() -> None:
    with (
        canned.RequestsMock(on_unmatched=lambda request: None),
        pytest.raises(requests.ConnectionError, match="Connection refused by Responses"),
    ):
        requests.get(URL)


def test_an_on_unmatched_policy_can_let_a_request_through() -> None:
    spy = SpySend()

    def through(request: Any) -> canned.PassthroughResponse:
        return canned.PassthroughResponse(request.method, request.url)

    with canned.RequestsMock(on_unmatched=through, real_adapter_send=spy) as mock:
        assert requests.get(URL).status_code == 200
        assert len(mock.calls) == 1
    assert spy.sent == [URL]


def test_an_on_unmatched_policy_that_raises_is_recorded_with_the_request() -> None:
    def refuse(request: Any) -> None:
        raise PermissionError("not in this test")

    with canned.RequestsMock(on_unmatched=refuse) as mock:
        with pytest.raises(PermissionError) as raised:
            requests.get(URL)
        assert raised.value.request is mock.calls[0].request  # type: ignore[attr-defined]
        assert mock.calls[0].response is raised.value


def test_an_on_unmatched_policy_returning_junk_names_the_policy() -> None:
    with (
        canned.RequestsMock(on_unmatched=lambda request: 404),
        pytest.raises(
            TypeError, match=r"^on_unmatched: the policy's return value must be a route or None"
        ),
    ):
        requests.get(URL)


def test_an_exception_from_response_callback_is_recorded() -> None:
    def broken(response: requests.Response) -> requests.Response:
        raise RuntimeError("callback bug")

    with canned.RequestsMock(response_callback=broken) as mock:
        route = mock.add(canned.GET, URL)
        with pytest.raises(RuntimeError, match="callback bug") as raised:
            requests.get(URL)
        assert mock.calls[0].response is raised.value
        assert route.calls[0] is mock.calls[0]


def test_a_response_callback_returning_junk_is_named() -> None:
    def junk(response: requests.Response) -> Any:
        return "not a response"

    with canned.RequestsMock(response_callback=junk) as mock:
        mock.add(canned.GET, URL)
        with pytest.raises(TypeError, match=r"^response_callback .*junk must return a Response"):
            requests.get(URL)
        assert isinstance(mock.calls[0].response, TypeError)


def test_a_mock_and_its_routes_are_freed_when_dropped_without_the_garbage_collector() -> None:
    # a reference cycle would keep every mock of a long suite until the collector ran
    gc.disable()
    try:
        mock = canned.RequestsMock(assert_all_requests_are_fired=False)
        with mock:
            route = mock.add(canned.GET, URL, body="x")
            requests.get(URL)
        refs = [weakref.ref(mock), weakref.ref(route), weakref.ref(mock.get_registry())]
        del mock, route
        assert [ref() for ref in refs] == [None, None, None]
    finally:
        gc.enable()
