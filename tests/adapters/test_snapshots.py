"""Recording real answers (cassettes, issue #15): each client's `snapshot` keeps what a real
server answered, as the cassette will write it (its status, its header pairs as received, its
whole body decoded), and the caller still reads that answer exactly as it would without canned:
its body, streamed or in pieces, its cookies and its redirects.

Every answer here comes from a real server on 127.0.0.1; each test compares what a client reads
with a recording mock active against what it reads from the same server with no mock at all.
"""

from __future__ import annotations

import asyncio
import gzip
import http.client
import http.cookiejar
import urllib.request
from collections.abc import Awaitable, Iterator
from typing import Any, Callable, ClassVar, TypeVar

import aiohttp
import pytest
import requests
import urllib3
from tests.servers import QuietHandler, serving

import canned
from canned._core.reply import Reply
from canned._core.request import Request

T = TypeVar("T")

DATE = "Mon, 30 Nov 2026 03:00:00 GMT"
SERVER = "SnapshotServer/1.0"
JSON = b'{"id": 1, "name": "oat"}'
PLAIN = b"zipped " * 40
GZIPPED = gzip.compress(PLAIN, mtime=0)
CHUNKS = (b"first,", b"second,", b"third")
BINARY = bytes(range(256)) * 4
CLOSING = b"a body that ends with the connection"
LARGE = bytes(range(256)) * 8192  # 2 MiB: it arrives in many reads
CAFE = "caf\xe9"  # sent as Latin-1: not UTF-8

# Each path's answer: status, headers (after Server and Date), and a body (a tuple: chunked).
ROUTES: dict[str, tuple[int, list[tuple[str, str]], Any]] = {
    "/json": (
        200,
        [("Content-Type", "application/json"), ("Content-Length", str(len(JSON)))],
        JSON,
    ),
    "/gzip": (
        200,
        [
            ("Content-Type", "text/plain"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(GZIPPED))),
        ],
        GZIPPED,
    ),
    "/chunked": (200, [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")], CHUNKS),
    "/binary": (
        200,
        [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(BINARY)))],
        BINARY,
    ),
    "/cookies": (
        200,
        [
            ("Set-Cookie", "flavour=oat; Path=/"),
            ("Set-Cookie", "size=large; Path=/"),
            ("Content-Length", "2"),
        ],
        b"ok",
    ),
    "/redirect": (302, [("Location", "/json"), ("Content-Length", "0")], b""),
    "/empty": (200, [("Content-Type", "text/plain"), ("Content-Length", "0")], b""),
    "/close": (200, [("Content-Type", "text/plain"), ("Connection", "close")], CLOSING),
    "/large": (
        200,
        [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(LARGE)))],
        LARGE,
    ),
    "/latin-1": (
        200,
        [
            ("Content-Type", "text/plain; charset=latin-1"),
            ("X-Note", CAFE),
            ("Content-Length", "4"),
        ],
        CAFE.encode("latin-1"),
    ),
}
# What each path's body reads as, decoded.
BODIES = {"/gzip": PLAIN, "/chunked": b"".join(CHUNKS)}
PATHS = (
    "/json",
    "/gzip",
    "/chunked",
    "/binary",
    "/cookies",
    "/close",
    "/large",
    "/latin-1",
    "/empty",
)


class Answers(QuietHandler):
    """Answers each path of `ROUTES` as HTTP/1.1, keeping the connection open where it can."""

    protocol_version = "HTTP/1.1"
    peers: ClassVar[list[tuple[str, int]]] = []  # the client's address of each request, in turn

    def date_time_string(self, timestamp: float | None = None) -> str:  # http.server's name
        return DATE  # the same Date header on every answer: runs compare equal

    def version_string(self) -> str:  # http.server's name
        return SERVER

    def do_GET(self) -> None:  # http.server's naming
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # http.server's naming
        self._answer(with_body=False)

    def do_POST(self) -> None:  # http.server's naming (after "100 Continue" when it is expected)
        self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(with_body=True)

    def _answer(self, with_body: bool) -> None:
        Answers.peers.append(self.client_address)
        status, headers, body = ROUTES[self.path]
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not with_body:
            return
        if isinstance(body, tuple):
            for chunk in body:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)


