"""What `responses` accepts, canned accepts: arguments and habits real suites rely on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

import canned
from canned import BaseResponse, CallbackResponse, Response

URL = "https://api.example.test/items"


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


# -- body=None ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "register",
    [
        lambda m: m.add(canned.GET, URL, body=None),
        lambda m: m.get(URL, body=None),
        lambda m: m.add(Response(canned.GET, URL, body=None)),
        lambda m: m.upsert(canned.GET, URL, body=None),
        lambda m: (m.get(URL, body="old"), m.replace(canned.GET, URL, body=None)),
        lambda m: m.add_callback(canned.GET, URL, callback=lambda request: (200, {}, None)),
    ],
    ids=["add", "get", "Response", "upsert", "replace", "callback"],
)
def test_a_body_of_none_is_an_empty_body(mock: canned.RequestsMock, register: Any) -> None:
    register(mock)
    answer = requests.get(URL)
    assert (answer.status_code, answer.content) == (200, b"")


def test_json_with_a_body_of_none_answers_the_json(mock: canned.RequestsMock) -> None:
    mock.get(URL, json={"a": 1}, body=None)
    assert requests.get(URL).json() == {"a": 1}


# -- status ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [0, 99, 600, 799, 999])
def test_any_status_from_0_to_999_is_registered_and_answered(
    mock: canned.RequestsMock, status: int
) -> None:
    mock.get(URL, status=status)
    assert requests.get(URL).status_code == status


def test_a_callback_may_answer_a_status_outside_the_standard_range(
    mock: canned.RequestsMock,
) -> None:
    mock.add_callback(canned.GET, URL, callback=lambda request: (799, {}, "marker"))
    assert requests.get(URL).status_code == 799


# -- routes built with any URL -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["get_case/1", "", None, 7, "/relative/path"])
@pytest.mark.parametrize(
    "build",
    [
        lambda url: BaseResponse(canned.GET, url),
        lambda url: Response(canned.GET, url, body="x"),
        lambda url: CallbackResponse(canned.GET, url, callback=lambda r: (200, {}, "")),
    ],
    ids=["BaseResponse", "Response", "CallbackResponse"],
)
def test_a_route_is_built_with_any_url_and_compared_by_it(url: Any, build: Any) -> None:
    assert build(url) == build(url)
    assert build(url).url == url


def test_a_route_whose_url_is_not_absolute_is_refused_when_registered(
    mock: canned.RequestsMock,
) -> None:
    route = Response(canned.GET, "get_case/1")
    with pytest.raises(
        ValueError,
        match=re.escape(
            "add(): url must be an absolute URL such as 'https://api.test/path', "
            "got 'get_case/1' (str)"
        ),
    ):
        mock.add(route)
    assert mock.registered() == []


@pytest.mark.parametrize(
    ("register", "message"),
    [
        (
            lambda m: m.add_callback(canned.GET, "x", callback=print),
            "add_callback(): url must be an absolute URL such as 'https://api.test/path', got 'x' (str)",
        ),
        (
            lambda m: m.upsert(Response(canned.GET, None)),
            "upsert(): url must be a URL string or a compiled regex, got None (NoneType)",
        ),
        (
            lambda m: m.replace(canned.GET, "relative"),
            "replace(): url must be an absolute URL such as 'https://api.test/path', got 'relative' (str)",
        ),
    ],
)
def test_every_way_of_registering_refuses_a_url_no_request_could_match(
    mock: canned.RequestsMock, register: Any, message: str
) -> None:
    with pytest.raises((TypeError, ValueError), match=re.escape(message)):
        register(mock)


# -- attributes changed after registration -----------------------------------------------------


def test_a_body_set_to_an_exception_after_add_is_raised_by_the_next_request(
    mock: canned.RequestsMock,
) -> None:
    route = mock.get(URL, body="first")
    assert requests.get(URL).text == "first"
    route.body = requests.ConnectionError("gone")
    with pytest.raises(requests.ConnectionError, match=r"^gone$"):
        requests.get(URL)


def test_a_body_and_status_changed_after_add_answer_the_next_request(
    mock: canned.RequestsMock,
) -> None:
    route = mock.get(URL, body="first")
    requests.get(URL)
    route.body, route.status = b"second", 503
    answer = requests.get(URL)
    assert (answer.status_code, answer.text) == (503, "second")


def test_headers_replaced_or_changed_in_place_after_add_are_sent(
    mock: canned.RequestsMock,
) -> None:
    route = mock.get(URL, headers={"X-One": "1"})
    route.headers["X-Two"] = "2"
    assert requests.get(URL).headers["X-Two"] == "2"
    route.headers = {"X-Three": "3"}
    sent = requests.get(URL).headers
    assert (sent.get("X-One"), sent["X-Three"]) == (None, "3")


def test_a_content_type_changed_after_add_is_sent(mock: canned.RequestsMock) -> None:
    route = mock.get(URL, body="{}")
    route.content_type = "application/json"
    assert requests.get(URL).headers["Content-Type"] == "application/json"


def test_content_length_calculated_after_add_follows_the_new_body(
    mock: canned.RequestsMock,
) -> None:
    route = mock.get(URL, body="abc", auto_calculate_content_length=True)
    route.body = "abcdef"
    assert requests.get(URL).headers["Content-Length"] == "6"


def test_a_status_changed_to_a_bad_value_after_add_fails_the_request_naming_it(
    mock: canned.RequestsMock,
) -> None:
    route = mock.get(URL)
    route.status = "200"
    with pytest.raises(
        TypeError,
        match=re.escape("Response attribute: status must be an int from 0 to 999, got '200' (str)"),
    ):
        requests.get(URL)


# -- what a suite reads back ---------------------------------------------------------------------


def test_assert_call_count_names_the_url_as_the_caller_wrote_it(
    mock: canned.RequestsMock,
) -> None:
    with pytest.raises(
        AssertionError,
        match=re.escape(
            "Expected URL 'https://api.example.test' to be called 1 times. Called 0 times."
        ),
    ):
        mock.assert_call_count("https://api.example.test", 1)


@pytest.mark.parametrize(
    ("route", "shown"),
    [
        (
            Response(canned.GET, URL, headers=[("X-A", "1")]),
            f"<Response(url='{URL}' status=200 content_type='text/plain' headers='[[\"X-A\", \"1\"]]')>",
        ),
        (
            Response(canned.GET, re.compile(r"https://api\.test/\d+"), status=404),
            "<Response(url='re.compile('https://api\\\\.test/\\\\d+')' status=404 content_type='text/plain' headers='null')>",
        ),
        (
            Response(canned.POST, URL, json={"id": 1}, status=201),
            f"<Response(url='{URL}' status=201 content_type='application/json' headers='null')>",
        ),
    ],
    ids=["header pairs", "regex", "json"],
)
def test_a_routes_repr_is_the_one_responses_shows(route: Response, shown: str) -> None:
    assert repr(route) == shown
