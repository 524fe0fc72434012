"""The route contract: one question, "does this route take this request, and if not, why?",
answered by `refusals` for the registry and the diagnosis alike."""

from __future__ import annotations

from typing import Any

from tests.core.conftest import ask

import canned
from canned import Response
from canned._core.request import Request
from canned._core.routes import REFUSED

URL = "https://contract.test/users/"


def test_a_route_that_takes_a_request_has_no_refusals() -> None:
    route = Response("GET", "https://contract.test/users")
    assert route.refusals(Request("GET", "https://contract.test/users")) == ()


def test_every_reason_a_route_refuses_is_given_in_responses_order() -> None:
    route = Response(
        "POST",
        "https://contract.test/users",
        match=[canned.matchers.header_matcher({"X-Token": "1"})],
    )
    reasons = route.refusals(Request("GET", "https://contract.test/accounts"))
    assert [reason.subject for reason in reasons] == ["method", "url", "headers"]
    assert reasons[0] == "Method does not match"


def test_a_quick_refusal_stops_at_the_first_reason_without_text() -> None:
    route = Response("POST", "https://contract.test/users")
    assert route.refusals(Request("GET", "https://contract.test/other"), quick=True) is REFUSED


def test_a_slash_ending_route_takes_a_request_beneath_it_and_matches_says_so() -> None:
    route = Response("GET", URL)
    request = Request("GET", URL + "7/posts")
    assert (route.refusals(request), route.matches(request)) == ((), (True, ""))


def test_a_slash_ending_route_does_not_take_a_path_beside_it() -> None:
    route = Response("GET", URL)
    assert route.matches(Request("GET", "https://contract.test/usersx"))[0] is False


def test_an_unmatched_request_asks_each_custom_matcher_once_for_its_diagnosis() -> None:
    seen: list[Any] = []

    def counting(request: Any) -> tuple[bool, str]:
        seen.append(request)
        return False, "never"

    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    with mock:
        mock.add("GET", "https://contract.test/a", match=[counting])
        outcome = ask(mock, "GET", "https://contract.test/a")
        assert "Closest route: GET https://contract.test/a\n- never" in outcome.message
    # once while looking (quick), once for the reasons; showing the message asks again for nothing
    assert len(seen) == 2
