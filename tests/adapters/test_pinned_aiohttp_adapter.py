"""The aiohttp adapter's behaviours mutation testing found unguarded: a new adapter installed,
used and uninstalled; the bytes canned writes as the server (header names and reasons as a server
sends them, chunk sizes read back from an upload); bodies given as files and readers; the errors
of faults and refusals down to their errno and text; the timeouts aiohttp takes as no limit.

Each test runs its coroutine with `asyncio.run`: there is no pytest-asyncio here.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import importlib
import io
import socket
import traceback
from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import Any, Callable, TypeVar

import aiohttp
import pytest
from tests.servers import EchoHandler, serving

import canned
from canned import faults
from canned._adapters import aiohttp as adapter_module
from canned._core import activation

URL = "https://api.example.test/r"
AIOHTTP_VERSION = tuple(int(part) for part in aiohttp.__version__.split(".")[:2])
T = TypeVar("T")


class OwnConnector(aiohttp.TCPConnector):
    connect = aiohttp.BaseConnector.connect  # as aiohttp has it, before any mock


def run(use: Callable[[aiohttp.ClientSession], Awaitable[T]], **session: Any) -> T:
    """Open a session (with `session` options), hand it to `use`, close it; `use`'s result."""

    async def main() -> T:
        async with aiohttp.ClientSession(**session) as opened:
            return await use(opened)

    return asyncio.run(main())


async def read_all(session: aiohttp.ClientSession, url: str = URL, **kwargs: Any) -> bytes:
    async with session.get(url, **kwargs) as answer:
        return await answer.read()


async def text_of(session: aiohttp.ClientSession, url: str, method: str = "GET", **kw: Any) -> str:
    async with session.request(method, url, **kw) as answer:
        return await answer.text()


async def through_own_connector(url: str) -> str:
    async with aiohttp.ClientSession(connector=OwnConnector()) as session:
        return await text_of(session, url)


@contextlib.contextmanager
def a_new_adapter() -> Iterator[adapter_module.AiohttpAdapter]:
    """A new `AiohttpAdapter` in the place of the module's one: the next mock activated
    installs it (building its connection class and patches then), the last one out
    uninstalls it."""
    table = activation.interceptors()
    at = table.index(adapter_module.interceptor)
    new = adapter_module.AiohttpAdapter()
    table[at] = new
    try:
        yield new
    finally:
        table[at] = adapter_module.interceptor


# -- a new adapter, installed and uninstalled ------------------------------------------------------


def test_a_new_adapter_answers_routes_refuses_the_unmatched_and_passes_through_to_a_server() -> (
    None
):
    originals = (aiohttp.BaseConnector.connect, aiohttp.ClientRequest.send)
    created: list[str] = []  # the real connections the session's trace config saw made

    async def connection_made(*args: Any) -> None:
        created.append("made")

    tracing = aiohttp.TraceConfig()
    tracing.on_connection_create_end.append(connection_made)
    with serving(EchoHandler) as base, a_new_adapter() as new:
        assert not new.is_installed
        for _ in range(2):  # installed twice: the patches made the first time serve again
            with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
                mock.add(canned.POST, URL, body="canned")
                mock.add_passthru(base)
                assert new.is_installed
                assert aiohttp.BaseConnector.connect is new.connect
                assert aiohttp.ClientRequest.send is new.send_patched

                async def use(session: aiohttp.ClientSession) -> Any:
                    routed = await text_of(session, URL, "POST", data=b"up")
                    real = await text_of(session, base + "/real")
                    with pytest.raises(aiohttp.ClientConnectorError) as refused:
                        await session.get(URL + "/unmatched")
                    return routed, real, type(refused.value.os_error)

                created.clear()
                answers = run(use, trace_configs=[tracing])
                assert answers == ("canned", "GET /real", ConnectionRefusedError)
                assert created == ["made"]  # the passthrough's, with the session's traces
                assert mock.calls[0].request.content == b"up"
                # a connector with its own `connect` is not intercepted: aiohttp's `send` sends
                assert asyncio.run(through_own_connector(base + "/own")) == "GET /own"
            assert not new.is_installed
            assert (aiohttp.BaseConnector.connect, aiohttp.ClientRequest.send) == originals


