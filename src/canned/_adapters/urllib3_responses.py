"""An answer as urllib3 gives one from a server: an unread `urllib3.HTTPResponse` over a body
source that behaves as `http.client.HTTPResponse` does.

Owns: `raw_response(reply, method)`, `read_again` (a recorded answer served again), the body
sources behind them (whole bytes, HTTP/1.1 chunks, a HEAD answer's empty body) and the
stand-in for http.client's response that urllib3 and requests' cookie extraction read.
Clients built on urllib3 (requests, and urllib3 used directly) read these as they read a
connection, so anything that wraps or reads `raw` sees a server's answer. Imports urllib3 only.
"""

from __future__ import annotations

import functools
import http.client
import io
from collections.abc import AsyncIterable, Iterable, Iterator
from typing import Any, Final

from urllib3 import HTTPResponse

from canned._core.reply import Reply


class _Body(io.BytesIO):
    """A body served as `http.client.HTTPResponse` serves one: read in pieces, and once read
    to the end `isclosed()` is true and `fp` is None. urllib3 stops streaming there, and
    wrappers that tee the body (CacheControl's) take `fp is None` as the end of it."""

    __slots__ = ("_size",)  # no attribute dict: one object fewer per answer the call log keeps

    def __init__(self, data: bytes) -> None:
        super().__init__(data)  # shares `data` until written to: never here
        self._size = len(data)

    @property
    def fp(self) -> _Body | None:
        return None if self.isclosed() else self

    def isclosed(self) -> bool:
        return self.closed or self.tell() >= self._size


class _FileBody:
    """A file object body, served as `http.client.HTTPResponse` serves one: once a read comes
    back empty it is at its end, `isclosed()` is true and `fp` is None. urllib3 streams until
    then; a file object on its own never says so, and the stream would read it forever. The
    file itself is left open: it is the caller's."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self._ended = False

    def read(self, amount: int | None = None) -> bytes:
        if self._ended:
            return b""
        whole = amount is None or amount < 0
        data: bytes = self._file.read() if whole else self._file.read(amount)
        if whole or not data:
            self._ended = True
        return data

    def read1(self, amount: int = -1) -> bytes:
        return self.read(amount)

    def isclosed(self) -> bool:
        return self._ended or bool(getattr(self._file, "closed", False))

    @property
    def closed(self) -> bool:
        return self.isclosed()

    @property
    def fp(self) -> _FileBody | None:
        return None if self.isclosed() else self

    def close(self) -> None:
        self._ended = True


class _ShortBody(_FileBody):
    """A body that ends before its Content-Length (a truncated answer), served as
    `http.client.HTTPResponse` serves one: read in pieces, a read comes back empty at the end
    (urllib3 raises its IncompleteRead then); read whole, http.client's `IncompleteRead` is
    raised with the bytes that came (urllib3 wraps both in its `ProtocolError`)."""

    def __init__(self, data: bytes, length: int) -> None:
        super().__init__(io.BytesIO(data))
        self._missing = length - len(data)

    def read(self, amount: int | None = None) -> bytes:
        data = super().read(amount)
        if amount is None or amount < 0:
            raise http.client.IncompleteRead(data, self._missing)
        return data


class _Empty:
    """The body of a HEAD answer, shared by all of them: reading gives b"" and closing is a
    no-op, so one instance serves all. Read to the end from the start, as http.client's is."""

    closed = False
    fp = None

    def read(self, amount: int | None = None) -> bytes:
        return b""

    read1 = read

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        pass


_EMPTY: Final = _Empty()
# What a server's status line sets on urllib3's response, kept when a recorded one is read again
STATUS_LINE: Final = ("reason", "version", "version_string")


