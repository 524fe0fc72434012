"""Cassettes through the pytest plugin (`@pytest.mark.canned(cassette=...)`, `--canned-record`),
as a user runs them: inner test files in a subprocess (pytester), recording from a real server on
127.0.0.1 and replaying with that server stopped."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from tests.servers import EchoHandler, serving

HEADER = """
import pytest
import requests

import canned

BASE = "{base}"
"""

CLOSED = "http://127.0.0.1:9"  # nothing is sent there: every test below replays or fails first


class CountingHandler(EchoHandler):
    """An echo server that notes each path it answered: what reached the network."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's naming
        CountingHandler.seen.append(self.path)
        super().do_GET()


@pytest.fixture
def served() -> Iterator[None]:
    CountingHandler.seen = []
    yield
    CountingHandler.seen = []


def write(pytester: pytest.Pytester, body: str, base: str = CLOSED, ini: str = "") -> None:
    pytester.makepyfile(test_inner=HEADER.format(base=base) + body)
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args
    )


def recorded_urls(path: Path) -> list[str]:
    """Every URL a cassette file holds, in order, whatever its layout."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "url" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def cassettes(pytester: pytest.Pytester, directory: str = "cassettes") -> set[str]:
    root = pytester.path / directory
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


RECORDS_USER = """
@pytest.mark.canned(cassette=True)
def test_user(canned_mock):
    assert requests.get(BASE + "/users/1").text == "GET /users/1"
    assert len(canned_mock.calls) == 1
"""


def test_a_cassette_recorded_with_once_replays_with_the_server_stopped(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(pytester, RECORDS_USER, base)
        run(pytester, "--canned-record=once").assert_outcomes(passed=1)
    assert CountingHandler.seen == ["/users/1"]
    assert recorded_urls(pytester.path / "cassettes/test_inner/test_user.yaml") == [
        base + "/users/1"
    ]

    run(pytester).assert_outcomes(passed=1)  # the default mode, none: replay only


def test_replay_refuses_a_request_not_on_the_cassette_naming_the_closest_recorded_one(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(pytester, RECORDS_USER, base)
        run(pytester, "--canned-record=once").assert_outcomes(passed=1)
    write(pytester, RECORDS_USER.replace("/users/1", "/users/2"), base)

    result = run(pytester)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*requests.exceptions.ConnectionError*", f"*Closest route: GET {base}/users/1*"]
    )


def test_mode_none_with_a_missing_cassette_fails_naming_the_file(pytester: pytest.Pytester) -> None:
    write(pytester, RECORDS_USER)

    result = run(pytester)

    result.assert_outcomes(errors=1)
    missing = pytester.path / "cassettes" / "test_inner" / "test_user.yaml"
    result.stdout.fnmatch_lines(
        [f"*cassette {missing} does not exist*record it with --canned-record=once*"]
    )
    assert not (pytester.path / "cassettes").exists()


def test_mode_new_replays_what_is_recorded_and_appends_what_is_not(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(pytester, RECORDS_USER, base)
        run(pytester, "--canned-record=once").assert_outcomes(passed=1)
        write(
            pytester,
            """
@pytest.mark.canned(cassette=True)
def test_user(canned_mock):
    assert requests.get(BASE + "/users/1").text == "GET /users/1"
    assert requests.get(BASE + "/users/2").text == "GET /users/2"