def test_a_new_adapters_connect_on_its_way_when_the_last_mock_left_goes_to_the_network() -> None:
    with a_new_adapter() as new, canned.RequestsMock():
        patched = aiohttp.BaseConnector.connect
    assert patched is new.connect
    created: list[str] = []

    async def connection_made(*args: Any) -> None:
        created.append("made")

    tracing = aiohttp.TraceConfig()
    tracing.on_connection_create_end.append(connection_made)
    with serving(EchoHandler) as base, pytest.MonkeyPatch.context() as patch:
        patch.setattr(aiohttp.BaseConnector, "connect", patched)
        late = run(lambda s: text_of(s, base + "/late"), trace_configs=[tracing])
    assert late == "GET /late"
    assert created == ["made"]  # the session's trace configs see the real connection made


def test_an_aiohttp_that_is_not_installed_is_looked_for_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked_for: list[str] = []

    def missing(name: str) -> Any:
        looked_for.append(name)
        raise ImportError(name)

    adapter = adapter_module.AiohttpAdapter()
    monkeypatch.setattr(importlib, "import_module", missing)
    for _ in range(3):
        adapter.install()
        adapter.uninstall()
    assert looked_for == ["aiohttp"]
    assert adapter.module is None


class OwnAnswer:
    """An answer a custom route built itself: what the session needs of a response, no more."""

    status = 203
    reason = "Own"
    url = URL
    cookies: dict[str, str] = {}  # noqa: RUF012  # read, never written
    _raw_cookie_headers = ()  # what aiohttp 3.14's session reads for the cookie jar
    connection: Any = None

    def __init__(self) -> None:
        self.started_on: list[Any] = []

    async def start(self, connection: Any) -> OwnAnswer:
        self.started_on.append(connection)
        return self

    def release(self) -> None:
        for connection in self.started_on:
            connection.release()

    close = release


def test_a_custom_routes_own_aiohttp_answer_is_what_the_session_returns(
    mock: canned.RequestsMock,
) -> None:
    own = OwnAnswer()

    class OwnRoute(canned.CallbackResponse):
        def get_response(self, request: Any) -> Any:
            return own

    mock.add(OwnRoute(canned.GET, URL, callback=lambda request: (200, {}, "")))

    async def use(session: aiohttp.ClientSession) -> Any:
        answer = await session.get(URL)
        answer.release()
        return answer

    assert run(use) is own
    assert len(own.started_on) == 1  # started, as a response is, on canned's connection
    assert mock.calls[0].response is own


# -- the answer's bytes, as a server sends them -----------------------------------------------------


def test_an_unknown_status_has_the_empty_reason_a_server_sends_with_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=599, body="x")

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            return answer.status, answer.reason

    assert run(use) == (599, "")


def test_the_length_or_chunking_canned_adds_is_named_as_a_server_names_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL + "/bytes", body=b"12345")
    mock.add(canned.GET, URL + "/stream", body=iter([b"12", b"345"]))

    async def raw(session: aiohttp.ClientSession, url: str) -> Any:
        async with session.get(url) as answer:
            return answer.raw_headers, await answer.read()

    async def use(session: aiohttp.ClientSession) -> Any:
        return await raw(session, URL + "/bytes"), await raw(session, URL + "/stream")

    sized, streamed = run(use)
    assert sized == (((b"Content-Type", b"text/plain"), (b"Content-Length", b"5")), b"12345")
    assert streamed == (
        ((b"Content-Type", b"text/plain"), (b"Transfer-Encoding", b"chunked")),
        b"12345",
    )


def test_a_header_value_that_is_not_text_reaches_the_session_backslash_escaped(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="x", headers={"X-Name": "caf\udce9"})  # a lone surrogate

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            return answer.headers["X-Name"], await answer.read()

    assert run(use) == ("caf\\udce9", b"x")


def test_a_not_modified_answer_keeps_the_length_the_route_gave_and_carries_no_body(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=304, body="ignored", headers={"Content-Length": "7"})

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            return answer.status, answer.headers["Content-Length"], await answer.read()

    assert run(use) == (304, "7", b"")


def test_a_head_answer_keeps_the_length_a_get_would_have_and_carries_no_body(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.HEAD, URL, body="abc", headers={"Content-Length": "9"})

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.head(URL) as answer:
            return answer.status, answer.headers["Content-Length"], await answer.read()

    assert run(use) == (200, "9", b"")


# -- request and answer bodies -----------------------------------------------------------------------


