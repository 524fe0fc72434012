"""Behaviours of the urllib adapter's answer bytes that users rely on and no other test pinned: a
large body arrives whole, a file object is read in bounded blocks, text chunks are sent as UTF-8,
the framing headers canned adds are spelled as servers spell them, a bodiless answer's head ends
cleanly, a HEAD answer stops after its headers, and the async-body refusal's message."""

from __future__ import annotations

import http.client
import urllib.request
from collections.abc import AsyncGenerator

import pytest

import canned
from canned._adapters.http_client_answers import answer_pieces
from canned._core.reply import Reply

URL = "https://api.example.test/items"


class ReadOnlyFile:
    """A file-like body with `read` and nothing else (not iterable), noting each size asked for."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.sizes: list[object] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(size)
        if size is None or size < 0:
            size = len(self.data)
        piece, self.data = self.data[:size], self.data[size:]
        return piece


def test_a_body_larger_than_the_read_buffer_arrives_whole(mock: canned.RequestsMock) -> None:
    body = bytes(range(256)) * 400  # 102,400 bytes: many times http.client's buffer
    mock.add(canned.GET, URL, body=body)
    mock.add(canned.GET, URL, body=body)
    with urllib.request.urlopen(URL) as whole:
        assert whole.read() == body
    with urllib.request.urlopen(URL) as in_pieces:
        pieces = iter(lambda: in_pieces.read(1000), b"")
        assert b"".join(pieces) == body


@pytest.mark.parametrize("length", [None, "150000"])
def test_a_file_object_body_is_read_in_bounded_blocks_never_whole(
    mock: canned.RequestsMock, length: str | None
) -> None:
    data = b"0123456789" * 15_000
    body = ReadOnlyFile(data)
    headers = {} if length is None else {"Content-Length": length}
    mock.add(canned.GET, URL, body=body, headers=headers)
    with urllib.request.urlopen(URL) as answer:
        assert answer.read() == data
    assert len(body.sizes) > 2
    assert all(isinstance(size, int) and 0 < size < len(data) for size in body.sizes)


def test_text_chunks_of_a_streamed_body_are_sent_as_utf8(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=iter(["caf", "é ", b"and bytes"]))
    with urllib.request.urlopen(URL) as answer:
        assert answer.read() == "café and bytes".encode()


def test_the_length_canned_adds_to_a_bytes_body_is_spelled_as_servers_send_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"hello")
    with urllib.request.urlopen(URL) as answer:
        assert ("Content-Length", "5") in answer.getheaders()
        assert answer.read() == b"hello"


def test_the_chunked_encoding_canned_adds_to_a_stream_is_spelled_as_servers_send_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=iter([b"hel", b"lo"]))
    with urllib.request.urlopen(URL) as answer:
        assert ("Transfer-Encoding", "chunked") in answer.getheaders()
        assert answer.read() == b"hello"


@pytest.mark.parametrize("status", [204, 304])
def test_a_bodiless_answers_head_ends_with_one_blank_line_and_parses_cleanly(
    mock: canned.RequestsMock, status: int
) -> None:
    mock.add(canned.GET, URL, status=status, headers={"X-Trace": "abc"})
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    answer = connection.getresponse()
    assert (answer.status, answer.getheader("X-Trace")) == (status, "abc")
    assert answer.headers.defects == []  # no stray line where the blank line ends the head
    assert answer.headers.get_payload() == ""
    assert answer.read() == b""
    connection.close()


def test_an_interim_answer_alone_fails_as_a_server_that_closed_after_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=100)
    with pytest.raises(http.client.RemoteDisconnected):
        urllib.request.urlopen(URL)  # http.client skips the 100 and finds nothing after it


def test_a_bodiless_answers_bytes_are_its_status_line_and_headers_alone() -> None:
    reply = Reply(204, (("X-Trace", "abc"),), b"")
    assert b"".join(answer_pieces(reply, "GET")) == (
        b"HTTP/1.1 204 No Content\r\nX-Trace: abc\r\n\r\n"
    )


def test_a_head_answers_bytes_stop_after_its_headers_as_a_servers_do() -> None:
    reply = Reply(200, (("Content-Type", "text/plain"),), b"twelve bytes")
    assert b"".join(answer_pieces(reply, "HEAD")) == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n"
    )
    streamed = Reply(200, (), iter([b"never", b"sent"]))
    assert b"".join(answer_pieces(streamed, "HEAD")) == (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    )


def test_an_async_iterator_body_is_refused_with_the_whole_message(
    mock: canned.RequestsMock,
) -> None:
    async def chunks() -> AsyncGenerator[bytes, None]:
        yield b"never read"

    body = chunks()
    mock.add(canned.GET, URL, body=body)
    with pytest.raises(TypeError) as raised:
        urllib.request.urlopen(URL)
    assert str(raised.value) == (
        "urllib cannot read an async iterator body; give bytes or an iterator"
    )
    body.aclose().close()  # never started: nothing to await


def test_an_answer_without_a_reason_keeps_the_space_the_status_line_needs() -> None:
    from canned._adapters.http_client_answers import status_line_of

    assert status_line_of(Reply(799, (), b"")) == "HTTP/1.1 799 "  # no reason phrase known
    assert status_line_of(Reply(200, (), b"")) == "HTTP/1.1 200 OK"


def test_set_debuglevel_prints_the_answer_as_from_a_server(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, "http://e.test/d", body=b"hi", headers={"X-Trace": "t1"})
        connection = http.client.HTTPConnection("e.test")
        connection.set_debuglevel(1)
        connection.request("GET", "/d")
        answer = connection.getresponse()
        assert answer.read() == b"hi"
        connection.close()
    printed = capsys.readouterr().out
    assert "reply: 'HTTP/1.1 200 OK\\r\\n'" in printed
    assert "header: X-Trace: t1" in printed
