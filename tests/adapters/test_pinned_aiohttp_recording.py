"""The aiohttp recording's behaviours mutation testing found unguarded: answers read from a real
server on 127.0.0.1 that the recording must read whole and serve again exactly (a HEAD answer
followed by another on the same connection, an informational answer before the final one, chunks
that come in many reads, a reason that is not UTF-8, two Content-Encoding lines, a large answer's
connection left open until it is read, the session's read timeout while recording).

Each test compares what aiohttp reads with a recording mock active against what it reads from the
same server with no mock at all. Each runs its coroutine with `asyncio.run`.
"""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from collections.abc import Awaitable, Iterator
from typing import Any, Callable, ClassVar, TypeVar

import aiohttp
import pytest
from tests.adapters.test_snapshots import Recording, without_canned_and_recorded
from tests.servers import QuietHandler, serving

T = TypeVar("T")

PLAIN = b"encoded twice " * 20
LARGE = bytes(range(256)) * 8192  # 2 MiB: it arrives in many reads
PIECES = (LARGE[:1_000_000], LARGE[1_000_000:1_500_000], LARGE[1_500_000:])


def head_lines(status_line: bytes, *headers: bytes) -> bytes:
    return b"\r\n".join([status_line, *headers]) + b"\r\n\r\n"


class RawAnswers(QuietHandler):
    """Answers each path with bytes written as they are, keeping the connection open."""

    protocol_version = "HTTP/1.1"
    peers: ClassVar[list[tuple[str, int]]] = []  # the client's address of each request, in turn

    def do_GET(self) -> None:  # http.server's naming
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # http.server's naming
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        RawAnswers.peers.append(self.client_address)
        write = self.wfile.write
        if self.path == "/large":
            write(head_lines(b"HTTP/1.1 200 OK", b"Content-Length: %d" % len(LARGE)))
            if with_body:
                write(LARGE)
        elif self.path == "/large-chunks":
            write(head_lines(b"HTTP/1.1 200 OK", b"Transfer-Encoding: chunked"))
            for piece in PIECES:
                write(b"%x\r\n%s" % (len(piece), piece))
                self.wfile.flush()
                time.sleep(0.01)  # the chunk's end comes apart from its bytes
                write(b"\r\n")
            write(b"0\r\n\r\n")
        elif self.path == "/processing":
            write(head_lines(b"HTTP/1.1 102 Processing"))
            write(head_lines(b"HTTP/1.1 200 OK", b"Content-Length: 4") + b"done")
        elif self.path == "/latin-1-reason":
            write(head_lines(b"HTTP/1.1 200 Caf\xe9", b"Content-Length: 2") + b"ok")
        elif self.path == "/twice-encoded":
            body = gzip.compress(zlib.compress(PLAIN), mtime=0)
            lines = (b"Content-Encoding: deflate", b"Content-Encoding: gzip")
            write(head_lines(b"HTTP/1.1 200 OK", *lines, b"Content-Length: %d" % len(body)))
            write(body)
        elif self.path == "/slow":
            time.sleep(0.5)
            write(head_lines(b"HTTP/1.1 200 OK", b"Content-Length: 0"))
        self.wfile.flush()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving(RawAnswers) as url:
        yield url


def in_session(use: Callable[[aiohttp.ClientSession], Awaitable[T]], **options: Any) -> T:
    async def main() -> T:
        async with aiohttp.ClientSession(**options) as session:
            return await use(session)

    return asyncio.run(main())


def test_a_recorded_head_answer_leaves_the_connection_ready_for_the_next_answer(
    base: str,
) -> None:
    async def head_then_get(session: aiohttp.ClientSession) -> Any:
        before = len(RawAnswers.peers)
        async with session.head(base + "/large") as answer:
            head = answer.status, answer.headers["Content-Length"], await answer.read()
        async with session.get(base + "/processing") as answer:
            get = answer.status, await answer.read()
        return head, get, len(set(RawAnswers.peers[before:]))  # the connections used

    plain, seen, mock = without_canned_and_recorded(base, lambda: in_session(head_then_get))
    assert seen == plain == ((200, str(len(LARGE)), b""), (200, b"done"), 1)
    assert [reply.status for _, reply in mock.kept] == [200, 200]