""",
            base,
        )
        run(pytester, "--canned-record=new").assert_outcomes(passed=1)

    assert CountingHandler.seen == ["/users/1", "/users/2"]
    assert recorded_urls(pytester.path / "cassettes/test_inner/test_user.yaml") == [
        base + "/users/1",
        base + "/users/2",
    ]


def test_mode_all_records_everything_again_and_overwrites_the_cassette(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(pytester, RECORDS_USER, base)
        run(pytester, "--canned-record=once").assert_outcomes(passed=1)
        write(pytester, RECORDS_USER.replace("/users/1", "/users/2"), base)
        run(pytester, "--canned-record=all").assert_outcomes(passed=1)

    assert CountingHandler.seen == ["/users/1", "/users/2"]
    assert recorded_urls(pytester.path / "cassettes/test_inner/test_user.yaml") == [
        base + "/users/2"
    ]


def test_the_command_line_record_mode_overrides_the_ini_option(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(pytester, RECORDS_USER, base, ini="canned_record = once")
        run(pytester).assert_outcomes(passed=1)
    write(pytester, RECORDS_USER, base, ini="canned_record = all")

    run(pytester, "--canned-record=none").assert_outcomes(passed=1)  # the server is gone

    assert CountingHandler.seen == ["/users/1"]


def test_a_bad_record_mode_in_the_ini_is_a_usage_error(pytester: pytest.Pytester) -> None:
    write(pytester, RECORDS_USER, ini="canned_record = sometimes")

    result = run(pytester)

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*canned_record must be one of none, once, new, all, got 'sometimes'*"]
    )


def test_cassette_paths_follow_the_module_the_test_and_the_marker(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(
            pytester,
            """
def get(path):
    assert requests.get(BASE + path).text == "GET " + path

@pytest.mark.canned(cassette=True)
def test_plain(canned_mock):
    get("/plain")

@pytest.mark.canned(cassette=True)
@pytest.mark.parametrize("path", ["/a", "/x y"], ids=["a", "x/y z"])
def test_param(canned_mock, path):
    get(path.replace(" ", "%20"))

@pytest.mark.canned(cassette=True)
class TestGroup:
    def test_method(self, canned_mock):
        get("/method")

@pytest.mark.canned(cassette="shared")
def test_named(canned_mock):
    get("/named")

@pytest.mark.canned(cassette="common/users.yaml")
def test_given_path(canned_mock):
    get("/given")
""",
            base,
        )
        run(pytester, "--canned-record=once").assert_outcomes(passed=6)

    digest = hashlib.sha1(b"test_param[x/y z]").hexdigest()[:8]
    assert cassettes(pytester) == {
        "test_inner/test_plain.yaml",
        "test_inner/test_param[a].yaml",
        f"test_inner/test_param[x_y_z]-{digest}.yaml",
        "test_inner/TestGroup.test_method.yaml",
        "test_inner/shared.yaml",
        "common/users.yaml",
    }


def test_the_ini_cassette_dir_is_relative_to_the_ini_file(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(pytester, RECORDS_USER, base, ini="canned_cassette_dir = recorded/http")
        run(pytester, "--canned-record=once").assert_outcomes(passed=1)

    assert cassettes(pytester, "recorded/http") == {"test_inner/test_user.yaml"}
    assert not (pytester.path / "cassettes").exists()


def test_a_cassette_dir_given_with_dash_o_and_no_ini_file_is_relative_to_the_rootdir(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(pytester, RECORDS_USER, base)
        run(pytester, "--canned-record=once", "-o", "canned_cassette_dir=recorded").assert_outcomes(
            passed=1
        )

    assert cassettes(pytester, "recorded") == {"test_inner/test_user.yaml"}


def test_under_xdist_two_tests_record_two_cassettes(
    pytester: pytest.Pytester, served: None
) -> None:
    tests = "".join(
        f"""
@pytest.mark.canned(cassette=True)
def test_worker_{n}(canned_mock):
    assert requests.get(BASE + "/{n}").text == "GET /{n}"
"""
        for n in range(2)
    )
    with serving(CountingHandler) as base:
        write(pytester, tests, base)
        run(pytester, "-n", "2", "--canned-record=once").assert_outcomes(passed=2)

    for n in range(2):
        path = pytester.path / f"cassettes/test_inner/test_worker_{n}.yaml"
        assert recorded_urls(path) == [f"{base}/{n}"]
    run(pytester, "-n", "2").assert_outcomes(passed=2)  # and both replay, the server gone


def test_recorded_interactions_left_unreplayed_fail_a_test_only_when_its_marker_asks(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(
            pytester,
            """
@pytest.mark.canned(cassette="both")
def test_record(canned_mock):
    requests.get(BASE + "/a")
    requests.get(BASE + "/b")
