"""The httpx adapter, for httpx and httpx2 alike: answers are real `httpx.Response`s that behave
like a server's, errors are the client's own, and every transport built on httpx's is intercepted.

What every client shares (routes, call log, diagnosis, passthrough of plain requests) runs in
tests/behaviour/; the seams' restoration is checked by identity in
tests/behaviour/test_restoration.py.
"""

from __future__ import annotations

import asyncio
import errno
import gzip
import importlib
import io
import socket
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any, Final

import pytest
from tests.behaviour.conftest import client_modules
from tests.servers import EchoHandler, QuietHandler, serving

import canned
from canned import faults

URL = "https://api.example.test/r"


@pytest.fixture(params=client_modules())
def module(request: pytest.FixtureRequest) -> ModuleType:
    """`httpx`, then `httpx2` where it is installed."""
    return importlib.import_module(request.param)


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    return request.param  # type: ignore[no-any-return]  # the params above are bools


def send(
    module: ModuleType, is_async: bool, method: str, url: str, sent: list[Any] | None = None
) -> Any:
    """Build a request with a sync or async client and send it; the answer. The request built
    is appended to `sent` before it goes, so a test can compare it with what comes back."""
    sent = [] if sent is None else sent
    if not is_async:
        with module.Client() as client:
            sent.append(client.build_request(method, url))
            return client.send(sent[-1])

    async def send_async() -> Any:
        async with module.AsyncClient() as client:
            sent.append(client.build_request(method, url))
            return await client.send(sent[-1])

    return asyncio.run(send_async())


# -- the answer ------------------------------------------------------------------------------------


def test_the_answer_is_a_response_whose_request_is_the_one_sent(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body="x")
    sent: list[Any] = []
    answer = send(module, is_async, "GET", URL, sent)
    assert type(answer) is module.Response
    assert answer.request is sent[0]


@pytest.mark.parametrize(
    ("status", "reason"), [(200, "OK"), (418, "I'm a Teapot"), (404, "Not Found"), (599, "")]
)
def test_reason_phrase_and_http_version_are_a_servers(
    module: ModuleType, mock: canned.RequestsMock, status: int, reason: str
) -> None:
    mock.add(canned.GET, URL, status=status)
    answer = module.get(URL)
    assert (answer.status_code, answer.reason_phrase, answer.http_version) == (
        status,
        reason,
        "HTTP/1.1",
    )


def test_raise_for_status_names_the_status_and_the_url(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, status=404)
    answer = module.get(URL)
    with pytest.raises(module.HTTPStatusError) as raised:
        answer.raise_for_status()
    assert str(raised.value) == (
        f"Client error '404 Not Found' for url '{URL}'\n"
        "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/404"
    )
    assert raised.value.response is answer


def test_a_head_answer_keeps_its_headers_and_carries_no_body(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.HEAD, URL, body="not sent", headers={"Content-Length": "1234"})
    answer = send(module, is_async, "HEAD", URL)
    assert (answer.headers["Content-Length"], answer.content) == ("1234", b"")


def test_a_streamed_bytes_body_is_read_by_read_and_then_content(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"abcdef")
    with module.Client() as client, client.stream("GET", URL) as answer:
        assert (answer.read(), answer.content) == (b"abcdef", b"abcdef")


def test_a_streamed_bytes_body_reads_through_iter_raw_as_from_a_server(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"abcdef")
    with module.Client() as client, client.stream("GET", URL) as answer:
        assert b"".join(answer.iter_raw()) == b"abcdef"


def test_elapsed_is_known_once_the_answer_is_read(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"x")
    assert module.get(URL).elapsed.total_seconds() >= 0


def test_a_gzip_encoded_body_is_decoded(module: ModuleType, mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=gzip.compress(b"plain"), headers={"Content-Encoding": "gzip"})
    assert module.get(URL).content == b"plain"


def test_a_content_length_longer_than_the_body_fails_as_a_truncated_body(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"abc", headers={"Content-Length": "10"})
    with pytest.raises(module.RemoteProtocolError):
        module.get(URL)


# -- streaming -------------------------------------------------------------------------------------


