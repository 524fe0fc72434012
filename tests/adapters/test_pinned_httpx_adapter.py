"""Behaviours of the httpx adapter that no other test pinned: what a new adapter does from its
first activation (canned makes its adapters once, at import, and their intercepting sends and
stream classes on the first install: only a new one shows those being made), a client package
missing at the first activation, a transport without a pool, a call that reaches a transport as
the last mock leaves, the `elapsed` of an answer read from a transport itself, the status line
in an answer's extensions and the Content-Length canned adds, bodies that can only be read, come
as text from an async generator, carry their own length or are cut short after many pieces, the
socket error beneath each fault, and what a recording hands on of a long answer with a status
line of its own."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

import pytest
from tests.adapters import test_httpx_adapter
from tests.adapters.test_httpx_adapter import FAULTS, URL, get, stream_raw, transport
from tests.adapters.test_pinned_requests_adapter import ReadOnly
from tests.adapters.test_snapshots import without_canned_and_recorded
from tests.servers import EchoHandler, QuietHandler, serving

import canned
from canned import faults
from canned._adapters.httpx import HttpxAdapter
from canned._core import activation

module = test_httpx_adapter.module  # its fixtures, shared
is_async = test_httpx_adapter.is_async


@pytest.fixture
def fresh(module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> HttpxAdapter:
    """A new adapter for `module`, made as canned makes its own at import, and the only
    interceptor a mock installs during the test."""
    adapter = HttpxAdapter(module.__name__)
    monkeypatch.setattr(activation, "_interceptors", [adapter])
    return adapter


# -- a new adapter ---------------------------------------------------------------------------------


def test_a_new_adapter_streams_a_body_and_reports_its_latency_from_its_first_activation(
    module: ModuleType, is_async: bool, fresh: HttpxAdapter
) -> None:
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, URL, body=iter([b"one", b"two"]), latency=2.0)
        got: list[bytes] = []
        answer = stream_raw(module, is_async, URL, got)
    assert got == [b"one", b"two"]
    assert 2 <= answer.elapsed.total_seconds() < 3


def test_a_new_adapter_connects_again_after_a_connect_fault_on_a_transport_with_retries(
    module: ModuleType, is_async: bool, fresh: HttpxAdapter
) -> None:
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, URL, body=faults.connection_refused())
        mock.add(canned.GET, URL, body="connected")
        answer = get(module, is_async, URL, transport=transport(module, is_async, retries=1))
        answered = [type(call.response).__name__ for call in mock.calls]
    assert answer.text == "connected"
    assert answered == ["ConnectError", "Response"]


def test_a_new_adapter_puts_the_transports_back_as_the_mock_leaves_and_answers_again_next_time(
    module: ModuleType, fresh: HttpxAdapter
) -> None:
    seams = (module.HTTPTransport.handle_request, module.AsyncHTTPTransport.handle_async_request)
    for text in ("first", "second"):
        with canned.RequestsMock() as mock:
            mock.add(canned.GET, URL, body=text)
            assert (get(module, False, URL).text, get(module, True, URL).text) == (text, text)
        assert (
            module.HTTPTransport.handle_request,
            module.AsyncHTTPTransport.handle_async_request,
        ) == seams


def test_a_client_package_missing_at_the_first_activation_is_not_looked_for_again(
    module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """canned remembers a client package it could not import: it does not look again on every
    activation, so one installed later in the process stays unpatched."""
    name = f"canned_tests_absent_{module.__name__}"
    monkeypatch.setattr(activation, "_interceptors", [HttpxAdapter(name)])
    seam = module.HTTPTransport.handle_request
    with canned.RequestsMock():
        pass  # not installed: nothing to patch, and no error
    monkeypatch.setitem(sys.modules, name, module)  # importable from now on
    with canned.RequestsMock():
        patched = module.HTTPTransport.handle_request
    assert patched is seam


@pytest.mark.parametrize("fault", ["connection_refused", "connect_timeout"])
def test_a_transport_subclass_that_made_no_pool_is_answered_without_retries(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock, fault: str
) -> None:
    """Retries are the pool's (`retries=` goes to it): a transport without one has none."""

    base = module.AsyncHTTPTransport if is_async else module.HTTPTransport

    class Poolless(base):  # type: ignore[misc,valid-type]  # runtime base
        def __init__(self) -> None:
            pass  # no `super().__init__()`: no pool

    def send() -> Any:
        request = module.Request("GET", URL)
        if not is_async:
            return Poolless().handle_request(request)
        return asyncio.run(Poolless().handle_async_request(request))

    mock.add(canned.GET, URL, body=getattr(faults, fault)())
    mock.add(canned.GET, URL, body="connected")
    with pytest.raises((module.ConnectError, module.ConnectTimeout)):
        send()
    assert len(mock.calls) == 1
    assert send().status_code == 200


