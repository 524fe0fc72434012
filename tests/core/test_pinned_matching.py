"""What the matchers that do not read the body show a user, pinned where no other test did: each
difference the closest route lists for a query string, a fragment and headers, the view a
matcher reads, and each matcher's name.

Every matcher here is made inside its test, never at import: a matcher made once at import would
keep the behaviour of the factory that made it, whatever the factory does by the time it runs.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest

import canned
from canned import matchers
from canned._core.request import VIEW_ATTRIBUTE, Request

URL = "https://e.test/p"


def closest_route(request: Request, matcher: Any) -> str:
    """The "Closest route" section of the message a mock whose one route on `URL` has `matcher`
    refuses `request` with."""
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(canned.GET, URL, match=[matcher])
    outcome = mock.handle(request)
    assert outcome.kind == "unmatched"
    message = outcome.message
    return message[message.index("Closest route:") :]


# -- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("query_param_matcher", lambda: matchers.query_param_matcher({"a": "1"})),
        ("query_string_matcher", lambda: matchers.query_string_matcher("a=1")),
        ("fragment_identifier_matcher", lambda: matchers.fragment_identifier_matcher("f=1")),
        ("request_kwargs_matcher", lambda: matchers.request_kwargs_matcher({"timeout": 5})),
        ("header_matcher", lambda: matchers.header_matcher({"A": "1"})),
    ],
    ids=["query_param", "query_string", "fragment", "request_kwargs", "header"],
)
def test_a_matcher_made_in_a_test_is_named_after_its_factory(
    name: str, make: Callable[[], Any]
) -> None:
    matcher = make()
    assert (matcher.__name__, matcher.__qualname__) == (name, name)


# -- the view a client's request carries --------------------------------------------------------


class NativeRequest:
    """A client's own request that canned attached its view to, whose own attributes say
    something else than the view (as a client's request may once an adapter normalised it)."""

    url = "https://e.test/p?a=9#f=9"
    headers = {"X-A": "9"}  # noqa: RUF012  # a stand-in's attribute, never changed
    params = {"a": "9"}  # noqa: RUF012  # a stand-in's attribute, never changed
    req_kwargs = {"timeout": 9}  # noqa: RUF012  # a stand-in's attribute, never changed


@pytest.mark.parametrize(
    "make",
    [
        lambda: matchers.query_param_matcher({"a": "1"}),
        lambda: matchers.query_string_matcher("a=1"),
        lambda: matchers.fragment_identifier_matcher("f=1"),
        lambda: matchers.request_kwargs_matcher({"timeout": 5}),
        lambda: matchers.header_matcher({"X-A": "1"}),
    ],
    ids=["query_param", "query_string", "fragment", "request_kwargs", "header"],
)
def test_a_matcher_made_in_a_test_reads_the_view_on_a_clients_request_not_its_attributes(
    make: Callable[[], Any],
) -> None:
    native = NativeRequest()
    view = Request(
        "GET", URL + "?a=1#f=1", {"X-A": "1"}, None, native=native, req_kwargs={"timeout": 5}
    )
    setattr(native, VIEW_ATTRIBUTE, view)
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(canned.GET, URL, body="matched", match=[make()])
    outcome = mock.handle(view)
    assert outcome.kind == "answer"
    assert outcome.reply.body == b"matched"


# -- query_string_matcher --------------------------------------------------------------------------


def test_a_query_string_miss_lists_each_differing_and_each_unexpected_pair() -> None:
    matcher = matchers.query_string_matcher("a=1")
    section = closest_route(Request("GET", URL + "?a=2&b=3"), matcher)
    assert section == (
        f"Closest route: GET {URL}\n"
        "- query 'a': expected '1', got '2'\n"
        "- query 'b': not expected, got '3'\n"
    )


def test_a_query_string_that_differs_only_in_a_repeated_key_shows_both_query_strings() -> None:
    matcher = matchers.query_string_matcher("a=1&a=2")
    section = closest_route(Request("GET", URL + "?a=2"), matcher)
    assert section == f"Closest route: GET {URL}\n- query: expected 'a=1&a=2', got 'a=2'\n"


# -- fragment_identifier_matcher ---------------------------------------------------------------------


def test_a_fragment_miss_shows_the_expected_fragment_against_the_sent_one() -> None:
    matcher = matchers.fragment_identifier_matcher("f=1")
    section = closest_route(Request("GET", URL + "#f=2"), matcher)
    assert section == f"Closest route: GET {URL}\n- fragment: expected 'f=1', got 'f=2'\n"


def test_a_fragment_sent_to_a_matcher_expecting_none_shows_an_empty_expected_fragment() -> None:
    matcher = matchers.fragment_identifier_matcher(None)
    section = closest_route(Request("GET", URL + "#f=2"), matcher)
    assert section == f"Closest route: GET {URL}\n- fragment: expected '', got 'f=2'\n"


# -- header_matcher --------------------------------------------------------------------------------


def test_a_header_that_misses_its_regex_shows_the_pattern_and_the_sent_value() -> None:
    matcher = matchers.header_matcher({"Authorization": re.compile(r"Bearer \w+")})
    section = closest_route(Request("GET", URL, {"Authorization": "Basic x"}), matcher)
    assert section == (
        f"Closest route: GET {URL}\n- header 'Authorization': expected 'Bearer \\\\w+', got 'Basic x'\n"
    )


def test_a_strict_header_miss_lists_only_the_missing_and_the_unexpected_headers() -> None:
    matcher = matchers.header_matcher({"A": "1", "B": "2"}, strict_match=True)
    sent = Request("GET", URL, {"a": "1", "C": "3"})
    assert closest_route(sent, matcher) == (
        f"Closest route: GET {URL}\n"
        "- header 'B': expected '2', missing\n"
        "- header 'C': not expected, got '3'\n"
    )


def test_a_header_miss_does_not_list_the_headers_that_are_equal() -> None:
    matcher = matchers.header_matcher({"A": "1", "B": "2"})
    sent = Request("GET", URL, {"A": "1", "B": "9"})
    assert closest_route(sent, matcher) == (
        f"Closest route: GET {URL}\n- header 'B': expected '2', got '9'\n"
    )


# -- stand-ins and user matchers --------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/p?a=1#top", "p?a=1#top", "?a=1#top"])
def test_a_stand_in_with_a_relative_url_is_matched_on_its_query_and_fragment(url: str) -> None:
    from types import SimpleNamespace

    stand_in = SimpleNamespace(url=url)
    assert matchers.query_param_matcher({"a": "1"})(stand_in) == (True, "")
    assert matchers.query_string_matcher("a=1")(stand_in) == (True, "")
    assert matchers.fragment_identifier_matcher("top")(stand_in) == (True, "")
    assert matchers.query_param_matcher({"a": "2"})(stand_in)[0] is False


@pytest.mark.parametrize("url", [None, ""])
def test_a_stand_in_without_a_url_has_no_query_and_no_fragment(url: str | None) -> None:
    from types import SimpleNamespace

    stand_in = SimpleNamespace(url=url)
    assert matchers.query_param_matcher({})(stand_in) == (True, "")
    assert matchers.query_string_matcher(None)(stand_in) == (True, "")
    assert matchers.fragment_identifier_matcher(None)(stand_in) == (True, "")
    assert matchers.query_param_matcher({"a": "1"})(stand_in) == (
        False,
        "Parameters do not match. {} doesn't match {'a': '1'}",
    )


def test_a_users_matcher_that_gives_no_pair_is_an_error_in_the_lookup_as_in_matches() -> None:
    import requests

    def three(request: Any) -> tuple[bool, str, str]:
        return True, "", "extra"

    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        route = mock.add(canned.GET, URL, match=[three])
        with pytest.raises(ValueError, match="too many values to unpack"):
            route.matches(requests.Request("GET", URL).prepare())
        with pytest.raises(ValueError, match="too many values to unpack"):
            requests.get(URL)
        assert route.call_count == 0
