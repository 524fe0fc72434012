"""Registries: behaviours of the route index and sequencing that no other test pinned: a route
appended twice to the live list, a route removed after its URL changed, re-added instances, routes
used up before their call is recorded, the diagnosis of a used-up route, and the live list's
`sort`."""

from __future__ import annotations

import re

import pytest
import requests
from tests.core.conftest import ask

import canned
from canned import Response, matchers
from canned._core.request import Request
from canned.registries import FirstMatchRegistry


def get(url: str) -> Request:
    return Request("GET", url)


def test_a_route_appended_twice_to_the_live_list_answers_once_used_up_as_in_responses() -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    route = Response("GET", "https://e.test/a", body="twice")
    live = mock.registered()
    live.append(route)
    live.append(route)
    # the first lookup finds the route twice: the first copy is used up, the second stays
    outcomes = [ask(mock, "GET", "https://e.test/a") for _ in range(3)]
    assert [outcome.kind for outcome in outcomes] == ["answer", "answer", "answer"]
    assert all(outcome.route is route for outcome in outcomes)
    assert mock.registered() == [route]


def test_a_route_removed_after_it_became_a_regex_no_longer_answers() -> None:
    registry = FirstMatchRegistry()
    route = registry.add(Response("GET", "https://e.test/b"))
    route.url = re.compile(r"https://e\.test/.*")
    assert registry.remove(route) == [route]
    assert registry.find(get("https://e.test/b")) == (None, [])


def test_a_regex_route_removed_after_it_got_a_plain_url_no_longer_answers() -> None:
    registry = FirstMatchRegistry()
    route = registry.add(Response("GET", re.compile(r"https://e\.test/.*")))
    route.url = "https://e.test/b"
    assert registry.remove(route) == [route]
    assert registry.find(get("https://e.test/b")) == (None, [])


def test_a_route_moved_among_others_then_removed_leaves_its_old_url_to_a_prefix_route() -> None:
    registry = FirstMatchRegistry()
    route = registry.add(Response("GET", "https://e.test/x/y", body="moved"))
    prefix = registry.add(Response("GET", "https://e.test/x/", body="prefix 1"))
    registry.add(Response("GET", "https://e.test/x/", body="prefix 2"))
    # the same URL spelt another way: filed with the prefix routes, yet not equal to them
    route.url = "https://e.test:443/x/"
    assert registry.remove(route) == [route]
    assert registry.find(get("https://e.test/x/y"))[0] is prefix


def test_a_route_whose_url_changed_is_registered_itself_when_added_again_after_removal() -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    route = mock.add(canned.GET, "https://e.test/old", body="moved")
    route.url = "https://e.test/new"
    assert mock.remove(route) == [route]
    assert mock.add(route) is route
    outcome = ask(mock, "GET", "https://e.test/new")
    assert outcome.route is route


def test_the_live_lists_sort_takes_keyword_arguments_only_as_a_lists_does() -> None:
    registry = FirstMatchRegistry()
    registry.add(Response("GET", "https://e.test/b"))
    with pytest.raises(TypeError):  # one route: nothing to compare, only the call is refused
        registry.registered.sort(lambda route: str(route.url))  # type: ignore[call-arg]
    registry.add(Response("GET", "https://e.test/a"))
    registry.registered.sort(key=lambda route: str(route.url))
    assert [route.url for route in registry.registered] == ["https://e.test/a", "https://e.test/b"]


def test_a_route_that_answered_is_used_up_by_a_later_one_before_its_call_is_recorded() -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    first = mock.add(canned.GET, "https://e.test/a", body="first")
    # handed out, not yet recorded: another thread's request, say, still being answered
    assert ask(mock, "GET", "https://e.test/a").route is first
    later = mock.add(canned.GET, "https://e.test/a", body="later")
    assert ask(mock, "GET", "https://e.test/a").route is later
    assert mock.registered() == [later]


def test_the_diagnosis_names_the_route_sequencing_used_up_that_would_have_answered() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://e.test/a", body="any query")
        mock.add(
            canned.GET,
            "https://e.test/a",
            body="a=1 only",
            match=[matchers.query_param_matcher({"a": "1"})],
        )
        assert requests.get("https://e.test/a?a=1").text == "any query"  # and it is used up
        assert requests.get("https://e.test/a?a=1").text == "a=1 only"
        with pytest.raises(requests.ConnectionError) as raised:
            requests.get("https://e.test/a")
    assert (
        "\nClosest route: GET https://e.test/a\n"
        "- used up: it answered 1 time(s) and is no longer registered (an ordered or sequenced route)\n"
    ) in str(raised.value)


