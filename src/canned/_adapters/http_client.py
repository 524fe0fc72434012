"""The urllib adapter: `http.client` connections answered as a server would answer them.

Owns: the patches of `HTTPConnection.connect`, `HTTPSConnection.connect` and
`HTTPConnection.getresponse` (so `urllib.request.urlopen`, however it was imported, every
`OpenerDirector` and direct `http.client` use are intercepted); `CannedSocket`, the socket a
connection gets instead of the network while a mock is active, which collects what http.client
sends and, once a request is complete, parses it into the view (`to_request`) and dispatches it;
and the conversions the dispatch path uses: a `Reply` served as HTTP/1.1 bytes that the
connection's own `HTTPResponse` parses (status, headers, `read(n)`, chunks, HEAD);
`ConnectionRefusedError` when unmatched, raised inside `request()` so that urllib wraps it in
`URLError`; each fault as the error a real server's gives (a connect fault from `request()`, the
others from the socket read inside `getresponse()`, malformed bytes from http.client's own
parser); a passthrough connects for real and sends the bytes collected; and `snapshot`, the real
answer as a cassette records it, its body read and put back for the caller. The answer's bytes
are made in `http_client_answers`.

urllib3's connections subclass `HTTPConnection` but connect themselves (they override `connect`),
so they never get a `CannedSocket`: urllib3 and requests are intercepted by their own adapters.
A connection opened while a layer above passes a request through (`passing_through()`) is
connected for real. Imports http.client only.
"""

from __future__ import annotations

import errno
import http.client
import io
import socket
from typing import TYPE_CHECKING, Any, Callable, Final, NamedTuple

from canned._adapters.chunks import decoded_chunks
from canned._adapters.http_client_answers import (
    CHUNK_SIZE,
    CRLF,
    Answer,
    FailedRead,
    answer_pieces,
    chunked,
)
from canned._core import activation
from canned._core.dispatch import dispatch, passing_through
from canned._core.headers import decoded
from canned._core.reply import Reply
from canned._core.request import Request

if TYPE_CHECKING:
    from canned._core.faults import Fault

HEAD_END: Final = b"\r\n\r\n"
NOT_COMPLETE: Final = (
    "canned: no answer on this connection: the request sent on it is not complete "
    "(a server would still be waiting for the rest of it)"
)

Connect = Callable[[http.client.HTTPConnection], None]
GetResponse = Callable[[http.client.HTTPConnection], http.client.HTTPResponse]


# -- the request, as a server reads it ----------------------------------------------------------


class Received(NamedTuple):
    """One complete request as it arrived: its exact bytes, and its parts."""

    raw: bytes
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class RequestReader:
    """Reads requests from the bytes a connection sends, as a server would: the head up to the
    blank line, then a body framed by `Content-Length` or chunked transfer encoding."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.start_next()

    def start_next(self) -> None:
        """Forget the request just read; the buffer keeps what followed it."""
        self.head: tuple[str, str, dict[str, str]] | None = None
        self.length = 0  # the body's Content-Length (0 when there is none)
        self.chunked = False
        self.body_start = 0
        self.scan = 0  # where the next chunk-size line starts
        self.chunks: list[bytes] = []

    def feed(self, data: bytes) -> Received | None:
        """Take `data`; the request it completes, or None while it is incomplete."""
        self.buffer += data
        if self.head is None:
            end = self.buffer.find(HEAD_END)
            if end < 0:
                return None
            self.head = self._parse_head(bytes(self.buffer[:end]))
            self.body_start = self.scan = end + len(HEAD_END)
        end = self._chunked_end() if self.chunked else self._length_end()
        if end < 0:
            return None
        method, target, headers = self.head
        body = b"".join(self.chunks) if self.chunked else bytes(self.buffer[self.body_start : end])
        raw = bytes(self.buffer[:end])
        del self.buffer[:end]  # what follows is the start of the next request
        self.start_next()
        return Received(raw, method, target, headers, body)

    def _parse_head(self, head: bytes) -> tuple[str, str, dict[str, str]]:
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target = request_line.split(" ")[:2]
        headers: dict[str, str] = {}
        names: dict[str, str] = {}  # lowered name -> the name as first sent
        for line in lines:
            name, _, value = line.partition(":")
            name, value = name.strip(), value.strip()
            lowered = name.lower()
            if lowered in names:  # a repeated header: its values joined, as HTTP allows
                headers[names[lowered]] += ", " + value
            else:
                names[lowered] = name
                headers[name] = value
        encoding = headers.get(names.get("transfer-encoding", ""), "")
        self.chunked = "chunked" in encoding.lower()
        self.length = int(headers.get(names.get("content-length", ""), "0") or 0)
        return method, target, headers

    def _length_end(self) -> int:
        end = self.body_start + self.length
        return end if len(self.buffer) >= end else -1

    def _chunked_end(self) -> int:
        buffer = self.buffer
        while True:
            line_end = buffer.find(CRLF, self.scan)
            if line_end < 0:
                return -1
            size = int(bytes(buffer[self.scan : line_end]).split(b";")[0], 16)
            start = line_end + len(CRLF)
            if size == 0:  # the last chunk, then trailers up to a blank line
                if buffer[start : start + 2] == CRLF:
                    return start + 2
                trailers_end = buffer.find(HEAD_END, start)
                return trailers_end + len(HEAD_END) if trailers_end >= 0 else -1
            if len(buffer) < start + size + len(CRLF):
                return -1
            self.chunks.append(bytes(buffer[start : start + size]))
            self.scan = start + size + len(CRLF)


def tunnel_target(connection: http.client.HTTPConnection) -> tuple[str, int] | None:
    """The host and port a proxy tunnel leads to, set by the public `set_tunnel` and kept in
    http.client's private `_tunnel_host` and `_tunnel_port`: the one place canned reads them."""
    host: str | None = getattr(connection, "_tunnel_host", None)
    return (host, connection._tunnel_port) if host else None  # type: ignore[attr-defined]  # see above


