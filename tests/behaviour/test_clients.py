"""The same scenarios against every client: one registry answers requests, httpx and httpx2,
sync and async, with the same routes, the same call log and errors in each client's own terms."""

from __future__ import annotations

import asyncio
import gc
import importlib
import io
import json
import linecache
import re
import traceback
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests
from tests.behaviour.conftest import client_modules

import canned
from canned import matchers
from canned.registries import OrderedRegistry

if TYPE_CHECKING:
    from tests.behaviour.conftest import Answer, Client

URL = "https://api.example.test/items"


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


def test_a_json_route_answers_with_status_and_body(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, json={"id": 7}, status=201)
    answer = client.send("GET", URL)
    assert (answer.status, json.loads(answer.content)) == (201, {"id": 7})
    assert answer.headers["Content-Type"] == "application/json"


def test_an_error_status_reaches_the_client_as_a_response(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, status=503, body="down")
    answer = client.send("GET", URL)
    assert (answer.status, answer.content) == (503, b"down")


def test_the_call_log_holds_the_request_body_as_bytes(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.POST, URL, json={"id": 7}, status=201)
    client.send("POST", URL, json={"name": "x"})
    request = mock.calls[0].request
    assert (request.method, request.url) == ("POST", URL)
    assert json.loads(request.body) == {"name": "x"}
    assert mock.calls[0].response is not None


def test_the_default_mock_logs_each_call_with_its_request_and_the_answer(client: Client) -> None:
    @canned.activate
    def run() -> tuple[Answer, list[tuple[str, str, bytes, Any]]]:
        canned.add(canned.POST, URL, body="created", status=201)
        answer = client.send("POST", URL, params={"page": "2"}, json={"name": "x"})
        logged = [
            (call.request.method, call.request.url, call.request.body, call.response)
            for call in canned.calls
        ]
        return answer, logged

    answer, logged = run()
    [(method, url, body, response)] = logged
    assert (method, url, json.loads(body)) == ("POST", URL + "?page=2", {"name": "x"})
    assert response is answer.native
    assert (answer.status, answer.content) == (201, b"created")


def test_a_callback_sees_the_same_request_shape_whatever_the_client(
    client: Client, mock: canned.RequestsMock
) -> None:
    seen: list[tuple[str, str, Any, str]] = []

    def echo(request: Any) -> tuple[int, dict[str, str], bytes]:
        seen.append((request.method, request.url, request.params, request.headers["X-Trace"]))
        return 200, {"X-Echo": "yes"}, request.body

    mock.add_callback(canned.POST, URL, callback=echo)
    answer = client.send(
        "POST", URL, params={"page": "2"}, json={"a": 1}, headers={"X-Trace": "t1"}
    )
    assert seen == [("POST", URL + "?page=2", {"page": "2"}, "t1")]
    assert json.loads(answer.content) == {"a": 1}
    assert answer.headers["x-echo"] == "yes"


def test_same_url_routes_answer_in_turn_and_the_last_repeats(
    client: Client, mock: canned.RequestsMock
) -> None:
    for status in (500, 502, 200):
        mock.add(canned.GET, URL, status=status)
    assert [client.send("GET", URL).status for _ in range(4)] == [500, 502, 200, 200]


def test_an_ordered_registry_serves_routes_in_order(client: Client) -> None:
    with canned.RequestsMock(registry=OrderedRegistry) as mock:
        mock.add(canned.GET, URL, body="first")
        mock.add(canned.GET, URL + "/2", body="second")
        assert client.send("GET", URL).content == b"first"
        assert client.send("GET", URL + "/2").content == b"second"


def test_a_json_matcher_picks_the_route_whose_body_matches(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.POST, URL, body="one", match=[matchers.json_params_matcher({"id": 1})])
    mock.add(canned.POST, URL, body="two", match=[matchers.json_params_matcher({"id": 2})])
    assert client.send("POST", URL, json={"id": 2}).content == b"two"


def test_a_query_matcher_picks_the_route_whose_parameters_match(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, body="first", match=[matchers.query_param_matcher({"page": "1"})])
    mock.add(canned.GET, URL, body="second", match=[matchers.query_param_matcher({"page": "2"})])
    assert client.send("GET", URL, params={"page": "2"}).content == b"second"