def test_an_informational_answer_before_the_final_one_is_passed_over(base: str) -> None:
    async def get(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + "/processing") as answer:
            return answer.status, await answer.read()

    plain, seen, mock = without_canned_and_recorded(base, lambda: in_session(get))
    assert seen == plain == (200, b"done")
    assert (mock.kept[0][1].status, mock.kept[0][1].body) == (200, b"done")


def test_large_chunks_that_come_in_many_reads_are_recorded_and_read_whole(base: str) -> None:
    async def chunks(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + "/large-chunks") as answer:
            found, piece = [], b""
            async for data, ends_a_chunk in answer.content.iter_chunks():
                piece += data
                if ends_a_chunk and piece:
                    found.append(len(piece))
                    piece = b""
            return found

    plain, seen, mock = without_canned_and_recorded(base, lambda: in_session(chunks))
    assert seen == plain == [len(piece) for piece in PIECES]
    kept = mock.kept[0][1].body  # the server's chunks, each whole
    assert [len(chunk) for chunk in kept] == [len(piece) for piece in PIECES]
    assert b"".join(kept) == LARGE


def test_a_reason_that_is_not_utf_8_reads_as_it_does_from_the_server(base: str) -> None:
    async def get(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + "/latin-1-reason") as answer:
            return answer.status, answer.reason, await answer.read()

    plain, seen, _ = without_canned_and_recorded(base, lambda: in_session(get))
    assert seen == plain
    assert seen[::2] == (200, b"ok")


def test_a_body_under_two_content_encodings_is_recorded_decoded_from_both(base: str) -> None:
    async def raw(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + "/twice-encoded") as answer:
            return await answer.read()

    plain, seen, mock = without_canned_and_recorded(
        base, lambda: in_session(raw, auto_decompress=False)
    )
    assert seen == plain
    assert mock.kept[0][1].body == PLAIN


@pytest.mark.xfail(
    tuple(int(part) for part in aiohttp.__version__.split(".")[:2]) < (3, 14),
    reason="known difference before aiohttp 3.14: a recorded answer is fed to the session at "
    "once, which reads it to its end and hands the connection back before the caller reads",
    strict=True,
)
@pytest.mark.parametrize("path", ["/large", "/large-chunks"])
def test_a_large_recorded_answer_keeps_its_connection_open_until_it_is_read(
    base: str, path: str
) -> None:
    async def unread(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + path) as answer:
            for _ in range(5):
                await asyncio.sleep(0)  # a close of the connection, were one due, comes now
            connection = answer.connection
            was_open = connection is not None and not connection.closed
            return was_open, len(await answer.read())

    plain, seen, _ = without_canned_and_recorded(base, lambda: in_session(unread))
    assert seen == plain == (True, len(LARGE))


def test_recording_keeps_the_sessions_read_timeout(base: str) -> None:
    with Recording() as mock:
        mock.add_passthru(base)

        async def slow(session: aiohttp.ClientSession) -> Any:
            async with session.get(base + "/slow") as answer:
                return await answer.read()

        with pytest.raises(aiohttp.ServerTimeoutError):
            in_session(slow, timeout=aiohttp.ClientTimeout(sock_read=0.05))


def test_a_large_answer_that_comes_in_many_reads_is_recorded_whole(base: str) -> None:
    async def get(session: aiohttp.ClientSession) -> Any:
        async with session.get(base + "/large") as answer:
            return await answer.read()

    plain, seen, mock = without_canned_and_recorded(base, lambda: in_session(get))
    assert seen == plain == LARGE
    assert mock.kept[0][1].body == LARGE  # its pieces joined as they came