def request_url(connection: http.client.HTTPConnection, target: str) -> str:
    """The absolute URL of a request: the target itself when absolute (sent to a proxy), else
    the connection's scheme, host and port (a tunnel's, through a proxy) and the target."""
    if not target.startswith("/") and "://" in target:
        return target
    scheme = "https" if isinstance(connection, http.client.HTTPSConnection) else "http"
    host, port = tunnel_target(connection) or (connection.host, connection.port)
    authority = f"[{host}]" if ":" in host else host
    if port != connection.default_port:
        authority += f":{port}"
    return f"{scheme}://{authority}{target}"


def to_request(connection: http.client.HTTPConnection, received: Received) -> Request:
    """The view of a request as the connection sent it (body de-chunked, as a server reads it)."""
    return Request(
        received.method,
        request_url(connection, received.target),
        received.headers,  # a dict: the view makes lookups ignore case
        received.body or None,
        native=connection,
    )


# -- the socket a connection gets while a mock is active -----------------------------------------


class Context(NamedTuple):
    """What the conversions need for one request: the connection, its socket, the request's
    exact bytes (sent as they are on a passthrough) and its method."""

    connection: http.client.HTTPConnection
    socket: CannedSocket
    raw: bytes
    method: str


class CannedSocket:
    """A connection's socket while a mock is active: it collects the bytes http.client sends
    and answers each complete request through the dispatch path, before `request()` returns.
    A passthrough connects it to the network (`real`), and later passthroughs on the same
    connection reuse that socket, as a kept-alive connection does."""

    def __init__(self, connection: http.client.HTTPConnection) -> None:
        self.connection = connection
        self.reader = RequestReader()
        self.answer: http.client.HTTPResponse | None = None  # what `getresponse` returns next
        self.answer_error: BaseException | None = None  # or what it raises
        self.real: socket.socket | None = None
        # an error of the connection itself (refused; a passthrough's real send): `request`
        # raises it, where the connection is made, and urlopen wraps it in a URLError
        self.connection_error: BaseException | None = None

    def sendall(self, data: Any) -> None:
        received = self.reader.feed(data)
        if received is None:
            return
        self.answer = self.answer_error = self.connection_error = None
        try:
            self.answer = answer(self, received)
        except BaseException as error:
            if error is not self.connection_error:
                # the answer is an error (a body or a callback's): raised when the client
                # reads the answer, as a server's failure is, and by urlopen as it is
                self.answer_error = error
                return
            raise

    def connected(self) -> socket.socket:
        """The socket to the network, connected on first use by the connection's own `connect`
        (the original: the request is passing through, or no mock is left)."""
        real = self.real
        if real is None:
            connection = self.connection
            connection.connect()
            real, connection.sock = connection.sock, self  # the stand-in stays
            self.real = real
        return real

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        """What `getresponse` reads when it has no answer to give: the answer's error, raised
        as the read fails (so http.client closes the connection after a reset, as it does),
        else the request is incomplete and nothing comes until the client times out."""
        error, self.answer_error = self.answer_error, None
        return io.BufferedReader(FailedRead(error or socket.timeout(NOT_COMPLETE)))

    def close(self) -> None:
        if self.real is not None:
            self.real.close()

    # What callers of a connected `HTTPConnection` ask of its socket: kept, or refused as a
    # socket with no descriptor refuses.
    timeout: float | None = None

    def settimeout(self, timeout: float | None) -> None:
        self.timeout = timeout

    def gettimeout(self) -> float | None:
        return self.timeout

    def setsockopt(self, *args: Any) -> None:
        pass

    def fileno(self) -> int:
        raise OSError("canned answers this connection: it has no socket descriptor")