def test_a_json_matcher_miss_is_diagnosed_field_by_field(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.POST, URL, match=[matchers.json_params_matcher({"a": 1, "b": "same"})])
    with pytest.raises(client.connect_error) as raised:
        client.send("POST", URL, json={"a": 2, "b": "same"})
    message = client.diagnosis(raised.value)
    assert (
        f"- POST {URL} request.body doesn't match: {{'a': 2, 'b': 'same'}} "
        "doesn't match {'a': 1, 'b': 'same'}\n"
    ) in message
    assert message.endswith(f"Closest route: POST {URL}\n- field 'a': expected 1, got 2\n")


def test_an_unmatched_request_raises_the_clients_connection_error_with_the_diagnosis(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL + "/1")
    with pytest.raises(client.connect_error) as raised:
        client.send("GET", URL + "/2")
    assert type(raised.value) is client.connect_error
    message = client.diagnosis(raised.value)
    assert message.startswith(
        "Connection refused by Responses - the call doesn't match any registered mock.\n\n"
        f"Request: \n- GET {URL}/2\n\nAvailable matches:\n"
        f"- GET {URL}/1 URL does not match\n"
    )
    assert f"Closest route: GET {URL}/1\n- url: path /items/2 ≠ /items/1\n" in message
    assert mock.calls[0].response is client.logged(raised.value)


def test_an_exception_given_as_body_is_raised_as_is_with_its_request(
    client: Client, mock: canned.RequestsMock
) -> None:
    error = client.timeout("too slow")
    mock.add(canned.GET, URL, body=error)
    with pytest.raises(client.timeout_error) as raised:
        client.send("GET", URL)
    assert raised.value is error
    # the client's own request object (requests' is what callbacks see; httpx's sits behind
    # the view; urllib3 has none: the view itself)
    assert raised.value.request is client.native_request(mock.calls[0].request)
    assert mock.calls[0].response is error


def test_each_later_request_raises_a_fresh_copy_with_its_own_request_and_traceback(
    client: Client, mock: canned.RequestsMock
) -> None:
    error = client.timeout("too slow")
    mock.add(canned.GET, URL, body=error)
    raised = []
    for _ in range(3):
        with pytest.raises(client.timeout_error) as caught:
            client.send("GET", URL)
        raised.append(caught.value)
    first, second, third = raised
    assert first is error
    assert second is not first
    assert third is not second
    assert [(type(e), e.args, str(e)) for e in raised] == [
        (type(error), error.args, str(error))
    ] * 3
    natives = [client.native_request(call.request) for call in mock.calls]
    assert [e.request for e in raised] == natives
    assert len({id(native) for native in natives}) == 3
    # the same instance raised again would carry the earlier raises' frames as well
    depths = [len(traceback.extract_tb(e.__traceback__)) for e in raised]
    assert depths == [depths[0]] * 3
    assert [call.response for call in mock.calls] == raised


def test_an_exception_a_callback_returns_each_time_is_raised_fresh_each_time(
    client: Client, mock: canned.RequestsMock
) -> None:
    error = client.timeout("too slow")
    mock.add_callback(canned.GET, URL, callback=lambda request: error)
    raised = []
    for _ in range(2):
        with pytest.raises(client.timeout_error) as caught:
            client.send("GET", URL)
        raised.append(caught.value)
    assert raised[0] is error
    assert raised[1] is not error
    assert str(raised[1]) == str(error)
    assert raised[1].request is not raised[0].request


def test_a_body_given_as_chunks_streams_chunk_by_chunk(
    client: Client, mock: canned.RequestsMock
) -> None:
    pulled: list[int] = []

    def chunks() -> Iterator[bytes]:
        for number in range(3):
            pulled.append(number)
            yield f"data: {number}\n\n".encode()

    mock.add(canned.GET, URL, body=chunks(), content_type="text/event-stream")
    assert client.chunks(URL) == [b"data: 0\n\n", b"data: 1\n\n", b"data: 2\n\n"]
    assert pulled == [0, 1, 2]


