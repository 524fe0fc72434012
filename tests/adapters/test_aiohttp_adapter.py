"""The aiohttp adapter: canned answers at the end of aiohttp's own connection, so a session gets
its own `ClientResponse` read by its own parser, and everything the session does around a request
(cookies, redirects, base_url, auth, raise_for_status, trace configs) is aiohttp's code at work.

Each test runs its coroutine with `asyncio.run`: there is no pytest-asyncio here.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import io
import socket
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Iterator
from types import SimpleNamespace
from typing import Any, Callable, TypeVar

import aiohttp
import pytest
from tests.servers import EchoHandler, QuietHandler, serving

import canned
from canned import faults
from canned._adapters import ADAPTERS
from canned._adapters import aiohttp as adapter_module

URL = "https://api.example.test/r"
AIOHTTP_VERSION = tuple(int(part) for part in aiohttp.__version__.split(".")[:2])
T = TypeVar("T")
REAL_CONNECT = aiohttp.BaseConnector.connect  # as aiohttp has it, before any mock


def run(use: Callable[[aiohttp.ClientSession], Awaitable[T]], **session: Any) -> T:
    """Open a session (with `session` options), hand it to `use`, close it; `use`'s result."""

    async def main() -> T:
        async with aiohttp.ClientSession(**session) as opened:
            return await use(opened)

    return asyncio.run(main())


