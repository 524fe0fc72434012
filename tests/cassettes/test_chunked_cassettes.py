"""Chunked answers in cassettes (issue #15): an answer that came with `Transfer-Encoding:
chunked` is recorded in the chunks the client read, stored as a readable list (`chunks`, each
text or base64), and replayed chunked, in those chunks, to every client's own chunk-level reader.

Every answer comes from a real server on 127.0.0.1, and every replay happens with that server
stopped, so a replay that reached for the network would fail.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import re
import sys
import types
import urllib.request
import zlib
from pathlib import Path
from typing import Any, Callable

import aiohttp
import httpx
import pytest
import requests
import urllib3
import yaml
from tests.cassettes.test_cassette import AppHandler
from tests.servers import serving

import canned
from canned._adapters.chunks import decoded_chunks
from canned._core import activation
from canned._core.reply import Reply
from canned._core.request import Request
from canned.cassettes.redaction import Redactor, find_secrets
from canned.errors import CassetteError

EVENTS = (b'data: {"n": 1}\n\n', b'data: {"n": 2}\n\n', b"data: done\n\n")
LINES = (b'{"n": 1, "access_token": "tok-line-secret-1"}\n', b'{"n": 2}\n')
BINARY_CHUNKS = (b"\xff\xfe\x00", b"text", bytes(range(128, 256)))
LARGE_CHUNK = b"x" * 300_000  # more than one read of every client


def compressed_pieces(texts: tuple[bytes, ...], wbits: int = 16 + zlib.MAX_WBITS) -> list[bytes]:
    """`texts` compressed as one stream (gzip unless `wbits` says otherwise), one piece per
    text (flushed after each), then its end."""
    stream = zlib.compressobj(wbits=wbits)
    pieces = [stream.compress(text) + stream.flush(zlib.Z_SYNC_FLUSH) for text in texts]
    return [*pieces, stream.flush()]


# Each path's chunked answer: its headers and the chunks the server sends.
CHUNKED: dict[str, tuple[list[tuple[str, str]], list[bytes]]] = {
    "/events": ([("Content-Type", "text/event-stream")], list(EVENTS)),
    "/lines": ([("Content-Type", "application/x-ndjson")], list(LINES)),
    "/binary-chunks": ([("Content-Type", "application/octet-stream")], list(BINARY_CHUNKS)),
    "/gzip-events": (
        [("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip")],
        compressed_pieces(EVENTS),
    ),
    "/empty": ([("Content-Type", "text/plain")], []),
    "/one-json-chunk": ([("Content-Type", "application/json")], [b'{"id": 1}']),
    "/large-chunk": ([("Content-Type", "text/plain")], [LARGE_CHUNK, b"end"]),
    "/cookie-events": ([("Set-Cookie", "flavour=oat; Path=/")], list(EVENTS)),
}


class Handler(AppHandler):
    """The cassette tests' app (its `/chunked` sends "one " and "two"), plus answers sent in
    chunks: server-sent events (plain and gzipped), JSON lines, binary chunks, none at all, and
    events that echo the request's Authorization header."""

    def route(self) -> None:
        path = self.path.partition("?")[0]
        if path in CHUNKED:
            headers, chunks = CHUNKED[path]
            self.chunked(headers, chunks)
        elif path == "/echo-events":  # ?cut=N: the credential sent, in two chunks cut at N
            secret = self.headers.get("Authorization", "").encode()
            cut = int(self.path.partition("cut=")[2])
            self.chunked(
                [("Content-Type", "text/plain")], [b"you are ", secret[:cut], secret[cut:]]
            )
        else:
            super().route()

    def chunked(self, headers: list[tuple[str, str]], chunks: list[bytes]) -> None:
        self.send_response(200)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return
        for chunk in chunks:  # one write each: each chunk arrives whole
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = do_HEAD = do_PUT = route  # http.server's naming


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cassettes" / "chunked.yaml"


def stored(path: Path) -> list[dict[str, Any]]:
    text = path.read_text()
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return data["interactions"]  # type: ignore[no-any-return]  # the document's list


def what_is_stored(answer: dict[str, Any]) -> tuple[Any, ...]:
    """Status, Transfer-Encoding, Content-Length and chunks of a stored answer (header names
    as the client gave them: httpx's are lower case)."""
    headers = {name.lower(): value for name, value in answer["headers"].items()}
    length = headers.get("content-length")
    return answer["status"], headers.get("transfer-encoding"), length, answer.get("chunks")


