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


# -- the network guard ----------------------------------------------------------------------------

GUARD_TESTS = """
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import canned.pytest_plugin as plugin


@pytest.fixture
def spy(monkeypatch):
    calls = []
    monkeypatch.setattr(plugin, "_real_connect", lambda sock, address: calls.append(address))
    return calls


def test_a_public_address_is_refused_before_anything_is_sent(spy):
    with socket.socket() as sock:
        with pytest.raises(canned.errors.NetworkBlockedError, match="192.0.2.1:80"):
            sock.connect(("192.0.2.1", 80))
    assert spy == []


def test_a_host_name_is_refused(spy):
    with socket.socket() as sock:
        with pytest.raises(ConnectionError, match="example.invalid"):
            sock.connect(("example.invalid", 443))
    assert spy == []


def test_connect_ex_is_guarded_too(spy):
    with socket.socket() as sock:
        with pytest.raises(canned.errors.NetworkBlockedError):
            sock.connect_ex(("192.0.2.1", 80))


def test_requests_to_the_network_fail_fast_naming_the_host(spy):
    with pytest.raises(requests.ConnectionError, match="192.0.2.1"):
        requests.get("http://192.0.2.1/", timeout=1)
    assert spy == []


def test_loopback_is_let_through(spy):
    with socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
    assert spy == [("127.0.0.1", 9)]


def test_a_real_local_server_still_answers():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        assert requests.get(f"http://127.0.0.1:{server.server_address[1]}/").text == "ok"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
"""


def test_the_network_guard_refuses_all_but_loopback(pytester: pytest.Pytester) -> None:
    result = run(pytester, GUARD_TESTS, "--canned-block-network")
    result.assert_outcomes(passed=6)


def test_the_network_guard_can_be_switched_on_in_the_ini(pytester: pytest.Pytester) -> None:
    result = run(pytester, GUARD_TESTS, ini="canned_block_network = true")
    result.assert_outcomes(passed=6)


def test_without_the_switch_the_socket_is_untouched(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_untouched():
    import canned.pytest_plugin as plugin
    assert socket.socket.connect is plugin._real_connect
""",
    )
    result.assert_outcomes(passed=1)
