"""`canned.cassette`: record from a real server on 127.0.0.1 once, then replay from the file with
that server stopped, with requests and httpx (sync and async)."""

from __future__ import annotations

import asyncio
import fcntl
import gzip
import json
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import yaml
from tests.servers import QuietHandler, serving

import canned
from canned._core import activation
from canned._core.reply import Reply
from canned._core.request import Request
from canned.cassettes.formats import locked
from canned.errors import CassetteError

BINARY = bytes(range(256))
GZIPPED = gzip.compress(b"compressed hello " * 20)
_RAW = zlib.compressobj(wbits=-zlib.MAX_WBITS)
ENCODED = {
    "zlib": zlib.compress(b"deflated text"),
    "raw": _RAW.compress(b"deflated text") + _RAW.flush(),
    "plain": b"deflated text",
}


class AppHandler(QuietHandler):
    """A small app: text, JSON, binary, gzip, chunked, redirects, cookies, a counter, an echo,
    a login that answers a token, and redirects and links carrying secrets."""

    protocol_version = "HTTP/1.1"
    counts: dict[str, int] = {}  # noqa: RUF012  # per server run, reset by `app`

    def answer(
        self, status: int, body: bytes, headers: list[tuple[str, str]] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in headers or [("Content-Type", "text/plain")]:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def received(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def route(self) -> None:
        path, _, query = self.path.partition("?")
        sent = self.received()
        if path == "/text":
            self.answer(200, b"hello")
        elif path == "/json":
            self.answer(200, b'{"id": 1, "name": "ann"}', [("Content-Type", "application/json")])
        elif path == "/binary":
            self.answer(200, BINARY, [("Content-Type", "application/octet-stream")])
        elif path == "/gzip":
            self.answer(
                200, GZIPPED, [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")]
            )
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in (b"one ", b"two"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/redirect":
            self.answer(302, b"", [("Location", "/text")])
        elif path == "/cookie":
            cookie = ("Set-Cookie", "session=s3cr3t-cookie; Path=/; HttpOnly")
            self.answer(200, b"ok", [("Content-Type", "text/plain"), cookie])
        elif path == "/cookies":
            cookies = [("Set-Cookie", "a=first-cookie-1"), ("Set-Cookie", "b=second-cookie-2")]
            self.answer(200, b"ok", [("Content-Type", "text/plain"), *cookies])
        elif path == "/not-json":
            self.answer(200, b"{not json", [("Content-Type", "application/json")])
        elif path == "/encoded":  # ?coding=deflate&form=zlib: the body as that encoding sends it
            options = dict(pair.split("=") for pair in query.split("&"))
            body = ENCODED[options["form"]]
            headers = [("Content-Type", "text/plain"), ("Content-Encoding", options["coding"])]
            self.answer(200, body, headers)
        elif path == "/count":
            AppHandler.counts[path] = AppHandler.counts.get(path, 0) + 1
            self.answer(200, str(AppHandler.counts[path]).encode())
        elif path == "/echo":
            echoed = {
                "method": self.command,
                "query": query,
                "headers": dict(self.headers.items()),
                "body": sent.decode("latin-1"),
            }
            self.answer(200, json.dumps(echoed).encode(), [("Content-Type", "application/json")])
        elif path == "/login":
            token = {"access_token": "tok-SECRET-123", "user": "ann"}
            self.answer(200, json.dumps(token).encode(), [("Content-Type", "application/json")])
        elif path == "/moved":
            self.answer(
                302,
                b"",
                [
                    ("Location", "/text?token=loc-secret-999&page=2"),
                    ("Content-Location", "/here?api_key=cl-secret-555"),
                    ("Link", '</next?private_token=link-secret-42>; rel="next"'),
                    ("Refresh", "0; url=/text?signature=ref-secret-77"),
                ],
            )
        else:
            self.answer(404, b"not found")

    do_GET = do_POST = do_HEAD = do_PUT = route  # http.server's naming


@pytest.fixture
def app() -> Iterator[str]:
    """A fresh app on 127.0.0.1."""
    AppHandler.counts = {}
    with serving(AppHandler) as url:
        yield url


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cassettes" / "example.yaml"


def record(path: Path, base: str, *paths: str, **options: Any) -> list[requests.Response]:
    with canned.cassette(path, **options):
        return [requests.get(base + p) for p in paths]


def interactions(path: Path) -> list[dict[str, Any]]:
    data = (
        json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
    )
    return data["interactions"]  # type: ignore[no-any-return]  # the document's list


# -- recording and replaying with each client -----------------------------------------------------


def test_requests_answers_are_recorded_and_replay_once_the_server_is_gone(path: Path) -> None:
    with serving(AppHandler) as base:
        recorded = record(path, base, "/text", "/json")
    with canned.cassette(path, mode="none"):
        replayed = [requests.get(base + p) for p in ("/text", "/json")]
    assert [(r.status_code, r.text) for r in replayed] == [
        (r.status_code, r.text) for r in recorded
    ]
    assert replayed[1].json() == {"id": 1, "name": "ann"}
    assert replayed[1].headers["Content-Type"] == "application/json"


def test_httpx_answers_are_recorded_and_replay_once_the_server_is_gone(path: Path) -> None:
    with serving(AppHandler) as base, canned.cassette(path), httpx.Client() as client:
        first = client.get(base + "/json")
    with canned.cassette(path, mode="none"), httpx.Client() as client:
        again = client.get(base + "/json")
    assert (first.json(), again.json()) == ({"id": 1, "name": "ann"}, {"id": 1, "name": "ann"})
    assert first.elapsed.total_seconds() >= 0  # the recorded answer was timed by the client


def test_async_httpx_records_and_replays_through_a_decorated_async_function(path: Path) -> None:
    @canned.cassette(path)
    async def fetch(base: str) -> tuple[int, bytes]:
        async with httpx.AsyncClient() as client:
            answer = await client.get(base + "/binary")
            return answer.status_code, answer.content

    with serving(AppHandler) as base:
        recorded = asyncio.run(fetch(base))
    assert asyncio.run(fetch(base)) == recorded == (200, BINARY)


def test_a_decorated_function_records_then_replays_from_the_file(path: Path) -> None:
    @canned.cassette(path)
    def fetch(base: str) -> str:
        return requests.get(base + "/text").text

    with serving(AppHandler) as base:
        assert fetch(base) == "hello"
    assert fetch(base) == "hello"


def test_the_cassette_is_a_mock_its_calls_and_own_routes_work(app: str, path: Path) -> None:
    with canned.cassette(path) as mock:
        mock.add(canned.GET, "https://api.test/own", json={"own": True})
        assert requests.get("https://api.test/own").json() == {"own": True}
        requests.get(app + "/text")
        assert [call.request.url for call in mock.calls] == ["https://api.test/own", app + "/text"]
    assert [i["request"]["url"] for i in interactions(path)] == [app + "/text"]


def test_a_passthru_prefix_stays_live_and_is_not_recorded(app: str, path: Path) -> None:
    with canned.cassette(path, passthru_prefixes=(app + "/count",)):
        requests.get(app + "/count")
        requests.get(app + "/text")
    assert [i["request"]["url"] for i in interactions(path)] == [app + "/text"]


def test_on_unmatched_applies_when_replaying_and_not_while_recording(app: str, path: Path) -> None:
    record(path, app, "/text", on_unmatched="warn")
    replaying = canned.cassette(path, on_unmatched="warn")
    with (
        replaying,
        pytest.warns(canned.UnmatchedRequestWarning),
        pytest.raises(requests.ConnectionError),
    ):
        requests.get(app + "/json")


def test_assert_all_requests_are_fired_fails_a_block_that_left_an_interaction_unplayed(
    app: str, path: Path
) -> None:
    record(path, app, "/text", "/json")
    with pytest.raises(canned.UnfiredRoutesError):
        record(path, app, "/text", assert_all_requests_are_fired=True)


def test_starting_again_reads_the_file_anew_and_keeps_the_users_routes(
    app: str, path: Path
) -> None:
    record(path, app, "/count")
    cassette = canned.cassette(path, mode="none")
    own = cassette.add(canned.GET, "https://api.test/own")
    for _ in range(2):
        cassette.start()
        assert len(cassette.registered()) == 2
        cassette.stop()
    assert cassette.registered() == [own]


# -- modes ---------------------------------------------------------------------------------------


def test_mode_none_fails_on_a_missing_file_naming_it(path: Path) -> None:
    with pytest.raises(CassetteError, match=r"cassette .*example\.yaml: no such file"):
        canned.cassette(path, mode="none").start()


def test_replaying_an_unrecorded_request_is_the_clients_connection_error(
    app: str, path: Path
) -> None:
    record(path, app, "/text")
    with canned.cassette(path), pytest.raises(requests.ConnectionError) as raised:
        requests.get(app + "/json")
    assert f"Closest route: GET {app}/text" in str(raised.value)


def test_mode_once_replays_an_existing_file_without_recording(app: str, path: Path) -> None:
    record(path, app, "/count")
    again = record(path, app, "/count", "/count")
    assert [a.text for a in again] == ["1", "1"]
    assert len(interactions(path)) == 1


def test_mode_new_replays_what_is_there_and_appends_what_is_not(app: str, path: Path) -> None:
    record(path, app, "/count")
    answers = record(path, app, "/count", "/text", mode="new")
    assert [a.text for a in answers] == ["1", "hello"]
    assert [i["request"]["url"] for i in interactions(path)] == [app + "/count", app + "/text"]


def test_mode_all_records_everything_again_and_overwrites(app: str, path: Path) -> None:
    record(path, app, "/count", "/text")
    answers = record(path, app, "/count", mode="all")
    assert [a.text for a in answers] == ["2"]
    assert [i["response"]["body"] for i in interactions(path)] == ["2"]


def test_mode_all_writes_an_empty_cassette_when_nothing_was_sent(path: Path) -> None:
    with canned.cassette(path, mode="all"):
        pass
    assert interactions(path) == []


def test_nothing_is_written_when_nothing_was_recorded(path: Path) -> None:
    with canned.cassette(path):
        pass
    assert not path.exists()


def test_repeated_requests_replay_in_recorded_order_then_the_last_repeats(
    app: str, path: Path
) -> None:
    record(path, app, "/count", "/count")
    assert [a.text for a in record(path, app, "/count", "/count", "/count")] == ["1", "2", "2"]


# -- matching ------------------------------------------------------------------------------------


def test_the_query_matches_in_any_order(app: str, path: Path) -> None:
    record(path, app, "/echo?a=1&b=2")
    assert record(path, app, "/echo?b=2&a=1")[0].json()["query"] == "a=1&b=2"


def test_another_query_value_is_not_replayed(app: str, path: Path) -> None:
    record(path, app, "/echo?a=1")
    with canned.cassette(path), pytest.raises(requests.ConnectionError, match="Query"):
        requests.get(app + "/echo?a=2")


def test_a_json_body_matches_as_data(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.post(app + "/echo", json={"a": 1, "b": [1, 2]})
    with canned.cassette(path):
        sent = b'{"b":[1,2],   "a":1}'
        answer = requests.post(
            app + "/echo", data=sent, headers={"Content-Type": "application/json"}
        )
    assert answer.json()["method"] == "POST"


def test_another_body_is_not_replayed(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.post(app + "/echo", data=b"one")
    with canned.cassette(path), pytest.raises(requests.ConnectionError, match="Body"):
        requests.post(app + "/echo", data=b"two")


def test_a_form_body_matches_in_any_order(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.post(app + "/echo", data={"a": "1", "b": "2"})
    with canned.cassette(path):
        answer = requests.post(
            app + "/echo",
            data="b=2&a=1",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert answer.status_code == 200


def test_a_binary_request_body_matches_byte_for_byte(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.put(app + "/echo", data=BINARY)
    assert "body_base64" in interactions(path)[0]["request"]
    with canned.cassette(path):
        assert requests.put(app + "/echo", data=BINARY).status_code == 200


def test_a_named_header_is_matched_when_asked(app: str, path: Path) -> None:
    on = ("method", "url", "header:X-Tenant")
    with canned.cassette(path, match_on=on):
        requests.get(app + "/text", headers={"X-Tenant": "a"})
    with canned.cassette(path, match_on=on):
        assert requests.get(app + "/text", headers={"X-Tenant": "a"}).text == "hello"
        with pytest.raises(requests.ConnectionError, match="Header X-Tenant 'b'"):
            requests.get(app + "/text", headers={"X-Tenant": "b"})
        with pytest.raises(requests.ConnectionError, match="Header X-Tenant None"):
            requests.get(app + "/text")


def test_without_url_in_match_on_any_url_answers(app: str, path: Path) -> None:
    record(path, app, "/text")
    with canned.cassette(path, match_on=("method",)):
        assert requests.get("https://elsewhere.test/x?y=1").text == "hello"


def test_a_recorded_folder_path_does_not_answer_the_paths_beneath_it(app: str, path: Path) -> None:
    record(path, app, "/folder/")
    with canned.cassette(path), pytest.raises(requests.ConnectionError, match="Path '/folder/x'"):
        requests.get(app + "/folder/x")


# -- faithful bodies -----------------------------------------------------------------------------


def test_json_is_stored_as_data_and_text_as_text(app: str, path: Path) -> None:
    record(path, app, "/json", "/text")
    first, second = (i["response"] for i in interactions(path))
    assert (first["json"], second["body"]) == ({"id": 1, "name": "ann"}, "hello")


def test_an_edited_json_answer_replays_with_its_own_length(app: str, path: Path) -> None:
    record(path, app, "/json")
    document = yaml.safe_load(path.read_text())
    document["interactions"][0]["response"]["json"]["name"] = "a much longer name"
    path.write_text(yaml.safe_dump(document))
    answer = record(path, app, "/json")[0]
    assert answer.json()["name"] == "a much longer name"
    assert answer.headers["Content-Length"] == str(len(answer.content))


def test_a_compressed_answer_is_stored_decoded_and_replays(app: str, path: Path) -> None:
    record(path, app, "/gzip")
    stored = interactions(path)[0]["response"]
    assert stored["body"] == "compressed hello " * 20
    assert "Content-Encoding" not in stored["headers"]
    assert stored["headers"]["Content-Length"] == str(len("compressed hello " * 20))
    assert record(path, app, "/gzip")[0].text == "compressed hello " * 20


def test_a_compressed_answer_recorded_by_httpx_replays(app: str, path: Path) -> None:
    with canned.cassette(path), httpx.Client() as client:
        assert client.get(app + "/gzip").text == "compressed hello " * 20
    with canned.cassette(path), httpx.Client() as client:
        assert client.get(app + "/gzip").text == "compressed hello " * 20


@pytest.mark.parametrize(
    ("coding", "form", "stored"),
    [
        ("deflate", "zlib", "deflated text"),
        ("deflate", "raw", "deflated text"),
        ("identity", "plain", "deflated text"),
        ("x-unknown", "plain", "deflated text"),  # not decoded, by httpx or canned
        ("br", "plain", "deflated text"),  # no brotli installed: kept as received
    ],
)
def test_an_encoded_answer_recorded_by_httpx_is_stored_as_httpx_reads_it(
    app: str, path: Path, coding: str, form: str, stored: str
) -> None:
    url = f"{app}/encoded?coding={coding}&form={form}"
    with canned.cassette(path), httpx.Client() as client:
        live = client.get(url).text
    assert (live, interactions(path)[0]["response"]["body"]) == (stored, stored)
    with canned.cassette(path), httpx.Client() as client:
        assert client.get(url).text == stored


def test_a_chunked_answer_is_stored_in_its_chunks_and_replays(app: str, path: Path) -> None:
    record(path, app, "/chunked")
    stored = interactions(path)[0]["response"]
    assert stored["chunks"] == ["one ", "two"]
    assert stored["headers"]["Transfer-Encoding"] == "chunked"
    with canned.cassette(path):
        assert b"".join(requests.get(app + "/chunked", stream=True).iter_content(3)) == b"one two"


def test_a_binary_answer_is_stored_in_base64_and_replays(app: str, path: Path) -> None:
    record(path, app, "/binary")
    assert "body_base64" in interactions(path)[0]["response"]
    assert record(path, app, "/binary")[0].content == BINARY


def test_a_redirect_is_recorded_hop_by_hop_and_followed_on_replay(app: str, path: Path) -> None:
    record(path, app, "/redirect")
    answer = record(path, app, "/redirect")[0]
    assert (answer.text, [hop.status_code for hop in answer.history]) == ("hello", [302])


def test_a_replayed_cookie_lands_in_the_jar_under_its_name(app: str, path: Path) -> None:
    record(path, app, "/cookie")
    with canned.cassette(path), requests.Session() as session:
        session.get(app + "/cookie")
    assert session.cookies.get("session") == "REDACTED"


def test_repeated_answer_headers_are_kept_and_every_cookie_replays(app: str, path: Path) -> None:
    record(path, app, "/cookies")
    assert interactions(path)[0]["response"]["headers"]["Set-Cookie"] == [
        "a=REDACTED",
        "b=REDACTED",
    ]
    with canned.cassette(path), requests.Session() as session:
        session.get(app + "/cookies")
    assert sorted(session.cookies.keys()) == ["a", "b"]


def test_a_json_answer_that_does_not_parse_is_stored_as_text(app: str, path: Path) -> None:
    record(path, app, "/not-json")
    assert interactions(path)[0]["response"]["body"] == "{not json"
    assert record(path, app, "/not-json")[0].text == "{not json"


def test_an_answer_kept_in_chunks_is_stored_whole(path: Path) -> None:
    with canned.cassette(path) as mock:
        mock.keep(Request("GET", "https://a.test/"), Reply(200, (), [b"one ", b"two"]))
    assert interactions(path)[0]["response"]["body"] == "one two"


def test_headers_of_a_clients_own_string_type_are_written_as_plain_text(path: Path) -> None:
    class Name(str):  # as aiohttp's `istr`, which YAML cannot write
        pass

    with canned.cassette(path) as mock:
        mock.keep(
            Request("GET", "https://a.test/", {Name("Host"): Name("a.test")}),
            Reply(200, ((Name("X-Kind"), Name("y")),), b""),
        )
    stored = interactions(path)[0]
    assert (stored["request"]["headers"], stored["response"]["headers"]) == (
        {"Host": "a.test"},
        {"X-Kind": "y"},
    )


def test_a_text_body_does_not_match_bytes_that_are_not_text(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.post(app + "/text", data=b"plain")
    with canned.cassette(path), pytest.raises(requests.ConnectionError, match="Body"):
        requests.post(app + "/text", data=b"\xff\xfe")


def test_a_recorded_folder_path_answers_itself(app: str, path: Path) -> None:
    record(path, app, "/folder/")
    assert record(path, app, "/folder/")[0].status_code == 404


def test_a_nested_block_of_the_same_cassette_writes_once_when_the_outer_one_ends(
    app: str, path: Path
) -> None:
    cassette = canned.cassette(path)
    with cassette:
        with cassette:
            requests.get(app + "/text")
        assert not path.exists()
    assert len(interactions(path)) == 1


def test_a_head_answer_keeps_its_content_length(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.head(app + "/text")
    with canned.cassette(path):
        assert requests.head(app + "/text").headers["Content-Length"] == "5"


def test_multiline_text_is_written_as_a_yaml_block(path: Path) -> None:
    with canned.cassette(path) as mock:
        mock.keep(Request("GET", "https://a.test/"), Reply(200, (), b"line one\nline two\n"))
    assert "body: |\n      line one\n      line two\n" in path.read_text()


# -- files ---------------------------------------------------------------------------------------


def test_a_json_path_writes_json(app: str, tmp_path: Path) -> None:
    path = tmp_path / "example.json"
    record(path, app, "/json")
    assert json.loads(path.read_text())["interactions"][0]["response"]["json"] == {
        "id": 1,
        "name": "ann",
    }
    assert record(path, app, "/json")[0].json() == {"id": 1, "name": "ann"}


def test_a_new_file_is_0644_under_the_default_umask(app: str, path: Path) -> None:
    old = os.umask(0o022)
    try:
        record(path, app, "/text")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_rewriting_keeps_the_files_permissions_and_leaves_nothing_beside_it(
    app: str, path: Path
) -> None:
    record(path, app, "/text")
    path.chmod(0o600)
    record(path, app, "/json", mode="all")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["example.yaml"]


def test_the_file_is_written_under_a_lock_others_wait_for(path: Path) -> None:
    path.parent.mkdir()
    with locked(path):
        handle = os.open(path.with_name(".example.yaml.lock"), os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(handle)
    assert not path.with_name(".example.yaml.lock").exists()


def test_a_waiter_whose_lock_file_was_removed_locks_the_new_one(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path.parent.mkdir()
    real_stat = os.stat
    seen: list[str] = []

    def stat_once_gone(target: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if str(target).endswith(".lock") and not seen:
            seen.append("gone")  # as if its holder removed it while this one waited
            raise FileNotFoundError(target)
        return real_stat(target, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat_once_gone)
    with locked(path):
        assert path.with_name(".example.yaml.lock").exists()
    assert seen == ["gone"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("interactions:\n- request: {method: GET", "not valid YAML"),
        ("[1, 2]", "expected a mapping with a list of 'interactions'"),
        ("interactions:\n- 3", "interaction 1: interaction must be a mapping, got 3 (int)"),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/'}\n"
            "  response: {status: 200}\n- request: {method: GET}\n",
            "interaction 2: request.url is missing",
        ),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/'}\n"
            "  response: {status: abc}\n",
            "interaction 1: response.status must be an int, got 'abc' (str)",
        ),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/'}\n"
            "  response: {status: 42}\n",
            "interaction 1: response.status must be from 100 to 999, got 42",
        ),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/'}\n  response: 200\n",
            "interaction 1: response must be a mapping, got 200 (int)",
        ),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/', headers: [1]}\n"
            "  response: {status: 200}\n",
            "interaction 1: request.headers must be a mapping, got [1] (list)",
        ),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/', headers: {A: [x, {}]}}\n"
            "  response: {status: 200}\n",
            "interaction 1: request.headers.A must be text, got {} (dict)",
        ),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/'}\n"
            "  response: {status: 200, body: x, json: 1}\n",
            "interaction 1: response has more than one body (body, json)",
        ),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/'}\n"
            "  response: {status: 200, body: [x]}\n",
            "interaction 1: response.body must be text, got ['x'] (list)",
        ),
        (
            "interactions:\n- request: {method: GET, url: 'http://a.test/'}\n"
            "  response: {status: 200, body_base64: '!!'}\n",
            "interaction 1: response.body_base64 is not base64",
        ),
    ],
)
def test_a_broken_file_fails_naming_the_file_the_interaction_and_the_field(
    path: Path, text: str, message: str
) -> None:
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(CassetteError) as raised:
        canned.cassette(path).start()
    assert str(raised.value).startswith(f"cassette {path}: {message}")
    assert activation.active() == []  # nothing was left active


def test_a_truncated_json_file_fails_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"interactions": [{"request": ')
    with pytest.raises(CassetteError, match=r"cut\.json: not valid JSON"):
        canned.cassette(path).start()


def test_an_unreadable_file_fails_naming_it(path: Path) -> None:
    path.mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(CassetteError, match=r"example\.yaml: cannot be read"):
        canned.cassette(path, mode="none").start()


# -- arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"mode": "sometimes"},
            TypeError,
            "cassette\\(\\): mode must be 'none', 'once', 'new' or 'all', got 'sometimes' \\(str\\)",
        ),
        ({"match_on": ("url",)}, TypeError, "match_on must be a tuple of"),
        ({"match_on": ("method", "colour")}, ValueError, "match_on must be a tuple of"),
        ({"match_on": ("method", "header:")}, ValueError, "match_on must be a tuple of"),
        (
            {"redact": "token"},
            TypeError,
            "redact must be a tuple of names, compiled regexes or callables",
        ),
        ({"keep": [1]}, TypeError, "keep must be a tuple of names, got \\[1\\]"),
    ],
)
def test_bad_arguments_are_refused_where_they_are_given(
    path: Path, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        canned.cassette(path, **options)


def test_a_path_must_be_given(path: Path) -> None:
    with pytest.raises(TypeError, match="path must be a file path, got None"):
        canned.cassette(None)  # type: ignore[arg-type]  # the mistake under test


def test_a_cassette_shows_its_file_and_mode(path: Path) -> None:
    assert repr(canned.cassette(path, mode="new")) == f"<Cassette {str(path)!r} mode='new'>"