def test_an_instance_added_again_is_copied_whole_so_changing_it_leaves_the_copy_alone() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        route = mock.add(Response("GET", "https://e.test/a", headers={"X-Kind": "original"}))
        again = mock.add(route)
        route.headers["X-Kind"] = "changed"
        answers = [requests.get("https://e.test/a").headers["X-Kind"] for _ in range(2)]
    assert again.headers == {"X-Kind": "original"}
    assert answers == ["changed", "original"]


def test_a_route_put_in_the_live_list_is_found_beside_a_regex_route_added_after_it() -> None:
    registry = FirstMatchRegistry()
    listed = Response("GET", "https://e.test/a", body="listed")
    registry.registered.append(listed)
    regex = registry.add(Response("GET", re.compile(r"https://e\.test/b.*"), body="regex"))
    assert registry.find(get("https://e.test/a"))[0] is listed
    assert registry.find(get("https://e.test/b"))[0] is regex
    assert registry.add(listed) is not listed  # registered already: added again as a copy


def test_a_route_in_the_live_list_twice_beside_a_regex_route_is_used_up_without_an_error() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, re.compile(r"https://r\.test/.*"), body=b"pattern")
        twice = canned.Response(canned.GET, "https://e.test/a", body=b"twice")
        mock.registered().append(twice)
        mock.registered().append(twice)
        mock.add(canned.GET, "https://e.test/a", body=b"last")
        bodies = [requests.get("https://e.test/a").content for _ in range(3)]
        assert requests.get("https://r.test/x").content == b"pattern"
    assert bodies == [b"twice", b"last", b"last"]
    assert twice.call_count == 1


def test_a_route_whose_url_is_changed_after_add_answers_at_its_new_url_only() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://e.test/p", body=b"first")  # beside it, under its old URL
        moved = mock.add(canned.GET, "https://e.test/p", body=b"moved")
        mock.add(canned.GET, re.compile(r"https://r\.test/.*"), body=b"pattern")
        moved.url = "https://e.test/q"
        assert requests.get("https://e.test/q").content == b"moved"
        assert requests.get("https://e.test/p").content == b"first"
        with pytest.raises(requests.ConnectionError):
            requests.get("https://e.test/elsewhere")


def test_a_route_whose_method_or_url_kind_is_changed_after_add_answers_as_it_is_now() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        route = mock.add(canned.GET, "https://e.test/p", body=b"moved")
        route.method = "POST"
        assert requests.post("https://e.test/p").content == b"moved"
        with pytest.raises(requests.ConnectionError):
            requests.get("https://e.test/p")
        route.url = re.compile(r"https://e\.test/r.*")
        assert requests.post("https://e.test/rr").content == b"moved"
        route.url = "https://e.test/s"
        assert requests.post("https://e.test/s").content == b"moved"
        with pytest.raises(requests.ConnectionError):
            requests.post("https://e.test/rr")


def test_a_route_moved_after_add_is_found_when_a_regex_route_comes_before_it() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, re.compile(r"https://r\.test/.*"), body=b"pattern")
        moved = mock.add(canned.GET, "https://e.test/p", body=b"moved")
        moved.url = "https://e.test/q"
        assert requests.get("https://e.test/q").content == b"moved"


def test_a_route_moved_after_one_edit_of_the_live_list_is_found_at_its_new_url() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.registered().append(canned.Response(canned.GET, "https://e.test/a", body=b"a"))
        assert requests.get("https://e.test/a").content == b"a"
        moved = mock.add(canned.GET, "https://e.test/p", body=b"moved")
        moved.url = "https://e.test/q"
        assert requests.get("https://e.test/q").content == b"moved"


def test_each_edit_of_the_live_list_is_seen_by_the_lookup_after_it() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.registered().append(canned.Response(canned.GET, "https://e.test/a", body=b"a"))
        assert requests.get("https://e.test/a").content == b"a"
        mock.registered().append(canned.Response(canned.GET, "https://e.test/b", body=b"b"))
        assert requests.get("https://e.test/b").content == b"b"
        del mock.registered()[0]
        with pytest.raises(requests.ConnectionError):
            requests.get("https://e.test/a")