def test_a_streamed_upload_in_chunks_of_sixteen_bytes_and_more_reaches_the_view_whole(
    mock: canned.RequestsMock,
) -> None:
    parts = [b"a" * 26, b"b" * 16, b"c" * 255, b"d" * 4097]

    async def upload() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    mock.add(canned.POST, URL, body="stored")

    assert run(lambda s: text_of(s, URL, "POST", data=upload())) == "stored"
    assert mock.calls[0].request.content == b"".join(parts)


@pytest.mark.skipif(not hasattr(aiohttp, "UploadTracker"), reason="aiohttp 3.14+")
def test_an_upload_tracker_counts_the_bytes_written_as_the_upload_goes(
    mock: canned.RequestsMock,
) -> None:
    written: list[int] = []
    mock.add(canned.POST, URL, body="stored")

    async def use(session: aiohttp.ClientSession) -> Any:
        tracker = getattr(aiohttp, "UploadTracker")()  # noqa: B009  # aiohttp 3.14+

        async def upload() -> AsyncIterator[bytes]:
            yield b"abc"
            written.append(tracker.bytes_written)  # the part before is written by now
            yield b"defg"
            written.append(tracker.bytes_written)

        async with session.post(URL, data=upload(), upload_tracker=tracker) as answer:
            return await answer.text(), tracker.bytes_written

    assert run(use) == ("stored", 7)
    assert written == [3, 7]


def test_a_body_that_has_only_a_read_method_is_read_to_its_end(mock: canned.RequestsMock) -> None:
    class Reader:
        """A stream with `read` and nothing else: it cannot be iterated."""

        def __init__(self, data: bytes) -> None:
            self.left = data

        def read(self, size: int) -> bytes:
            chunk, self.left = self.left[:size], self.left[size:]
            return chunk

    mock.add(canned.GET, URL, body=Reader(b"line one\nline two\n"))

    assert run(read_all) == b"line one\nline two\n"


def test_a_file_body_streams_in_reads_of_64_kib(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=io.BytesIO(b"x" * (3 * 65_536 + 5)))

    async def use(session: aiohttp.ClientSession) -> list[int]:
        async with session.get(URL) as answer:
            return [len(chunk) async for chunk in answer.content.iter_any()]

    assert run(use) == [65_536, 65_536, 65_536, 5]


def test_a_file_body_of_text_lines_comes_in_one_read(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=io.BytesIO(b"first\nsecond\nthird\n"))

    async def use(session: aiohttp.ClientSession) -> list[bytes]:
        async with session.get(URL) as answer:
            return [chunk async for chunk in answer.content.iter_any()]

    assert run(use) == [b"first\nsecond\nthird\n"]


def test_a_body_that_fails_midway_names_its_error_in_the_payload_error(
    mock: canned.RequestsMock,
) -> None:
    def broken() -> Iterator[bytes]:
        yield b"start"
        raise OSError("disk gone")

    mock.add(canned.GET, URL, body=broken())

    with pytest.raises(aiohttp.ClientPayloadError) as raised:
        run(read_all)
    assert str(raised.value).endswith(". OSError('disk gone')")


def test_an_answers_transport_says_whether_it_is_closing(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=iter([b"one", b"two"]))

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            assert answer.connection is not None
            transport = answer.connection.transport
            assert transport is not None
            before = transport.is_closing()
            first = await answer.content.readany()
            answer.close()
        return before, first, transport.is_closing()

    assert run(use) == (False, b"one", True)


def test_an_answer_left_mid_stream_asks_its_body_for_no_further_chunk(
    mock: canned.RequestsMock,
) -> None:
    made: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            made.append(1)
            yield b"more"

    mock.add(canned.GET, URL, body=endless())

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            first = await answer.content.readany()
            made_when_left = len(made)
        for _ in range(10):
            await asyncio.sleep(0)  # turns of the loop in which a body still going would go on
        return first, made_when_left, len(made)

    assert run(use) == (b"more", 1, 1)


# -- errors --------------------------------------------------------------------------------------------


def test_an_unmatched_request_is_refused_with_the_errno_of_a_refused_connection(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL + "/other")

    with pytest.raises(aiohttp.ClientConnectorError) as raised:
        run(read_all)
    assert raised.value.os_error.errno == errno.ECONNREFUSED
    assert raised.value.errno == errno.ECONNREFUSED


def test_a_dns_failure_carries_the_resolvers_no_such_name_code(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=faults.dns_failure())

    with pytest.raises(aiohttp.ClientConnectorError) as raised:
        run(read_all)
    assert raised.value.os_error.errno == socket.EAI_NONAME
    assert raised.value.os_error.args == (
        socket.EAI_NONAME,
        "canned fault: the host name could not be resolved",
    )


