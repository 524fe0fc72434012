"""Registries: responses' sequencing, the exact-URL index, and the trailing-slash prefix rule."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.core.conftest import ask

import canned
from canned import CallbackResponse, Response
from canned._core.request import Request
from canned.registries import FirstMatchRegistry, OrderedRegistry


def get(url: str, method: str = "GET") -> Request:
    return Request(method, url)


def bodies_of(registry: FirstMatchRegistry, url: str, times: int) -> list[object]:
    answers = []
    for _ in range(times):
        route, _ = registry.find(get(url))
        assert route is not None
        route.served += 1  # what the mock does under its lock
        answers.append(route.body)
    return answers


def test_same_url_routes_answer_in_turn_and_the_last_repeats() -> None:
    registry = FirstMatchRegistry()
    for body in ("1", "2", "3"):
        registry.add(Response("GET", "http://e.test/a", body=body))
    assert bodies_of(registry, "http://e.test/a", 5) == ["1", "2", "3", "3", "3"]
    assert len(registry.registered) == 1


def test_a_regex_registered_first_answers_before_a_later_exact_route() -> None:
    registry = FirstMatchRegistry()
    pattern = registry.add(Response("GET", re.compile(r"http://e\.test/\d+"), body="regex"))
    registry.add(Response("GET", "http://e.test/7", body="exact"))
    route, _ = registry.find(get("http://e.test/7"))
    assert route is pattern


def test_an_exact_route_registered_first_answers_before_a_later_regex() -> None:
    registry = FirstMatchRegistry()
    exact = registry.add(Response("GET", "http://e.test/7", body="exact"))
    registry.add(Response("GET", re.compile(r"http://e\.test/\d+"), body="regex"))
    assert registry.find(get("http://e.test/7"))[0] is exact


def test_a_route_whose_matchers_fail_is_skipped() -> None:
    registry = FirstMatchRegistry()
    registry.add(Response("GET", "http://e.test/a", match=[lambda r: (False, "no")]))
    second = registry.add(Response("GET", "http://e.test/a"))
    assert registry.find(get("http://e.test/a"))[0] is second


def test_a_miss_gives_one_reason_per_registered_route() -> None:
    registry = FirstMatchRegistry()
    registry.add(Response("POST", "http://e.test/a"))
    registry.add(Response("GET", "http://e.test/b"))
    assert registry.find(get("http://e.test/a")) == (
        None,
        ["Method does not match", "URL does not match"],
    )


def test_the_index_finds_the_right_route_among_ten_thousand() -> None:
    registry = FirstMatchRegistry()
    routes = [registry.add(Response("GET", f"http://e.test/{n}")) for n in range(10_000)]
    assert registry.find(get("http://e.test/9876"))[0] is routes[9876]
    assert registry.find(get("http://e.test/9876", method="POST"))[0] is None


@pytest.mark.parametrize(
    ("change", "expected_body"),
    [
        (lambda live, extra: live.clear(), None),
        (lambda live, extra: live.pop(0), None),
        (lambda live, extra: live.insert(0, extra), "inserted"),
        (lambda live, extra: live.__setitem__(0, extra), "inserted"),
        (lambda live, extra: live.append(extra), "original"),
        (lambda live, extra: live.extend([extra]), "original"),
        (lambda live, extra: live.__iadd__([extra]), "original"),
        (lambda live, extra: live.remove(live[0]), None),
        (lambda live, extra: live.__delitem__(0), None),
        (lambda live, extra: (live.append(extra), live.reverse()), "inserted"),
        (lambda live, extra: (live.append(extra), live.sort(key=lambda r: r.body)), "inserted"),
    ],
    ids=["clear", "pop", "insert", "setitem", "append", "extend", "iadd", "remove", "delitem", "reverse", "sort"],
)  # fmt: skip
def test_changes_made_through_the_live_list_are_seen_by_find(
    change: object, expected_body: str | None
) -> None:
    registry = FirstMatchRegistry()
    registry.add(Response("GET", "http://e.test/a", body="original"))
    extra = Response("GET", "http://e.test/a", body="inserted")
    change(registry.registered, extra)  # type: ignore[operator]
    route, _ = registry.find(get("http://e.test/a"))
    assert (route.body if route else None) == expected_body


def test_a_route_added_after_a_change_through_the_live_list_is_found_with_the_rest() -> None:
    registry = FirstMatchRegistry()
    registry.registered.append(Response("GET", "http://e.test/a", body="listed"))
    registry.add(Response("GET", "http://e.test/b", body="added"))
    assert [registry.find(get(f"http://e.test/{p}"))[0].body for p in "ab"] == ["listed", "added"]  # type: ignore[union-attr]


def test_adding_a_registered_instance_again_registers_a_copy() -> None:
    registry = FirstMatchRegistry()
    route = registry.add(Response("GET", "http://e.test/a"))
    copy = registry.add(route)
    assert copy is not route
    assert copy == route
    assert len(registry.registered) == 2


def test_remove_returns_every_equal_route_and_nothing_else() -> None:
    registry = FirstMatchRegistry()
    first = registry.add(Response("GET", "http://e.test/a", body="1"))
    other = registry.add(Response("GET", "http://e.test/b"))
    second = registry.add(Response("GET", "http://e.test/a", body="2"))
    removed = registry.remove(Response("GET", "http://e.test/a"))
    assert removed == [first, second]
    assert registry.registered == [other]
    assert registry.find(get("http://e.test/a"))[0] is None


def test_replace_keeps_the_position_and_the_order_of_answers() -> None:
    registry = FirstMatchRegistry()
    registry.add(Response("GET", "http://e.test/a", body="old"))
    registry.add(Response("GET", "http://e.test/a", body="later"))
    registry.replace(Response("GET", "http://e.test/a", body="new"))
    assert bodies_of(registry, "http://e.test/a", 2) == ["new", "later"]


def test_replace_of_a_regex_route_matches_by_pattern() -> None:
    registry = FirstMatchRegistry()
    registry.add(Response("GET", re.compile("http://e.test/.*"), body="old"))
    registry.replace(Response("GET", re.compile("http://e.test/.*"), body="new"))
    assert registry.find(get("http://e.test/x"))[0].body == "new"  # type: ignore[union-attr]


# -- trailing-slash routes ----------------------------------------------------------------------------


@pytest.fixture
def prefixed() -> FirstMatchRegistry:
    registry = FirstMatchRegistry()
    registry.add(Response("GET", "http://e.test/users/", body="users/"))
    registry.add(Response("GET", "http://e.test/users/7/", body="users/7/"))
    registry.add(Response("GET", "http://e.test/users/8", body="users/8"))
    registry.add(Response("GET", "http://e.test/", body="root"))
    registry.add(Response("GET", "http://e.test/teams", body="teams"))
    return registry


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/users/1", "users/"),
        ("/users/1/posts", "users/"),
        ("/users/8", "users/8"),
        ("/users/7/posts", "users/7/"),
        ("/users/", "users/"),
        ("/users/7/", "users/7/"),
        ("/other/1", None),
        ("/teams/1", None),
        ("/users", None),
    ],
)
def test_a_trailing_slash_route_answers_beneath_it_when_nothing_closer_does(
    prefixed: FirstMatchRegistry, path: str, body: str | None
) -> None:
    route, _ = prefixed.find(get("http://e.test" + path))
    assert (route.body if route else None) == body


def test_a_prefix_route_still_checks_its_matchers() -> None:
    registry = FirstMatchRegistry()
    registry.add(
        CallbackResponse(
            "GET", "http://e.test/u/", lambda r: (200, {}, ""), match=[lambda r: (False, "no")]
        )
    )
    assert registry.find(get("http://e.test/u/1"))[0] is None


# -- OrderedRegistry ----------------------------------------------------------------------------------


def test_an_ordered_registry_answers_in_registration_order() -> None:
    registry = OrderedRegistry()
    first = registry.add(Response("GET", "http://e.test/1"))
    second = registry.add(Response("GET", "http://e.test/2"))
    assert registry.find(get("http://e.test/1"))[0] is first
    assert registry.find(get("http://e.test/2"))[0] is second
    assert registry.find(get("http://e.test/2")) == (None, ["No more registered responses"])


def test_an_ordered_registry_miss_keeps_only_the_route_it_expected() -> None:
    registry = OrderedRegistry()
    expected = registry.add(Response("GET", "http://e.test/1"))
    registry.add(Response("GET", "http://e.test/2"))
    assert registry.find(get("http://e.test/2")) == (
        None,
        [
            "Next 'Response' in the order doesn't match due to the following reason: URL does not match."
        ],
    )
    assert registry.registered == [expected]


def test_a_custom_registry_overrides_find() -> None:
    class LastWins(FirstMatchRegistry):
        def find(self, request: object) -> tuple[Response | None, list[str]]:
            found = [r for r in self.registered if r.matches(request)[0]]
            return (found[-1] if found else None), []

    registry = LastWins()
    registry.add(Response("GET", "http://e.test/a", body="1"))
    last = registry.add(Response("GET", "http://e.test/a", body="2"))
    assert registry.find(get("http://e.test/a"))[0] is last


def test_a_mocks_custom_registry_is_asked_for_each_request() -> None:
    seen: list[str] = []

    class Spy(FirstMatchRegistry):
        def find(self, request: Any) -> Any:
            seen.append(request.url)
            return super().find(request)

    with canned.RequestsMock(registry=Spy, assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "http://e.test/a")
        ask(mock, "GET", "http://e.test/a")
    assert seen == ["http://e.test/a"]


def test_a_route_class_that_overrides_matches_decides_for_any_url() -> None:
    class UnderX(Response):  # answers any method and host, for paths under /x
        def matches(self, request: object) -> tuple[bool, str]:
            return "/x" in getattr(request, "url", ""), "not under /x"

    registry = FirstMatchRegistry()
    registry.add(Response("GET", "http://e.test/a", body="exact"))
    under_x = registry.add(UnderX("GET", "http://e.test/x/registered", body="any"))
    assert registry.find(get("http://e.test/a"))[0].body == "exact"  # type: ignore[union-attr]
    assert registry.find(get("http://other.test/x/1", "POST"))[0] is under_x
    assert registry.find(get("http://e.test/b")) == (None, ["URL does not match", "not under /x"])
    assert registry.remove(under_x) == [under_x]
    assert registry.find(get("http://other.test/x/1"))[0] is None


def test_a_route_removed_after_its_url_changed_is_gone_from_the_index() -> None:
    registry = FirstMatchRegistry()
    route = registry.add(Response("GET", "http://e.test/x/", body="stale"))
    route.url = "http://e.test/x/y/"
    assert registry.remove(route) == [route]
    assert registry.find(get("http://e.test/x/y/z"))[0] is None
    assert registry.find(get("http://e.test/x/"))[0] is None
    pattern = registry.add(Response("GET", re.compile(r"http://e\.test/x/.*"), body="regex"))
    assert registry.find(get("http://e.test/x/"))[0] is pattern


def test_a_route_removed_after_its_url_changed_leaves_the_routes_filed_before_it() -> None:
    registry = FirstMatchRegistry()
    earlier = registry.add(Response("GET", "http://e.test/a"))
    route = registry.add(Response("GET", "http://e.test/b"))
    route.url = "http://e.test/c"
    assert registry.remove(route) == [route]
    assert registry.find(get("http://e.test/b"))[0] is None
    assert registry.find(get("http://e.test/a"))[0] is earlier


def test_a_list_of_routes_held_from_before_a_reset_no_longer_feeds_the_mock() -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    held = mock.registered()
    mock.reset()
    held.append(Response("GET", "http://e.test/a"))
    assert mock.registered() == []


def test_routes_sharing_a_url_stay_in_order_as_they_are_removed_and_replaced() -> None:
    registry = FirstMatchRegistry()
    _, second, third = (
        registry.add(Response("GET", "http://e.test/a", body=body)) for body in ("1", "2", "3")
    )
    registry._pop(second)
    assert bodies_of(registry, "http://e.test/a", 3) == ["1", "3", "3"]
    registry._pop(third)
    assert registry.registered == []
    lone = registry.add(Response("GET", "http://e.test/a", body="lone"))
    registry.replace(Response("GET", "http://e.test/a", body="new"))
    assert all(route is not lone for route in registry.registered)
    assert bodies_of(registry, "http://e.test/a", 2) == ["new", "new"]
    registry.add(Response("GET", "http://e.test/a", body="after"))
    assert [route.body for route in registry.registered] == ["new", "after"]


def test_a_request_with_an_unusable_url_finds_nothing() -> None:
    registry = FirstMatchRegistry()
    registry.add(Response("GET", "http://e.test/a"))
    assert registry.find(get("not a url")) == (None, ["URL does not match"])


def test_removing_a_route_that_is_gone_is_harmless() -> None:
    registry = FirstMatchRegistry()
    route = registry.add(Response("GET", "http://e.test/a"))
    registry.registered.clear()
    registry._ensure_index()
    registry._pop(route)
    assert registry.registered == []