def answer(canned_socket: CannedSocket, received: Received) -> http.client.HTTPResponse | None:
    """The answer to a complete request: the innermost mock's, through the dispatch path."""
    connection = canned_socket.connection
    mock = activation.current()
    if mock is None:  # the last mock left since this connection opened: canned steps aside
        connection.sock = canned_socket.connected()
        connection.sock.sendall(received.raw)
        return None  # http.client reads the answer from the network itself
    context = Context(connection, canned_socket, received.raw, received.method)
    return dispatch(mock, to_request(connection, received), client, context)  # type: ignore[no-any-return]  # response_callback's own return


class HttpClientConversions:
    """http.client's conversions for the dispatch path."""

    def to_native(self, reply: Reply, context: Context) -> http.client.HTTPResponse:
        """The connection's own `HTTPResponse`, its status and headers read from the reply's
        bytes and its body left unread, as from a server."""
        source = Answer(answer_pieces(reply, context.method))
        response = response_of(context.connection, source, context.method)
        response.begin()
        return response

    def fault_error(self, fault: Fault, context: Context) -> BaseException:
        """The error a real server's `fault` gives: a connect fault is raised from `request()`,
        where the connection is made (so urlopen wraps it in `URLError`), the others from the
        read of the answer in `getresponse()`, which urlopen lets out as they are."""
        kind, message = fault.kind, fault.message
        error: BaseException
        if kind == "malformed":
            return not_http(context, message.encode())
        if kind in ("connect_timeout", "read_timeout"):
            error = socket.timeout(message)  # TimeoutError from Python 3.10
        elif kind == "connection_refused":
            error = ConnectionRefusedError(errno.ECONNREFUSED, message)
        elif kind == "dns_failure":
            error = socket.gaierror(socket.EAI_NONAME, message)
        else:  # a reset (a truncated body arrives short instead: never asked for)
            error = ConnectionResetError(errno.ECONNRESET, message)
        if fault.is_connect_fault:
            context.socket.connection_error = error
        return error

    def read_timeout(self, context: Context) -> float | None:
        """The connection's `timeout` (urlopen's `timeout=`); when it was not given, the
        sockets' default (`socket.setdefaulttimeout`, None unless set), as a real socket's."""
        timeout: Any = context.connection.timeout
        if timeout is None or isinstance(timeout, (int, float)):
            return timeout
        return socket.getdefaulttimeout()  # socket's "not given" marker

    def adopt(self, response: Any, context: Context) -> Any:
        return response  # a custom route's own HTTPResponse

    def refused(self, message: str, context: Context) -> BaseException:
        error = context.socket.connection_error = ConnectionRefusedError(
            errno.ECONNREFUSED, message
        )
        return error

    def send(self, context: Context) -> http.client.HTTPResponse:
        """Connect for real (once per connection) and send the request's bytes as collected;
        the server's answer is read up to its body."""
        connection, canned_socket, raw, method = context
        try:
            real = canned_socket.connected()
            real.sendall(raw)
        except BaseException as error:  # failing to connect or send: `request()` raises it
            canned_socket.connection_error = error
            raise
        response = response_of(connection, real, method)
        try:
            response.begin()  # a failure reading the answer is raised by `getresponse()`
        except BaseException:
            response.close()  # as http.client's own `getresponse` closes it
            raise
        return response

    def snapshot(
        self, response: http.client.HTTPResponse, context: Context
    ) -> tuple[Reply, http.client.HTTPResponse]:
        """The real answer as a cassette keeps it (its body decoded here: http.client leaves a
        Content-Encoding to the caller), and `response` with its body read and put back, framed
        as it came (by its length, in the chunks the server sent, or up to the close), so the
        caller reads it as from the server: `read(n)`, `readline()`, `read1()`, to the end."""
        length = response.length  # what `read` counts down; None: the body ends with the close
        encoding = response.getheader("Content-Encoding")
        body_read: bytes | tuple[bytes, ...]
        if response.chunked:
            pieces = server_chunks(response)
            response.fp = Answer(chunked(pieces)).makefile()
            body_read = decoded_chunks(pieces, encoding)
        else:
            body = response.read()
            response.fp = Answer(iter((body,))).makefile()
            body_read = decoded(body, encoding)
        response.length, response.chunk_left = length, None
        return Reply(response.status, tuple(response.getheaders()), body_read), response


