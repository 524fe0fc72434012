"""Argument checks users rely on that no other test pinned: where a shown value starts being
shortened, both ends of the status range, a subclass named in its errors, header pairs given as lists, and the exact messages
that show the refused value (a header's value, a `match=` that is not a list, stray positional
arguments)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.core.conftest import ask

import canned

URL = "https://pinned-validation.test/items"


@pytest.fixture
def mock() -> canned.RequestsMock:
    return canned.RequestsMock(assert_all_requests_are_fired=False)


def refusal(mock: canned.RequestsMock, *args: Any, **kwargs: Any) -> str:
    with pytest.raises((TypeError, ValueError)) as raised:
        mock.add(*args, **kwargs)
    return str(raised.value)


def test_a_refused_value_is_shown_whole_up_to_sixty_characters_then_shortened(
    mock: canned.RequestsMock,
) -> None:
    sixty = "x" * 58  # its repr, quotes included, is 60 characters
    assert refusal(mock, canned.GET, URL, status=sixty) == (
        f"add(): status must be an int from 0 to 999, got '{sixty}' (str)"
    )
    sixty_one = "x" * 59
    assert refusal(mock, canned.GET, URL, status=sixty_one) == (
        f"add(): status must be an int from 0 to 999, got '{'x' * 56}... (str)"
    )


def test_a_callback_may_answer_with_either_end_of_the_status_range(
    mock: canned.RequestsMock,
) -> None:
    mock.add_callback(canned.GET, URL + "/0", callback=lambda request: (0, {}, b""))
    mock.add_callback(canned.GET, URL + "/999", callback=lambda request: (999, {}, b""))
    assert ask(mock, "GET", URL + "/0").reply.status == 0
    assert ask(mock, "GET", URL + "/999").reply.status == 999
    assert refusal(mock, canned.GET, URL, status=1000) == (
        "add(): status must be an int from 0 to 999, got 1000 (int)"
    )


def test_errors_name_the_users_own_subclass_as_the_call_that_was_refused() -> None:
    class ShopMock(canned.RequestsMock):
        pass

    class ShopResponse(canned.Response):
        pass

    with pytest.raises(TypeError) as raised:
        ShopMock(real_time="yes")
    assert str(raised.value) == "ShopMock(): real_time must be True or False, got 'yes' (str)"
    with pytest.raises(TypeError) as raised:
        ShopResponse(canned.GET, URL, status="200")  # type: ignore[arg-type]  # the mistake refused
    assert str(raised.value) == (
        "ShopResponse(): status must be an int from 0 to 999, got '200' (str)"
    )


def test_header_pairs_may_be_given_as_two_item_lists(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, headers=[["X-A", "1"], ("X-B", "2")])
    headers = dict(ask(mock, "GET", URL).reply.headers)
    assert (headers["X-A"], headers["X-B"]) == ("1", "2")


def test_a_header_list_that_is_not_a_pair_is_refused_naming_the_headers(
    mock: canned.RequestsMock,
) -> None:
    assert refusal(mock, canned.GET, URL, headers=[["X-A", "1", "2"]]) == (
        "add(): headers must be a dict or a list of (name, value) pairs, "
        "got [['X-A', '1', '2']] (list)"
    )


def test_a_header_value_that_is_not_text_is_refused_showing_the_value(
    mock: canned.RequestsMock,
) -> None:
    assert refusal(mock, canned.GET, URL, headers={"X-A": [1]}) == (
        "add(): headers['X-A'] must be a str, got [1] (list)"
    )


def test_a_match_that_is_not_a_list_is_refused_showing_what_was_given(
    mock: canned.RequestsMock,
) -> None:
    assert refusal(mock, canned.GET, URL, match="json") == (
        "add(): match must be a list or tuple of matchers, got 'json' (str)"
    )


def test_stray_positional_arguments_are_refused_showing_each_of_them(
    mock: canned.RequestsMock,
) -> None:
    assert refusal(mock, canned.GET, URL, "body", None, 201, "text/plain") == (
        "add(): takes method, url, body and adding_headers positionally; pass the rest by "
        "keyword, got extra positional 201 (int), 'text/plain' (str)"
    )
    assert mock.registered() == []