class SendsAsTheMockLeaves:
    """An interceptor uninstalled just before the httpx adapter: it sends a request through
    the transports still patched once no mock is active, as a call on its way does when the
    last mock leaves; what the server answered each (sync, then async)."""

    def __init__(self, module: ModuleType, url: str) -> None:
        self.module = module
        self.url = url
        self.answers: list[bytes] = []

    def install(self) -> None:
        pass

    def uninstall(self) -> None:
        module = self.module
        with module.HTTPTransport() as own:
            answer = own.handle_request(module.Request("GET", self.url))
            self.answers.append(answer.read())

        async def send_async() -> bytes:
            async with module.AsyncHTTPTransport() as own:
                answer = await own.handle_async_request(module.Request("GET", self.url))
                return await answer.aread()  # type: ignore[no-any-return]  # httpx's bytes

        self.answers.append(asyncio.run(send_async()))


def test_a_call_reaching_the_transport_as_the_last_mock_leaves_goes_to_the_server(
    module: ModuleType, fresh: HttpxAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(EchoHandler) as server:
        late = SendsAsTheMockLeaves(module, server + "/late")
        monkeypatch.setattr(activation, "_interceptors", [fresh, late])
        with canned.RequestsMock():
            pass
    assert late.answers == [b"GET /late", b"GET /late"]


# -- elapsed ---------------------------------------------------------------------------------------


class Plain(QuietHandler):
    """Answers every GET with a short body."""

    def do_GET(self) -> None:  # http.server's naming
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def elapsed_error(module: ModuleType, url: str) -> str:
    """What reading `elapsed` raises for `url`'s answer read from a transport itself."""
    with module.HTTPTransport() as own:
        answer = own.handle_request(module.Request("GET", url))
        answer.read()
    with pytest.raises(RuntimeError) as raised:
        answer.elapsed  # noqa: B018  # the property raises
    return str(raised.value)


def test_a_streamed_answer_read_from_a_transport_itself_has_no_elapsed_as_from_a_server(
    module: ModuleType,
) -> None:
    """A client's timer sets `elapsed`; without a client, httpx has none to give."""
    with serving(Plain) as server:
        from_server = elapsed_error(module, server + "/")
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, URL, body=iter([b"o", b"k"]))
        assert elapsed_error(module, URL) == from_server


# -- the answer's head -----------------------------------------------------------------------------


def test_the_status_line_is_in_the_answer_s_extensions_as_httpcore_puts_a_server_s(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, status=418)
    extensions = module.get(URL).extensions
    assert (extensions["http_version"], extensions["reason_phrase"]) == (
        b"HTTP/1.1",
        b"I'm a Teapot",
    )


def test_a_body_without_a_length_gets_its_own_last_and_a_chunked_body_none(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"abc", content_type="text/plain")
    mock.add(canned.GET, URL + "/chunked", body=b"abc", headers={"Transfer-Encoding": "chunked"})
    assert module.get(URL).headers.raw == [
        (b"Content-Type", b"text/plain"),
        (b"Content-Length", b"3"),
    ]
    assert module.get(URL + "/chunked").headers.raw == [
        (b"Content-Type", b"text/plain"),
        (b"Transfer-Encoding", b"chunked"),
    ]