async def json_of(session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> Any:
    async with session.request(method, url, **kwargs) as answer:
        return await answer.json()


# -- the answer ----------------------------------------------------------------------------------


def test_a_route_answers_an_aiohttp_session_get_with_its_json(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, json={"id": 1})

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            return answer.status, await answer.json()

    assert run(use) == (200, {"id": 1})


def test_the_answer_is_aiohttps_own_response_with_the_status_reason_and_headers_given(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=418, body="short", headers={"X-Kind": "teapot"})

    async def use(session: aiohttp.ClientSession) -> Any:
        answer = await session.get(URL)
        answer.release()
        return answer

    answer = run(use)
    assert type(answer) is aiohttp.ClientResponse
    assert (answer.status, answer.reason) == (418, "I'm a Teapot")
    assert answer.headers["X-Kind"] == "teapot"
    assert answer.headers["Content-Length"] == "5"
    assert str(answer.url) == URL


def test_text_and_read_give_the_body_a_route_was_given(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="héllo")

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            return await answer.text(), await answer.read()

    assert run(use) == ("héllo", "héllo".encode())


def test_session_request_and_every_verb_method_are_answered(mock: canned.RequestsMock) -> None:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        mock.add(method, URL, json={"method": method})

    async def use(session: aiohttp.ClientSession) -> list[Any]:
        answers = [await json_of(session, "GET", URL)]
        for verb in (session.post, session.put, session.patch, session.delete, session.options):
            async with verb(URL) as answer:
                answers.append(await answer.json())
        return answers

    assert [answer["method"] for answer in run(use)] == [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "OPTIONS",
    ]


def test_a_head_answer_keeps_its_headers_and_carries_no_body(mock: canned.RequestsMock) -> None:
    mock.add(canned.HEAD, URL, body="not sent", headers={"X-Total": "7"})

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.head(URL) as answer:
            return answer.headers["X-Total"], answer.headers["Content-Length"], await answer.read()

    assert run(use) == ("7", "8", b"")


def test_a_no_content_answer_carries_no_body_even_if_the_route_gave_one(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.DELETE, URL, status=204, body="ignored")

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.delete(URL) as answer:
            return answer.status, await answer.read()

    assert run(use) == (204, b"")


def test_raise_for_status_names_the_status_and_the_url(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=404)

    async def use(session: aiohttp.ClientSession) -> None:
        async with session.get(URL) as answer:
            answer.raise_for_status()

    with pytest.raises(aiohttp.ClientResponseError) as raised:
        run(use)
    assert (raised.value.status, raised.value.message, str(raised.value.request_info.url)) == (
        404,
        "Not Found",
        URL,
    )


def test_a_session_that_raises_for_status_raises_for_a_routes_error_status(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=503)

    with pytest.raises(aiohttp.ClientResponseError, match="503"):
        run(lambda session: session.get(URL), raise_for_status=True)


def test_a_gzip_encoded_body_is_decoded_by_aiohttp(mock: canned.RequestsMock) -> None:
    import gzip

    mock.add(canned.GET, URL, body=gzip.compress(b"unzipped"), headers={"Content-Encoding": "gzip"})

    async def use(session: aiohttp.ClientSession) -> bytes:
        async with session.get(URL) as answer:
            return await answer.read()

    assert run(use) == b"unzipped"


def test_a_route_that_says_chunked_gets_its_bytes_body_sent_in_chunks(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"whole", headers={"Transfer-Encoding": "chunked"})

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            return "Content-Length" in answer.headers, await answer.read()

    assert run(use) == (False, b"whole")


# -- streaming -------------------------------------------------------------------------------------


def test_an_iterator_body_streams_chunk_by_chunk_through_iter_any(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=iter([b"one", "two", b"three"]))

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            chunks = [chunk async for chunk in answer.content.iter_any()]
            return answer.headers["Transfer-Encoding"], chunks

    assert run(use) == ("chunked", [b"one", b"two", b"three"])


def test_an_async_generator_body_streams_to_the_reader_as_it_is_made(
    mock: canned.RequestsMock,
) -> None:
    seen: list[str] = []

    async def made() -> AsyncIterator[bytes]:
        for part in ("a", "b"):
            seen.append(f"made {part}")
            yield part.encode()

    mock.add(canned.GET, URL, body=made())

    async def use(session: aiohttp.ClientSession) -> None:
        async with session.get(URL) as answer:
            async for chunk in answer.content.iter_chunked(10):
                seen.append(f"read {chunk.decode()}")

    run(use)
    assert seen == ["made a", "read a", "made b", "read b"]


def test_a_file_body_is_read_line_by_line_with_readline(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=io.BytesIO(b"first\nsecond\n"))

    async def use(session: aiohttp.ClientSession) -> list[bytes]:
        async with session.get(URL) as answer:
            return [await answer.content.readline() for _ in range(3)]

    assert run(use) == [b"first\n", b"second\n", b""]


def test_a_body_that_fails_midway_is_the_payload_error_of_a_connection_lost_mid_body(
    mock: canned.RequestsMock,
) -> None:
    def broken() -> Iterator[bytes]:
        yield b"start"
        raise OSError("disk gone")

    mock.add(canned.GET, URL, body=broken())

    async def use(session: aiohttp.ClientSession) -> bytes:
        async with session.get(URL) as answer:
            return await answer.read()

    with pytest.raises(aiohttp.ClientPayloadError, match="not completed"):
        run(use)


def test_closing_an_answer_before_its_stream_ends_stops_reading_the_body(
    mock: canned.RequestsMock,
) -> None:
    made: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            made.append(1)
            yield b"more"

    mock.add(canned.GET, URL, body=endless())

    async def use(session: aiohttp.ClientSession) -> bytes:
        async with session.get(URL) as answer:
            first = await answer.content.readany()
            answer.close()
        await asyncio.sleep(0)  # the body's feeder sees the closed connection and stops
        await asyncio.sleep(0)
        return first

    assert run(use) == b"more"
    assert len(made) <= 3


def test_an_empty_chunk_in_an_iterator_body_does_not_end_the_stream(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=iter([b"before", b"", b" after"]))

    async def use(session: aiohttp.ClientSession) -> bytes:
        async with session.get(URL) as answer:
            return await answer.read()

    assert run(use) == b"before after"


def test_an_iterator_body_with_a_content_length_streams_unchunked(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=iter([b"12", b"345"]), headers={"Content-Length": "5"})

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            return "Transfer-Encoding" in answer.headers, await answer.read()

    assert run(use) == (False, b"12345")


def test_a_body_larger_than_the_read_buffer_is_read_whole(mock: canned.RequestsMock) -> None:
    big = bytes(range(256)) * 4096  # 1 MiB: aiohttp pauses and resumes reading on the way
    mock.add(canned.GET, URL, body=big)

    async def use(session: aiohttp.ClientSession) -> bytes:
        async with session.get(URL) as answer:
            return b"".join([chunk async for chunk in answer.content.iter_chunked(1000)])

    assert run(use) == big


def test_a_stream_nobody_reads_waits_once_aiohttps_read_buffer_is_full(
    mock: canned.RequestsMock,
) -> None:
    made: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            made.append(1)
            yield b"x" * 16_384

    mock.add(canned.GET, URL, body=endless())

    async def use(session: aiohttp.ClientSession) -> tuple[int, int]:
        async with session.get(URL) as answer:
            for _ in range(100):  # turns of the loop in which nothing reads the body
                await asyncio.sleep(0)
            made_then = len(made)
            for _ in range(100):
                await asyncio.sleep(0)
            made_later = len(made)
            answer.close()
        return made_then, made_later

    made_then, made_later = run(use)
    assert made_then == made_later < 100  # held back: no more is made until aiohttp reads


# -- the session's own logic -------------------------------------------------------------------


def test_set_cookie_fills_the_sessions_cookie_jar_which_sends_it_next_time(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, headers={"Set-Cookie": "sid=abc; Path=/"})
    mock.add(canned.GET, URL + "/next")

    async def use(session: aiohttp.ClientSession) -> Any:
        (await session.get(URL)).release()
        (await session.get(URL + "/next")).release()
        return {cookie.key: cookie.value for cookie in session.cookie_jar}

    assert run(use) == {"sid": "abc"}
    assert mock.calls[1].request.headers["Cookie"] == "sid=abc"


def test_a_redirect_is_followed_by_the_session_and_kept_in_history(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/moved"})
    mock.add(canned.GET, "https://api.example.test/moved", body="here")

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            return str(answer.url), [past.status for past in answer.history], await answer.text()

    assert run(use) == ("https://api.example.test/moved", [302], "here")
    assert [call.request.url for call in mock.calls] == [URL, "https://api.example.test/moved"]


def test_with_allow_redirects_false_the_redirect_itself_is_the_answer(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=301, headers={"Location": "/moved"})

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL, allow_redirects=False) as answer:
            return answer.status, answer.headers["Location"]

    assert run(use) == (301, "/moved")


def test_a_base_url_session_is_answered_at_the_joined_url(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, "https://api.example.test/v1/users", json=[1, 2])

    assert run(lambda s: json_of(s, "GET", "/v1/users"), base_url="https://api.example.test") == [
        1,
        2,
    ]


def test_the_sessions_default_headers_and_the_requests_own_reach_the_header_matcher(
    mock: canned.RequestsMock,
) -> None:
    expected = {"X-App": "demo", "Authorization": "Bearer t0k3n"}
    mock.add(canned.GET, URL, json={}, match=[canned.matchers.header_matcher(expected)])

    answer = run(
        lambda s: json_of(s, "GET", URL, headers={"Authorization": "Bearer t0k3n"}),
        headers={"X-App": "demo"},
    )
    assert answer == {}


def test_a_trace_config_sees_the_request_start_its_headers_and_its_end(
    mock: canned.RequestsMock,
) -> None:
    seen: list[str] = []

    async def on_start(*_: Any) -> None:
        seen.append("start")

    async def on_headers_sent(*_: Any) -> None:
        seen.append("headers sent")

    async def on_end(*_: Any) -> None:
        seen.append("end")

    tracing = aiohttp.TraceConfig()
    tracing.on_request_start.append(on_start)
    tracing.on_request_headers_sent.append(on_headers_sent)
    tracing.on_request_end.append(on_end)
    mock.add(canned.GET, URL, json={})

    run(lambda s: json_of(s, "GET", URL), trace_configs=[tracing])
    assert seen == ["start", "headers sent", "end"]


# -- what the matchers and the call log see ---------------------------------------------------


def test_a_json_body_is_matched_by_json_params_matcher(mock: canned.RequestsMock) -> None:
    mock.add(
        canned.POST, URL, json={"ok": True}, match=[canned.matchers.json_params_matcher({"a": 1})]
    )

    assert run(lambda s: json_of(s, "POST", URL, json={"a": 1})) == {"ok": True}


def test_a_form_dict_is_sent_form_encoded_and_matched_by_urlencoded_params_matcher(
    mock: canned.RequestsMock,
) -> None:
    form = {"name": "Ada", "lang": "en"}
    mock.add(canned.POST, URL, json={}, match=[canned.matchers.urlencoded_params_matcher(form)])

    run(lambda s: json_of(s, "POST", URL, data=form))
    assert mock.calls[0].request.content == b"name=Ada&lang=en"
    assert mock.calls[0].request.headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize(("data", "sent"), [(b"raw", b"raw"), ("texte é", "texte é".encode())])
def test_bytes_and_str_bodies_reach_the_request_view_as_aiohttp_sends_them(
    mock: canned.RequestsMock, data: Any, sent: bytes
) -> None:
    mock.add(canned.PUT, URL, json={})

    run(lambda s: json_of(s, "PUT", URL, data=data))
    assert mock.calls[0].request.content == sent


def test_a_streamed_upload_reaches_the_view_without_its_chunk_framing(
    mock: canned.RequestsMock,
) -> None:
    async def upload() -> AsyncIterator[bytes]:
        yield b"part one, "
        yield b"part two"

    mock.add(canned.POST, URL, json={})

    run(lambda s: json_of(s, "POST", URL, data=upload()))
    assert mock.calls[0].request.content == b"part one, part two"


def test_a_request_expecting_100_continue_sends_its_body_and_gets_the_answer(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, body="stored")

    assert run(lambda s: _text(s, URL, method="POST", data=b"upload", expect100=True)) == "stored"
    assert mock.calls[0].request.content == b"upload"


def test_query_params_are_matched_by_query_param_matcher(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, json=[], match=[canned.matchers.query_param_matcher({"page": "2"})])

    assert run(lambda s: json_of(s, "GET", URL, params={"page": 2})) == []


def test_the_call_log_keeps_the_request_view_and_aiohttps_response(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, json={"id": 1})

    answer = run(lambda s: s.get(URL + "?q=1"))
    call = mock.calls[0]
    assert (call.request.method, call.request.url) == ("GET", URL + "?q=1")
    assert call.response is answer
    assert call.response.status == 200


def test_a_callback_answers_with_the_request_aiohttp_sent(mock: canned.RequestsMock) -> None:
    def echo(request: Any) -> tuple[int, dict[str, str], str]:
        return 201, {"X-Seen": request.method}, request.content.decode()

    mock.add_callback(canned.POST, URL, callback=echo)

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.post(URL, data=b"ping") as answer:
            return answer.status, answer.headers["X-Seen"], await answer.text()

    assert run(use) == (201, "POST", "ping")


def test_a_response_callback_is_given_the_response_the_session_then_returns() -> None:
    given: list[Any] = []

    def keep(response: Any) -> Any:
        given.append(response)
        return response

    with canned.RequestsMock(response_callback=keep) as mock:
        mock.add(canned.GET, URL, json={"id": 1})
        answer = run(lambda s: s.get(URL))
    assert given == [answer]
    assert answer.status == 200


def test_the_default_mock_answers_inside_canned_activate() -> None:
    @canned.activate
    def check() -> Any:
        canned.add(canned.GET, URL, json={"via": "default"})
        answer = run(lambda s: json_of(s, "GET", URL))
        return answer, len(canned.calls)

    assert check() == ({"via": "default"}, 1)


# -- errors ---------------------------------------------------------------------------------------


def test_an_unmatched_request_is_the_connector_error_of_a_refused_connection_with_the_diagnosis(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, "https://api.example.test/other")

    with pytest.raises(aiohttp.ClientConnectorError) as raised:
        run(lambda s: s.get(URL))
    error = raised.value
    assert isinstance(error.os_error, ConnectionRefusedError)
    assert (error.host, error.port) == ("api.example.test", 443)
    assert error.strerror.startswith(
        "Connection refused by Responses - the call doesn't match any registered mock.\n\n"
        "Request: \n- GET https://api.example.test/r\n"
    )
    assert str(error).startswith("Cannot connect to host api.example.test:443 ssl:default [")
    assert [call.response for call in mock.calls] == [error]  # refused once, never retried


def test_an_exception_body_is_raised_as_given(mock: canned.RequestsMock) -> None:
    failure = aiohttp.ClientPayloadError("truncated")
    mock.add(canned.GET, URL, body=failure)

    with pytest.raises(aiohttp.ClientPayloadError) as raised:
        run(lambda s: s.get(URL))
    assert raised.value is failure
    assert mock.calls[0].response is failure


def test_a_timeout_body_is_raised_as_given_where_the_answer_is_read(
    mock: canned.RequestsMock,
) -> None:
    failure = aiohttp.ServerTimeoutError("Timeout on reading data from socket")
    mock.add(canned.GET, URL, body=failure)

    with pytest.raises(aiohttp.ServerTimeoutError) as raised:
        run(lambda s: s.get(URL))
    assert raised.value is failure  # not turned into a connect timeout: it came after connecting
    assert mock.calls[0].response is failure


def test_an_os_error_body_is_raised_as_the_session_raises_one_from_a_connection(
    mock: canned.RequestsMock,
) -> None:
    failure = ConnectionResetError(104, "Connection reset by peer")
    mock.add(canned.POST, URL, body=failure)

    with pytest.raises(aiohttp.ClientOSError) as raised:
        run(lambda s: s.post(URL, data=b"x"))
    assert raised.value.__cause__ is failure
    assert (raised.value.errno, raised.value.strerror) == (104, "Connection reset by peer")


# -- passthrough ----------------------------------------------------------------------------------


def test_a_passthru_prefix_sends_the_request_as_written_to_the_real_server(
    mock: canned.RequestsMock,
) -> None:
    with serving(EchoHandler) as base:
        mock.add_passthru(base)

        async def use(session: aiohttp.ClientSession) -> Any:
            async with session.post(base + "/echo", json={"a": 1}) as answer:
                sent = await answer.text()
            async with session.get(base + "/again") as answer:  # the pooled connection again
                return sent, await answer.text()

        assert run(use) == ('{"a": 1}', "GET /again")
    assert len(mock.calls) == 0  # responses does not record add_passthru requests


def test_a_passthrough_route_reaches_the_real_server_and_is_recorded(
    mock: canned.RequestsMock,
) -> None:
    with serving(EchoHandler) as base:
        mock.add(canned.PassthroughResponse(canned.GET, base + "/real"))

        async def use(session: aiohttp.ClientSession) -> Any:
            async with session.get(base + "/real") as answer:
                return answer.status, await answer.text()

        assert run(use) == (200, "GET /real")
    assert mock.calls[0].response.status == 200


def test_a_passthrough_answer_is_read_from_the_real_socket_and_closing_it_closes_that(
    mock: canned.RequestsMock,
) -> None:
    with serving(EchoHandler) as base:
        mock.add_passthru(base)

        async def use(session: aiohttp.ClientSession) -> Any:
            # an answer larger than one read keeps its connection until it is read or closed
            answer = await session.post(base + "/socket", data=b"x" * 1_000_000)
            connection = answer.connection
            assert connection is not None
            peer = connection.transport.get_extra_info("peername")[0]
            was_open = not connection.closed
            answer.close()
            return peer, was_open, connection.closed

        assert run(use) == ("127.0.0.1", True, True)


def test_a_session_that_pooled_a_real_connection_before_the_mock_started_is_answered_by_it() -> (
    None
):
    with serving(EchoHandler) as base:

        async def main() -> tuple[str, Any]:
            async with aiohttp.ClientSession() as session:
                real = await _text(session, base + "/first")  # its connection stays pooled
                with canned.RequestsMock() as mock:
                    mock.add(canned.GET, base + "/first", body="canned")
                    return real, await _text(session, base + "/first")

        assert asyncio.run(main()) == ("GET /first", "canned")


class SlowHandler(QuietHandler):
    """Answers after a pause longer than the read timeout the test sets."""

    def do_GET(self) -> None:  # http.server's naming
        time.sleep(0.5)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_passthrough_keeps_the_sessions_read_timeout(mock: canned.RequestsMock) -> None:
    with serving(SlowHandler) as base:
        mock.add_passthru(base)

        with pytest.raises(aiohttp.ServerTimeoutError):
            run(
                lambda s: _text(s, base + "/slow"),
                timeout=aiohttp.ClientTimeout(sock_read=0.05),
            )


def test_a_connector_with_its_own_connect_is_not_intercepted(mock: canned.RequestsMock) -> None:
    class OwnConnector(aiohttp.TCPConnector):
        connect = REAL_CONNECT  # what an SDK's connector with its own `connect` does

    with serving(EchoHandler) as base:

        async def use(session: aiohttp.ClientSession) -> str:
            async with session.get(base + "/own") as answer:
                return await answer.text()

        async def main() -> str:
            async with aiohttp.ClientSession(connector=OwnConnector()) as session:
                return await use(session)

        assert asyncio.run(main()) == "GET /own"
    assert len(mock.calls) == 0


def test_a_connect_on_its_way_when_the_last_mock_left_goes_to_the_network() -> None:
    with canned.RequestsMock():
        patched = aiohttp.BaseConnector.connect
    with serving(EchoHandler) as base, pytest.MonkeyPatch.context() as patch:
        patch.setattr(aiohttp.BaseConnector, "connect", patched)
        assert run(lambda s: _text(s, base + "/late")) == "GET /late"


async def _text(
    session: aiohttp.ClientSession, url: str, method: str = "GET", **kwargs: Any
) -> str:
    async with session.request(method, url, **kwargs) as answer:
        return await answer.text()


# -- installing -----------------------------------------------------------------------------------


def test_the_seams_are_patched_while_a_mock_is_active_and_restored_after() -> None:
    originals = (aiohttp.BaseConnector.connect, aiohttp.ClientRequest.send)
    with canned.RequestsMock():
        patched = (aiohttp.BaseConnector.connect, aiohttp.ClientRequest.send)
    assert patched[0] is not originals[0]
    assert patched[1] is not originals[1]
    assert (aiohttp.BaseConnector.connect, aiohttp.ClientRequest.send) == originals


def test_the_adapter_table_names_the_seams_patched() -> None:
    (row,) = [adapter for adapter in ADAPTERS if adapter.name == "aiohttp"]
    assert row.patches == ("aiohttp.BaseConnector.connect", "aiohttp.ClientRequest.send")


def test_without_aiohttp_installed_activating_a_mock_patches_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(name: str) -> Any:
        raise ImportError(name)

    adapter = adapter_module.AiohttpAdapter()
    monkeypatch.setattr(importlib, "import_module", missing)
    adapter.install()
    adapter.uninstall()
    assert adapter.is_missing
    assert not adapter.is_installed


def test_the_sync_send_says_aiohttp_sends_only_from_a_coroutine() -> None:
    with pytest.raises(NotImplementedError, match="coroutine"):
        adapter_module.interceptor.send((None, None))


# -- a real API client ---------------------------------------------------------------------------


def test_slacks_async_web_client_posts_a_message_answered_by_a_route(
    mock: canned.RequestsMock,
) -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    mock.add(
        canned.POST,
        "https://slack.com/api/chat.postMessage",
        json={"ok": True, "channel": "C1", "ts": "1.0"},
        match=[canned.matchers.json_params_matcher({"channel": "C1", "text": "hi"})],
    )

    async def post() -> Any:
        return await AsyncWebClient(token="xoxb-test").chat_postMessage(channel="C1", text="hi")

    answer = asyncio.run(post())
    assert (answer["ok"], answer["ts"]) == (True, "1.0")
    assert mock.calls[0].request.headers["Authorization"] == "Bearer xoxb-test"


# -- faults and latency ---------------------------------------------------------------------------


def frames_of(error: BaseException) -> list[str]:
    """The functions `error` passed through on its way up, innermost last."""
    return [frame.name for frame in traceback.extract_tb(error.__traceback__)]


async def read_all(session: aiohttp.ClientSession, url: str = URL, **kwargs: Any) -> bytes:
    async with session.get(url, **kwargs) as answer:
        return await answer.read()


def test_a_connect_timeout_is_the_sessions_connection_timeout_error_wrapping_the_connectors(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.connect_timeout())

    with pytest.raises(aiohttp.ServerTimeoutError) as raised:
        run(read_all)
    error = raised.value
    assert type(error) is getattr(aiohttp, "ConnectionTimeoutError", aiohttp.ServerTimeoutError)
    assert str(error) == f"Connection timeout to host {URL}"
    assert type(error.__cause__) is asyncio.TimeoutError
    assert str(error.__cause__) == "canned fault: the connection timed out"
    assert "start" not in frames_of(error)  # raised while connecting, before any answer is read
    assert [call.response for call in mock.calls] == [error.__cause__]  # never retried


def test_a_refused_connection_is_the_connector_error_with_a_connection_refused_os_error(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.connection_refused())

    with pytest.raises(aiohttp.ClientConnectorError) as raised:
        run(read_all)
    error = raised.value
    assert type(error) is aiohttp.ClientConnectorError
    assert type(error.os_error) is ConnectionRefusedError
    assert error.__cause__ is error.os_error
    assert (error.errno, error.strerror) == (111, "canned fault: the connection was refused")
    assert (error.host, error.port) == ("api.example.test", 443)
    assert "connect" in frames_of(error)
    assert "start" not in frames_of(error)
    assert [call.response for call in mock.calls] == [error]  # never retried


def test_a_dns_failure_is_the_connectors_dns_error_with_the_resolvers_gaierror(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.dns_failure())

    with pytest.raises(aiohttp.ClientConnectorError) as raised:
        run(read_all)
    error = raised.value
    dns_error = getattr(aiohttp, "ClientConnectorDNSError", aiohttp.ClientConnectorError)
    assert type(error) is dns_error
    assert type(error.os_error) is socket.gaierror
    assert error.strerror == "canned fault: the host name could not be resolved"
    assert "Cannot connect to host api.example.test:443" in str(error)
    assert "start" not in frames_of(error)
    assert len(mock.calls) == 1


def test_a_read_timeout_is_the_socket_timeout_error_raised_where_the_answer_is_read(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.read_timeout())

    with pytest.raises(aiohttp.ServerTimeoutError) as raised:
        run(read_all)
    error = raised.value
    assert type(error) is getattr(aiohttp, "SocketTimeoutError", aiohttp.ServerTimeoutError)
    assert isinstance(error, asyncio.TimeoutError)
    assert str(error) == "canned fault: the server did not answer in time (read timeout)"
    assert "start" in frames_of(error)  # ClientResponse.start, reading the status line
    assert [call.response for call in mock.calls] == [error]


def test_a_reset_connection_is_the_client_os_error_and_aiohttp_3_10_retries_a_get_once(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.connection_reset())

    with pytest.raises(aiohttp.ClientOSError) as raised:
        run(read_all)
    error = raised.value
    assert type(error) is aiohttp.ClientOSError
    assert (error.errno, error.strerror) == (
        104,
        "canned fault: the connection was reset by the server",
    )
    assert type(error.__cause__) is ConnectionResetError
    assert "start" in frames_of(error)
    # as against a real server: aiohttp 3.10+ tries an idempotent request once more after a reset
    attempts = 2 if AIOHTTP_VERSION >= (3, 10) else 1
    assert [type(call.response) for call in mock.calls] == [aiohttp.ClientOSError] * attempts
    assert mock.calls[-1].response is error


def test_a_reset_connection_is_not_retried_for_a_post(mock: canned.RequestsMock) -> None:
    mock.add(canned.POST, URL, body=faults.connection_reset())

    with pytest.raises(aiohttp.ClientOSError):
        run(lambda session: session.post(URL, data=b"x"))
    assert len(mock.calls) == 1


def test_a_malformed_answer_is_the_response_error_of_aiohttps_own_parser(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.malformed())

    with pytest.raises(aiohttp.ClientResponseError) as raised:
        run(read_all)
    error = raised.value
    assert type(error) is aiohttp.ClientResponseError
    # newer aiohttp keeps its parser's status and message; older ones give status 0, no message
    shown = (error.status, "canned fault: the answer is not HTTP" in error.message)
    assert shown in {(400, True), (0, False)}
    assert str(error.request_info.url) == URL
    assert isinstance(error.__cause__, aiohttp.http_exceptions.HttpProcessingError)
    assert "start" in frames_of(error)
    assert [call.response for call in mock.calls] == [error.__cause__]


def test_a_truncated_body_streams_its_first_bytes_then_raises_aiohttps_payload_error(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"0123456789" * 10, faults=faults.truncated(after=10))
    chunks: list[bytes] = []

    async def use(session: aiohttp.ClientSession) -> None:
        async with session.get(URL) as answer:
            assert answer.headers["Content-Length"] == "100"
            async for chunk in answer.content.iter_chunked(4):
                chunks.append(chunk)

    with pytest.raises(aiohttp.ClientPayloadError) as raised:
        run(use)
    assert chunks == [b"0123", b"4567", b"89"]
    assert "received 10 of 100 bytes" in str(raised.value) or "not completed" in str(raised.value)


def test_a_truncated_body_read_whole_raises_the_payload_error(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=60))

    with pytest.raises(aiohttp.ClientPayloadError, match="not completed"):
        run(read_all)


