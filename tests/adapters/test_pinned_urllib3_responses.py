"""How the answers requests and urllib3 callers get read, pinned where no other test looked: a
file body read whole, in pieces or after its caller closed it; chunks pulled only as they are
read, open until read to the end, closed when closed, and read whole by urlopen; a HEAD answer's
empty body and its shared read buffer; no bytes asked for, no bytes given; and the error for a
body requests cannot read. What urllib3 does with a server's answer was checked against a real
server on 127.0.0.1 (urllib3 2.8 and 1.26)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import requests
import urllib3
from tests.adapters import test_urllib3_adapter
from tests.urllib3_versions import needs_urllib3_2

import canned
from canned import faults

URL = test_urllib3_adapter.URL
pool_manager = test_urllib3_adapter.pool_manager  # its fixture, shared


class SizedReader:
    """A hand-written file-like body with nothing but `read(size=-1)`: no `closed`, and a size
    that must be a number (`None` is refused, as by many readers that only compare it)."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = len(self.content)
        piece, self.content = self.content[:size], self.content[size:]
        return piece


def unread(manager: urllib3.PoolManager, method: str = "GET") -> urllib3.HTTPResponse:
    """The answer to `method` URL as urllib3 gives it unread (`preload_content=False`)."""
    answer = manager.request(method, URL, preload_content=False)
    assert isinstance(answer, urllib3.HTTPResponse)
    return answer


# -- a file body -----------------------------------------------------------------------------------


def test_a_file_body_read_whole_leaves_the_answer_closed_as_a_servers_is(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=io.BytesIO(b"from a file"))
    answer = unread(pool_manager)
    assert (answer.closed, answer.isclosed()) == (False, False)
    assert answer.read() == b"from a file"
    assert (answer.closed, answer.isclosed()) == (True, True)


def test_a_file_body_read_in_pieces_reads_the_file_only_as_far_as_asked(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    file = io.BytesIO(b"from a file")
    mock.add(canned.GET, URL, body=file)
    answer = unread(pool_manager)
    assert answer.read(4) == b"from"
    assert (answer.tell(), file.tell(), answer.closed) == (4, 4, False)
    assert list(answer.stream(4)) == [b" a f", b"ile"]
    assert answer.closed is True


@needs_urllib3_2  # urllib3 1.26 has no read1
def test_a_file_body_read1_reads_the_file_only_as_far_as_asked(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    file = io.BytesIO(b"from a file")
    mock.add(canned.GET, URL, body=file)
    answer = unread(pool_manager)
    assert answer.read1(4) == b"from"
    assert (answer.tell(), file.tell()) == (4, 4)


def test_a_file_body_whose_file_the_caller_closes_ends_there(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    file = io.BytesIO(b"from a file")
    mock.add(canned.GET, URL, body=file)
    answer = unread(pool_manager)
    assert answer.read(4) == b"from"
    file.close()
    assert (answer.closed, answer.read(), list(answer.stream(4))) == (True, b"", [])


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda manager: manager.request("GET", URL).data, id="urlopen-preloaded"),
        pytest.param(lambda manager: b"".join(unread(manager).stream(3)), id="urllib3-streamed"),
        pytest.param(lambda manager: requests.get(URL).content, id="requests"),
    ],
)
def test_a_file_like_body_with_only_a_sized_read_is_served_whole(
    mock: canned.RequestsMock,
    pool_manager: urllib3.PoolManager,
    read: Callable[[urllib3.PoolManager], bytes],
) -> None:
    mock.add(canned.GET, URL, body=SizedReader(b"read by size"))
    assert read(pool_manager) == b"read by size"


def test_a_file_body_is_served_with_its_bytes_as_they_are_not_in_chunks(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=io.BytesIO(b"ab\ncdefg"))
    answer = unread(pool_manager)
    assert "Transfer-Encoding" not in answer.headers
    assert list(answer.stream(4)) == [b"ab\nc", b"defg"]


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(lambda: {"body": io.BytesIO(b"from a file")}, id="file"),
        pytest.param(
            lambda: {"body": b"x" * 100, "faults": faults.truncated(after=10)}, id="truncated"
        ),
        pytest.param(lambda: {"body": [b"in ", b"chunks"]}, id="chunks"),
    ],
)
def test_reading_no_bytes_gives_no_bytes(
    mock: canned.RequestsMock,
    pool_manager: urllib3.PoolManager,
    route: Callable[[], dict[str, Any]],
) -> None:
    # urllib3 1.26 asks the body itself for 0 bytes (urllib3 2 answers from its own buffer)
    mock.add(canned.GET, URL, **route())
    assert unread(pool_manager).read(0) == b""


# -- chunks ----------------------------------------------------------------------------------------


def test_a_chunked_answer_is_open_until_read_to_its_end_as_a_servers_is(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=iter([b"abc", b"defg"]))
    answer = unread(pool_manager)
    assert (answer.closed, answer.isclosed()) == (False, False)
    assert type(answer.closed) is bool  # not merely falsy: a server's answer says False
    assert list(answer.stream(None)) == [b"abc", b"defg"]
    assert (answer.closed, answer.isclosed()) == (True, True)