def answer_of(path: Path) -> dict[str, Any]:
    [interaction] = stored(path)
    return interaction["response"]  # type: ignore[no-any-return]  # the document's data


# -- each client: the chunks its own chunk-level reader yields, and the whole body it reads -----


def urllib3_read(url: str) -> tuple[list[bytes], bytes]:
    manager = urllib3.PoolManager()
    try:
        answer = manager.request("GET", url, preload_content=False)
        chunks = list(answer.stream(None))
        answer.release_conn()
        whole = manager.request("GET", url, preload_content=False)  # preloaded: one chunk
        try:
            return chunks, whole.read()
        finally:
            whole.release_conn()
    finally:
        manager.clear()


def requests_read(url: str) -> tuple[list[bytes], bytes]:
    with requests.Session() as session:
        with session.get(url, stream=True) as answer:
            chunks = list(answer.iter_content(None))
        return chunks, session.get(url).content


def httpx_read(url: str) -> tuple[list[bytes], bytes]:
    with httpx.Client() as client:
        with client.stream("GET", url) as answer:
            chunks = list(answer.iter_raw())
        return chunks, client.get(url).content


def httpx_async_read(url: str) -> tuple[list[bytes], bytes]:
    async def main() -> tuple[list[bytes], bytes]:
        async with httpx.AsyncClient() as client:
            async with client.stream("GET", url) as answer:
                chunks = [chunk async for chunk in answer.aiter_raw()]
            return chunks, (await client.get(url)).content

    return asyncio.run(main())


def aiohttp_read(url: str) -> tuple[list[bytes], bytes]:
    async def main() -> tuple[list[bytes], bytes]:
        async with aiohttp.ClientSession() as session:
            chunks, piece = [], b""
            async with session.get(url) as answer:
                async for data, ends_a_chunk in answer.content.iter_chunks():
                    piece += data
                    if ends_a_chunk and piece:  # b"" ends one too when its end came apart
                        chunks.append(piece)
                        piece = b""
            async with session.get(url) as answer:
                return chunks, await answer.read()

    return asyncio.run(main())


def http_client_chunks(answer: http.client.HTTPResponse) -> list[bytes]:
    """What http.client reads chunk by chunk: `read1` reads within one chunk, and
    `chunk_left` is 0 where a chunk ends."""
    chunks, piece = [], b""
    while data := answer.read1(65_536):
        piece += data
        if not answer.chunk_left:
            chunks.append(piece)
            piece = b""
    return chunks


def urllib_read(url: str) -> tuple[list[bytes], bytes]:
    with urllib.request.urlopen(url) as answer:
        chunks = http_client_chunks(answer)
    with urllib.request.urlopen(url) as answer:
        return chunks, answer.read()


READERS: dict[str, Callable[[str], tuple[list[bytes], bytes]]] = {
    "requests": requests_read,
    "httpx": httpx_read,
    "httpx async": httpx_async_read,
    "aiohttp": aiohttp_read,
    "urllib3": urllib3_read,
    "urllib": urllib_read,
}


# -- every client records the chunks, and reads them again from the file ------------------------


@pytest.mark.parametrize("client", list(READERS))
def test_server_sent_events_are_recorded_in_their_chunks_and_replay_in_them(
    path: Path, client: str
) -> None:
    read = READERS[client]
    with serving(Handler) as base:
        plain = read(base + "/events")
        with canned.cassette(path):
            live = read(base + "/events")
    with canned.cassette(path, mode="none"):
        replayed = read(base + "/events")
    assert plain == (list(EVENTS), b"".join(EVENTS))
    assert live[1] == plain[1]  # what the caller reads while recording is the server's
    if client not in ("httpx", "httpx async"):  # httpx reads a recorded answer in one piece
        assert live[0] == plain[0]
    assert replayed == plain
    expected = (200, "chunked", None, [event.decode() for event in EVENTS])
    # the chunked read, then the whole one: the same answer
    assert [what_is_stored(each["response"]) for each in stored(path)] == [expected] * 2


@pytest.mark.parametrize("client", list(READERS))
def test_a_gzipped_chunked_answer_is_stored_in_its_decoded_chunks(path: Path, client: str) -> None:
    read = READERS[client]
    with serving(Handler) as base, canned.cassette(path):
        live = read(base + "/gzip-events")
    assert [interaction["response"]["chunks"] for interaction in stored(path)] == [
        [event.decode() for event in EVENTS]
    ] * 2
    assert "Content-Encoding" not in stored(path)[0]["response"]["headers"]
    with canned.cassette(path, mode="none"):
        replayed = read(base + "/gzip-events")
    assert replayed == (list(EVENTS), b"".join(EVENTS))
    if client != "urllib":  # urllib does not decompress: live, it read the gzipped bytes
        assert live[1] == b"".join(EVENTS)