def test_a_body_given_its_own_length_streams_as_it_does_without_one(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    body = b"x" * 100_000
    mock.add(canned.GET, URL, body=body)
    mock.add(canned.GET, URL + "/length", body=body, headers={"Content-Length": "100000"})
    pieces: list[list[bytes]] = [[], []]
    stream_raw(module, is_async, URL, pieces[0])
    stream_raw(module, is_async, URL + "/length", pieces[1])
    assert pieces[0] == pieces[1]
    assert b"".join(pieces[1]) == body


# -- bodies ----------------------------------------------------------------------------------------


def test_a_body_that_can_only_be_read_streams_whole(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    data = bytes(range(256)) * 1_000
    mock.add(canned.GET, URL, body=ReadOnly(data))
    got: list[bytes] = []
    stream_raw(module, is_async, URL, got)
    assert b"".join(got) == data


def test_str_chunks_of_an_async_generator_body_arrive_utf8_encoded_through_aiter_bytes(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    async def generate() -> AsyncIterator[Any]:
        yield b"abc"
        yield "déf"

    async def read() -> list[bytes]:
        async with module.AsyncClient() as client, client.stream("GET", URL) as answer:
            return [piece async for piece in answer.aiter_bytes()]

    mock.add(canned.GET, URL, body=generate())
    assert asyncio.run(read()) == [b"abc", "déf".encode()]


def test_a_delayed_body_as_long_as_its_content_length_reads_whole(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"abc", headers={"Content-Length": "3"}, latency=1.0)
    answer = get(module, is_async, URL)
    assert (answer.content, answer.headers["Content-Length"]) == (b"abc", "3")
    assert 1 <= answer.elapsed.total_seconds() < 2


def test_a_long_body_cut_short_after_many_pieces_names_every_byte_that_came(
    module: ModuleType, is_async: bool, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 200_000, faults=faults.truncated(after=150_000))
    got: list[bytes] = []
    with pytest.raises(module.RemoteProtocolError) as raised:
        stream_raw(module, is_async, URL, got)
    assert (len(got) > 1, len(b"".join(got))) == (True, 150_000)
    assert str(raised.value) == (
        "peer closed connection without sending complete message body "
        "(received 150000 bytes, expected 200000)"
    )


# -- faults ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [kind for kind in FAULTS if FAULTS[kind][1] is not None])
def test_the_socket_error_beneath_each_fault_carries_the_fault_s_message(
    module: ModuleType, mock: canned.RequestsMock, kind: str
) -> None:
    """The error at the bottom of the chain a traceback shows: as a socket raises it, with the
    fault's message as its text (after its errno, for those that have one)."""
    name, _, number = FAULTS[kind]
    fault = getattr(faults, kind)()
    mock.add(canned.GET, URL, body=fault)
    with pytest.raises(getattr(module, name)) as raised:
        module.get(URL)
    beneath = raised.value.__cause__.__cause__
    assert beneath.args == ((fault.message,) if number is None else (number, fault.message))


# -- recording -------------------------------------------------------------------------------------

LONG = bytes(range(256)) * 4_096  # 1 MiB: httpx reads it in many pieces


class OwnStatusLine(QuietHandler):
    """Answers every GET with `LONG` under the status line "HTTP/1.0 200 Fine" (http.server
    speaks HTTP/1.0 unless told otherwise)."""

    def do_GET(self) -> None:  # http.server's naming
        self.send_response(200, "Fine")
        self.send_header("Content-Length", str(len(LONG)))
        self.end_headers()
        self.wfile.write(LONG)


def test_a_recorded_long_answer_reads_as_without_canned_its_status_line_and_body(
    module: ModuleType, is_async: bool
) -> None:
    with serving(OwnStatusLine) as base:

        def read() -> tuple[Any, ...]:
            answer = get(module, is_async, base + "/long")
            return (answer.http_version, answer.status_code, answer.reason_phrase, answer.content)

        plain, seen, mock = without_canned_and_recorded(base, read)
    assert seen == plain == ("HTTP/1.0", 200, "Fine", LONG)
    assert mock.kept[0][1].body == LONG


# -- calls after the mock, streamed lengths, a length that is no number ---------------------------


def test_a_transport_call_made_after_the_last_mock_left_goes_to_the_server(
    module: ModuleType, fresh: HttpxAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reference to the transport's method taken while a mock was active (or a call still
    on its way on another thread) sends for real once the mock has left: it raised TypeError."""
    monkeypatch.setattr(activation, "_interceptors", [fresh])
    with serving(EchoHandler) as server:
        with canned.RequestsMock():
            taken = module.HTTPTransport.handle_request
        with module.HTTPTransport() as own:
            answer = taken(own, module.Request("GET", server + "/after"))
            assert answer.read() == b"GET /after"


def test_a_streamed_body_short_of_its_content_length_fails_as_a_server_closing_early_does(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=iter([b"abc", b"def"]), headers={"Content-Length": "10"})
    with module.Client() as client, pytest.raises(module.RemoteProtocolError) as raised:
        client.get(URL)
    assert "received 6 bytes, expected 10" in str(raised.value)


def test_a_content_length_of_digits_that_are_not_ascii_is_no_length(
    module: ModuleType, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body=b"abc", headers={"Content-Length": "\u00b2"})
    with module.Client() as client:
        assert client.get(URL).content == b"abc"  # not a bare ValueError from int()