class Recording(canned.RequestsMock):
    """A mock that records: what a cassette is to the dispatch path."""

    is_recording = True

    def __init__(self) -> None:
        super().__init__(assert_all_requests_are_fired=False)
        self.kept: list[tuple[Request, Reply]] = []

    def keep(self, request: Request, recorded: Reply) -> None:
        self.kept.append((request, recorded))


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving(Answers) as url:
        yield url


def expected_reply(path: str) -> Reply:
    status, headers, body = ROUTES[path]
    pairs = (("Server", SERVER), ("Date", DATE), *headers)
    return Reply(status, pairs, BODIES.get(path, body))


def recorded(base: str, use: Callable[[], T]) -> tuple[T, Recording]:
    """What `use` returns with a recording mock passing `base` through, and the mock."""
    with Recording() as mock:
        mock.add_passthru(base)
        return use(), mock


def without_canned_and_recorded(base: str, use: Callable[[], T]) -> tuple[T, T, Recording]:
    """What `use` returns with no mock, then with a recording mock; the recording mock."""
    plain = use()
    seen, mock = recorded(base, use)
    return plain, seen, mock


def statuses_kept(mock: Recording) -> list[tuple[str, int]]:
    return [(request.url, reply.status) for request, reply in mock.kept]


def connections_used(use: Callable[[], T]) -> tuple[T, int]:
    """What `use` returns, and how many connections the server saw it open."""
    before = len(Answers.peers)
    result = use()
    return result, len(set(Answers.peers[before:]))


# -- what each client reads, whole -------------------------------------------------------------


def read_with_urllib3(url: str) -> Any:
    manager = urllib3.PoolManager()
    try:
        answer = manager.request("GET", url)
        status_line = (answer.version, answer.status, answer.reason)
        return status_line, list(answer.headers.items()), answer.data
    finally:
        manager.clear()


def read_with_urllib(url: str) -> Any:
    with urllib.request.urlopen(url) as answer:
        status_line = (answer.version, answer.status, answer.reason)
        return status_line, answer.getheaders(), answer.read()


def read_with_requests(url: str) -> Any:
    with requests.Session() as session:
        session.trust_env = False  # no proxy or CA bundle from the environment
        answer = session.get(url, allow_redirects=False)
        status_line = (answer.raw.version, answer.status_code, answer.reason)
        return status_line, list(answer.headers.items()), answer.content


def read_with_aiohttp(url: str) -> Any:
    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(url) as answer:
            status_line = (answer.version, answer.status, answer.reason)
            return status_line, answer.raw_headers, await answer.read()

    return in_session(use)


def in_session(use: Callable[[aiohttp.ClientSession], Awaitable[T]], **options: Any) -> T:
    async def main() -> T:
        async with aiohttp.ClientSession(**options) as session:
            return await use(session)

    return asyncio.run(main())


