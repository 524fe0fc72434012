"""Matcher behaviours no other test pinned: request_kwargs_matcher on a stand-in and in the
diagnosis, matchers reading the view a client's request carries, the strict_match type error,
and each built-in matcher's name."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable

import pytest

import canned
from canned import matchers
from canned._core.request import VIEW_ATTRIBUTE, Request

URL = "https://e.test/p"


@pytest.fixture
def mock() -> canned.RequestsMock:
    return canned.RequestsMock(assert_all_requests_are_fired=False)


def closest_route(mock: canned.RequestsMock, request: Request) -> str:
    """The "Closest route" section of the message a mock refuses `request` with."""
    outcome = mock.handle(request)
    assert outcome.kind == "unmatched"
    message = outcome.message
    return message[message.index("Closest route:") :]


# -- request_kwargs_matcher ------------------------------------------------------------------------


def test_request_kwargs_matcher_reads_a_stand_ins_req_kwargs() -> None:
    match = matchers.request_kwargs_matcher({"timeout": 5})
    assert match(SimpleNamespace(req_kwargs={"timeout": 5, "verify": True})) == (True, "")
    assert match(SimpleNamespace(req_kwargs={"timeout": 9}))[0] is False


def test_request_kwargs_matcher_counts_a_stand_in_without_req_kwargs_as_passing_none() -> None:
    assert matchers.request_kwargs_matcher({"timeout": None})(SimpleNamespace()) == (True, "")
    assert matchers.request_kwargs_matcher({"timeout": 5})(SimpleNamespace())[0] is False


def test_request_kwargs_matcher_lists_each_differing_argument_of_a_stand_in() -> None:
    match = matchers.request_kwargs_matcher({"timeout": 5, "stream": False})
    matched, reason = match(SimpleNamespace(req_kwargs={"timeout": 9, "verify": True}))
    assert matched is False
    assert str(reason) == (
        "Arguments don't match: {'timeout': 9} doesn't match {'timeout': 5, 'stream': False}"
    )
    assert reason.differences == (  # type: ignore[attr-defined]  # a Mismatch
        "argument 'timeout': expected 5, got 9",
        "argument 'stream': expected False, missing",
    )


def test_the_closest_route_lists_each_send_argument_that_differs(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.GET, URL, match=[matchers.request_kwargs_matcher({"timeout": 5, "stream": False})]
    )
    sent = Request("GET", URL, req_kwargs={"timeout": 9, "verify": True})
    assert closest_route(mock, sent) == (
        f"Closest route: GET {URL}\n"
        "- argument 'timeout': expected 5, got 9\n"
        "- argument 'stream': expected False, missing\n"
    )


# -- a client's own request carrying canned's view ----------------------------------------------------


class NativeRequest:
    """A client's own request object that canned attached its view to: its own attributes say
    something else than the view, as a client's request may once an adapter has normalised it."""

    url = "https://e.test/p?a=9#f=9"
    headers = {"X-A": "9"}  # noqa: RUF012  # a stand-in's attribute, never changed
    params = {"a": "9"}  # noqa: RUF012  # a stand-in's attribute, never changed
    req_kwargs = {"timeout": 9}  # noqa: RUF012  # a stand-in's attribute, never changed


@pytest.mark.parametrize(
    "matcher",
    [
        matchers.query_param_matcher({"a": "1"}),
        matchers.query_string_matcher("a=1"),
        matchers.fragment_identifier_matcher("f=1"),
        matchers.request_kwargs_matcher({"timeout": 5}),
        matchers.header_matcher({"X-A": "1"}),
    ],
    ids=["query_param", "query_string", "fragment", "request_kwargs", "header"],
)
def test_a_matcher_reads_the_view_attached_to_a_clients_request_not_its_own_attributes(
    mock: canned.RequestsMock, matcher: Any
) -> None:
    native = NativeRequest()
    view = Request(
        "GET", URL + "?a=1#f=1", {"X-A": "1"}, None, native=native, req_kwargs={"timeout": 5}
    )
    setattr(native, VIEW_ATTRIBUTE, view)
    mock.add(canned.GET, URL, body="matched", match=[matcher])
    outcome = mock.handle(view)
    assert outcome.kind == "answer"
    assert outcome.reply.body == b"matched"


# -- arguments -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (
            lambda strict: matchers.query_param_matcher({"a": "1"}, strict_match=strict),
            "query_param_matcher(): strict_match must be True or False, got 'yes' (str)",
        ),
        (
            lambda strict: matchers.header_matcher({"A": "1"}, strict_match=strict),
            "header_matcher(): strict_match must be True or False, got 'yes' (str)",
        ),
    ],
    ids=["query_param_matcher", "header_matcher"],
)
def test_a_strict_match_that_is_not_a_bool_is_refused_naming_the_factory_and_the_argument(
    factory: Callable[[Any], Any], message: str
) -> None:
    with pytest.raises(TypeError) as raised:
        factory("yes")
    assert str(raised.value) == message


# -- names --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "matcher"),
    [
        ("body_matcher", matchers.body_matcher("x")),
        ("fragment_identifier_matcher", matchers.fragment_identifier_matcher("f")),
        ("header_matcher", matchers.header_matcher({"A": "1"})),
        ("json_params_matcher", matchers.json_params_matcher({"a": 1})),
        ("multipart_matcher", matchers.multipart_matcher({"f": b"x"})),
        ("query_param_matcher", matchers.query_param_matcher({"a": "1"})),
        ("query_string_matcher", matchers.query_string_matcher("a=1")),
        ("request_kwargs_matcher", matchers.request_kwargs_matcher({"timeout": 5})),
        ("urlencoded_params_matcher", matchers.urlencoded_params_matcher({"a": "1"})),
    ],
)
def test_each_built_in_matcher_is_named_after_its_factory(name: str, matcher: Any) -> None:
    assert (matcher.__name__, matcher.__qualname__) == (name, name)


def test_every_factory_in_canned_matchers_has_its_name_pinned() -> None:
    factories = {name for name in matchers.__all__ if name != "Matcher"}
    assert factories == {
        "body_matcher",
        "fragment_identifier_matcher",
        "header_matcher",
        "json_params_matcher",
        "multipart_matcher",
        "query_param_matcher",
        "query_string_matcher",
        "request_kwargs_matcher",
        "urlencoded_params_matcher",
    }
