"""The urllib adapter's answers, as a server sends them: bytes that `http.client` reads.

Owns: `answer_pieces` (a `Reply` as HTTP/1.1 bytes: status line, headers, and the body framed by
its Content-Length or in chunks), `Answer` and `FailedRead` (what an `HTTPResponse` reads in a
socket's place: those bytes, pulled as the client reads, or a read that fails), and `chunked`.
Imports no HTTP client.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import AsyncIterable, Iterable, Iterator
from functools import partial
from typing import Any, Final

from canned._core.reply import Reply, is_bodiless

CHUNK_SIZE: Final = 65_536
CRLF: Final = b"\r\n"
LAST_CHUNK: Final = b"0\r\n\r\n"


class Answer(io.RawIOBase):
    """An answer's bytes, read as from a socket: `makefile()` is what `HTTPResponse` reads.

    The pieces are pulled only as the client reads, so a streamed body is produced chunk by
    chunk, and a large one is never copied whole."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__()
        self.pieces = pieces
        self.current = memoryview(b"")

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(self)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.current:
            piece = next(self.pieces, None)
            if piece is None:
                return 0
            self.current = memoryview(piece)
        size = min(len(buffer), len(self.current))
        buffer[:size] = self.current[:size]
        self.current = self.current[size:]
        return size


class FailedRead(io.RawIOBase):
    """A socket whose reads fail with `error`: the server reset the connection, did not answer
    in time, or (the request being incomplete) is still waiting for the rest of it."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error: BaseException | None = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        error, self.error = self.error, None
        if error is None:  # read again after the error: Python's reader retries on EINTR
            return 0  # the connection is over
        raise error


def body_pieces(body: Any) -> Iterator[bytes]:
    """A route's body as bytes pieces: whole, read from a file in blocks, or chunk by chunk."""
    if isinstance(body, bytes):
        return iter((body,))
    if hasattr(body, "read"):
        return iter(partial(body.read, CHUNK_SIZE), b"")
    return (chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk) for chunk in body)


def chunked(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """`pieces` in HTTP/1.1 chunked transfer encoding (an empty piece would end it: skipped)."""
    for piece in pieces:
        if piece:
            yield b"%x\r\n" % len(piece)
            yield piece
            yield CRLF
    yield LAST_CHUNK


def header_bytes(text: str) -> bytes:
    """A header line as a server sends it: Latin-1, or UTF-8 for what Latin-1 cannot hold."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def status_line_of(reply: Reply) -> str:
    """The status line; the space before an empty reason stays (RFC 9112: `status-line =
    HTTP-version SP status-code SP [ reason-phrase ]`)."""
    return f"HTTP/1.1 {reply.status} {reply.reason or ''}"


def answer_pieces(reply: Reply, method: str) -> Iterator[bytes]:
    """The reply as an HTTP/1.1 server sends it: status line, headers, then the body framed by
    its Content-Length (added for bytes) or in chunks (iterators and files without one)."""
    body = reply.body
    if isinstance(body, AsyncIterable):
        raise TypeError("urllib cannot read an async iterator body; give bytes or an iterator")
    headers = list(reply.headers)
    status = reply.status
    if is_bodiless(status):  # no body, and no length, as from a server
        head = CRLF.join(
            header_bytes(line)
            for line in [
                status_line_of(reply),
                *(f"{name}: {value}" for name, value in headers),
                "",
                "",
            ]
        )
        return iter((head,))
    encoding = reply.header("Transfer-Encoding")
    is_chunked = encoding is not None and "chunked" in encoding.lower()
    if isinstance(body, bytes) and not is_chunked:
        if reply.header("Content-Length") is None:
            headers.append(("Content-Length", str(len(body))))
        pieces = iter((body,))
    elif is_chunked or reply.header("Content-Length") is None:
        if encoding is None:
            headers.append(("Transfer-Encoding", "chunked"))
        pieces = chunked(body_pieces(body))
    else:  # a stream whose length the route gave: sent as it is
        pieces = body_pieces(body)
    lines = [status_line_of(reply), *(f"{name}: {value}" for name, value in headers), "", ""]
    head = CRLF.join(header_bytes(line) for line in lines)
    if method == "HEAD":  # headers only, as from a server
        return iter((head,))
    return itertools.chain((head,), pieces)
