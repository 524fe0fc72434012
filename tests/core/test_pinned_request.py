"""The request view, replies and the call log: behaviours no other test pinned: a form body
whose Content-Type has several parameters, the request canned gives a raised exception, and
which answers carry no body."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType, SimpleNamespace
from typing import Any
from unittest.mock import Mock

import pytest
import requests

import canned
from canned import matchers
from canned._core.calls import Call, CallList
from canned._core.reply import is_bodiless
from canned._core.request import Request, view_of

URL = "https://request.example.test/a"


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


# -- the request view ------------------------------------------------------------------------------


def test_a_form_body_reads_as_text_whatever_parameters_follow_its_content_type() -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8; x=y"}
    assert Request("POST", URL, headers, b"a=1").body == "a=1"


def test_the_views_req_kwargs_is_a_plain_dict_whatever_was_given() -> None:
    assert Request("GET", URL).req_kwargs == {}
    given = Request("GET", URL, req_kwargs=MappingProxyType({"timeout": 3})).req_kwargs
    assert (type(given), given) == (dict, {"timeout": 3})


# -- the request a raised exception carries --------------------------------------------------------


def test_an_exception_body_that_already_names_its_request_keeps_it(
    mock: canned.RequestsMock,
) -> None:
    own = requests.Request("GET", "https://elsewhere.test/").prepare()
    error = requests.ConnectionError("given as the body", request=own)
    mock.add(canned.GET, URL, body=error)
    with pytest.raises(requests.ConnectionError) as raised:
        requests.get(URL)
    assert raised.value is error
    assert raised.value.request is own


def test_an_exception_body_whose_request_cannot_be_set_is_raised_as_it_is(
    mock: canned.RequestsMock,
) -> None:
    class ReadOnlyRequest(Exception):
        @property
        def request(self) -> None:
            return None

    error = ReadOnlyRequest("given as the body")
    mock.add(canned.GET, URL, body=error)
    with pytest.raises(ReadOnlyRequest) as raised:
        requests.get(URL)
    assert raised.value is error
    assert mock.calls[0].response is error


def test_an_httpx_error_raised_by_a_transport_carries_the_request_it_was_sent() -> None:
    httpx = pytest.importorskip("httpx")
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, URL, body=httpx.ConnectTimeout("given as the body"))
        sent = httpx.Request("GET", URL)
        # asked of the transport itself, as an SDK does: no client sets the request on the error
        with httpx.HTTPTransport() as transport, pytest.raises(httpx.ConnectTimeout) as raised:
            transport.handle_request(sent)
    assert raised.value.request is sent


# -- replies and calls -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "bodiless"),
    [
        (100, True),
        (199, True),
        (200, False),
        (201, False),
        (204, True),
        (205, False),
        (303, False),
        (304, True),
        (305, False),
        (404, False),
    ],
)
def test_only_informational_204_and_304_answers_carry_no_body(status: int, bodiless: bool) -> None:
    assert is_bodiless(status) is bodiless


def test_a_call_list_keeps_calls_added_whole_and_can_be_restored_and_emptied() -> None:
    calls = CallList()
    first = Call("request 1", "response 1")
    calls.add_call(first)
    calls.add("request 2", "response 2")
    assert (len(calls), calls[0] is first, list(calls)[1]) == (
        2,
        True,
        Call("request 2", "response 2"),
    )
    assert calls[0:1] == [first]
    calls.restore([first])
    assert list(calls) == [first]
    calls.reset()
    assert list(calls) == []


def test_the_view_of_a_hand_made_request_reads_its_method_and_headers() -> None:
    made = SimpleNamespace(
        method="POST", url=URL, headers={"X-Key": "1"}, body=None, req_kwargs={"timeout": 3}
    )
    assert matchers.header_matcher({"x-key": "1"})(made) == (True, "")
    view = view_of(made)
    assert (view.method, view.headers["x-key"], view.native) == ("POST", "1", made)
    assert view.req_kwargs == {"timeout": 3}


def test_a_hand_made_request_with_only_a_url_is_a_get_without_headers_or_body() -> None:
    view = view_of(SimpleNamespace(url=URL))
    assert (view.method, dict(view.headers), view.content, view.req_kwargs) == ("GET", {}, None, {})


def test_a_route_reads_a_mock_object_standing_in_for_a_request_as_a_hand_made_one() -> None:
    # a Mock answers every attribute, canned's own view attribute included: it is not a view
    made = Mock(method="POST", url=URL, headers={"X-Key": "1"}, body=b"a=1", req_kwargs={})
    route = canned.Response("POST", URL, match=[matchers.header_matcher({"X-Key": "1"})])
    assert route.matches(made) == (True, "")
    assert view_of(made).content == b"a=1"


def test_a_callback_reads_an_httpx_requests_headers_as_httpx_gives_them() -> None:
    httpx = pytest.importorskip("httpx")
    seen: list[list[str]] = []

    def callback(request: Any) -> tuple[int, dict[str, str], str]:
        seen.append(request.headers.get_list("X-A"))  # httpx.Headers' own method
        return 200, {}, ""

    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(canned.GET, URL, callback=callback)
        with httpx.Client() as client:
            client.get(URL, headers=[("X-A", "1"), ("X-A", "2")])
    assert seen == [["1", "2"]]
