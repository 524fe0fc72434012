"""The chunks of a chunked answer, as a cassette records them.

Owns: `decoded_chunks`, the pieces a client read of a `Transfer-Encoding: chunked` body, decoded
from the answer's Content-Encoding piece by piece (as a client decoding the stream reads them),
so each adapter's `snapshot` hands the cassette the chunks, not only the whole body. Imports no
HTTP client.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

from canned._core.headers import decoded


def _inflated(pieces: list[bytes], wbits: int) -> list[bytes]:
    """`pieces` decompressed one after the other by one zlib stream."""
    stream: Any = zlib.decompressobj(wbits)
    return [*(stream.decompress(piece) for piece in pieces), stream.flush()]


def decoded_chunks(pieces: Iterable[bytes], content_encoding: str | None) -> tuple[bytes, ...]:
    """The chunks a client read, decoded from `content_encoding` piece by piece, empty pieces
    left out. Joined, they are always the whole body decoded as `decoded` decodes it: where
    they cannot be decoded apart (br, decoded whole only), the decoded body is one chunk; where
    it is not decoded at all (an unknown or broken encoding), the pieces stay as they came."""
    given = [piece for piece in pieces if piece]
    whole = decoded(b"".join(given), content_encoding)
    if not content_encoding or whole == b"".join(given):
        return tuple(given)
    chunks = given
    for coding in reversed([part.strip().lower() for part in content_encoding.split(",")]):
        try:
            if coding in ("gzip", "x-gzip"):
                chunks = _inflated(chunks, 16 + zlib.MAX_WBITS)
            elif coding == "deflate":
                try:
                    chunks = _inflated(chunks, zlib.MAX_WBITS)
                except zlib.error:  # raw deflate, as some servers send it
                    chunks = _inflated(chunks, -zlib.MAX_WBITS)
            elif coding != "identity":
                return (whole,)
        except zlib.error:  # pragma: no cover - `decoded` decoded it whole: it decodes in pieces
            return (whole,)
    chunks = [chunk for chunk in chunks if chunk]
    return tuple(chunks) if b"".join(chunks) == whole else (whole,)