class ReadOnceFile(io.BytesIO):
    """A file body that fails loudly when read past its end again and again, as a reader that
    never sees the end would (instead of hanging the test)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads_at_the_end = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if not data:
            self.reads_at_the_end += 1
            if self.reads_at_the_end > 10:
                raise AssertionError("read past its end 10 times")
        return data


def test_a_file_body_streams_to_its_end_and_stops(
    client: Client, mock: canned.RequestsMock
) -> None:
    data = bytes(range(256)) * 400
    mock.add(canned.GET, URL, body=ReadOnceFile(data))
    assert b"".join(client.chunks(URL)) == data


def test_set_cookie_headers_reach_the_clients_cookie_jar(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL, headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    answer = client.send("GET", URL)
    if client.has_cookie_jar:
        assert client.cookies(answer) == {"a": "1", "b": "2"}
    else:  # urllib3 and http.client keep no cookies: both headers are there to read
        assert answer.headers.get_all("Set-Cookie") == ["a=1", "b=2"]


def test_a_redirect_is_followed_by_the_client(client: Client, mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/moved"})
    mock.add(canned.GET, "https://api.example.test/moved", body="here")
    kwargs = {} if client.name == "requests" else {"follow_redirects": True}
    answer = client.send("GET", URL, **kwargs)
    assert (answer.status, answer.content) == (200, b"here")
    assert [call.request.url for call in mock.calls] == [URL, "https://api.example.test/moved"]


def test_assert_call_count_counts_every_client_alike(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, URL)
    client.send("GET", URL)
    client.send("GET", URL)
    assert mock.assert_call_count(URL, 2)


def test_unfired_routes_fail_the_block_whatever_the_client(client: Client) -> None:
    mock = canned.RequestsMock()
    mock.start()
    mock.add(canned.GET, URL)
    mock.add(canned.GET, URL + "/never")
    client.send("GET", URL)
    with pytest.raises(canned.UnfiredRoutesError) as raised:
        mock.stop()
    assert str(raised.value) == f"Not all requests have been executed [('GET', '{URL}/never')]"


def test_a_mock_that_answered_a_client_is_freed_without_the_garbage_collector(
    client: Client,
) -> None:
    # a reference cycle through what the client kept would hold every mock of a long suite
    gc.disable()
    try:
        mock = canned.RequestsMock(assert_all_requests_are_fired=False)
        with mock:
            route = mock.add(canned.GET, URL, body="x")
            client.send("GET", URL)
        refs = [weakref.ref(mock), weakref.ref(route), weakref.ref(mock.get_registry())]
        del mock, route
        assert [ref() for ref in refs] == [None, None, None]
    finally:
        gc.enable()


def test_a_passthrough_route_reaches_the_real_server(
    client: Client, mock: canned.RequestsMock, echo_server: str
) -> None:
    mock.add(canned.PassthroughResponse(canned.GET, echo_server + "/real"))
    answer = client.send("GET", echo_server + "/real")
    assert (answer.status, answer.content) == (200, b"GET /real")
    assert len(mock.calls) == 1


def test_a_passthrough_route_sends_the_request_body_to_the_real_server(
    client: Client, mock: canned.RequestsMock, echo_server: str
) -> None:
    mock.add(canned.PassthroughResponse(canned.POST, echo_server + "/echo"))
    answer = client.send("POST", echo_server + "/echo", json={"name": "x"})
    assert (answer.status, json.loads(answer.content)) == (200, {"name": "x"})
    assert mock.calls[0].response is answer.native


def test_a_passthru_prefix_reaches_the_real_server_unrecorded(
    client: Client, mock: canned.RequestsMock, echo_server: str
) -> None:
    mock.add_passthru(echo_server)
    answer = client.send("GET", echo_server + "/open")
    assert answer.content == b"GET /open"
    assert len(mock.calls) == 0


@pytest.mark.parametrize("name", client_modules())
def test_a_hundred_concurrent_async_requests_are_all_answered_and_recorded(name: str) -> None:
    module = importlib.import_module(name)

    async def send_all() -> list[bytes]:
        async with module.AsyncClient() as session:
            answers = await asyncio.gather(
                *(session.get(f"{URL}/{number}") for number in range(100))
            )
        return [answer.content for answer in answers]

    with canned.RequestsMock() as mock:
        for number in range(100):
            mock.add(canned.GET, f"{URL}/{number}", body=str(number))
        assert asyncio.run(send_all()) == [str(number).encode() for number in range(100)]
        assert len(mock.calls) == 100


SSE_EVENTS = [
    b'data: {"choices": [{"delta": {"content": "Hel"}}]}\n\n',
    b'data: {"choices": [{"delta": {"content": "lo"}}]}\n\n',
    b"data: [DONE]\n\n",
]


def sse_contents(lines: list[str]) -> list[str]:
    """The streamed chat deltas, as an openai-style client reads them from SSE lines."""
    contents = []
    for line in lines:
        if line.startswith("data: ") and line != "data: [DONE]":
            contents.append(json.loads(line[6:])["choices"][0]["delta"]["content"])
    return contents


def test_requests_reads_server_sent_events_line_by_line() -> None:
    import requests

    with canned.RequestsMock() as mock:
        mock.add(canned.POST, URL, body=iter(SSE_EVENTS), content_type="text/event-stream")
        with requests.post(URL, json={"stream": True}, stream=True) as answer:
            lines = [line.decode() for line in answer.iter_lines()]
    assert sse_contents(lines) == ["Hel", "lo"]


@pytest.mark.mutation_unsafe  # names the caller's line: a trampoline frame under mutmut
def test_the_unmatched_warning_points_at_the_line_that_sent_the_request(client: Client) -> None:
    refusal = pytest.raises(client.connect_error)
    with (
        canned.RequestsMock(on_unmatched="warn"),
        refusal,
        pytest.warns(canned.UnmatchedRequestWarning) as warned,
    ):
        client.send("GET", URL)
    sent_from = linecache.getline(warned[0].filename, warned[0].lineno)
    # the client is called in the fixture's module, one line per client: that line is named
    assert warned[0].filename.endswith("conftest.py")
    assert "request(method, url" in sent_from or "urlopen(request)" in sent_from


def test_an_async_def_callback_answers_every_client(
    client: Client, mock: canned.RequestsMock
) -> None:
    async def callback(request: Any) -> tuple[int, dict[str, str], str]:
        await asyncio.sleep(0)
        return 202, {"X-Computed": "later"}, f"for {request.method}"

    mock.add_callback(canned.POST, URL, callback=callback)
    answer = (
        client.send("POST", URL, content=b"x")
        if client.name != "requests"
        else client.send("POST", URL, data=b"x")
    )
    assert (answer.status, answer.content, answer.headers["X-Computed"]) == (
        202,
        b"for POST",
        "later",
    )
    assert mock.calls[0].response is answer.native


def test_an_async_def_callbacks_error_and_malformed_reply_are_raised_as_a_sync_ones_are(
    client: Client, mock: canned.RequestsMock
) -> None:
    async def failing(request: Any) -> Any:
        raise client.timeout("computed too slowly")

    async def malformed(request: Any) -> Any:
        return "not a tuple"

    mock.add_callback(canned.GET, URL, callback=failing)
    mock.add_callback(canned.GET, f"{URL}/2", callback=malformed)
    with pytest.raises(client.timeout_error, match="computed too slowly"):
        client.send("GET", URL)
    with pytest.raises(canned.CallbackReplyError, match="got 'not a tuple'"):
        client.send("GET", f"{URL}/2")
    assert [type(call.response) for call in mock.calls] == [
        client.timeout_error,
        canned.CallbackReplyError,
    ]


@pytest.mark.parametrize("module_name", client_modules())
def test_async_def_callbacks_run_concurrently_on_the_async_clients_loop(
    module_name: str, mock: canned.RequestsMock
) -> None:
    module = importlib.import_module(module_name)
    entered = 0

    async def main() -> list[bytes]:
        everyone_in = asyncio.Event()

        async def callback(request: Any) -> tuple[int, dict[str, str], str]:
            nonlocal entered
            entered += 1
            if entered == 20:
                everyone_in.set()
            # run one after another, the first would wait here for the other 19 forever
            await asyncio.wait_for(everyone_in.wait(), timeout=10)
            return 200, {}, request.url.rsplit("/", 1)[1]

        mock.add_callback(canned.GET, re.compile(f"{URL}/\\d+"), callback=callback)
        async with module.AsyncClient() as session:
            answers = await asyncio.gather(*(session.get(f"{URL}/{n}") for n in range(20)))
        return [answer.content for answer in answers]

    assert asyncio.run(main()) == [str(n).encode() for n in range(20)]
    assert entered == 20


def test_an_async_def_callback_answers_a_sync_client_called_inside_a_running_loop(
    mock: canned.RequestsMock,
) -> None:
    async def callback(request: Any) -> tuple[int, dict[str, str], str]:
        await asyncio.sleep(0)
        return 200, {}, "from another loop"

    mock.add_callback(canned.GET, URL, callback=callback)

    async def main() -> bytes:
        return requests.get(URL, timeout=5).content  # a sync client inside async code

    assert asyncio.run(main()) == b"from another loop"