def test_a_body_cut_before_its_first_byte_raises_the_payload_error_at_the_first_read(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=0))

    async def use(session: aiohttp.ClientSession) -> Any:
        async with session.get(URL) as answer:
            status = answer.status
            with pytest.raises(aiohttp.ClientPayloadError):
                await answer.content.readany()
            return status

    assert run(use) == 200


def test_a_truncated_answer_closed_unread_ends_quietly(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10))

    async def use(session: aiohttp.ClientSession) -> int:
        async with session.get(URL) as answer:
            status = answer.status
        for _ in range(3):
            await asyncio.sleep(0)  # the end of the connection, were it still due, comes now
        return status

    assert run(use) == 200


def test_latency_over_the_sessions_sock_read_is_its_socket_timeout_error(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="late", latency=3.0)

    with pytest.raises(aiohttp.ServerTimeoutError, match="read timeout"):
        run(read_all, timeout=aiohttp.ClientTimeout(sock_read=1))


def test_latency_over_a_requests_total_timeout_is_a_timeout_error(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="late", latency=3.0)

    with pytest.raises(asyncio.TimeoutError):
        run(lambda session: read_all(session, timeout=aiohttp.ClientTimeout(total=2)))


def test_latency_under_the_timeout_answers_and_no_time_passes(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="in time", latency=3.0)

    assert run(read_all, timeout=aiohttp.ClientTimeout(sock_read=5, total=10)) == b"in time"


