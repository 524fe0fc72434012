"""Cassettes as a user relies on them, where other tests pinned less: every client, every
redaction rule, the files, the pytest plugin, and canned._recorder.

Every answer comes from a real server on 127.0.0.1, and every replay happens with that server
stopped (and the suite's network guard on), so a replay that reached for the network would fail.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
import requests
import urllib3
import yaml
from tests.cassettes.test_cassette import AppHandler
from tests.servers import EchoHandler, serving

import canned
from canned import _recorder
from canned.cassettes import formats
from canned.errors import CassetteError

COMPRESSED_TEXT = b"compressed hello " * 20
README = Path(__file__).resolve().parents[2] / "README.md"

# The list of secret query parameter names, and one of each signing family.
SECRET_NAMES = [
    "token", "access_token", "refresh_token", "id_token", "api_key", "apikey", "key",
    "private_token", "api_token", "auth_token", "oauth_token", "client_secret", "password",
    "secret", "secret_key", "signature", "X-Amz-Signature", "X-Goog-Signature",
]  # fmt: skip


class Handler(AppHandler):
    """The cassette tests' app, plus answers that carry a secret the client never sent, as JSON
    or as a form, and an answer streamed in separate chunks."""

    def route(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/answer":  # ?kind=json|form&name=<field>: that field holds a secret
            options = dict(pair.split("=") for pair in query.split("&"))
            fields = {options["name"]: "answered-secret-77", "user": "ann"}
            if options["kind"] == "json":
                body, kind = json.dumps(fields).encode(), "application/json"
            else:
                body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
                kind = "application/x-www-form-urlencoded"
            self.received()
            self.answer(200, body, [("Content-Type", kind)])
        elif path == "/set-cookie":
            cookie = 'pref="quoted-cookie-secret"; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/'
            self.answer(200, b"ok", [("Content-Type", "text/plain"), ("Set-Cookie", cookie)])
        else:
            super().route()

    do_GET = do_POST = do_HEAD = do_PUT = route  # http.server's naming


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cassettes" / "audit.yaml"


@pytest.fixture
def app() -> Iterator[str]:
    AppHandler.counts = {}
    with serving(Handler) as url:
        yield url


def stored(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text())["interactions"]  # type: ignore[no-any-return]


# -- each client: what it reads, following redirects and decoding as it does by itself ------------


def read_requests(url: str) -> tuple[int, bytes]:
    answer = requests.get(url)
    return answer.status_code, answer.content


def read_httpx(url: str) -> tuple[int, bytes]:
    with httpx.Client(follow_redirects=True) as client:
        answer = client.get(url)
        return answer.status_code, answer.content


def read_httpx2(url: str) -> tuple[int, bytes]:
    import httpx2  # Python 3.11 on

    with httpx2.Client(follow_redirects=True) as client:
        answer = client.get(url)
        return answer.status_code, answer.content


def read_httpx_async(url: str) -> tuple[int, bytes]:
    async def main() -> tuple[int, bytes]:
        async with httpx.AsyncClient(follow_redirects=True) as client:
            answer = await client.get(url)
            return answer.status_code, answer.content

    return asyncio.run(main())


def read_aiohttp(url: str) -> tuple[int, bytes]:
    async def main() -> tuple[int, bytes]:
        async with aiohttp.ClientSession() as session, session.get(url) as answer:
            return answer.status, await answer.read()

    return asyncio.run(main())


def read_urllib3(url: str) -> tuple[int, bytes]:
    manager = urllib3.PoolManager()
    try:
        answer = manager.request("GET", url)
        return answer.status, answer.data
    finally:
        manager.clear()


def read_urllib(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url) as answer:
        return answer.status, answer.read()


READERS: dict[str, Callable[[str], tuple[int, bytes]]] = {
    "requests": read_requests,
    "httpx": read_httpx,
    "httpx-async": read_httpx_async,
    "aiohttp": read_aiohttp,
    "urllib3": read_urllib3,
    "urllib": read_urllib,
}
if sys.version_info >= (3, 11):  # httpx2 needs Python 3.11
    READERS["httpx2"] = read_httpx2


@pytest.mark.parametrize("client", list(READERS))
def test_every_client_records_redirects_compressed_and_binary_answers_and_replays_them_offline(
    tmp_path: Path, client: str
) -> None:
    path = tmp_path / f"{client}.yaml"
    read = READERS[client]
    with serving(Handler) as base, canned.cassette(path):
        live = [read(base + p) for p in ("/redirect", "/gzip", "/binary", "/json")]
    with canned.cassette(path, mode="none"):
        replayed = [read(base + p) for p in ("/redirect", "/gzip", "/binary", "/json")]
    assert replayed[0] == live[0] == (200, b"hello")  # the redirect, followed from the file
    assert replayed[1] == (200, COMPRESSED_TEXT)  # stored decoded (urllib read it compressed)
    assert replayed[2:] == live[2:]
    assert [i["response"]["status"] for i in stored(path)] == [302, 200, 200, 200, 200]
    assert "Content-Encoding" not in stored(path)[2]["response"]["headers"]


# -- cookies, redacted by default, land in each client's jar under their names --------------------


def cookies_of_requests(url: str) -> list[str]:
    with requests.Session() as session:
        session.get(url)
        return sorted(session.cookies.keys())


def cookies_of_httpx(url: str) -> list[str]:
    with httpx.Client() as client:
        client.get(url)
        return sorted(client.cookies.keys())


def cookies_of_aiohttp(url: str) -> list[str]:
    async def main() -> list[str]:
        jar = aiohttp.CookieJar(unsafe=True)  # 127.0.0.1 is an IP address: unsafe for the jar
        async with aiohttp.ClientSession(cookie_jar=jar) as session, session.get(url) as answer:
            await answer.read()
        return sorted(cookie.key for cookie in jar)

    return asyncio.run(main())


def cookies_of_urllib(url: str) -> list[str]:
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url) as answer:
        answer.read()
    return sorted(cookie.name for cookie in jar)


JARS = {
    "requests": cookies_of_requests,
    "httpx": cookies_of_httpx,
    "aiohttp": cookies_of_aiohttp,
    "urllib": cookies_of_urllib,
}


@pytest.mark.parametrize("client", list(JARS))
def test_a_redacted_cookie_replays_into_each_clients_jar_under_its_name(
    tmp_path: Path, client: str
) -> None:
    path = tmp_path / "cookies.yaml"
    with serving(Handler) as base, canned.cassette(path):
        live = JARS[client](base + "/cookies")
    assert "first-cookie-1" not in path.read_text()
    with canned.cassette(path, mode="none"):
        assert JARS[client](base + "/cookies") == live == ["a", "b"]


def test_set_cookie_with_a_quoted_value_and_an_expiry_keeps_its_attributes(
    app: str, path: Path
) -> None:
    with canned.cassette(path):
        requests.get(app + "/set-cookie")
    assert "quoted-cookie-secret" not in path.read_text()
    assert stored(path)[0]["response"]["headers"]["Set-Cookie"] == (
        "pref=REDACTED; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/"
    )


# -- mode none: an unrecorded request is the client's own connection error ------------------------


def unrecorded_error(client: str, url: str) -> BaseException:
    """What the client raises for `url`, which the cassette does not hold."""
    expected: dict[str, type[BaseException]] = {
        "requests": requests.ConnectionError,
        "httpx": httpx.ConnectError,
        "httpx-async": httpx.ConnectError,
        "aiohttp": aiohttp.ClientConnectorError,
        "urllib3": urllib3.exceptions.MaxRetryError,
        "urllib": urllib.error.URLError,
    }
    if client == "httpx2":
        import httpx2  # Python 3.11 on

        expected[client] = httpx2.ConnectError
    with pytest.raises(expected[client]) as raised:
        READERS[client](url)
    return raised.value


def messages(error: BaseException | None) -> str:
    """The text of an error and of every error it carries (cause, context, reason)."""
    seen: list[BaseException] = []
    while error is not None and all(error is not s for s in seen):
        seen.append(error)
        error = error.__cause__ or error.__context__ or getattr(error, "reason", None)
        if not isinstance(error, BaseException):
            error = None
    return "\n".join(str(one) for one in seen)


@pytest.mark.parametrize("client", list(READERS))
def test_mode_none_refuses_an_unrecorded_request_with_the_clients_own_error_naming_the_closest(
    tmp_path: Path, client: str
) -> None:
    path = tmp_path / "one.yaml"
    with serving(Handler) as base:
        with canned.cassette(path):
            READERS[client](base + "/text")
        with canned.cassette(path, mode="none"):  # the server is still up: it is not asked
            error = unrecorded_error(client, base + "/json")
    assert f"Closest route: GET {base}/text" in messages(error)


def test_mode_none_never_records_even_when_the_server_answers(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.get(app + "/text")
    before = path.read_bytes()
    with canned.cassette(path, mode="none"), pytest.raises(requests.ConnectionError):
        requests.get(app + "/json")
    assert path.read_bytes() == before


def test_mode_new_records_a_missing_file(app: str, path: Path) -> None:
    with canned.cassette(path, mode="new"):
        requests.get(app + "/text")
    assert [i["request"]["url"] for i in stored(path)] == [app + "/text"]


def test_a_decorated_async_function_stays_a_coroutine_function(path: Path) -> None:
    async def fetch() -> None:
        pass

    assert inspect.iscoroutinefunction(canned.cassette(path)(fetch))


# -- matching ------------------------------------------------------------------------------------


def test_another_method_on_the_recorded_url_is_not_replayed(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.get(app + "/text")
    with canned.cassette(path), pytest.raises(requests.ConnectionError):
        requests.delete(app + "/text")


def test_the_default_match_ignores_headers(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.get(app + "/text", headers={"X-Tenant": "a", "User-Agent": "one"})
    with canned.cassette(path):
        assert requests.get(app + "/text", headers={"User-Agent": "two"}).text == "hello"


def test_without_query_and_body_in_match_on_other_queries_and_bodies_replay(
    app: str, path: Path
) -> None:
    on = ("method", "url")
    with canned.cassette(path, match_on=on):
        requests.post(app + "/echo?page=1", data=b"first")
    with canned.cassette(path, match_on=on):
        answer = requests.post(app + "/echo?page=2&x=y", data=b"second")
    assert answer.json()["body"] == "first"


def test_a_redacted_json_field_holding_text_matches_the_request_replayed_as_recorded(
    app: str, path: Path
) -> None:
    sent = {"token": "text-token-1", "user": "ann"}
    with canned.cassette(path):
        requests.post(app + "/login", json=sent)
    with canned.cassette(path):
        assert requests.post(app + "/login", json=sent).status_code == 200


@pytest.mark.parametrize("value", [12345678, {"v": "nested-value"}, ["a-list-value"]])
def test_a_redacted_json_field_that_held_no_text_matches_any_value_on_replay(
    app: str, path: Path, value: Any
) -> None:
    sent = {"token": value, "user": "ann"}
    with canned.cassette(path):
        requests.post(app + "/login", json=sent)
    with canned.cassette(path):
        assert requests.post(app + "/login", json=sent).status_code == 200


# -- every secret name, as a JSON or form field, in requests and in answers -----------------------


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_a_secret_json_field_sent_is_not_in_the_file(app: str, path: Path, name: str) -> None:
    with canned.cassette(path):
        requests.post(app + "/text", json={name: "json-sent-secret-1", "user": "ann"})
    assert "json-sent-secret-1" not in path.read_text()
    assert stored(path)[0]["request"]["json"] == {name: "REDACTED", "user": "ann"}


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_a_secret_form_field_sent_is_not_in_the_file(app: str, path: Path, name: str) -> None:
    with canned.cassette(path):
        requests.post(app + "/text", data={name: "form-sent-secret-1", "user": "ann"})
    assert "form-sent-secret-1" not in path.read_text()
    assert "user=ann" in stored(path)[0]["request"]["body"]


@pytest.mark.parametrize("kind", ["json", "form"])
@pytest.mark.parametrize("name", SECRET_NAMES)
def test_a_secret_field_in_an_answer_is_not_in_the_file_and_the_rest_replays(
    app: str, path: Path, name: str, kind: str
) -> None:
    url = f"{app}/answer?kind={kind}&name={name}"
    with canned.cassette(path):
        requests.get(url)
    assert "answered-secret-77" not in path.read_text()
    with canned.cassette(path):
        answer = requests.get(url)
    if kind == "json":
        assert answer.json() == {name: "REDACTED", "user": "ann"}
    else:
        assert answer.text == f"{name}=REDACTED&user=ann"


def test_redact_adds_a_name_for_form_fields(app: str, path: Path) -> None:
    with canned.cassette(path, redact=("tenant",)):
        requests.post(app + "/text", data={"tenant": "acme-tenant-9"})
    assert "acme-tenant-9" not in path.read_text()


def test_a_secret_query_value_holding_a_comma_is_redacted_whole(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.get(app + "/text?token=first-half,second-half&page=1")
    assert "second-half" not in path.read_text()


# -- files ---------------------------------------------------------------------------------------


def test_json_answers_are_written_as_readable_yaml_and_indented_json(
    app: str, tmp_path: Path
) -> None:
    yaml_path, json_path = tmp_path / "a.yaml", tmp_path / "a.json"
    for where in (yaml_path, json_path):
        with canned.cassette(where):
            requests.get(app + "/json")
    assert "    json:\n      id: 1\n      name: ann\n" in yaml_path.read_text()
    assert '"json": {\n          "id": 1,\n          "name": "ann"\n        }' in (
        json_path.read_text()
    )


def test_a_rewritten_cassette_replaces_the_file_instead_of_writing_into_it(
    app: str, path: Path
) -> None:
    with canned.cassette(path):
        requests.get(app + "/text")
    before = path.stat().st_ino
    with canned.cassette(path, mode="all"):
        requests.get(app + "/json")
    assert path.stat().st_ino != before


def test_a_cassette_refused_by_the_scan_leaves_the_old_file_as_it_was(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.get(app + "/text")
    before = path.read_bytes()
    cassette = canned.cassette(path, mode="all")
    with cassette:
        requests.get(app + "/echo", headers={"Authorization": "Bearer echoed-token-2"})
        with pytest.raises(CassetteError, match="not written"):
            cassette.stop()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["audit.yaml"]


def test_a_cassette_is_written_while_its_lock_is_held(
    app: str, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    write = formats.write_atomically
    held: list[bool] = []

    def checking(target: Any, writer: Any) -> None:
        handle = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(False)
        except BlockingIOError:
            held.append(True)
        finally:
            os.close(handle)
        write(target, writer)

    monkeypatch.setattr(formats, "write_atomically", checking)
    with canned.cassette(path):
        requests.get(app + "/text")
    assert held == [True]
    assert path.exists()


# -- chunked answers -----------------------------------------------------------------------------


def test_a_chunked_answer_replays_in_the_chunks_the_server_sent(tmp_path: Path) -> None:
    path = tmp_path / "chunked.yaml"

    def chunks(url: str) -> list[bytes]:
        manager = urllib3.PoolManager()
        try:
            answer = manager.request("GET", url, preload_content=False)
            found = list(answer.stream(None))
            answer.release_conn()
            return found
        finally:
            manager.clear()

    with serving(Handler) as base, canned.cassette(path):
        live = chunks(base + "/chunked")
    with canned.cassette(path, mode="none"):
        assert chunks(base + "/chunked") == live == [b"one ", b"two"]


# -- canned._recorder ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("/moved", "loc-secret-999"),
        ("/moved", "cl-secret-555"),
        ("/moved", "link-secret-42"),
        ("/moved", "ref-secret-77"),
        ("/login", "tok-SECRET-123"),
        ("/answer?kind=form&name=access_token", "answered-secret-77"),
    ],
)
def test_the_recorder_keeps_url_headers_and_body_fields_secret(
    app: str, tmp_path: Path, url: str, secret: str
) -> None:
    path = tmp_path / "out.yaml"
    _recorder.record(file_path=path)(lambda: requests.get(app + url, allow_redirects=False))()
    assert secret not in path.read_text()


def test_the_recorder_replays_a_compressed_answer_kept_with_its_headers(
    app: str, tmp_path: Path
) -> None:
    path = tmp_path / "out.yaml"
    _recorder.record(file_path=path, keep_headers=True)(lambda: requests.get(app + "/gzip"))()
    with canned.RequestsMock() as mock:
        mock._add_from_file(path)
        assert requests.get(app + "/gzip").content == COMPRESSED_TEXT


def test_the_recorder_replays_a_compressed_answer_without_its_headers(
    app: str, tmp_path: Path
) -> None:
    path = tmp_path / "out.yaml"
    _recorder.record(file_path=path)(lambda: requests.get(app + "/gzip"))()
    with canned.RequestsMock() as mock:
        mock._add_from_file(path)
        assert requests.get(app + "/gzip").content == COMPRESSED_TEXT


# -- the pytest plugin ---------------------------------------------------------------------------

INNER = """
import pathlib

