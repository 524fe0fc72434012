"""The pytest plugin, run as a user runs it: inner test files in a subprocess (pytester)."""

from __future__ import annotations

import pytest

HEADER = """
import asyncio
import socket

import pytest
import requests
from requests.adapters import HTTPAdapter

import canned

ORIGINAL_SEND = HTTPAdapter.send
URL = "https://api.example.test/u/1"
"""


def run(pytester: pytest.Pytester, body: str, *args: str, ini: str = "") -> pytest.RunResult:
    pytester.makepyfile(test_inner=HEADER + body)
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_a_test_using_the_fixture_passes(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_user(canned_mock):
    canned_mock.get(URL, json={"id": 1})
    assert requests.get(URL).json()["id"] == 1
    assert len(canned_mock.calls) == 1
""",
    )
    result.assert_outcomes(passed=1)


def test_an_unfired_route_fails_the_test_not_its_teardown(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_forgets_a_call(canned_mock):
    canned_mock.get(URL)
    canned_mock.get(URL + "/never")
    requests.get(URL)
""",
    )
    result.assert_outcomes(failed=1, errors=0)
    result.stdout.fnmatch_lines(
        ["*UnfiredRoutesError: Not all requests have been executed *'GET', '*/u/1/never'*"]
    )


def test_a_failing_test_is_torn_down_and_the_next_is_not_intercepted(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_fails(canned_mock):
    canned_mock.get(URL)
    raise ValueError("the test's own failure")

def test_after():
    assert HTTPAdapter.send is ORIGINAL_SEND
""",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*ValueError: the test's own failure*"])
    result.stdout.no_fnmatch_line("*Not all requests have been executed*")


def test_a_test_without_the_fixture_is_left_alone(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_plain():
    assert HTTPAdapter.send is ORIGINAL_SEND
""",
    )
    result.assert_outcomes(passed=1)


def test_marker_options_configure_the_mock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.canned(assert_all_requests_are_fired=False, registry="ordered",
                    passthru=["http://open.test"])
def test_options(canned_mock):
    canned_mock.get(URL, body="first")
    canned_mock.get(URL + "/unused")
    assert type(canned_mock.get_registry()).__name__ == "OrderedRegistry"
    assert canned_mock.passthru_prefixes == ("http://open.test",)
    assert requests.get(URL).text == "first"
""",
    )
    result.assert_outcomes(passed=1)


def test_a_class_marker_applies_and_a_method_marker_overrides_it(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
pytestmark = pytest.mark.canned(registry="ordered")

@pytest.mark.canned(assert_all_requests_are_fired=False)
class TestSuite:
    def test_inherits(self, canned_mock):
        canned_mock.get(URL + "/unused")
        assert type(canned_mock.get_registry()).__name__ == "OrderedRegistry"

    @pytest.mark.canned(registry="first_match", assert_all_requests_are_fired=True)
    def test_overrides(self, canned_mock):
        assert type(canned_mock.get_registry()).__name__ == "FirstMatchRegistry"
        assert canned_mock.assert_all_requests_are_fired is True
""",
    )
    result.assert_outcomes(passed=2)


def test_ini_options_set_the_project_defaults(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_defaults(canned_mock):
    canned_mock.get(URL + "/unused")
    assert canned_mock.assert_all_requests_are_fired is False
    assert canned_mock.on_unmatched == "warn"
    assert type(canned_mock.get_registry()).__name__ == "OrderedRegistry"
""",
        ini="canned_assert_all_requests_are_fired = false\ncanned_on_unmatched = warn\n"
        "canned_registry = ordered",
    )
    result.assert_outcomes(passed=1)


def test_on_unmatched_warn_warns_with_the_diagnosis_then_refuses(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.canned(on_unmatched="warn")
def test_warns(canned_mock):
    with pytest.warns(canned.UnmatchedRequestWarning, match="Connection refused by Responses"):
        with pytest.raises(requests.ConnectionError):
            requests.get(URL)
""",
    )
    result.assert_outcomes(passed=1)


def test_on_unmatched_policy_answers_for_the_missing_route(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def not_found(request):
    return canned.Response(request.method, request.url, status=404)

@pytest.mark.canned(on_unmatched=not_found)
def test_policy(canned_mock):
    assert requests.get(URL).status_code == 404
    assert len(canned_mock.calls) == 1
""",
    )
    result.assert_outcomes(passed=1)


def test_an_unknown_marker_option_is_named(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.canned(assert_all=False)
def test_typo(canned_mock):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown option 'assert_all'*"])


def test_an_async_test_sees_the_mock_active(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
import httpx

def test_async_client(canned_mock):
    canned_mock.post(URL, json={"id": 7}, status=201)

    async def call():
        async with httpx.AsyncClient() as client:
            return await client.post(URL, json={"name": "x"})

    answer = asyncio.run(call())
    assert (answer.status_code, answer.json()) == (201, {"id": 7})
""",
    )
    result.assert_outcomes(passed=1)


def test_the_suite_runs_under_xdist(pytester: pytest.Pytester) -> None:
    tests = "".join(
        f"""
def test_worker_{n}(canned_mock):
    canned_mock.get(URL, body="{n}")
    assert requests.get(URL).text == "{n}"
"""
        for n in range(4)
    )
    result = run(pytester, tests, "-n", "2")
    result.assert_outcomes(passed=4)
