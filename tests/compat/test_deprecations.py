"""responses' deprecations, with responses' own texts, reported at the caller's line (API.md §1.1,
§1.3, §2.3). Ordinary use warns nothing: pytest runs with `filterwarnings = error`."""

from __future__ import annotations

import dis
import re
import warnings
from typing import Any, Callable

import pytest
import requests

import canned

URL = "http://e.test/a"
MATCH_QUERYSTRING = (
    "Argument 'match_querystring' is deprecated. Use 'responses.matchers.query_param_matcher' "
    "or 'responses.matchers.query_string_matcher'"
)
STREAM = "stream argument is deprecated. Use stream parameter in request directly"


def answer(request: Any) -> tuple[int, dict[str, str], str]:
    return 200, {}, "ok"


def the_warnings(action: Callable[[], object]) -> list[warnings.WarningMessage]:
    """Every warning `action` emits, none filtered out."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return caught


DEPRECATED_CALLS = [
    pytest.param(
        lambda: canned.Response(canned.GET, URL, match_querystring=True),
        MATCH_QUERYSTRING,
        id="Response-match_querystring",
    ),
    pytest.param(
        lambda: canned.RequestsMock().add(canned.GET, URL, match_querystring=True),
        MATCH_QUERYSTRING,
        id="add-match_querystring",
    ),
    pytest.param(
        lambda: canned.RequestsMock().add_callback(canned.GET, URL, answer, match_querystring=True),
        MATCH_QUERYSTRING,
        id="add_callback-match_querystring",
    ),
    pytest.param(
        lambda: canned.Response(canned.GET, URL, stream=True), STREAM, id="Response-stream"
    ),
    pytest.param(
        lambda: canned.CallbackResponse(canned.GET, URL, answer, stream=True),
        STREAM,
        id="CallbackResponse-stream",
    ),
    pytest.param(
        lambda: canned.json_params_matcher({"a": 1}),
        "Function is deprecated. Use 'from responses.matchers import json_params_matcher'",
        id="json_params_matcher",
    ),
    pytest.param(
        lambda: canned.urlencoded_params_matcher({"a": "1"}),
        "Function is deprecated. Use 'from responses.matchers import urlencoded_params_matcher'",
        id="urlencoded_params_matcher",
    ),
    pytest.param(
        lambda: canned.target,
        "target is deprecated. Please use 'responses.mock.target",
        id="module-target",
    ),
]


# -- the texts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("match_querystring", [True, False])
def test_match_querystring_warns_responses_text(match_querystring: bool) -> None:
    with pytest.warns(DeprecationWarning, match=re.escape(MATCH_QUERYSTRING)) as warned:
        canned.Response(canned.GET, f"{URL}?x=1", match_querystring=match_querystring)
    assert [str(warning.message) for warning in warned] == [MATCH_QUERYSTRING]


@pytest.mark.parametrize(("call", "text"), DEPRECATED_CALLS)
def test_a_deprecated_call_warns_responses_text_once(call: Callable[[], object], text: str) -> None:
    assert [str(warning.message) for warning in the_warnings(call)] == [text]


@pytest.mark.parametrize(("call", "text"), DEPRECATED_CALLS)
def test_a_deprecation_is_a_canned_deprecation_warning(
    call: Callable[[], object], text: str
) -> None:
    assert [warning.category for warning in the_warnings(call)] == [canned.CannedDeprecationWarning]


def test_canned_deprecation_warning_is_a_deprecation_warning() -> None:
    assert issubclass(canned.CannedDeprecationWarning, DeprecationWarning)


@pytest.mark.mutation_unsafe  # names the caller's line: a trampoline frame under mutmut
@pytest.mark.parametrize(("call", "text"), DEPRECATED_CALLS)
def test_a_deprecation_names_the_callers_file_and_line(
    call: Callable[[], object], text: str
) -> None:
    [warning] = the_warnings(call)
    callers_lines = {line for _, line in dis.findlinestarts(call.__code__)}
    assert (warning.filename, warning.lineno in callers_lines) == (__file__, True)


@pytest.mark.mutation_unsafe  # names the caller's line: a trampoline frame under mutmut
def test_a_deprecation_names_the_callers_line() -> None:
    def add_with_stream() -> None:
        canned.RequestsMock().add(canned.GET, URL, stream=True)

    [warning] = the_warnings(add_with_stream)
    call_line = add_with_stream.__code__.co_firstlineno + 1
    assert (warning.filename, warning.lineno) == (__file__, call_line)


# -- deprecated, yet still working ------------------------------------------------------------------


def test_the_deprecated_module_json_params_matcher_still_matches() -> None:
    with pytest.warns(canned.CannedDeprecationWarning):
        matcher = canned.json_params_matcher({"a": 1})
    with canned.RequestsMock() as rsps:
        rsps.post(URL, match=[matcher])
        response = requests.post(URL, json={"a": 1})
    assert response.status_code == 200


def test_the_deprecated_module_urlencoded_params_matcher_still_matches() -> None:
    with pytest.warns(canned.CannedDeprecationWarning):
        matcher = canned.urlencoded_params_matcher({"a": "1"})
    with canned.RequestsMock() as rsps:
        rsps.post(URL, match=[matcher])
        response = requests.post(URL, data={"a": "1"})
    assert response.status_code == 200


def test_match_querystring_true_still_requires_the_exact_query() -> None:
    with pytest.warns(canned.CannedDeprecationWarning):
        route = canned.Response(canned.GET, f"{URL}?x=1", match_querystring=True)
    with canned.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(route)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{URL}?x=2")


def test_match_querystring_false_lets_any_query_match() -> None:
    with pytest.warns(canned.CannedDeprecationWarning):
        route = canned.Response(canned.GET, f"{URL}?x=1", match_querystring=False)
    with canned.RequestsMock() as rsps:
        rsps.add(route)
        response = requests.get(f"{URL}?x=2")
    assert response.status_code == 200


# -- ordinary use warns nothing ---------------------------------------------------------------------


def test_add_callback_with_its_default_match_querystring_warns_nothing() -> None:
    rsps = canned.RequestsMock()
    assert the_warnings(lambda: rsps.add_callback(canned.GET, f"{URL}?x=1", answer)) == []


def test_a_response_without_stream_or_match_querystring_warns_nothing() -> None:
    assert the_warnings(lambda: canned.Response(canned.GET, f"{URL}?x=1", body="x")) == []


def use_the_default_mock() -> None:
    @canned.activate
    def run() -> None:
        canned.add(canned.GET, URL, body="x")
        canned.add_callback(canned.POST, URL, answer)
        requests.get(URL)
        requests.post(URL)
        canned.assert_call_count(URL, 2)
        assert [call.response.status_code for call in canned.calls] == [200, 200]

    run()


def test_adding_activating_and_reading_calls_warns_nothing() -> None:
    assert the_warnings(use_the_default_mock) == []


def test_the_current_matchers_module_warns_nothing() -> None:
    assert the_warnings(lambda: canned.matchers.json_params_matcher({"a": 1})) == []