class _NoBuffer:
    """urllib3 2's read buffer for a response whose source is `_EMPTY` (a HEAD answer):
    nothing is ever buffered. Holds no state, so one instance serves every
    answer; each of urllib3's own buffers weighs about 1.5 KB, which the call log would keep
    for every answer."""

    def __len__(self) -> int:
        return 0

    def put(self, data: bytes) -> None:
        if data:  # cannot happen while the source is `_EMPTY`; said loudly if it ever does
            raise RuntimeError("canned: a HEAD answer was given bytes to buffer")

    def get(self, n: int) -> bytes:
        return b""

    def get_all(self) -> bytes:
        return b""


_NO_BUFFER: Final = _NoBuffer()


class _ChunkedSource:
    """An `http.client.HTTPResponse`-like source that serves chunks as HTTP/1.1 chunked encoding.

    urllib3 then reads it with `read_chunked`, as from a streaming server, so
    `iter_content(chunk_size=None)` yields the chunks as they were given (server-sent events).
    `read()` serves the plain bytes for code that reads the raw response directly.
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._encoded = b""
        self._pending = b""  # the rest of a chunk `read1` cut short
        self._done = False
        self.closed = False

    @property
    def fp(self) -> _ChunkedSource | None:
        """Itself until closed or read to the end, then None, as http.client's: urllib3 reads
        chunked bodies through `fp.readline()`, and stops streaming a closed answer."""
        return None if self.isclosed() else self

    def _next_chunk(self) -> bytes | None:
        if self._pending:  # what `read1` cut short comes first, whichever way is read next
            data, self._pending = self._pending, b""
            return data
        for chunk in self._chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
            if data:
                return data
        self._done = True
        return None

    def _fill(self, size: int) -> None:
        while len(self._encoded) < size and (self._pending or not self._done):
            chunk = self._next_chunk()
            self._encoded += (
                b"0\r\n\r\n" if chunk is None else b"%x\r\n%s\r\n" % (len(chunk), chunk)
            )

    def readline(self, limit: int = -1) -> bytes:
        while b"\n" not in self._encoded and (self._pending or not self._done):
            self._fill(len(self._encoded) + 1)
        end = self._encoded.find(b"\n") + 1 or len(self._encoded)
        line, self._encoded = self._encoded[:end], self._encoded[end:]
        return line

    def _safe_read(self, amount: int) -> bytes:
        self._fill(amount)
        data, self._encoded = self._encoded[:amount], self._encoded[amount:]
        return data

    def read(self, amount: int | None = None) -> bytes:
        """The plain bytes: all that is left, or up to `amount` of them across chunks, as
        http.client reads a chunked answer (urllib3 1.26 reads through it)."""
        left = -1 if amount is None or amount < 0 else amount  # -1: no limit
        chunks: list[bytes] = []
        while left:
            piece = self.read1(left)
            if not piece:
                break
            chunks.append(piece)
            if left > 0:
                left -= len(piece)
        return b"".join(chunks)

    def read1(self, amount: int | None = -1) -> bytes:
        """The next chunk, or up to `amount` bytes of it (urllib3's `read1` asks for this)."""
        data = (self._next_chunk() if self._pending or not self._done else None) or b""
        if amount is not None and 0 <= amount < len(data):
            data, self._pending = data[:amount], data[amount:]
        return data

    def isclosed(self) -> bool:
        return self.closed or (self._done and not self._encoded and not self._pending)

    def close(self) -> None:
        self.closed = True


class _OriginalResponse:
    """What `http.client.HTTPResponse` offers to urllib3 (`_method`, `isclosed`, `close`) and,
    as its own `msg`, to requests' cookie extraction (`get_all`), over the answer's header
    pairs; building a real HTTPMessage would cost more than the rest of the answer."""

    __slots__ = ("_method", "pairs")

    def __init__(self, pairs: tuple[tuple[str, str], ...], method: str) -> None:
        self.pairs = pairs
        self._method = method  # urllib3 asks whether this answers a HEAD

    @property
    def msg(self) -> _OriginalResponse:
        return self

    def get_all(self, name: str, default: Any = None) -> Any:
        lowered = name.lower()
        found = [value for key, value in self.pairs if key.lower() == lowered]
        return found or default

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        pass


def _header_facts(headers: tuple[tuple[str, str], ...]) -> tuple[str | None, bool, str | None]:
    """The answer's Transfer-Encoding, whether it sets cookies, and its Content-Length: one
    pass over its headers."""
    encoding, cookies, length = None, False, None
    for name, value in headers:
        lowered = name.lower()
        if lowered == "transfer-encoding":
            encoding = value
        elif lowered == "set-cookie":
            cookies = True
        elif lowered == "content-length":
            length = value
    return encoding, cookies, length


def _is_cut_short(body: bytes, length: str | None) -> bool:
    """Whether the body ends before the length its headers promise (a truncated answer)."""
    return length is not None and length.isdigit() and int(length) > len(body)


def _pieces(body: Any) -> Iterable[bytes]:
    """A body as the chunks of a chunked answer: bytes as one, a file in reads of 64 KiB,
    chunks as given."""
    if isinstance(body, bytes):
        return (body,)
    if hasattr(body, "read"):
        return iter(functools.partial(body.read, 65536), b"")
    return body  # type: ignore[no-any-return]  # an iterable of bytes, checked at add()


def raw_response(reply: Reply, method: str) -> HTTPResponse:
    """The answer as urllib3 gives one from a server, its body unread: requests (and anything
    that wraps or reads `raw`) reads it as it would from a connection."""
    headers = reply.headers
    body = reply.body
    encoding, cookies, length = _header_facts(headers)
    chunked = encoding is not None and "chunked" in encoding.lower()
    if method == "HEAD":
        fp: Any = _EMPTY  # a HEAD answer carries headers only, as from a server
    elif isinstance(body, bytes) and not chunked:
        # a body ending before the promised length: read, it breaks off as from a server that
        # hung up (urllib3's IncompleteRead, or http.client's for a whole read)
        fp = _ShortBody(body, int(length or 0)) if _is_cut_short(body, length) else _Body(body)
    elif hasattr(body, "read") and not chunked:
        fp = _FileBody(body)
    elif isinstance(body, AsyncIterable):
        raise TypeError("requests cannot read an async iterator body; give bytes or an iterator")
    else:  # an iterable of bytes (checked at add()), or bytes or a file the headers say are chunked
        fp = _ChunkedSource(_pieces(body))
        if encoding is None:
            headers += (("Transfer-Encoding", "chunked"),)
    # The stand-in for http.client's response is read only by requests' cookie extraction and
    # by urllib3's chunked reads; without either, leaving it out saves both their work.
    original = None
    if cookies or isinstance(fp, _ChunkedSource):
        original = _OriginalResponse(headers, method)
    raw = HTTPResponse(
        body=fp,
        headers=headers,  # type: ignore[arg-type]  # urllib3 takes pairs too
        status=reply.status,
        reason=reply.reason,
        preload_content=False,
        original_response=original,  # type: ignore[arg-type]  # duck-typed
        request_method=method,
    )
    if fp is _EMPTY:
        _share_empty_buffer(raw)
    return raw


def read_again(response: HTTPResponse, sent: Any, method: str) -> HTTPResponse:
    """A new unread answer over `sent`, the bytes `response` came with (a chunked one's
    chunks), its status line as it came; `response`'s connection goes back to its pool. What a
    recorded answer's caller reads in place of the one canned read."""
    response.release_conn()
    fresh = raw_response(Reply(response.status, tuple(response.headers.items()), sent), method)
    for name in STATUS_LINE:  # urllib3 1 has no `version_string`
        setattr(fresh, name, getattr(response, name, None))
    return fresh


def _share_empty_buffer(raw: HTTPResponse) -> None:
    """Give a HEAD answer the shared empty read buffer (urllib3 2's private `_decoded_buffer`;
    1.26 has none): the one place canned touches a private attribute of urllib3."""
    if hasattr(raw, "_decoded_buffer"):
        raw._decoded_buffer = _NO_BUFFER  # type: ignore[assignment]  # duck-typed, stateless


# What the conversions need for one request: the adapter sending it, the PreparedRequest, the
