"""Fuzzing the public calls with arguments of every type: each call either works (and the
request it registers is answered) or raises TypeError/ValueError at once, naming the argument.
Never an error later at request time, never a crash somewhere unrelated."""

# ruff: noqa: PT017  # fuzzing: a call may work or fail; each outcome is checked where it happens

from __future__ import annotations

import os
import re
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.core.conftest import ask

import canned
from canned import matchers
from canned._core.request import Request

URL = "https://fuzz.example.test/a"

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.lists(st.one_of(st.integers(), st.text(max_size=5), st.binary(max_size=5)), max_size=3),
    st.dictionaries(
        st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5), st.none()), max_size=3
    ),
    st.tuples(st.text(max_size=5), st.integers()),
    st.just(object()),
    st.just(lambda request: (True, "")),
    st.just(re.compile("https://fuzz")),
    st.just(ValueError("as body")),
)

ADD_ARGUMENTS = [
    "body", "json", "status", "headers", "content_type", "auto_calculate_content_length",
    "match", "passthrough",
]  # fmt: skip

FUZZ = settings(
    max_examples=int(os.environ.get("CANNED_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def names_the_argument(error: Exception, where: str, argument: str) -> bool:
    text = str(error)
    return text.startswith(where) and (argument in text or "match" in text)


@FUZZ
@given(argument=st.sampled_from(ADD_ARGUMENTS), value=ANYTHING)
def test_add_accepts_and_answers_or_refuses_at_once(argument: str, value: Any) -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        try:
            route = mock.add(canned.GET, URL, **{argument: value})
        except (TypeError, ValueError) as error:
            assert names_the_argument(error, "add():", argument), str(error)
            assert mock.registered() == []
            return
        if route.passthrough:
            return  # would go to the network: nothing to check here without a server
        body = getattr(route, "body", None)
        outcome = ask(mock, "GET", URL)
        assert outcome.kind == "answer"
        if outcome.reply.error is not None:  # the registered exception, raised as given
            assert isinstance(outcome.reply.error, ValueError)
            assert outcome.reply.error is body
            return
        assert outcome.reply.status == route.status  # type: ignore[attr-defined]


@FUZZ
@given(method=ANYTHING, url=ANYTHING)
def test_add_checks_method_and_url(method: Any, url: Any) -> None:
    mock = canned.RequestsMock()
    try:
        route = mock.add(method, url)
    except (TypeError, ValueError) as error:
        assert str(error).startswith("add(): "), str(error)
        assert re.match(r"add\(\): (method|url) must be", str(error)), str(error)
    else:
        assert isinstance(method, str)
        assert route.method == method.strip().upper()


@FUZZ
@given(callback=ANYTHING, content_type=ANYTHING, match=ANYTHING)
def test_add_callback_checks_its_arguments(callback: Any, content_type: Any, match: Any) -> None:
    mock = canned.RequestsMock()
    try:
        mock.add_callback(
            canned.GET, URL, callback=callback, content_type=content_type, match=match
        )
    except (TypeError, ValueError) as error:
        assert re.match(
            r"add_callback\(\): (callback|content_type|match|each matcher)", str(error)
        ), str(error)


@FUZZ
@given(prefix=ANYTHING)
def test_add_passthru_checks_the_prefix(prefix: Any) -> None:
    mock = canned.RequestsMock()
    try:
        mock.add_passthru(prefix)
    except (TypeError, ValueError) as error:
        assert str(error).startswith("add_passthru(): prefix must be"), str(error)
    else:
        assert len(mock.passthru_prefixes) == 1


FACTORIES = [
    (matchers.json_params_matcher, "json_params_matcher()"),
    (matchers.urlencoded_params_matcher, "urlencoded_params_matcher()"),
    (matchers.body_matcher, "body_matcher()"),
    (matchers.query_param_matcher, "query_param_matcher()"),
    (matchers.query_string_matcher, "query_string_matcher()"),
    (matchers.request_kwargs_matcher, "request_kwargs_matcher()"),
    (matchers.header_matcher, "header_matcher()"),
    (matchers.fragment_identifier_matcher, "fragment_identifier_matcher()"),
    (matchers.multipart_matcher, "multipart_matcher()"),
]


@pytest.mark.parametrize(("factory", "where"), FACTORIES, ids=[w for _, w in FACTORIES])
@FUZZ
@given(value=ANYTHING, request_body=st.one_of(st.none(), st.binary(max_size=30)))
def test_a_matcher_factory_refuses_at_once_or_makes_a_matcher_that_never_raises(
    factory: Any, where: str, value: Any, request_body: bytes | None
) -> None:
    try:
        matcher = factory(value)
    except (TypeError, ValueError) as error:
        assert str(error).startswith(where) or str(error) == "files argument cannot be empty", str(
            error
        )
        return
    matched, reason = matcher(Request("POST", URL + "?a=1#f", {"X-A": "1"}, request_body))
    assert isinstance(matched, bool)
    assert isinstance(reason, str)


MOCK_OPTIONS = [
    "assert_all_requests_are_fired", "response_callback", "passthru_prefixes", "target",
    "registry", "real_adapter_send", "on_unmatched",
]  # fmt: skip


@FUZZ
@given(option=st.sampled_from(MOCK_OPTIONS), value=ANYTHING)
def test_requests_mock_checks_its_options(option: str, value: Any) -> None:
    try:
        mock = canned.RequestsMock(**{option: value})
    except (TypeError, ValueError) as error:
        assert str(error).startswith(f"RequestsMock(): {option}"), str(error)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with mock:
            mock.add(canned.GET, URL)
            outcome = ask(mock, "GET", URL)
            assert (outcome.kind, outcome.reply.status) == ("answer", 200)
            try:
                mock.settle(outcome, outcome.reply)
            except TypeError as error:
                # a callable response_callback of the wrong shape is the user's code failing
                # when called, as it would with responses
                assert option == "response_callback", error


@FUZZ
@given(option=st.sampled_from(["registry", "assert_all_requests_are_fired"]), value=ANYTHING)
def test_activate_checks_its_options(option: str, value: Any) -> None:
    try:
        canned.activate(**{option: value})
    except (TypeError, ValueError) as error:
        assert str(error).startswith(f"activate(): {option}"), str(error)


@FUZZ
@given(returned=ANYTHING)
def test_a_callbacks_malformed_reply_names_the_callback(returned: Any) -> None:
    def my_callback(request: Any) -> Any:
        return returned

    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(canned.GET, URL, callback=my_callback)
        error = ask(mock, "GET", URL).reply.error
    if isinstance(error, ValueError):
        assert error is returned or "my_callback" in str(error)
    elif error is not None:
        assert isinstance(error, TypeError), repr(error)
        assert "my_callback" in str(error), str(error)