def test_an_unread_chunked_answer_is_closed_once_closed(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=iter([b"abc", b"defg"]))
    answer = unread(pool_manager)
    answer.close()
    assert (answer.closed, answer.isclosed()) == (True, True)


def test_a_closed_chunked_answer_streams_nothing_more_as_a_servers_does(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=iter([b"abc", b"defg"]))
    answer = unread(pool_manager)
    answer.close()
    assert list(answer.stream(None)) == []


def test_a_chunked_answer_read_in_pieces_gives_as_many_bytes_as_asked_across_chunks(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=[b"hello", b"world"])
    answer = unread(pool_manager)
    assert answer.read(2) == b"he"
    assert answer.tell() == 2
    assert answer.read(4) == b"llow"  # the rest of one chunk and one byte of the next
    assert answer.tell() == 6
    assert answer.read(3) == b"orl"
    assert answer.read() == b"d"


def test_a_file_body_the_headers_say_is_chunked_is_sent_in_chunks_and_read_whole(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    headers = {"Transfer-Encoding": "chunked"}
    mock.add(canned.GET, URL, body=io.BytesIO(b"abc"), headers=headers)
    assert requests.get(URL).content == b"abc"
    mock.replace(canned.GET, URL, body=io.BytesIO(b"abcdef"), headers=headers)
    answer = unread(pool_manager)
    assert answer.chunked
    assert b"".join(answer.stream(None)) == b"abcdef"


def test_a_file_like_body_said_chunked_is_read_by_its_sized_read_in_chunks_of_64_kib(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    content = b"x" * 65536 + b"0123456789"
    headers = {"Transfer-Encoding": "chunked"}
    mock.add(canned.GET, URL, body=SizedReader(content), headers=headers)
    assert [len(chunk) for chunk in unread(pool_manager).stream(None)] == [65536, 10]
    mock.replace(canned.GET, URL, body=SizedReader(b"abc"), headers=headers)  # no iteration
    assert requests.get(URL).content == b"abc"


def test_chunks_are_read_whole_by_urlopen_and_by_read(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=[b"abc", b"", b"defg"])
    assert pool_manager.request("GET", URL).data == b"abcdefg"
    assert unread(pool_manager).read() == b"abcdefg"


def test_text_chunks_are_sent_as_utf8(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=iter(["é", "b"]))
    assert list(unread(pool_manager).stream(None)) == ["é".encode(), b"b"]


def test_chunks_are_taken_from_the_body_only_as_they_are_read(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    # an event stream can be produced as it is read, and need not end
    taken: list[bytes] = []

    def events() -> Iterator[bytes]:
        for event in (b"data: 1\n\n", b"data: 2\n\n", b"data: 3\n\n"):
            taken.append(event)
            yield event

    mock.add(canned.GET, URL, body=events())
    streamed = unread(pool_manager).stream(None)
    assert (next(streamed), len(taken)) == (b"data: 1\n\n", 1)
    assert (next(streamed), len(taken)) == (b"data: 2\n\n", 2)


@needs_urllib3_2  # urllib3 1.26 has no read1
def test_read1_past_the_last_chunk_gives_nothing(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=iter([b"abc", b"defg"]))
    answer = unread(pool_manager)
    assert [answer.read1() for _ in range(4)] == [b"abc", b"defg", b"", b""]


# -- a HEAD answer ---------------------------------------------------------------------------------


def test_a_head_answer_has_nothing_left_to_read_whatever_its_content_length(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.HEAD, URL, headers={"Content-Length": "10"})
    answer = unread(pool_manager, "HEAD")
    assert answer.length_remaining == 0
    assert (answer.read(0), answer.read(5), answer.read()) == (b"", b"", b"")
    assert answer.headers["Content-Length"] == "10"


@needs_urllib3_2  # urllib3 1.26 keeps no read buffer
def test_head_answers_share_one_empty_read_buffer_that_refuses_bytes(
    mock: canned.RequestsMock,
) -> None:
    # the call log keeps every answer: HEAD answers share one buffer instead of 1.5 KB each, and
    # were urllib3 ever to buffer bytes there, one answer's would leak into the next: it refuses
    mock.head(URL)
    first, second = requests.head(URL).raw, requests.head(URL).raw
    shared = first._decoded_buffer
    assert second._decoded_buffer is shared
    shared.put(b"")
    with pytest.raises(RuntimeError) as raised:
        shared.put(b"x")
    assert str(raised.value) == "canned: a HEAD answer was given bytes to buffer"
    assert (len(shared), first.read(), second.read1()) == (0, b"", b"")


# -- a body requests cannot read -------------------------------------------------------------------


async def one_event() -> AsyncIterator[bytes]:
    yield b"data: 1\n\n"


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda manager: requests.get(URL), id="requests"),
        pytest.param(lambda manager: manager.request("GET", URL), id="urllib3"),
    ],
)
def test_an_async_iterator_body_is_refused_with_what_to_give_instead(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, send: Callable[..., Any]
) -> None:
    mock.add(canned.GET, URL, body=one_event())
    with pytest.raises(TypeError) as raised:
        send(pool_manager)
    assert str(raised.value) == (
        "requests cannot read an async iterator body; give bytes or an iterator"
    )