@pytest.mark.parametrize("client", ["requests", "aiohttp", "urllib"])
def test_binary_chunks_are_stored_in_base64_and_replay_byte_for_byte(
    path: Path, client: str
) -> None:
    with serving(Handler) as base, canned.cassette(path):
        READERS[client](base + "/binary-chunks")
    assert stored(path)[0]["response"]["chunks"] == [
        {"base64": "//4A"},
        "text",
        {"base64": base64.b64encode(BINARY_CHUNKS[2]).decode()},
    ]
    with canned.cassette(path, mode="none"):
        assert READERS[client](base + "/binary-chunks") == (
            list(BINARY_CHUNKS),
            b"".join(BINARY_CHUNKS),
        )


@pytest.mark.parametrize("client", ["requests", "aiohttp", "urllib3", "urllib"])
def test_a_chunk_larger_than_one_read_is_recorded_as_one_chunk(path: Path, client: str) -> None:
    """httpx is not among them: it hands on a large chunk in the pieces it read."""
    with serving(Handler) as base, canned.cassette(path):
        READERS[client](base + "/large-chunk")
    assert stored(path)[0]["response"]["chunks"] == [LARGE_CHUNK.decode(), "end"]
    with canned.cassette(path, mode="none"):
        assert READERS[client](base + "/large-chunk")[0] == [LARGE_CHUNK, b"end"]


def test_requests_keeps_the_cookie_of_a_chunked_answer_it_records(path: Path) -> None:
    recording = canned.cassette(path, keep=("Set-Cookie",))
    with serving(Handler) as base, recording, requests.Session() as session:
        answer = session.get(base + "/cookie-events")
    assert (answer.content, session.cookies.get("flavour")) == (b"".join(EVENTS), "oat")
    assert answer.raw.version == 11  # the status line as it came