import pytest
import requests

BASE = "{base}"
PATH = pathlib.Path(__file__).parent / "cassettes" / "test_inner" / "test_user.yaml"
"""


def run_inner(pytester: pytest.Pytester, body: str, base: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_inner=INNER.format(base=base) + body)
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args
    )


def test_a_marked_tests_cassette_is_written_once_as_the_test_ends(
    pytester: pytest.Pytester,
) -> None:
    body = """
@pytest.mark.canned(cassette=True)
def test_user(canned_mock):
    requests.get(BASE + "/a")
    requests.get(BASE + "/b")
    assert not PATH.exists()  # nothing is written while the test runs
"""
    with serving(EchoHandler) as base:
        run_inner(pytester, body, base, "--canned-record=once").assert_outcomes(passed=1)
    written = yaml.safe_load((pytester.path / "cassettes/test_inner/test_user.yaml").read_text())
    assert [i["request"]["url"] for i in written["interactions"]] == [base + "/a", base + "/b"]


def test_a_secret_the_scan_finds_fails_the_marked_test_and_nothing_is_written(
    pytester: pytest.Pytester,
) -> None:
    body = """
@pytest.mark.canned(cassette=True)
def test_user(canned_mock):
    requests.get(BASE + "/t?t=echoed-secret-1", headers={"Authorization": "Bearer echoed-secret-1"})