def test_an_iterator_body_is_read_line_by_line_with_iter_lines(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    events = [b"data: one\n\n", b"data: two\n\n", b"data: [DONE]\n\n"]
    mock.add(canned.POST, URL, body=iter(events), content_type="text/event-stream")
    with module.Client() as client, client.stream("POST", URL, json={"stream": True}) as answer:
        lines = list(answer.iter_lines())
    assert lines == ["data: one", "", "data: two", "", "data: [DONE]", ""]


def test_str_chunks_of_an_iterator_body_arrive_utf8_encoded_through_iter_bytes(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=iter([b"abc", "déf"]))
    with module.Client() as client, client.stream("GET", URL) as answer:
        assert list(answer.iter_bytes()) == [b"abc", "déf".encode()]


def test_a_file_body_streams_through_iter_raw_before_the_file_is_read_to_its_end(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    data = bytes(range(256)) * 1_000
    file = io.BytesIO(data)
    mock.add(canned.GET, URL, body=file)
    with module.Client() as client, client.stream("GET", URL) as answer:
        pieces = answer.iter_raw()
        first = next(pieces)
        read_at_first = file.tell()
        rest = list(pieces)
    assert read_at_first < len(data)
    assert first + b"".join(rest) == data


def test_a_file_body_streams_to_an_async_client_through_aiter_raw(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    data = bytes(range(256)) * 1_000
    mock.add(canned.GET, URL, body=io.BytesIO(data))

    async def read() -> list[bytes]:
        async with module.AsyncClient() as client, client.stream("GET", URL) as answer:
            return [piece async for piece in answer.aiter_raw()]

    pieces = asyncio.run(read())
    assert (b"".join(pieces), len(pieces) > 1) == (data, True)


def test_a_large_bytes_body_streams_in_pieces_through_aiter_bytes(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 3_000_000)

    async def read() -> list[int]:
        async with module.AsyncClient() as client, client.stream("GET", URL) as answer:
            return [len(piece) async for piece in answer.aiter_bytes(chunk_size=1_000_000)]

    assert asyncio.run(read()) == [1_000_000] * 3


def test_an_async_generator_body_streams_to_an_async_client_as_it_is_made(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    events = [b"data: one\n\n", b"data: two\n\n", b"data: [DONE]\n\n"]
    made: list[int] = []

    async def generate() -> AsyncIterator[bytes]:
        for number, event in enumerate(events):
            made.append(number)
            yield event

    async def read() -> tuple[list[bytes], list[int]]:
        pieces: list[bytes] = []
        made_at_first: list[int] = []
        async with module.AsyncClient() as client, client.stream("POST", URL) as answer:
            async for piece in answer.aiter_raw():
                made_at_first = made_at_first or list(made)
                pieces.append(piece)
        return pieces, made_at_first

    mock.add(canned.POST, URL, body=generate(), content_type="text/event-stream")
    assert asyncio.run(read()) == (events, [0])  # the first event came before the next was made


def test_a_sync_client_given_an_async_generator_body_gets_a_type_error_that_says_so(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    async def generate() -> AsyncIterator[bytes]:
        yield b"never read"

    mock.add(canned.GET, URL, body=generate())
    with pytest.raises(TypeError) as raised:
        module.get(URL)
    assert str(raised.value) == (
        "a sync httpx client cannot read an async iterator body; give an iterator"
    )
    assert mock.calls[0].response is raised.value


# -- errors ----------------------------------------------------------------------------------------


def test_an_unmatched_request_is_exactly_a_connect_error_carrying_the_request_sent(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    sent: list[Any] = []
    with pytest.raises(module.ConnectError) as raised:
        send(module, is_async, "GET", URL, sent)
    assert type(raised.value) is module.ConnectError
    assert raised.value.request is sent[0]
    assert mock.calls[0].response is raised.value
    assert str(raised.value) == (
        "Connection refused by Responses - the call doesn't match any registered mock.\n\n"
        f"Request: \n- GET {URL}\n\nAvailable matches:\n"
    )


@pytest.mark.parametrize("error_name", ["ConnectTimeout", "ValueError"])
def test_an_exception_body_is_raised_as_is_with_the_request_sent(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock, error_name: str
) -> None:
    error_type = ValueError if error_name == "ValueError" else getattr(module, error_name)
    error = error_type("given as the body")
    mock.add(canned.GET, URL, body=error)
    sent: list[Any] = []
    with pytest.raises(error_type) as raised:
        send(module, is_async, "GET", URL, sent)
    assert raised.value is error
    assert raised.value.request is sent[0]  # type: ignore[union-attr]  # canned attaches it
    assert mock.calls[0].response is error


# -- interception ----------------------------------------------------------------------------------


def test_an_sdk_transport_subclass_is_intercepted_with_the_headers_it_adds(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    class Signing(module.HTTPTransport):  # type: ignore[name-defined,misc]  # runtime base
        def handle_request(self, request: Any) -> Any:
            request.headers["X-Signature"] = "signed"
            return super().handle_request(request)

    mock.add(canned.GET, URL, body="ok")
    with module.Client(transport=Signing(retries=2)) as client:
        assert client.get(URL).content == b"ok"
    assert mock.calls[0].request.headers["X-Signature"] == "signed"


def test_an_sdk_async_transport_subclass_is_intercepted_with_the_headers_it_adds(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    class Signing(module.AsyncHTTPTransport):  # type: ignore[name-defined,misc]  # runtime base
        async def handle_async_request(self, request: Any) -> Any:
            request.headers["X-Signature"] = "signed"
            return await super().handle_async_request(request)

    async def get() -> bytes:
        async with module.AsyncClient(transport=Signing()) as client:
            return (await client.get(URL)).content  # type: ignore[no-any-return]

    mock.add(canned.GET, URL, body="ok")
    assert asyncio.run(get()) == b"ok"
    assert mock.calls[0].request.headers["X-Signature"] == "signed"


def test_a_transport_with_its_own_handle_request_is_not_intercepted(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    own = module.MockTransport(lambda request: module.Response(299, content=b"own"))
    with module.Client(transport=own) as client:
        answer = client.get(URL)
    assert (answer.status_code, answer.content, len(mock.calls)) == (299, b"own", 0)


def test_a_client_made_before_the_mock_started_is_intercepted(module: ModuleType) -> None:
    with module.Client() as client, canned.RequestsMock() as mock:
        mock.add(canned.GET, URL, body="mocked")
        assert client.get(URL).content == b"mocked"
        assert len(mock.calls) == 1


# -- passthrough -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def body_echo_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that echoes request bodies, its base URL."""
    with serving(EchoHandler) as url:
        yield url


def test_a_generator_request_body_read_for_matching_still_reaches_the_real_server(
    module: ModuleType, mock: canned.RequestsMock, body_echo_server: str
) -> None:
    def body() -> Iterator[bytes]:
        yield b"pay"
        yield b"load"

    mock.add(canned.PassthroughResponse(canned.POST, body_echo_server + "/echo"))
    with module.Client() as client:
        answer = client.post(body_echo_server + "/echo", content=body())
    assert (answer.status_code, answer.content) == (200, b"payload")
    assert mock.calls[0].request.body == b"payload"
    assert mock.calls[0].response is answer


def test_an_async_generator_request_body_read_for_matching_still_reaches_the_real_server(
    module: ModuleType, mock: canned.RequestsMock, body_echo_server: str
) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"pay"
        yield b"load"

    async def post() -> Any:
        async with module.AsyncClient() as client:
            return await client.post(body_echo_server + "/echo", content=body())

    mock.add(canned.PassthroughResponse(canned.POST, body_echo_server + "/echo"))
    answer = asyncio.run(post())
    assert (answer.status_code, answer.content) == (200, b"payload")
    assert mock.calls[0].request.body == b"payload"
    assert mock.calls[0].response is answer


def test_an_async_client_under_trio_is_answered_and_its_unmatched_request_refused(
    module: ModuleType,
) -> None:
    import trio  # the test extra installs it

    url = "https://api.example.test/trio"

    async def main() -> tuple[Any, str]:
        with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add(canned.GET, url, json={"loop": "trio"})
            async with module.AsyncClient() as client:
                answered = (await client.get(url)).json()
                with pytest.raises(module.ConnectError) as refused:
                    await client.get(url + "/other")
        return answered, str(refused.value)

    answered, refused = trio.run(main)
    assert answered == {"loop": "trio"}
    assert refused.startswith("Connection refused by Responses")


# -- header text that is not ASCII -----------------------------------------------------------------

DISPOSITION: Final = "attachment; filename=\"résumé.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
NON_ASCII_HEADERS: Final = (("Content-Disposition", DISPOSITION), ("X-Mood", "★ ok"))


class Utf8HeaderHandler(QuietHandler):
    """A server that sends `NON_ASCII_HEADERS` as UTF-8 bytes, as most frameworks do."""

    def do_GET(self) -> None:  # http.server's naming
        self.send_response(200)
        for name, value in NON_ASCII_HEADERS:
            # send_header writes latin-1: these are the UTF-8 bytes, one character each
            self.send_header(name, value.encode("utf-8").decode("latin-1"))
        self.send_header("Content-Length", "1")
        self.end_headers()
        self.wfile.write(b"x")


def shown(answer: Any) -> list[tuple[Any, ...]]:
    """The non-ASCII headers of an answer, as httpx decodes them and as their bytes."""
    names = {name.lower() for name, _ in NON_ASCII_HEADERS}
    return [
        (name, answer.headers[name.decode()], raw)
        for name, raw in answer.headers.raw
        if name.decode().lower() in names
    ]


def test_a_route_header_that_is_not_ascii_reads_as_from_a_server_sending_it_as_utf8(
    module: ModuleType, is_async: bool
) -> None:
    with serving(Utf8HeaderHandler) as server:
        from_server = send(module, is_async, "GET", server + "/cv")
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, URL, body="x", headers=dict(NON_ASCII_HEADERS))
        answer = send(module, is_async, "GET", URL)
    assert answer.headers["Content-Disposition"] == DISPOSITION
    assert shown(answer) == shown(from_server)
    assert answer.headers.encoding == from_server.headers.encoding == "utf-8"


def test_a_header_value_given_as_utf8_bytes_reaches_httpx_as_those_bytes(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, headers={"Content-Disposition": DISPOSITION.encode("utf-8")})
    answer = send(module, is_async, "GET", URL)
    assert dict(answer.headers.raw)[b"Content-Disposition"] == DISPOSITION.encode("utf-8")
    assert answer.headers["Content-Disposition"] == DISPOSITION


def test_a_latin1_header_value_reads_as_given(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, headers={"X-Dessert": "crème brûlée"})
    answer = send(module, is_async, "GET", URL)
    assert answer.headers["X-Dessert"] == "crème brûlée"


def test_a_header_value_with_a_lone_surrogate_shows_escaped_and_spoils_no_other(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, headers={"X-Broken": "a\udc80b", "X-Mood": "★ ok"})
    answer = send(module, is_async, "GET", URL)
    assert (answer.headers["X-Broken"], answer.headers["X-Mood"]) == ("a\\udc80b", "★ ok")


# -- faults and latency ----------------------------------------------------------------------------

FAULTS: Final = {
    # fault kind: (httpx's exception, the socket error beneath httpcore's, its errno)
    "connect_timeout": ("ConnectTimeout", socket.timeout, None),
    "read_timeout": ("ReadTimeout", socket.timeout, None),
    "connection_refused": ("ConnectError", ConnectionRefusedError, errno.ECONNREFUSED),
    "dns_failure": ("ConnectError", socket.gaierror, socket.EAI_NONAME),
    "connection_reset": ("ReadError", ConnectionResetError, errno.ECONNRESET),
    "malformed": ("RemoteProtocolError", None, None),
}
CONNECT_FAULTS: Final = ("connect_timeout", "connection_refused", "dns_failure")


def core(module: ModuleType) -> ModuleType:
    """httpcore for httpx, httpcore2 for httpx2: whose errors httpx wraps."""
    return importlib.import_module(module.__name__.replace("httpx", "httpcore"))


def stream_raw(
    module: ModuleType, is_async: bool, url: str, got: list[bytes], **client: Any
) -> Any:
    """Stream `url`'s body through `iter_raw` (or `aiter_raw`), each piece put in `got` as it
    arrives; the response, read to its end and closed."""
    if not is_async:
        with module.Client(**client) as session, session.stream("GET", url) as answer:
            got.extend(answer.iter_raw())
        return answer

    async def read() -> Any:
        async with module.AsyncClient(**client) as session, session.stream("GET", url) as answer:
            async for piece in answer.aiter_raw():
                got.append(piece)
        return answer

    return asyncio.run(read())


def get(module: ModuleType, is_async: bool, url: str, **client: Any) -> Any:
    """`url` fetched by a sync or async client made with `client`'s arguments."""
    if not is_async:
        with module.Client(**client) as session:
            return session.get(url)

    async def get_async() -> Any:
        async with module.AsyncClient(**client) as session:
            return await session.get(url)

    return asyncio.run(get_async())


@pytest.mark.parametrize("kind", list(FAULTS))
def test_each_fault_is_httpx_own_exception_from_send_wrapping_httpcore_s_as_from_a_server(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock, kind: str
) -> None:
    """The exception a real server's failure raises from `send`: the same class, httpcore's
    of the same name as its cause and, beneath that, the socket's error."""
    name, beneath, number = FAULTS[kind]
    fault = getattr(faults, kind)()
    mock.add(canned.GET, URL, body=fault)
    sent: list[Any] = []
    with pytest.raises(getattr(module, name)) as raised:
        send(module, is_async, "GET", URL, sent)
    error = raised.value
    assert type(error) is getattr(module, name)
    assert (str(error), error.request) == (fault.message, sent[0])
    lower = error.__cause__
    assert (type(lower), str(lower)) == (getattr(core(module), name), fault.message)
    if beneath is None:
        assert lower.__cause__ is None
    else:
        assert type(lower.__cause__) is beneath
        assert getattr(lower.__cause__, "errno", None) == number
    assert mock.calls[0].response is error


def test_a_latency_longer_than_the_read_timeout_is_httpx_read_timeout(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, json={"ok": True}, latency=3.0)
    with pytest.raises(module.ReadTimeout) as raised:
        get(module, is_async, URL, timeout=1.0)
    assert type(raised.value) is module.ReadTimeout
    assert str(raised.value) == faults.read_timeout().message
    assert raised.value.request.url == URL
    assert mock.calls[0].response is raised.value


@pytest.mark.parametrize(
    ("connect", "read", "answered"), [(5.0, 1.0, False), (1.0, 5.0, True)], ids=["read-1", "read-5"]
)
def test_only_the_read_part_of_an_httpx_timeout_is_compared_with_the_latency(
    module: ModuleType,
    is_async: bool,
    mock: canned.RequestsMock,
    connect: float,
    read: float,
    answered: bool,
) -> None:
    mock.add(canned.GET, URL, body="ok", latency=2.0)
    timeout = module.Timeout(connect, read=read)
    try:
        outcome = get(module, is_async, URL, timeout=timeout).text
    except module.ReadTimeout:
        outcome = "read timeout"
    assert outcome == ("ok" if answered else "read timeout")


def test_a_client_without_a_timeout_waits_out_any_latency_and_reports_it_in_elapsed(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body="late", latency=1_000.0)
    answer = get(module, is_async, URL, timeout=None)
    assert answer.text == "late"
    assert 1_000 <= answer.elapsed.total_seconds() < 1_001


def test_elapsed_reports_the_latency_of_an_answer_within_the_timeout(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, json={"ok": True}, latency=3.0)
    answer = get(module, is_async, URL, timeout=5.0)
    assert answer.json() == {"ok": True}
    assert 3 <= answer.elapsed.total_seconds() < 4


def test_elapsed_reports_the_latency_of_a_streamed_answer_once_it_is_closed(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=iter([b"one", b"two"]), latency=(2.0, 2.0))
    got: list[bytes] = []
    answer = stream_raw(module, is_async, URL, got)
    assert got == [b"one", b"two"]
    assert 2 <= answer.elapsed.total_seconds() < 3


def test_elapsed_of_an_answer_read_from_the_transport_itself_is_the_latency(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    """Without a client no timer runs: `elapsed` is the latency alone."""
    mock.add(canned.GET, URL, body="x", latency=1.5)
    with module.HTTPTransport() as transport:
        answer = transport.handle_request(module.Request("GET", URL))
        answer.read()
    assert answer.elapsed.total_seconds() == 1.5


def test_a_truncated_body_streams_its_first_bytes_then_fails_as_a_server_closing_early(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10))
    got: list[bytes] = []
    with pytest.raises(module.RemoteProtocolError) as raised:
        stream_raw(module, is_async, URL, got)
    assert got == [b"x" * 10]
    error = raised.value
    assert type(error) is module.RemoteProtocolError
    assert str(error) == (
        "peer closed connection without sending complete message body "
        "(received 10 bytes, expected 100)"
    )
    assert error.request.url == URL
    assert type(error.__cause__) is core(module).RemoteProtocolError
    assert mock.calls[0].response.status_code == 200  # the headers came: the call was answered


def test_a_truncated_body_keeps_the_whole_body_s_content_length(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10))
    with module.Client() as client, client.stream("GET", URL) as answer:
        assert answer.headers["Content-Length"] == "100"


@pytest.mark.parametrize("status", [204, 304])
def test_an_answer_without_a_body_has_no_length_to_fall_short_of(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock, status: int
) -> None:
    mock.add(canned.GET, URL, status=status, headers={"Content-Length": "10"})
    assert get(module, is_async, URL).content == b""


def test_a_chunked_answer_has_no_length_to_fall_short_of(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(
        canned.GET,
        URL,
        body=b"abc",
        headers={"Content-Length": "10", "Transfer-Encoding": "chunked"},
    )
    assert module.get(URL).content == b"abc"


def transport(module: ModuleType, is_async: bool, retries: int) -> Any:
    kind = module.AsyncHTTPTransport if is_async else module.HTTPTransport
    return kind(retries=retries)


@pytest.mark.parametrize("kind", CONNECT_FAULTS)
def test_a_transport_with_retries_connects_again_after_a_connect_fault_as_its_pool_does(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock, kind: str
) -> None:
    mock.add(canned.GET, URL, body=getattr(faults, kind)(), times=2)
    mock.add(canned.GET, URL, body="connected")
    answer = get(module, is_async, URL, transport=transport(module, is_async, retries=2))
    assert answer.text == "connected"
    assert [type(call.response).__name__ for call in mock.calls] == [
        FAULTS[kind][0],
        FAULTS[kind][0],
        "Response",
    ]


def test_a_connect_fault_outlasting_the_retries_is_raised(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=faults.connection_refused(), times=2)
    mock.add(canned.GET, URL, body="connected")
    with pytest.raises(module.ConnectError):
        get(module, is_async, URL, transport=transport(module, is_async, retries=1))
    assert len(mock.calls) == 2


@pytest.mark.parametrize("body", ["reset", "given"])
def test_retries_do_not_repeat_a_read_fault_or_a_route_s_own_connect_error(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock, body: str
) -> None:
    """httpcore retries only the connect errors its pool meets."""
    error = faults.connection_reset() if body == "reset" else module.ConnectError("given")
    mock.add(canned.GET, URL, body=error)
    with pytest.raises((module.ReadError, module.ConnectError)):
        get(module, is_async, URL, transport=transport(module, is_async, retries=2))
    assert len(mock.calls) == 1


def test_an_unmatched_request_is_refused_once_whatever_the_retries(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    with pytest.raises(module.ConnectError):
        get(module, is_async, URL, transport=transport(module, is_async, retries=2))
    assert len(mock.calls) == 1


def test_with_real_time_an_async_client_s_latency_lets_other_tasks_run(
    module: ModuleType,
) -> None:
    order: list[str] = []

    async def main() -> None:
        in_flight = asyncio.Event()

        def answer(request: Any) -> tuple[int, dict[str, str], str]:
            in_flight.set()  # the request is being answered: its latency comes next
            return (200, {}, "late")

        async def other() -> None:
            await in_flight.wait()
            order.append("other task ran")

        async def fetch() -> None:
            async with module.AsyncClient() as client:
                await client.get(URL)
            order.append("answered")

        with canned.RequestsMock(real_time=True) as timed:
            timed.add_callback(canned.GET, URL, callback=answer, latency=0.05)
            await asyncio.gather(fetch(), other())

    asyncio.run(main())
    assert order == ["other task ran", "answered"]
