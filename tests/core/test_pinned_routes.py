"""The route contract's edges no other test pinned: equality and `!=`, the unfired list's regex
routes, `times=` with and without other options, re-registered copies, responses' subclass hooks
(each subclass is made inside its test, as a suite makes it: a class made at import escapes
mutmut's trampolines), argument errors that name the call, quick and full refusals, header checks
that name the route class, and the diagnosis' lines."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from tests.core.conftest import ask

import canned
from canned import Response
from canned._core.request import Request
from canned._core.routes import REFUSED

URL = "https://e.test/p"


@pytest.fixture
def mock() -> canned.RequestsMock:
    return canned.RequestsMock(assert_all_requests_are_fired=False)


# -- identity -----------------------------------------------------------------------------------


def test_two_equal_routes_are_not_unequal() -> None:
    first, second = Response("GET", URL, body="a"), Response("GET", URL, body="b")
    assert (first != second) is False
    assert (first != Response("POST", URL)) is True


def test_regex_routes_are_equal_by_pattern_text_whatever_their_flags_as_in_responses() -> None:
    assert Response("GET", re.compile(URL, re.I)) == Response("GET", re.compile(URL))
    assert Response("GET", re.compile(URL)) == Response("GET", URL)


def test_an_unfired_regex_route_is_reported_by_its_pattern_text() -> None:
    with pytest.raises(AssertionError) as raised, canned.RequestsMock() as mock:
        mock.add(canned.GET, re.compile(r"https://e\.test/\d+"))
    assert (
        str(raised.value)
        == "Not all requests have been executed [('GET', 'https://e\\\\.test/\\\\d+')]"
    )


# -- canned's own options -----------------------------------------------------------------------


def test_a_route_with_times_but_no_latency_answers_without_delay(mock: canned.RequestsMock) -> None:
    route = mock.add(canned.GET, URL, body="ok", times=1)
    assert route.latency == 0
    outcome = ask(mock, "GET", URL)
    assert (outcome.reply.body, outcome.reply.latency) == (b"ok", 0)


def test_a_route_added_again_is_a_copy_that_answers_its_own_times_and_logs_its_own_calls() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        route = mock.add(canned.GET, URL, body="first", times=1)
        assert requests.get(URL).text == "first"
        copy = mock.add(route)
        assert copy is not route
        assert (copy.served, copy.call_count, len(copy.calls)) == (0, 0, 0)
        assert requests.get(URL).text == "first"
        with pytest.raises(requests.ConnectionError):
            requests.get(URL)
    assert (route.call_count, copy.call_count, copy.served) == (1, 1, 1)
    assert copy.calls[0].request.url == URL


# -- responses' subclass hooks ------------------------------------------------------------------


def test_a_subclass_url_rule_decides_which_urls_it_answers_and_matches_says_so_as_responses(
    mock: canned.RequestsMock,
) -> None:
    class AnyPath(Response):
        def _url_matches(self, url: Any, other: str) -> bool:
            return other.startswith("https://e.test/")

    route = mock.add(AnyPath(canned.GET, URL, body="any"))
    assert ask(mock, "GET", "https://e.test/elsewhere").reply.body == b"any"
    assert route.matches(Request("GET", "https://e.test/other")) == (True, "")
    refused = route.matches(Request("GET", "https://f.test/p"))
    assert refused[0] is False
    assert refused[1].differences == (
        "url: AnyPath._url_matches('https://e.test/p', 'https://f.test/p') is False",
    )


def test_a_subclass_querystring_rule_is_asked_even_when_match_querystring_is_not_given(
    mock: canned.RequestsMock,
) -> None:
    class QueryBlind(Response):
        def _should_match_querystring(self, match_querystring_argument: Any) -> bool:
            return False

    mock.add(QueryBlind(canned.GET, URL + "?a=1", body="blind"))
    assert ask(mock, "GET", URL + "?a=2").reply.body == b"blind"


@pytest.mark.parametrize(
    ("url", "requested", "answered"),
    [
        (URL, URL + "?x=1", True),
        (URL + "?a=1", URL + "?a=1", True),
        (URL + "?a=1", URL + "?a=2", False),
        (re.compile(r"https://e\.test/p.*"), URL + "?x=1", True),
    ],
)
def test_a_subclass_that_defers_to_responses_querystring_rule_matches_the_query_only_when_given(
    mock: canned.RequestsMock, url: Any, requested: str, answered: bool
) -> None:
    asked: list[Any] = []

    class Deferring(Response):
        def _should_match_querystring(self, match_querystring_argument: Any) -> bool:
            decided = super()._should_match_querystring(match_querystring_argument)
            asked.append((match_querystring_argument, decided))
            return decided

    route = mock.add(Deferring(canned.GET, url, body="ok"))
    assert asked == [(None, url == URL + "?a=1")]
    assert route.match_querystring is (url == URL + "?a=1")
    assert (ask(mock, "GET", requested).kind == "answer") is answered


def test_responses_matcher_hook_says_true_with_an_empty_reason_when_every_matcher_passes() -> None:
    route = Response("GET", URL, match=[canned.matchers.query_param_matcher({"a": "1"})])
    assert route._req_attr_matches(route.match, Request("GET", URL + "?a=1")) == (True, "")
    assert Response._req_attr_matches((), Request("GET", URL)) == (True, "")


# -- headers ------------------------------------------------------------------------------------


def test_responses_header_hook_gives_the_content_type_unless_the_headers_give_one() -> None:
    route = canned.CallbackResponse("GET", URL, callback=lambda request: (200, {}, ""))
    route.headers = {"X-A": "1"}
    assert route.get_headers() == [("Content-Type", "text/plain"), ("X-A", "1")]
    route.headers = [("content-type", "x/y"), ("X-A", "1")]
    assert route.get_headers() == [("content-type", "x/y"), ("X-A", "1")]


def test_bad_headers_set_on_a_route_are_refused_naming_its_class() -> None:
    route = canned.CallbackResponse("GET", URL, callback=lambda request: (200, {}, ""))
    route.headers = "X-A: 1"
    with pytest.raises(TypeError) as raised:
        route.get_headers()
    assert str(raised.value) == (
        "CallbackResponse.headers: headers must be a dict or a list of (name, value) pairs, "
        "got 'X-A: 1' (str)"
    )


def test_bad_headers_from_a_subclass_header_hook_are_refused_naming_it(
    mock: canned.RequestsMock,
) -> None:
    class Tagged(Response):
        def get_headers(self) -> Any:
            return "X-Tag: 1"

    mock.add(Tagged(canned.GET, URL))
    error = ask(mock, "GET", URL).reply.error
    assert isinstance(error, TypeError)
    assert str(error) == (
        "Tagged.get_headers(): headers must be a dict or a list of (name, value) pairs, "
        "got 'X-Tag: 1' (str)"
    )


# -- the diagnosis ------------------------------------------------------------------------------


def test_the_closest_route_names_a_port_that_differs(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, "https://e.test:8443/p")
    message = ask(mock, "GET", URL).message
    assert message.endswith("Closest route: GET https://e.test:8443/p\n- url: port None ≠ 8443\n")


# -- arguments, named where they are given ------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Response(7, URL), TypeError, "Response(): method must be an HTTP method string such as 'GET', got 7 (int)"),
        (lambda: canned.BaseResponse("GET", URL, match="x"), TypeError, "BaseResponse(): match must be a list or tuple of matchers, got 'x' (str)"),
        (lambda: Response("GET", URL, passthrough="yes"), TypeError, "Response(): passthrough must be True or False, got 'yes' (str)"),
        (lambda: Response("GET", URL, nonsense=1), TypeError, "Response() got an unexpected keyword argument 'nonsense'"),
        (lambda: Response("GET", URL, times=0), ValueError, "Response(): times must be an int from 1 up, got 0 (int)"),
        (lambda: canned.RequestsMock().add("GET", URL, times=0), ValueError, "add(): times must be an int from 1 up, got 0 (int)"),
        (lambda: canned.RequestsMock().add("GET", URL, state="open"), ValueError, "add(): state= needs scenario= (the scenario it is of)"),
        (lambda: canned.RequestsMock().add(["GET"], URL), TypeError, "add(): method must be an HTTP method string such as 'GET', got ['GET'] (list)"),
        (lambda: canned.RequestsMock().add("GET", URL, match=None), TypeError, "add(): match must be a list or tuple of matchers, got None (NoneType)"),
        (lambda: canned.RequestsMock().add("GET", URL, match=""), TypeError, "add(): match must be a list or tuple of matchers, got '' (str)"),
    ],
)  # fmt: skip
def test_a_bad_route_argument_is_refused_naming_the_call_it_was_given_to(
    make: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        make()
    assert str(raised.value) == message


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("requested", ["https://e.test/q", "http://e.test/p", "https://e.test/p/7"])
def test_a_quick_refusal_refuses_a_url_the_route_does_not_answer(requested: str) -> None:
    route = Response("GET", URL)
    assert route.refusals(Request("GET", requested), quick=True) is REFUSED
    assert route.refusals(Request("GET", URL), quick=True) == ()


def test_a_route_whose_url_is_changed_no_longer_answers_at_its_old_url(
    mock: canned.RequestsMock,
) -> None:
    route = mock.add(canned.GET, URL, body="moved")
    route.url = "https://e.test/q"
    assert route.refusals(Request("GET", URL), quick=True) is REFUSED
    assert ask(mock, "GET", URL).kind == "unmatched"


def test_a_regex_route_takes_a_request_url_that_is_not_absolute() -> None:
    route = Response("GET", re.compile(r"/relative"))
    assert route.refusals(Request("GET", "/relative"), quick=True) == ()
    assert route.refusals(Request("GET", "/elsewhere"), quick=True) is REFUSED


def test_a_route_whose_url_differs_still_lists_a_built_in_matchers_differences_after_a_users(
    mock: canned.RequestsMock,
) -> None:
    seen: list[Any] = []

    def own(request: Any) -> tuple[bool, str]:
        seen.append(request)
        return True, ""

    mock.add(canned.GET, URL, match=[own, canned.matchers.header_matcher({"X-Key": "1"})])
    message = ask(mock, "GET", "https://e.test/q").message
    assert message.endswith(
        f"Closest route: GET {URL}\n- url: path /q ≠ /p\n- header 'X-Key': expected '1', missing\n"
    )
    assert seen == []


def test_a_callable_matcher_object_that_raises_for_the_diagnosis_is_named_by_its_class(
    mock: canned.RequestsMock,
) -> None:
    class Flaky:
        def __init__(self) -> None:
            self.asked = 0

        def __call__(self, request: Any) -> tuple[bool, str]:
            self.asked += 1
            if self.asked > 1:
                raise RuntimeError("asked twice")
            return False, "first look"

    mock.add(canned.GET, URL, match=[Flaky()])
    message = ask(mock, "GET", URL).message
    assert message.endswith(
        f"Closest route: GET {URL}\n- matcher Flaky raised RuntimeError: asked twice\n"
    )


def test_a_subclass_that_only_adds_headers_keeps_canneds_url_rules(
    mock: canned.RequestsMock,
) -> None:
    class Tagged(Response):
        def get_headers(self) -> Any:
            headers = super().get_headers()
            headers["X-Tag"] = "1"
            return headers

    mock.add(Tagged(canned.GET, "https://e.test/users/", body="users"))
    outcome = ask(mock, "GET", "https://e.test/users/7")
    assert (outcome.reply.body, outcome.reply.headers[-1]) == (b"users", ("X-Tag", "1"))
    message = ask(mock, "GET", "https://e.test/teams").message
    assert message.endswith("- url: path /teams ≠ /users/\n")


def test_a_route_with_times_left_gives_only_its_matchers_reasons(
    mock: canned.RequestsMock,
) -> None:
    route = mock.add(
        canned.GET, URL, times=2, match=[canned.matchers.header_matcher({"X-Key": "1"})]
    )
    message = ask(mock, "GET", URL).message
    assert message.endswith(f"Closest route: GET {URL}\n- header 'X-Key': expected '1', missing\n")
    assert route.refusals(Request("GET", URL, {"X-Key": "1"})) == ()
    assert route.matches(Request("GET", URL, {"X-Key": "1"})) == (True, "")


def test_matches_hands_each_matcher_the_request_it_is_asked_about() -> None:
    seen: list[Any] = []

    def own(request: Any) -> tuple[bool, str]:
        seen.append(request)
        return True, ""

    route = Response("GET", URL, match=[own, canned.matchers.query_param_matcher({"a": "1"})])
    request = Request("GET", URL + "?a=1")
    assert route.matches(request) == (True, "")
    assert seen == [request]