READERS = {
    "urllib3": read_with_urllib3,
    "urllib": read_with_urllib,
    "aiohttp": read_with_aiohttp,
    "requests": read_with_requests,
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("client", list(READERS))
def test_a_recorded_answer_keeps_its_status_headers_as_received_and_its_decoded_body(
    base: str, client: str, path: str
) -> None:
    """What the cassette writes: the server's status, every header pair in the order it came
    (both Set-Cookie lines), and the whole body, decompressed and without its chunk framing (a
    chunked one in its chunks; urllib3 preloading has joined them)."""
    _, mock = recorded(base, lambda: READERS[client](base + path))
    (request, reply), *others = mock.kept
    expected = expected_reply(path)
    if path == "/chunked" and client != "urllib3":
        expected = expected._replace(body=CHUNKS)
    assert (request.method, request.url, others) == ("GET", base + path, [])
    assert (reply.status, reply.headers, reply.body) == expected[:3]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("client", list(READERS))
def test_a_recorded_answer_reads_exactly_as_it_does_without_canned(
    base: str, client: str, path: str
) -> None:
    """Status, reason, headers and body (decoded by the client or not, as it decodes) are the
    ones the client reads from the server with no mock active."""
    plain, seen, _ = without_canned_and_recorded(base, lambda: READERS[client](base + path))
    assert seen == plain


# -- urllib3 -------------------------------------------------------------------------------------


def urllib3_unread(url: str, read: Callable[[Any], T], **options: Any) -> T:
    """`read` of an answer urllib3 left unread (`preload_content=False`)."""
    manager = urllib3.PoolManager()
    try:
        answer = manager.request("GET", url, preload_content=False, **options)
        try:
            return read(answer)
        finally:
            answer.release_conn()
    finally:
        manager.clear()


def pieces_of(answer: Any, size: int) -> list[bytes]:
    pieces = []
    while piece := answer.read(size):
        pieces.append(piece)
    return pieces


def test_urllib3_streams_a_recorded_chunked_answer_in_the_chunks_the_server_sent(
    base: str,
) -> None:
    def chunks(answer: Any) -> Any:
        return answer.chunked, list(answer.stream(None))

    plain, seen, mock = without_canned_and_recorded(
        base, lambda: urllib3_unread(base + "/chunked", chunks)
    )
    assert seen == plain == (True, list(CHUNKS))
    assert mock.kept[0][1].body == CHUNKS


@pytest.mark.parametrize("path", ["/json", "/gzip", "/binary", "/close"])
def test_urllib3_reads_an_unread_recorded_answer_in_pieces_as_from_the_server(
    base: str, path: str
) -> None:
    def read(answer: Any) -> Any:
        version_string = getattr(answer, "version_string", None)  # urllib3 2 only
        status_line = (answer.version, version_string, answer.status, answer.reason)
        return status_line, list(answer.headers.items()), pieces_of(answer, 100)

    plain, seen, mock = without_canned_and_recorded(base, lambda: urllib3_unread(base + path, read))
    assert seen == plain
    assert mock.kept[0][1].body == expected_reply(path).body


def test_urllib3_gives_a_recorded_answers_url_as_from_the_server(base: str) -> None:
    def url(answer: Any) -> Any:
        return answer.geturl()

    plain, seen, _ = without_canned_and_recorded(base, lambda: urllib3_unread(base + "/json", url))
    assert seen == plain  # the path on urllib3 2, the URL requested on urllib3 1.26


def test_urllib3_without_decoding_reads_the_compressed_bytes_while_the_recording_decodes(
    base: str,
) -> None:
    def read(answer: Any) -> Any:
        return answer.read()

    plain, seen, mock = without_canned_and_recorded(
        base, lambda: urllib3_unread(base + "/gzip", read, decode_content=False)
    )
    assert seen == plain == GZIPPED
    assert mock.kept[0][1].body == PLAIN


def test_urllib3_preloading_without_decoding_keeps_the_compressed_data_and_records_it_decoded(
    base: str,
) -> None:
    def read() -> Any:
        manager = urllib3.PoolManager()
        try:
            return manager.request("GET", base + "/gzip", decode_content=False).data
        finally:
            manager.clear()

    plain, seen, mock = without_canned_and_recorded(base, read)
    assert seen == plain == GZIPPED
    assert mock.kept[0][1].body == PLAIN


def test_urllib3_follows_a_recorded_redirect_and_each_hop_is_recorded(base: str) -> None:
    def follow() -> Any:
        manager = urllib3.PoolManager()
        try:
            answer = manager.request("GET", base + "/redirect")
            assert answer.retries is not None  # urllib3 hands on the Retry it followed with
            history = [(hop.status, hop.redirect_location) for hop in answer.retries.history]
            return answer.status, answer.geturl(), history, answer.data
        finally:
            manager.clear()

    plain, seen, mock = without_canned_and_recorded(base, follow)
    assert seen == plain == (200, "/json", [(302, "/json")], JSON)
    assert statuses_kept(mock) == [
        (base + "/redirect", 302),
        (base + "/json", 200),
    ]


def test_urllib3_an_unread_recorded_answer_gives_its_connection_back_to_the_pool(
    base: str,
) -> None:
    def twice() -> Any:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", int(base.rsplit(":", 1)[1]), maxsize=1)
        try:
            first = pool.urlopen("GET", "/json", preload_content=False)
            first_body = first.read()
            first.release_conn()
            second = pool.urlopen("GET", "/binary", preload_content=False)
            return first_body, second.read()
        finally:
            pool.close()

    plain, seen, _ = without_canned_and_recorded(base, lambda: connections_used(twice))
    assert seen == plain == ((JSON, BINARY), 1)


# -- urllib / http.client ------------------------------------------------------------------------


def on_one_connection(base: str, use: Callable[[http.client.HTTPConnection], T]) -> T:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    try:
        return use(connection)
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/json", "/gzip", "/chunked", "/binary", "/close"])
def test_http_client_reads_a_recorded_answer_in_pieces_as_from_the_server(
    base: str, path: str
) -> None:
    """`read(n)` and `readline()` see the same bytes, and the chunked answer is still chunked."""

    def read(connection: http.client.HTTPConnection) -> Any:
        connection.request("GET", path)
        answer = connection.getresponse()
        first_line = answer.readline()
        return answer.chunked, answer.length, first_line, pieces_of(answer, 5), answer.isclosed()

    plain, seen, _ = without_canned_and_recorded(base, lambda: on_one_connection(base, read))
    assert seen == plain


def test_http_client_sends_the_next_request_on_the_same_kept_alive_connection(base: str) -> None:
    def three_requests(connection: http.client.HTTPConnection) -> Any:
        bodies = []
        for path in ("/json", "/chunked", "/binary"):
            connection.request("GET", path)
            bodies.append(connection.getresponse().read())
        return bodies

    plain, seen, mock = without_canned_and_recorded(
        base, lambda: connections_used(lambda: on_one_connection(base, three_requests))
    )
    assert seen == plain == ([JSON, b"".join(CHUNKS), BINARY], 1)
    assert len(mock.kept) == 3


def test_http_client_a_recorded_head_answer_has_its_headers_and_no_body(base: str) -> None:
    def head(connection: http.client.HTTPConnection) -> Any:
        connection.request("HEAD", "/gzip")
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()

    plain, seen, mock = without_canned_and_recorded(base, lambda: on_one_connection(base, head))
    assert seen == plain
    assert mock.kept[0][1].headers == expected_reply("/gzip").headers
    assert mock.kept[0][1].body == b""


def test_urllib_keeps_recorded_cookies_in_its_cookie_jar(base: str) -> None:
    def cookies() -> Any:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(base + "/cookies") as answer:
            answer.read()
        return sorted((cookie.name, cookie.value) for cookie in jar)

    plain, seen, _ = without_canned_and_recorded(base, cookies)
    assert seen == plain == [("flavour", "oat"), ("size", "large")]


def test_urllib_follows_a_recorded_redirect_and_each_hop_is_recorded(base: str) -> None:
    def follow() -> Any:
        with urllib.request.urlopen(base + "/redirect") as answer:
            return answer.status, answer.geturl(), answer.read()

    plain, seen, mock = without_canned_and_recorded(base, follow)
    assert seen == plain == (200, base + "/json", JSON)
    assert statuses_kept(mock) == [
        (base + "/redirect", 302),
        (base + "/json", 200),
    ]


# -- aiohttp -------------------------------------------------------------------------------------


def test_aiohttp_reads_a_recorded_chunked_answer_in_the_chunks_the_server_sent(base: str) -> None:
    async def chunks(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + "/chunked") as answer:
            found, piece = [], b""
            async for data, ends_a_chunk in answer.content.iter_chunks():
                piece += data
                if ends_a_chunk and piece:  # b"" ends one too when its end came apart
                    found.append(piece)
                    piece = b""
            return found

    plain, seen, mock = without_canned_and_recorded(base, lambda: in_session(chunks))
    assert seen == plain == list(CHUNKS)
    assert mock.kept[0][1].body == CHUNKS


@pytest.mark.parametrize("path", ["/json", "/gzip", "/chunked", "/binary", "/close"])
def test_aiohttp_reads_a_recorded_answer_in_pieces_as_from_the_server(base: str, path: str) -> None:
    async def pieces(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + path) as answer:
            first = await answer.content.read(5)
            rest = b"".join([piece async for piece in answer.content.iter_chunked(7)])
            return first, rest, answer.content.at_eof()

    plain, seen, _ = without_canned_and_recorded(base, lambda: in_session(pieces))
    assert seen == plain
    assert seen[0] + seen[1] == expected_reply(path).body


def test_aiohttp_without_decompressing_reads_the_compressed_bytes_while_the_recording_decodes(
    base: str,
) -> None:
    async def raw(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + "/gzip") as answer:
            return await answer.read()

    plain, seen, mock = without_canned_and_recorded(
        base, lambda: in_session(raw, auto_decompress=False)
    )
    assert seen == plain == GZIPPED
    assert mock.kept[0][1].body == PLAIN


def test_aiohttp_keeps_recorded_cookies_in_the_session_jar(base: str) -> None:
    async def cookies() -> Any:
        jar = aiohttp.CookieJar(unsafe=True)  # 127.0.0.1 is an IP address: unsafe for the jar
        async with (
            aiohttp.ClientSession(cookie_jar=jar) as session,
            session.get(base + "/cookies") as answer,
        ):
            await answer.read()
        return sorted((cookie.key, cookie.value) for cookie in jar)

    plain, seen, _ = without_canned_and_recorded(base, lambda: asyncio.run(cookies()))
    assert seen == plain == [("flavour", "oat"), ("size", "large")]


def test_aiohttp_follows_a_recorded_redirect_and_each_hop_is_recorded(base: str) -> None:
    async def follow(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + "/redirect") as answer:
            history = [(hop.status, str(hop.url)) for hop in answer.history]
            return answer.status, str(answer.url), history, await answer.read()

    plain, seen, mock = without_canned_and_recorded(base, lambda: in_session(follow))
    assert seen == plain == (200, base + "/json", [(302, base + "/redirect")], JSON)
    assert statuses_kept(mock) == [
        (base + "/redirect", 302),
        (base + "/json", 200),
    ]


def test_aiohttp_a_recorded_head_answer_has_its_headers_and_no_body(base: str) -> None:
    async def head(session: aiohttp.ClientSession) -> Any:
        async with session.head(base + "/gzip") as answer:
            return answer.status, answer.raw_headers, await answer.read()

    plain, seen, mock = without_canned_and_recorded(base, lambda: in_session(head))
    assert seen == plain
    assert mock.kept[0][1].headers == expected_reply("/gzip").headers


def test_aiohttp_reuses_the_real_connection_a_recorded_answer_was_read_from(base: str) -> None:
    async def three(session: aiohttp.ClientSession) -> Any:
        bodies = []
        for path in ("/json", "/chunked", "/binary"):
            async with session.get(base + path) as answer:
                bodies.append(await answer.read())
        return bodies

    plain, seen, _ = without_canned_and_recorded(
        base, lambda: connections_used(lambda: in_session(three))
    )
    assert seen == plain == ([JSON, b"".join(CHUNKS), BINARY], 1)


def test_aiohttp_cannot_snapshot_without_a_coroutine() -> None:
    from canned._adapters.aiohttp import interceptor

    with pytest.raises(NotImplementedError, match="snapshot_async"):
        interceptor.snapshot(None, (None, None))


def test_aiohttp_records_the_final_answer_after_a_100_continue(base: str) -> None:
    async def post(session: aiohttp.ClientSession) -> Any:
        async with session.post(base + "/json", data=b"sent", expect100=True) as answer:
            return answer.status, answer.raw_headers, await answer.read()

    plain, seen, mock = without_canned_and_recorded(base, lambda: in_session(post))
    assert seen == plain
    assert mock.kept[0][1][:3] == expected_reply("/json")[:3]


# -- end to end: a cassette records from the server, then replays with the server gone ------------

# Not "/gzip": a cassette keeps a body decoded and replays it without its Content-Encoding, so
# a client that does not decompress (urllib) reads it decompressed on replay.
E2E_PATHS = ("/json", "/chunked", "/cookies", "/binary")


def what_matters(seen: Any) -> Any:
    """Status, body, and the headers a caller acts on, of one reader's observation."""
    status_line, headers, body = seen
    names = {"content-type", "set-cookie", "content-encoding"}
    kept = [(str(name).lower(), value) for name, value in headers if str(name).lower() in names]
    return status_line[1], kept, body


@pytest.mark.parametrize("client", list(READERS))
def test_a_cassette_replays_what_it_recorded_once_the_server_is_gone(
    tmp_path: Any, client: str
) -> None:
    """Recorded with mode "once" from a live server, the same requests are answered from the
    file after the server has stopped: same statuses, bodies, types and cookies."""
    path = tmp_path / "c.yaml"
    # cookie values are secrets a cassette redacts unless told to keep them
    with serving(Answers) as url, canned.cassette(path, mode="once", keep=("Set-Cookie",)):
        live = [READERS[client](url + route) for route in E2E_PATHS]
    with canned.cassette(path, mode="once") as replaying:
        replayed = [READERS[client](url + route) for route in E2E_PATHS]
        calls = len(replaying.calls)
    assert [what_matters(seen) for seen in replayed] == [what_matters(seen) for seen in live]
    assert calls == len(E2E_PATHS)