def test_latency_with_no_timeout_set_answers(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="waited", latency=1000.0)

    assert run(read_all, timeout=aiohttp.ClientTimeout(total=None, sock_read=0)) == b"waited"


def test_latency_under_a_negative_total_answers_as_aiohttp_takes_it_as_no_limit(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="waited", latency=1000.0)

    assert run(read_all, timeout=aiohttp.ClientTimeout(total=-1)) == b"waited"


def test_any_latency_under_a_negative_sock_read_is_its_socket_timeout_error(
    mock: canned.RequestsMock,
) -> None:
    """aiohttp schedules the read timer `sock_read` seconds on: one below 0 expires at once."""
    mock.add(canned.GET, URL, body="late", latency=0.001)

    with pytest.raises(aiohttp.ServerTimeoutError, match="read timeout"):
        run(read_all, timeout=aiohttp.ClientTimeout(sock_read=-1))


def test_the_read_timeout_is_the_shorter_of_sock_read_and_total() -> None:
    def read_timeout(**limits: Any) -> Any:
        connection = SimpleNamespace(timeout=aiohttp.ClientTimeout(**limits))
        return adapter_module.interceptor.read_timeout((None, connection))

    assert read_timeout(sock_read=4, total=9) == 4
    assert read_timeout(sock_read=None, total=9) == 9
    assert read_timeout(sock_read=4, total=None) == 4
    assert read_timeout(sock_read=None, total=None) is None


