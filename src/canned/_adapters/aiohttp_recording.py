"""The aiohttp adapter's recording: a real answer read whole, then served to the session again.

Owns: `read_real` (the answer a real connection gives, read to its end through aiohttp's own
parser, undecoded: its status, header bytes as received and body, with the HTTP chunks it came
in) and `RealAnswer.serve` (those bytes as the server sent them, fed to canned's connection for
the session's own parser: its decompression, limits, cookies and redirects work on them as on
the server's); and `chunked`, the chunk framing the adapter serves any answer's body with.
aiohttp is not imported here: this works on the protocol objects the connection hands over.
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

from canned._adapters.chunks import decoded_chunks
from canned._core.headers import decoded
from canned._core.reply import Reply

CRLF: Final = b"\r\n"


def chunked(data: bytes) -> bytes:
    """One chunk of a `Transfer-Encoding: chunked` body (b"" is the last one)."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def header_text(raw: bytes) -> str:
    """A header's bytes as aiohttp reads them: UTF-8, or Latin-1 for bytes that are not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


class RealAnswer(NamedTuple):
    """A real answer, as it came: its status line, its headers' bytes, its body in the HTTP
    chunks it was sent in (one piece when it was not chunked), and how the body was framed."""

    version: tuple[int, int]
    status: int
    reason: str
    raw_headers: tuple[tuple[bytes, bytes], ...]
    pieces: tuple[bytes, ...]
    is_chunked: bool

    def reply(self) -> Reply:
        """The answer as a cassette keeps it: header pairs as received, the body decoded (a
        chunked one in its chunks, each decoded)."""
        headers = tuple((header_text(name), header_text(value)) for name, value in self.raw_headers)
        encoding = ", ".join(v for name, v in headers if name.lower() == "content-encoding")
        if self.is_chunked:
            return Reply(self.status, headers, decoded_chunks(self.pieces, encoding or None))
        return Reply(self.status, headers, decoded(b"".join(self.pieces), encoding or None))

    def ends_with_the_close(self) -> bool:
        """Whether the server ended the body by closing the connection (no length, no chunks)."""
        names = {name.lower() for name, _ in self.raw_headers}
        return not self.is_chunked and b"content-length" not in names

    def as_sent(self) -> bytes:
        """The answer's bytes as the server sent them: status line, headers, framed body."""
        major, minor = self.version
        status_line = b"HTTP/%d.%d %d %s" % (
            major,
            minor,
            self.status,
            self.reason.encode("utf-8", "surrogateescape"),
        )
        lines = [status_line, *(name + b": " + value for name, value in self.raw_headers)]
        head = CRLF.join(lines) + CRLF + CRLF
        if not self.is_chunked:
            return head + b"".join(self.pieces)
        return head + b"".join(chunked(piece) for piece in self.pieces if piece) + chunked(b"")

    def serve(self, conn: Any) -> Any:
        """What `send` does with the answer: feed it to canned's connection `conn` as the server
        sent it (closing it where the server's close ended the body); the response reading it."""
        conn.canned_protocol.data_received(self.as_sent())
        if self.ends_with_the_close():
            conn.canned_transport.close()
        return conn.response


async def read_real(protocol: Any, method: str, read_timeout: float | None) -> RealAnswer:
    """The answer `protocol` (a real connection's aiohttp `ResponseHandler`) receives for the
    request just written to it, read to its end undecoded. An informational answer (1xx) is
    passed over, as aiohttp passes it over."""
    protocol.set_response_params(
        skip_payload=method == "HEAD",
        read_until_eof=True,
        auto_decompress=False,  # the session's own parser decodes it when it reads it again
        read_timeout=read_timeout,
    )
    protocol.start_timeout()  # the session's sock_read, as after a send
    while True:
        message, payload = await protocol.read()
        if not 100 <= message.code < 200 or message.code == 101:
            break
    pieces: list[bytes] = []
    piece: list[bytes] = []
    while method != "HEAD":  # a HEAD answer has no body (its payload is aiohttp's shared empty one)
        data, ends_a_chunk = await payload.readchunk()
        piece.append(data)
        if ends_a_chunk:
            pieces.append(b"".join(piece))
            piece.clear()
        if not data and (not ends_a_chunk or payload.at_eof()):  # the end of the body
            break
    pieces.append(b"".join(piece))
    return RealAnswer(
        (message.version.major, message.version.minor),
        message.code,
        message.reason,
        tuple(message.raw_headers),
        tuple(pieces),
        bool(message.chunked),
    )