def test_a_chunked_answer_in_a_json_cassette_keeps_its_chunks_as_text(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    with serving(Handler) as base, canned.cassette(path):
        requests.get(base + "/events")
    assert answer_of(path)["chunks"] == [event.decode() for event in EVENTS]
    assert '"data: done\\n\\n"' in path.read_text()
    with canned.cassette(path, mode="none"):
        assert requests_read(base + "/events") == (list(EVENTS), b"".join(EVENTS))


def test_the_yaml_file_shows_each_event_as_a_block_of_text(path: Path) -> None:
    with serving(Handler) as base, canned.cassette(path):
        requests.get(base + "/events")
    assert '    chunks:\n    - |+\n      data: {"n": 1}\n\n    - |+\n' in path.read_text()


def test_a_chunked_answer_with_no_chunks_is_kept_as_an_empty_body(path: Path) -> None:
    with serving(Handler) as base, canned.cassette(path):
        requests.get(base + "/empty")
    answer = answer_of(path)
    assert ("chunks" in answer, answer.get("body", "")) == (False, "")
    with canned.cassette(path, mode="none"):
        assert requests.get(base + "/empty").content == b""


def test_a_head_answer_to_a_chunked_resource_has_no_chunks(path: Path) -> None:
    with serving(Handler) as base, canned.cassette(path):
        requests.head(base + "/events")
    answer = answer_of(path)
    assert ("chunks" in answer, answer["headers"]["Transfer-Encoding"]) == (False, "chunked")
    with canned.cassette(path, mode="none"):
        assert requests.head(base + "/events").content == b""


def test_a_replayed_chunked_answer_repeats_in_its_chunks(path: Path) -> None:
    with serving(Handler) as base, canned.cassette(path):
        requests.get(base + "/events")
    with canned.cassette(path, mode="none"):
        again = [requests_read(base + "/events") for _ in range(2)]
    assert again == [(list(EVENTS), b"".join(EVENTS))] * 2


def test_an_answer_not_chunked_is_still_stored_whole(path: Path) -> None:
    with serving(Handler) as base, canned.cassette(path):
        requests.get(base + "/json")
    answer = answer_of(path)
    assert (answer["json"], "chunks" in answer) == ({"id": 1, "name": "ann"}, False)
    assert answer["headers"]["Content-Length"] == "24"


def test_urllib3_preloading_a_chunked_answer_records_it_as_one_body(path: Path) -> None:
    """urllib3 has joined the chunks before canned sees a preloaded answer: one chunk is kept
    as a body is, with its length."""
    with serving(Handler) as base, canned.cassette(path):
        manager = urllib3.PoolManager()
        assert manager.request("GET", base + "/events").data == b"".join(EVENTS)
        manager.clear()
    answer = answer_of(path)
    assert ("chunks" in answer, answer["body"]) == (False, b"".join(EVENTS).decode())
    assert answer["headers"]["Content-Length"] == str(len(b"".join(EVENTS)))


def test_a_json_answer_sent_in_one_chunk_is_kept_as_data_to_edit(path: Path) -> None:
    with serving(Handler) as base, canned.cassette(path):
        manager = urllib3.PoolManager()
        manager.request("GET", base + "/one-json-chunk", preload_content=False).read()
        manager.clear()
    answer = answer_of(path)
    assert ("chunks" in answer, answer["json"]) == (False, {"id": 1})
    with canned.cassette(path, mode="none"):
        assert requests.get(base + "/one-json-chunk").json() == {"id": 1}


# -- the file as written by hand, and old files -------------------------------------------------


def write(path: Path, response: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "version: 1\ninteractions:\n- request: {method: GET, url: 'http://a.test/'}\n"
        f"  response: {response}\n"
    )


def test_chunks_written_by_hand_replay_in_those_chunks_empty_ones_left_out(path: Path) -> None:
    write(path, "{status: 200, headers: {Content-Length: '99'}, chunks: [a, '', {base64: YmM=}]}")
    with canned.cassette(path, mode="none"):
        chunks, whole = requests_read("http://a.test/")
        answer = requests.get("http://a.test/")
    assert (chunks, whole) == ([b"a", b"bc"], b"abc")
    assert "Content-Length" not in answer.headers  # a chunked answer has no length


def test_an_old_cassette_with_a_whole_body_still_replays_it_with_its_length(path: Path) -> None:
    write(path, "{status: 200, headers: {Content-Length: '1'}, body: one two}")
    with canned.cassette(path, mode="none"):
        answer = requests.get("http://a.test/")
    assert (answer.content, answer.headers["Content-Length"]) == (b"one two", "7")


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ("{status: 200, chunks: one}", "response.chunks must be a list of chunks, got 'one' (str)"),
        ("{status: 200, chunks: [a, 1]}", "response.chunks[1] must be text or {base64: <text>}"),
        (
            "{status: 200, chunks: [{text: a}]}",
            "response.chunks[0] must be text or {base64: <text>}, got {'text': 'a'} (dict)",
        ),
        ("{status: 200, chunks: [{base64: 1}]}", "response.chunks[0] must be text or"),
        ("{status: 200, chunks: [a, {base64: '!!'}]}", "response.chunks[1].base64 is not base64"),
        ("{status: 200, body: a, chunks: [a]}", "response has more than one body (body, chunks)"),
    ],
)
def test_a_broken_chunk_list_fails_naming_the_file_the_interaction_and_the_field(
    path: Path, response: str, message: str
) -> None:
    write(path, response)
    with pytest.raises(CassetteError) as raised:
        canned.cassette(path).start()
    assert str(raised.value).startswith(f"cassette {path}: interaction 1: {message}")
    assert activation.active() == []