"""
    with serving(EchoHandler) as base:
        result = run_inner(pytester, body, base, "--canned-record=once")
    result.assert_outcomes(passed=1, errors=1)  # the test's teardown, where it is written
    result.stdout.fnmatch_lines(["*CassetteError: cassette *test_user.yaml: not written*"])
    assert not (pytester.path / "cassettes/test_inner/test_user.yaml").exists()


# -- README --------------------------------------------------------------------------------------


def test_the_readme_record_and_replay_section_names_the_modes_and_every_redaction_rule() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Record and replay", 1)[1].split("\n## ", 1)[0]
    prose = re.sub(r"```.*?```", "", section, flags=re.S)  # the examples' code left out
    words = set(re.findall(r"`([^`]+)`", prose))
    for mode in ('"none"', '"once"', '"new"', '"all"'):
        assert mode in words
    for name in ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "Location",
                 "Content-Location", "Link", "Refresh", "X-Amz-*", "X-Goog-*", "redact=",
                 "keep=", *SECRET_NAMES[:16]]:  # fmt: skip
        assert name in words, name
    assert "CassetteError" in section


def test_the_recorder_refuses_to_write_a_secret_its_answers_echo_elsewhere(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.yaml"
    echoed = canned.Response(
        canned.GET,
        "https://api.example.test/moved",
        status=302,
        headers={"Location": "/next?token=echoed-token-41"},
        body="moved to /next?token=echoed-token-41",
    )
    with pytest.raises(CassetteError) as raised:
        _recorder.recorder.dump_to_file(path, registered=[echoed])
    assert str(raised.value) == (
        "recorded routes not written: a value received as a secret appears at "
        "responses[0].response.body"
    )
    assert not path.exists()