""",
            base,
        )
        run(pytester, "--canned-record=once").assert_outcomes(passed=1)
    write(
        pytester,
        """
@pytest.mark.canned(cassette="both")
def test_lenient(canned_mock):
    requests.get(BASE + "/a")

@pytest.mark.canned(cassette="both", assert_all_requests_are_fired=True)
def test_strict(canned_mock):
    requests.get(BASE + "/a")
""",
        base,
        ini="canned_assert_all_requests_are_fired = true",
    )

    result = run(pytester)

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_strict*", "*Not all requests have been executed*/b*", "*1 failed, 1 passed*"]
    )


def test_a_closer_marker_without_a_cassette_gives_the_plain_mock(
    pytester: pytest.Pytester,
) -> None:
    write(
        pytester,
        """
pytestmark = pytest.mark.canned(cassette=True)

@pytest.mark.canned(cassette=False)
def test_plain(canned_mock):
    canned_mock.get(BASE + "/stub", body="stubbed")
    assert requests.get(BASE + "/stub").text == "stubbed"
""",
    )

    run(pytester).assert_outcomes(passed=1)

    assert not (pytester.path / "cassettes").exists()


def test_a_cassette_marker_on_a_test_without_the_fixture_fails_it_with_advice(
    pytester: pytest.Pytester,
) -> None:
    write(
        pytester,
        """
@pytest.mark.canned(cassette=True)
def test_forgot_the_fixture():
    pass
""",
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.canned(cassette=...) needs the canned_mock fixture*usefixtures*"]
    )


def test_a_cassette_option_of_the_wrong_type_is_named(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        """
@pytest.mark.canned(cassette=3)
def test_odd(canned_mock):
    pass
""",
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*TypeError: @pytest.mark.canned(): cassette must be True, a cassette name or a file "
         "path, got 3 (int)*"]
    )  # fmt: skip


def test_a_cassette_option_without_a_cassette_is_named(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        """
@pytest.mark.canned(match_on=("method", "url"))
def test_odd(canned_mock):
    pass
""",
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*TypeError: @pytest.mark.canned(): match_on needs a cassette (cassette=...)*"]
    )


def test_the_markers_mock_options_apply_to_a_cassette(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(pytester, RECORDS_USER, base)
        run(pytester, "--canned-record=once").assert_outcomes(passed=1)
        write(
            pytester,
            """
@pytest.mark.canned(
    cassette=True, registry=canned.registries.OrderedRegistry, passthru=BASE + "/live"
)
def test_user(canned_mock):
    assert type(canned_mock.get_registry()).__name__ == "OrderedRegistry"
    assert requests.get(BASE + "/users/1").text == "GET /users/1"
    assert requests.get(BASE + "/live").text == "GET /live"
""",
            base,
        )
        run(pytester).assert_outcomes(passed=1)

    assert CountingHandler.seen == ["/users/1", "/live"]
    assert recorded_urls(pytester.path / "cassettes/test_inner/test_user.yaml") == [
        base + "/users/1"
    ]


def test_a_test_that_fails_while_recording_still_writes_what_it_recorded(
    pytester: pytest.Pytester, served: None
) -> None:
    with serving(CountingHandler) as base:
        write(
            pytester,
            """
@pytest.mark.canned(cassette=True)
def test_user(canned_mock):
    requests.get(BASE + "/users/1")
    raise AssertionError("the test's own failure")
""",
            base,
        )
        result = run(pytester, "--canned-record=once")

    result.assert_outcomes(failed=1)
    assert recorded_urls(pytester.path / "cassettes/test_inner/test_user.yaml") == [
        base + "/users/1"
    ]


def test_a_bad_on_unmatched_option_is_named(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        """
@pytest.mark.canned(cassette=True, on_unmatched="ignore")
def test_odd(canned_mock):
    pass
""",
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*TypeError: @pytest.mark.canned(): on_unmatched must be 'raise', 'warn' or a callable, "
         "got 'ignore' (str)*"]
    )  # fmt: skip