def test_a_malformed_answer_is_aiohttps_bad_status_line_error_quoting_the_line(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.malformed())

    with pytest.raises(aiohttp.ClientResponseError) as raised:
        run(read_all)
    error = raised.value
    # older aiohttp gives status 0 and no message; newer ones their parser's, which quotes
    # the line it could not read (b'...' from the C parser, '...' from the Python one)
    if AIOHTTP_VERSION >= (3, 14):
        assert error.status == 400
        assert error.message.startswith("Bad status line")
        assert "canned fault: the answer is not HTTP'" in error.message


def test_a_passthrough_to_a_server_that_is_gone_fails_to_connect_where_aiohttp_does(
    mock: canned.RequestsMock,
) -> None:
    with serving(EchoHandler) as base:
        pass  # stopped: its port refuses connections now
    mock.add_passthru(base)

    with pytest.raises(aiohttp.ClientConnectorError) as raised:
        run(lambda s: text_of(s, base + "/gone"))
    # the functions it passed through (by part of their name: mutmut's copies have more)
    frames = " ".join(frame.name for frame in traceback.extract_tb(raised.value.__traceback__))
    assert "connect_intercepted" in frames
    assert "send_intercepted" not in frames  # raised while connecting, not from `send`
    assert isinstance(raised.value.os_error, ConnectionRefusedError)


def test_the_sync_send_and_snapshot_name_their_coroutines() -> None:
    with pytest.raises(NotImplementedError) as sending:
        adapter_module.interceptor.send((None, None))
    with pytest.raises(NotImplementedError) as reading:
        adapter_module.interceptor.snapshot(None, (None, None))
    assert str(sending.value) == "aiohttp sends only from a coroutine: see send_async"
    assert str(reading.value) == "aiohttp reads only from a coroutine: see snapshot_async"


# -- timeouts --------------------------------------------------------------------------------------


def test_latency_under_a_total_of_zero_answers_as_aiohttp_takes_it_as_no_limit(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="waited", latency=1000.0)

    assert run(read_all, timeout=aiohttp.ClientTimeout(total=0)) == b"waited"


def test_latency_over_a_total_under_one_second_is_a_timeout_error(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="late", latency=0.75)

    with pytest.raises(asyncio.TimeoutError):
        run(read_all, timeout=aiohttp.ClientTimeout(total=0.5))


@pytest.mark.parametrize(
    "make", [lambda: [b"12", b"345"], lambda: io.BytesIO(b"12345")], ids=["chunks", "file"]
)
def test_a_streamed_body_short_of_its_content_length_fails_as_a_server_hanging_up_does(
    mock: canned.RequestsMock, make: Callable[[], Any]
) -> None:
    """As with bytes: the connection ends after the body, and aiohttp's parser says so at once
    (it waited for the missing bytes until the session's timeout)."""
    mock.add(canned.GET, URL, body=make(), headers={"Content-Length": "10"})

    async def read(session: aiohttp.ClientSession) -> bytes:
        async with session.get(URL) as answer:
            return await answer.read()

    with pytest.raises(aiohttp.ClientPayloadError, match=r"not completed|received 5 of 10"):
        run(read, timeout=aiohttp.ClientTimeout(total=30))


@pytest.mark.parametrize(
    ("make", "length"),
    [
        (lambda: [b"12", b"345"], "5"),
        (lambda: io.BytesIO(b"12345"), "5"),
        (lambda: [b"12", b"34"], "5"),
    ],
    ids=["chunks, whole", "file, whole", "chunks, one byte short"],
)
def test_a_streamed_body_is_read_whole_at_its_content_length_and_fails_one_byte_short(
    mock: canned.RequestsMock, make: Callable[[], Any], length: str
) -> None:
    body = make()  # made afresh for each run: a file is read once
    mock.add(canned.GET, URL, body=body, headers={"Content-Length": length})

    async def read(session: aiohttp.ClientSession) -> bytes:
        async with session.get(URL) as answer:
            return await answer.read()

    if isinstance(body, list) and len(b"".join(body)) < int(length):
        with pytest.raises(aiohttp.ClientPayloadError):
            run(read, timeout=aiohttp.ClientTimeout(total=5))
    else:
        assert run(read, timeout=aiohttp.ClientTimeout(total=5)) == b"12345"
