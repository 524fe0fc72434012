"""What the unmatched-request message says, pinned where no other test did: which route it names
as the closest when ties and near ties are broken, what it says of routes on other mocks, and
the path of a JSON field the request adds."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from tests.core.conftest import ask

import canned
from canned import matchers
from canned._core import diagnosis

IN_BOTH_ORDERS = pytest.mark.parametrize("order", [1, -1], ids=["as_listed", "reversed"])

MODULE_LEVEL = "the module-level mock (canned.add, canned.get, ...)"


def closest_line(
    routes: Sequence[tuple[str, Any, Sequence[Any]]], order: int, method: str, url: str
) -> str:
    """The "Closest route: ..." line of the message for one request, the routes (method, URL,
    matchers) registered in `order` (1 as listed, -1 reversed)."""
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    for route_method, route_url, match in routes[::order]:
        mock.add(route_method, route_url, match=list(match))
    outcome = ask(mock, method, url)
    assert outcome.kind == "unmatched"
    message = outcome.message
    return message[message.index("Closest route: ") :].splitlines()[0]


@pytest.fixture
def module_level_routes() -> Iterator[None]:
    """Routes added with module-level `canned.add` land on the default mock; removed after."""
    yield
    canned.mock.reset()


# -- the closest route: how far apart two URLs are -------------------------------------------------


@IN_BOTH_ORDERS
def test_a_route_on_the_root_path_is_one_segment_from_a_request_on_it(order: int) -> None:
    routes = [
        ("GET", "https://e.test/a", ()),
        ("GET", "https://e.test/b/", ()),
    ]
    line = closest_line(routes, order, "GET", "https://other.test/")
    assert line == "Closest route: GET https://e.test/a"


@IN_BOTH_ORDERS
def test_a_routes_trailing_slash_counts_as_one_point_not_as_a_segment(order: int) -> None:
    routes = [
        ("GET", "https://e.test/v2/users/", ()),
        ("GET", "https://e.test/v3/orders", ()),
    ]
    line = closest_line(routes, order, "GET", "https://e.test/v1/users")
    assert line == "Closest route: GET https://e.test/v2/users/"


@IN_BOTH_ORDERS
def test_a_trailing_slash_that_differs_adds_to_a_segment_that_differs(order: int) -> None:
    routes = [
        ("GET", "https://e.test/v1/users/8/", ()),
        ("GET", "https://e.test/v1/users/9", ()),
    ]
    line = closest_line(routes, order, "GET", "https://e.test/v1/users/7")
    assert line == "Closest route: GET https://e.test/v1/users/9"


@IN_BOTH_ORDERS
def test_a_wrong_method_weighs_as_much_as_one_segment_off(order: int) -> None:
    # 2 points each: the method and one segment, against two segments; the likeness decides
    routes = [
        ("DELETE", "https://api.test/v1/users/" + "z" * 30, ()),
        ("GET", "https://api.test/v2/users/8", ()),
    ]
    line = closest_line(routes, order, "GET", "https://api.test/v1/users/7")
    assert line == "Closest route: GET https://api.test/v2/users/8"


@IN_BOTH_ORDERS
def test_a_long_path_of_repeated_segments_is_compared_segment_by_segment(order: int) -> None:
    # one segment off on the same host against the same path on another host: a tie at 2
    # points, which the likeness breaks
    path = "/a" * 250
    routes = [
        ("GET", "https://e.test/b" + path, ()),
        ("GET", "https://other.test/c" + path, ()),
    ]
    line = closest_line(routes, order, "GET", "https://e.test/c" + path)
    assert line == "Closest route: GET https://e.test/b" + path


@IN_BOTH_ORDERS
def test_the_likeness_of_two_long_urls_counts_every_repeated_character(order: int) -> None:
    long = "a" * 250
    routes = [
        ("GET", "https://e.test/y/" + long, ()),
        ("GET", "https://e.test/x/bbbb", ()),
    ]
    line = closest_line(routes, order, "GET", "https://e.test/x/" + long)
    assert line == "Closest route: GET https://e.test/y/" + long


@IN_BOTH_ORDERS
def test_on_an_equal_distance_and_likeness_the_right_method_comes_closer(order: int) -> None:
    # 2 points for the method and 2 for one segment, against 4 for two segments; both URLs
    # hold the request's URL and two more characters, so they are alike to the same degree
    routes = [
        ("DELETE", "https://e.test/v1/u/7xx", ()),
        ("GET", "https://e.test/v1x/u/7x", ()),
    ]
    line = closest_line(routes, order, "GET", "https://e.test/v1/u/7")
    assert line == "Closest route: GET https://e.test/v1x/u/7x"


# -- the closest route: regexes and ties -----------------------------------------------------------


@IN_BOTH_ORDERS
def test_a_regex_that_misses_is_compared_as_its_pattern_is_written(order: int) -> None:
    routes = [
        ("GET", re.compile(r"https://api\.test/v1/users/\d+"), ()),
        ("GET", re.compile("https://api.test/v1/orders"), ()),
    ]
    line = closest_line(routes, order, "GET", "https://api.test/v1/users")
    assert line == "Closest route: GET re.compile('https://api\\\\.test/v1/users/\\\\d+')"


@IN_BOTH_ORDERS
def test_among_regexes_that_miss_the_right_method_beats_a_closer_pattern(order: int) -> None:
    routes = [
        ("POST", re.compile(r"https://api\.test/v1/users/\d+"), ()),
        ("GET", re.compile(r"https://api\.test/v2/orders/\d+"), ()),
    ]
    line = closest_line(routes, order, "GET", "https://api.test/v1/users")
    assert line == "Closest route: GET re.compile('https://api\\\\.test/v2/orders/\\\\d+')"


@IN_BOTH_ORDERS
def test_among_equal_regexes_that_miss_fewer_differing_fields_come_closer(order: int) -> None:
    pattern = re.compile(r"https://api\.test/v1/users/\d+")
    routes = [
        ("GET", pattern, (matchers.header_matcher({"A": "1", "B": "2"}),)),
        ("GET", pattern, (matchers.query_param_matcher({"q": "1"}),)),
    ]
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    for method, url, match in routes[::order]:
        mock.add(method, url, match=list(match))
    message = ask(mock, "GET", "https://api.test/v1/users?q=1").message
    assert message.endswith(
        "Closest route: GET re.compile('https://api\\\\.test/v1/users/\\\\d+')\n"
        "- url: https://api.test/v1/users?q=1 does not match "
        "'https://api\\\\.test/v1/users/\\\\d+'\n"
    )


@IN_BOTH_ORDERS
def test_among_equal_urls_that_miss_fewer_differing_fields_come_closer(order: int) -> None:
    routes = [
        ("GET", "https://api.test/v1/orders", (matchers.header_matcher({"A": "1", "B": "2"}),)),
        ("GET", "https://api.test/v1/orders", (matchers.header_matcher({"C": "3"}),)),
    ]
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    for method, url, match in routes[::order]:
        mock.add(method, url, match=list(match))
    message = ask(mock, "GET", "https://api.test/v1/users").message
    assert message.endswith(
        "Closest route: GET https://api.test/v1/orders\n"
        "- url: path /v1/users ≠ /v1/orders\n"
        "- header 'C': expected '3', missing\n"
    )


# -- other mocks ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("module_level_routes")
def test_routes_that_would_answer_on_two_other_mocks_are_each_named() -> None:
    canned.add(canned.GET, "https://x.test/users")
    with canned.RequestsMock(assert_all_requests_are_fired=False) as outer:
        outer.add(canned.GET, "https://x.test/users")
        with canned.RequestsMock(assert_all_requests_are_fired=False) as inner:
            inner.add(canned.GET, "https://x.test/other")
            message = ask(inner, "GET", "https://x.test/users").message
    assert message.endswith(
        f"\nRoutes registered on {MODULE_LEVEL} would answer this request:\n"
        "- GET https://x.test/users\n"
        "They are not on the mock that is active here: register them on it.\n"
        f"\nRoutes registered on {diagnosis.OUTER_MOCK} would answer this request:\n"
        "- GET https://x.test/users\n"
        "They are not on the mock that is active here: register them on it.\n"
    )


@pytest.mark.usefixtures("module_level_routes")
def test_an_empty_active_mock_says_how_many_routes_each_other_mock_has() -> None:
    canned.add(canned.GET, "https://x.test/accounts")
    with canned.RequestsMock(assert_all_requests_are_fired=False) as outer:
        outer.add(canned.GET, "https://x.test/a")
        outer.add(canned.GET, "https://x.test/b")
        with canned.RequestsMock(assert_all_requests_are_fired=False) as inner:
            message = ask(inner, "GET", "https://x.test/users").message
    assert message.endswith(
        "Available matches:\n"
        f"\nNo routes are registered on the mock that is active here; {MODULE_LEVEL} has 1.\n"
        "\nNo routes are registered on the mock that is active here; "
        f"{diagnosis.OUTER_MOCK} has 2.\n"
    )


@pytest.mark.usefixtures("module_level_routes")
def test_the_module_level_mock_active_as_an_outer_mock_is_named_once() -> None:
    canned.add(canned.GET, "https://x.test/users")
    with canned.mock, canned.RequestsMock(assert_all_requests_are_fired=False) as inner:
        inner.add(canned.GET, "https://x.test/other")
        message = ask(inner, "GET", "https://x.test/users").message
    assert message.endswith(
        "- GET https://x.test/other URL does not match\n"
        "\n"
        "Closest route: GET https://x.test/other\n"
        "- url: path /users ≠ /other\n"
        f"\nRoutes registered on {MODULE_LEVEL} would answer this request:\n"
        "- GET https://x.test/users\n"
        "They are not on the mock that is active here: register them on it.\n"
    )


def test_a_watched_mock_is_named_with_how_it_was_described(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diagnosis, "_WATCHED", [])
    helper = canned.RequestsMock(assert_all_requests_are_fired=False)
    helper.add(canned.GET, "https://x.test/users")
    diagnosis.watch_for_diagnosis(helper, "the helper's mock")
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        message = ask(active, "GET", "https://x.test/users").message
    assert message.endswith(
        "Available matches:\n"
        "\nRoutes registered on the helper's mock would answer this request:\n"
        "- GET https://x.test/users\n"
        "They are not on the mock that is active here: register them on it.\n"
    )


# -- JSON fields --------------------------------------------------------------------------------------


def test_a_json_field_the_request_adds_inside_an_object_is_named_by_its_full_path() -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(canned.POST, "https://x.test/users", match=[matchers.json_params_matcher({"a": {}})])
    outcome = ask(
        mock,
        "POST",
        "https://x.test/users",
        {"Content-Type": "application/json"},
        b'{"a": {"b": 1}}',
    )
    assert outcome.message.endswith(
        "Closest route: POST https://x.test/users\n- field 'a.b': not expected, got 1\n"
    )