def test_chunks_in_a_request_fail_naming_the_field(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(
        "interactions:\n- request: {method: POST, url: 'http://a.test/', chunks: [a]}\n"
        "  response: {status: 200}\n"
    )
    with pytest.raises(CassetteError, match=r"interaction 1: request\.chunks is for answers only"):
        canned.cassette(path).start()


# -- secrets inside chunks ------------------------------------------------------------------------


def test_secret_fields_of_json_lines_are_redacted_in_their_chunk(path: Path) -> None:
    with serving(Handler) as base, canned.cassette(path):
        requests.get(base + "/lines")
    assert answer_of(path)["chunks"] == [
        '{"n": 1, "access_token": "REDACTED"}\n',
        '{"n": 2}\n',
    ]
    assert "tok-line-secret-1" not in path.read_text()


@pytest.mark.parametrize(
    ("cut", "place"),
    [(7, "interactions[0].response.chunks[2]"), (12, "interactions[0].response.chunks")],
)
def test_a_secret_sent_and_echoed_inside_chunks_stops_the_file_being_written(
    path: Path, cut: int, place: str
) -> None:
    """Found in one chunk ("Bearer " | "sekret-in-chunks"), or only in the chunks joined when
    a chunk boundary cuts it in two ("Bearer sekre" | "t-in-chunks")."""
    with serving(Handler) as base:
        recording = canned.cassette(path)
        recording.start()
        url = f"{base}/echo-events?cut={cut}"
        requests.get(url, headers={"Authorization": "Bearer sekret-in-chunks"})
        with pytest.raises(CassetteError) as raised:
            recording.stop()
    assert f"appears at {place}; name what carries it" in str(raised.value)
    assert not path.exists()


def test_a_secret_inside_a_binary_chunk_is_found_by_the_scan() -> None:
    chunk = {"base64": base64.b64encode(b"\xff token=sekret-binary \xfe").decode()}
    data = {"interactions": [{"response": {"chunks": [chunk]}}]}
    assert find_secrets(data, {"sekret-binary"}) == ["interactions[0].response.chunks[0]"]


def test_a_users_pattern_redacts_inside_a_chunk(path: Path) -> None:
    with serving(Handler) as base, canned.cassette(path, redact=(re.compile(r"done"),)):
        requests.get(base + "/events")
    assert answer_of(path)["chunks"][-1] == "data: REDACTED\n\n"


def test_a_secret_field_in_an_event_is_redacted_and_a_cut_inside_its_line_moves_to_its_end() -> (
    None
):
    redactor = Redactor()
    chunks = [
        'data: {"password": "pw-',
        'cut-in-two"}\n\ndata: {"n"',
        ": 2}\n\n",
        {"base64": "AA=="},
    ]
    assert redactor.chunks(chunks) == [
        'data: {"password": "REDACTED"}\n',
        '\ndata: {"n"',
        ": 2}\n\n",
        {"base64": "AA=="},
    ]
    assert redactor.secrets == {"pw-cut-in-two"}


def test_an_event_keeps_its_spacing_around_its_redacted_json() -> None:
    chunks = ['  data:\t{"token": "t-123456", "n": [1]} \r\n', "data: [1]\r\n"]
    assert Redactor().chunks(chunks) == [
        '  data:\t{"token": "REDACTED", "n": [1]} \r\n',
        "data: [1]\r\n",
    ]


def test_a_json_document_sent_in_chunks_is_redacted_as_one() -> None:
    chunks = ['{\n  "api_key": "k-1234567",\n', '  "n": 1\n}']
    assert Redactor().chunks(chunks) == ['{"api_key": "REDACTED", "n": 1}']
    assert Redactor().chunks(['{"n":', " 1}"]) == ['{"n":', " 1}"]  # nothing to redact: as sent


def test_a_chunked_answer_kept_by_a_client_is_written_in_its_chunks(path: Path) -> None:
    with canned.cassette(path) as mock:
        headers = (("Transfer-Encoding", "gzip, chunked"), ("Content-Length", "9"))
        mock.keep(Request("GET", "https://a.test/"), Reply(200, headers, (b"one ", b"", b"two")))
    assert answer_of(path) == {
        "status": 200,
        "headers": {"Transfer-Encoding": "chunked"},
        "chunks": ["one ", "two"],
    }


# -- decoding chunks a piece at a time ------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "wbits"),
    [
        ("gzip", 16 + zlib.MAX_WBITS),
        ("x-gzip", 16 + zlib.MAX_WBITS),
        ("deflate", zlib.MAX_WBITS),
        ("Deflate", -zlib.MAX_WBITS),  # raw deflate, as some servers send it
        ("identity, gzip", 16 + zlib.MAX_WBITS),
    ],
)
def test_compressed_chunks_are_decoded_piece_by_piece(encoding: str, wbits: int) -> None:
    pieces = compressed_pieces((b"first ", b"second"), wbits)
    assert decoded_chunks([*pieces, b""], encoding) == (b"first ", b"second")


@pytest.mark.parametrize("encoding", [None, "identity", "x-unknown", "gzip", "br"])
def test_chunks_not_decoded_are_kept_as_they_came(encoding: str | None) -> None:
    """Plain, of an unknown coding, not gzip at all though labelled so, or br without brotli."""
    assert decoded_chunks([b"ab", b"", b"c"], encoding) == (b"ab", b"c")


def test_chunks_that_decode_only_whole_are_kept_as_one_decoded_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """br, with brotli installed, is decoded whole by the answer's own decoding."""
    brotli = types.ModuleType("brotli")
    brotli.decompress = lambda data: data.upper()  # type: ignore[attr-defined]  # a stand-in
    monkeypatch.setitem(sys.modules, "brotli", brotli)
    assert decoded_chunks([b"ab", b"c"], "br") == (b"ABC",)