def test_chaos_resets_some_answers_and_lets_the_others_through() -> None:
    chaos = faults.Chaos(0.5, faults.connection_reset(), seed=7)
    with canned.RequestsMock(chaos=chaos) as mock:
        mock.add(canned.POST, URL, body="fine")

        async def use(session: aiohttp.ClientSession) -> list[str]:
            seen = []
            for _ in range(20):
                try:
                    async with session.post(URL) as answer:
                        seen.append(await answer.text())
                except aiohttp.ClientOSError as error:
                    seen.append(type(error).__name__)
            return seen

        seen = run(use)
    assert set(seen) == {"fine", "ClientOSError"}


def test_real_time_latency_lets_the_event_loop_answer_other_requests_meanwhile() -> None:
    matched: list[asyncio.Event] = []  # set when the slow call is answered: its latency starts

    def slow_answer(request: Any) -> tuple[int, dict[str, str], str]:
        matched[0].set()
        return 200, {}, "slow"

    with canned.RequestsMock(real_time=True, assert_all_requests_are_fired=False) as mock:
        # long enough that only a loop left free answers the other request first; cancelled
        # then, so no time passes
        mock.add_callback(canned.GET, URL + "/slow", callback=slow_answer, latency=30.0)
        mock.add(canned.GET, URL + "/fast", body="fast")

        async def use(session: aiohttp.ClientSession) -> tuple[bytes, bool]:
            matched.append(asyncio.Event())  # made on this loop (Python 3.9 binds it at once)
            slow = asyncio.ensure_future(read_all(session, URL + "/slow"))
            await matched[0].wait()
            fast = await read_all(session, URL + "/fast")  # answered while the slow one waits
            slow_was_answered = slow.done()
            slow.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await slow
            return fast, slow_was_answered

        assert run(use) == (b"fast", False)
        logged = [(call.request.url, type(call.response).__name__) for call in mock.calls]
        # the slow one was cancelled while "the server" took its time: logged with that
        assert sorted(logged) == [
            (URL + "/fast", "ClientResponse"),
            (URL + "/slow", "CancelledError"),
        ]