def server_chunks(response: http.client.HTTPResponse) -> list[bytes]:
    """The body of a chunked `response`, read in the chunks the server sent: `read1` reads
    within one chunk, and `chunk_left` is 0 where a chunk ends."""
    chunks: list[bytes] = []
    piece: list[bytes] = []
    while True:
        data = response.read1(CHUNK_SIZE)
        if not data:
            return chunks  # a body cut short inside a chunk raised `IncompleteRead` instead
        piece.append(data)
        if not response.chunk_left:
            chunks.append(b"".join(piece))
            piece.clear()


client: Final = HttpClientConversions()


def response_of(
    connection: http.client.HTTPConnection, source: Any, method: str
) -> http.client.HTTPResponse:
    """The connection's own response class over `source` (a socket, or an `Answer`: `makefile`
    is all it reads), made as `getresponse` makes it: with the connection's debug level when
    one is set, so `set_debuglevel` prints what it prints from a server."""
    if connection.debuglevel > 0:
        return connection.response_class(source, connection.debuglevel, method=method)
    return connection.response_class(source, method=method)


def not_http(context: Context, data: bytes) -> BaseException:
    """The error the connection's own response class raises reading `data` (not HTTP) as an
    answer: `BadStatusLine`, as from a server that answers with something else."""
    response = response_of(context.connection, Answer(iter((data,))), context.method)
    try:
        response.begin()
    except http.client.HTTPException as error:
        return error
    return http.client.BadStatusLine(data.decode("latin-1"))  # a response class that takes it


# -- the patches ---------------------------------------------------------------------------------

CONNECTIONS: Final = (http.client.HTTPConnection, http.client.HTTPSConnection)


def connecting(original: Connect) -> Connect:
    """A connection class's `connect` while a mock is active: a `CannedSocket`, unless the
    request is passing through (or no mock is left), which connects for real."""

    def connect(connection: http.client.HTTPConnection) -> None:
        if passing_through() or activation.current() is None:
            original(connection)
            return
        connection.sock = CannedSocket(connection)  # a socket's stand-in

    return connect


def intercepted_getresponse(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
    """`HTTPConnection.getresponse`: the answer the request got, through http.client's own
    `getresponse` (which keeps the connection's state), else the original's response."""
    canned_socket = connection.sock
    if not isinstance(canned_socket, CannedSocket) or canned_socket.answer is None:
        return interceptor.original_getresponse(connection)
    response, canned_socket.answer = canned_socket.answer, None

    def answered(*args: Any, **kwargs: Any) -> http.client.HTTPResponse:
        return response  # already begun: `begin()` again returns at once

    own = connection.__dict__.get("response_class")  # a class the caller set on this one
    connection.response_class = answered  # type: ignore[assignment]  # for this call only
    try:
        return interceptor.original_getresponse(connection)
    finally:
        if own is None:
            del connection.response_class
        else:
            connection.response_class = own


class HttpClientInterceptor:
    """Replaces `connect` of `HTTPConnection` and `HTTPSConnection`, and `getresponse`, while
    any mock is active, and puts the originals back."""

    def __init__(self) -> None:
        self.originals: dict[type[http.client.HTTPConnection], Connect] = {}
        self.original_getresponse: GetResponse = http.client.HTTPConnection.getresponse

    def install(self) -> None:
        for connection_class in CONNECTIONS:
            original = connection_class.connect
            self.originals[connection_class] = original
            connection_class.connect = connecting(original)  # type: ignore[method-assign,assignment]  # the seam
        self.original_getresponse = http.client.HTTPConnection.getresponse
        http.client.HTTPConnection.getresponse = intercepted_getresponse  # type: ignore[method-assign,assignment]  # the seam

    def uninstall(self) -> None:
        for connection_class, original in self.originals.items():
            connection_class.connect = original  # type: ignore[method-assign,assignment]  # the seam
        self.originals.clear()
        http.client.HTTPConnection.getresponse = self.original_getresponse  # type: ignore[method-assign,assignment]  # the seam


interceptor: Final = HttpClientInterceptor()
