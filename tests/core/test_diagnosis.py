"""The unmatched-request message: responses' lines first, then the closest route and each
difference."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from tests.core.conftest import ask

import canned
from canned import matchers
from canned._core.diagnosis import Diagnosis
from canned._core.request import Request, view_of


def unmatched_message(
    mock: canned.RequestsMock,
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> str:
    outcome = ask(mock, method, url, headers, body)
    assert outcome.kind == "unmatched"
    return outcome.message


def test_the_message_keeps_responses_format_and_names_the_differing_json_field() -> None:
    with canned.RequestsMock(
        assert_all_requests_are_fired=False,
        passthru_prefixes=("http://passme.local", re.compile("http://re.local")),
    ) as mock:
        mock.add(canned.GET, "http://example.com/a")
        mock.add(
            canned.POST,
            "http://example.com/b",
            match=[matchers.json_params_matcher({"a": 1, "b": "same"})],
        )
        mock.add(canned.GET, re.compile(r"http://foo\.com/\d+"))
        message = unmatched_message(
            mock,
            "POST",
            "http://example.com/b?x=1",
            {"Content-Type": "application/json"},
            b'{"a": 2, "b": "same"}',
        )
    assert message == (
        "Connection refused by Responses - the call doesn't match any registered mock.\n"
        "\n"
        "Request: \n"
        "- POST http://example.com/b?x=1\n"
        "\n"
        "Available matches:\n"
        "- GET http://example.com/a Method does not match\n"
        "- POST http://example.com/b request.body doesn't match: {'a': 2, 'b': 'same'} "
        "doesn't match {'a': 1, 'b': 'same'}\n"
        "- GET re.compile('http://foo\\\\.com/\\\\d+') Method does not match\n"
        "Passthru prefixes:\n"
        "- http://passme.local\n"
        "- re.compile('http://re.local')\n"
        "\n"
        "Closest route: POST http://example.com/b\n"
        "- field 'a': expected 1, got 2\n"
    )


def test_with_nothing_registered_the_message_ends_at_available_matches() -> None:
    with canned.RequestsMock() as mock:
        message = unmatched_message(mock, "GET", "http://e.test/x")
    assert message.endswith("Available matches:\n")


def test_the_closest_route_is_the_one_with_method_and_url_right() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "http://e.test/other")
        mock.add(canned.POST, "http://e.test/items")
        mock.add(
            canned.GET, "http://e.test/items", match=[matchers.query_param_matcher({"page": "2"})]
        )
        message = unmatched_message(mock, "GET", "http://e.test/items?page=3")
    assert message.endswith(
        "Closest route: GET http://e.test/items\n- query 'page': expected '2', got '3'\n"
    )


def test_among_routes_on_the_right_url_fewer_failing_matchers_come_closer() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            canned.GET,
            "http://e.test/a",
            body="two misses",
            match=[matchers.header_matcher({"X-A": "1"}), matchers.header_matcher({"X-B": "1"})],
        )
        mock.add(canned.GET, "http://e.test/a", match=[matchers.header_matcher({"X-A": "1"})])
        message = unmatched_message(mock, "GET", "http://e.test/a")
    assert message.endswith(
        "Closest route: GET http://e.test/a\n- header 'X-A': expected '1', missing\n"
    )


def test_a_wrong_path_is_shown_expected_against_got() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://x.test/users/1")
        message = unmatched_message(mock, "GET", "https://x.test/users/7")
    assert message.endswith(
        "Closest route: GET https://x.test/users/1\n- url: path /users/7 ≠ /users/1\n"
    )


def test_a_wrong_method_is_shown_expected_against_got() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.PUT, "https://x.test/u")
        message = unmatched_message(mock, "GET", "https://x.test/u")
    assert message.endswith(
        "Closest route: PUT https://x.test/u\n- method: expected PUT, got GET\n"
    )


def test_a_custom_matchers_plain_reason_is_shown() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://x.test/u", match=[lambda request: (False, "not on Tuesdays")])
        message = unmatched_message(mock, "GET", "https://x.test/u")
    assert "- GET https://x.test/u not on Tuesdays\n" in message
    assert message.endswith("Closest route: GET https://x.test/u\n- not on Tuesdays\n")


def test_a_matcher_that_raises_is_not_turned_into_a_miss() -> None:
    def broken(request: object) -> tuple[bool, str]:
        raise ZeroDivisionError("matcher bug")

    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://x.test/u", match=[broken])
        outcome = ask(mock, "GET", "https://x.test/u")
        error = outcome.reply.error
        assert outcome.kind == "answer"
        assert (type(error), str(error)) == (ZeroDivisionError, "matcher bug")
        mock.settle_error(outcome, error)
        assert mock.calls[0].response is error


def test_the_diagnosis_never_runs_a_users_matcher_on_a_route_of_another_url() -> None:
    seen: list[str] = []

    def needs_json(request: object) -> tuple[bool, str]:
        seen.append(view_of(request).url)
        return view_of(request).json["kind"] == "a", "kind is not 'a'"  # raises on a bare GET

    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.POST, "https://x.test/items", match=[needs_json])
        mock.add(canned.GET, "https://x.test/users")
        outcome = ask(mock, "GET", "https://x.test/items")
        message = outcome.message
    assert outcome.kind == "unmatched"
    assert seen == []
    assert message.endswith(
        "Closest route: POST https://x.test/items\n- method: expected POST, got GET\n"
    )


def test_a_matcher_that_raises_while_the_diagnosis_is_built_is_reported_as_a_reason() -> None:
    answers = iter([(False, "first look")])

    def flaky(request: object) -> tuple[bool, str]:
        return next(answers)  # the lookup gets an answer; the diagnosis's second ask raises

    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://x.test/u", match=[flaky])
        outcome = ask(mock, "GET", "https://x.test/u")
        message = outcome.message
    assert outcome.kind == "unmatched"
    reason = "matcher test_a_matcher_that_raises_while_the_diagnosis_is_built_is_reported_as_a_reason.<locals>.flaky raised StopIteration: "
    assert f"- GET https://x.test/u {reason}\n" in message
    assert message.endswith(f"Closest route: GET https://x.test/u\n- {reason}\n")


def test_a_routes_matches_lets_a_users_matcher_error_through_as_responses_does() -> None:
    def broken(request: object) -> tuple[bool, str]:
        raise ZeroDivisionError("matcher bug")

    route = canned.Response(canned.GET, "https://x.test/u", match=[broken])
    with pytest.raises(ZeroDivisionError, match="matcher bug"):
        route.matches(Request("GET", "https://x.test/u"))
    assert route.matches(Request("GET", "https://x.test/other")) == (False, "URL does not match")


def test_a_used_up_route_that_does_not_match_is_not_named() -> None:
    used = canned.Response("GET", "https://x.test/a/other")
    view = Request("GET", "https://x.test/a")
    diagnosis = Diagnosis.of(view, view, [], [], [], used=[used])
    assert diagnosis.closest() == (None, (), False)


@pytest.fixture
def module_level_routes() -> Iterator[None]:
    """Routes added with module-level `canned.add` land on the default mock; removed after."""
    yield
    canned.mock.reset()


@pytest.mark.usefixtures("module_level_routes")
def test_a_route_added_at_module_level_while_another_mock_answers_is_named() -> None:
    canned.add(canned.GET, "https://x.test/users", json=[])
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        message = ask(mock, "GET", "https://x.test/users").message
    assert message.endswith(
        "Available matches:\n"
        "\n"
        "Routes registered on the module-level mock (canned.add, canned.get, ...) would answer "
        "this request:\n"
        "- GET https://x.test/users\n"
        "They are not on the mock that is active here: register them on it.\n"
    )


@pytest.mark.usefixtures("module_level_routes")
def test_an_empty_active_mock_says_how_many_routes_the_module_level_mock_has() -> None:
    canned.add(canned.GET, "https://x.test/accounts")
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        message = ask(mock, "GET", "https://x.test/users").message
    assert message.endswith(
        "Available matches:\n"
        "\n"
        "No routes are registered on the mock that is active here; the module-level mock "
        "(canned.add, canned.get, ...) has 1.\n"
    )


def test_an_outer_mocks_route_is_named_when_the_inner_mock_answers() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as outer:
        outer.add(canned.POST, "https://x.test/users", status=201)
        outer.add(canned.GET, "https://x.test/other")
        with canned.RequestsMock(assert_all_requests_are_fired=False) as inner:
            inner.add(canned.GET, "https://x.test/users")
            message = ask(inner, "POST", "https://x.test/users").message
    assert message.endswith(
        "Routes registered on an outer mock (active, but not the innermost, which answers) "
        "would answer this request:\n"
        "- POST https://x.test/users\n"
        "They are not on the mock that is active here: register them on it.\n"
    )


def test_a_route_elsewhere_whose_matcher_raises_is_not_named() -> None:
    def broken(request: object) -> tuple[bool, str]:
        raise ZeroDivisionError("matcher bug")

    with canned.RequestsMock(assert_all_requests_are_fired=False) as outer:
        outer.add(canned.GET, "https://x.test/users", match=[broken])
        with canned.RequestsMock(assert_all_requests_are_fired=False) as inner:
            inner.add(canned.GET, "https://x.test/other")
            outcome = ask(inner, "GET", "https://x.test/users")
            message = outcome.message
    assert outcome.kind == "unmatched"
    assert "outer mock" not in message
