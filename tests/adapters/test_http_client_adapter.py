"""The urllib adapter: `urllib.request` and `http.client` answered from canned's registry with
http.client's own `HTTPResponse`, parsed from the bytes a server would send; errors, redirects
and passthroughs as urllib and http.client give them, and urllib3 (which subclasses http.client's
connections) left to its own adapter."""

from __future__ import annotations

import errno
import http.client
import io
import json
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.request import urlopen  # imported by name before any mock starts, as slack_sdk does

import pytest
import requests
import urllib3
from slack_sdk import WebClient
from tests.servers import EchoHandler, QuietHandler, serving
from tests.urllib3_versions import URLLIB3_2

import canned
from canned import faults, matchers

URL = "https://api.example.test/items"
ORIGINAL_CONNECT = http.client.HTTPConnection.connect
ORIGINAL_TLS_CONNECT = http.client.HTTPSConnection.connect
ORIGINAL_GETRESPONSE = http.client.HTTPConnection.getresponse


@pytest.fixture(scope="module")
def echo_server() -> Iterator[str]:
    with serving(EchoHandler) as url:
        yield url


class KeepAliveHandler(QuietHandler):
    """Answers on a kept-alive HTTP/1.1 connection with the client's port: two answers with the
    same port came over one connection."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # http.server's naming
        body = str(self.client_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def direct_opener() -> urllib.request.OpenerDirector:
    """An opener that ignores proxy settings, for requests to the servers on 127.0.0.1."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def host_and_port(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "", parts.port or 80


class BytesSocket:
    """What an `HTTPResponse` reads a server's answer from, over fixed bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self.data))


# -- urllib.request ---------------------------------------------------------------------------------


def test_urlopen_answers_with_http_clients_own_response_as_from_a_server(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, json={"id": 7}, status=201, headers={"X-Trace": "t1"})
    with urlopen(URL) as answer:
        assert isinstance(answer, http.client.HTTPResponse)
        assert (answer.status, answer.reason, answer.url) == (201, "Created", URL)
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.headers["X-Trace"] == "t1"
        assert answer.headers["Content-Length"] == str(len(b'{"id": 7}'))
        assert json.loads(answer.read()) == {"id": 7}


def test_urlopen_imported_before_the_mock_started_is_answered_and_logged() -> None:
    imported_early = urlopen  # the name taken at import time, as a library keeps it

    @canned.activate
    def run() -> tuple[bytes, list[tuple[str, str, Any]]]:
        canned.add(canned.GET, URL, body="early")
        with imported_early(URL + "?page=2") as answer:
            body = answer.read()
            logged = [(c.request.method, c.request.url, c.response) for c in canned.calls]
            assert logged[0][2] is answer
        return body, logged

    body, [(method, url, _)] = run()
    assert (body, method, url) == (b"early", "GET", URL + "?page=2")


def test_an_opener_with_its_own_handlers_is_answered_and_its_cookies_kept(
    mock: canned.RequestsMock,
) -> None:
    class Signing(urllib.request.BaseHandler):
        def https_request(self, request: urllib.request.Request) -> urllib.request.Request:
            request.add_header("X-signature", "signed")
            return request

    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(Signing(), jar)
    mock.add(
        canned.GET,
        URL,
        body="ok",
        headers={"Set-Cookie": "session=abc; Path=/"},
        match=[matchers.header_matcher({"X-Signature": "signed"})],
    )
    with opener.open(URL) as answer:
        assert answer.read() == b"ok"
    assert [(cookie.name, cookie.value) for cookie in jar.cookiejar] == [("session", "abc")]


def test_a_bare_opener_director_with_an_https_handler_is_answered(
    mock: canned.RequestsMock,
) -> None:
    opener = urllib.request.OpenerDirector()
    opener.add_handler(urllib.request.HTTPSHandler())
    mock.add(canned.GET, URL, body="bare")
    with opener.open(URL) as answer:
        assert (answer.status, answer.read()) == (200, b"bare")


def test_an_error_status_raises_urllibs_http_error_carrying_the_body(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=404, body="no such item")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urlopen(URL)
    with raised.value as error:
        assert (error.code, error.read()) == (404, b"no such item")
    assert mock.calls[0].response.status == 404


def test_a_redirect_is_followed_by_urllibs_own_handler(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/items/new"})
    mock.add(canned.GET, URL + "/new", body="moved here")
    with urlopen(URL) as answer:
        assert (answer.url, answer.read()) == (URL + "/new", b"moved here")
    assert [call.request.url for call in mock.calls] == [URL, URL + "/new"]


def test_an_unmatched_urlopen_raises_url_error_wrapping_connection_refused_with_the_diagnosis(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL + "/1")
    with pytest.raises(urllib.error.URLError) as raised:
        urlopen(URL + "/7")
    refusal = raised.value.reason
    assert isinstance(refusal, ConnectionRefusedError)
    assert refusal.errno == errno.ECONNREFUSED
    assert "- GET https://api.example.test/items/7" in str(refusal)
    assert "Closest route: GET https://api.example.test/items/1" in str(refusal)
    assert mock.calls[0].response is refusal


def test_a_json_post_reaches_the_json_and_header_matchers(mock: canned.RequestsMock) -> None:
    mock.add(
        canned.POST,
        URL,
        status=201,
        match=[
            matchers.json_params_matcher({"name": "x"}),
            matchers.header_matcher({"Content-Type": "application/json"}, strict_match=False),
        ],
    )
    request = urllib.request.Request(
        URL, data=b'{"name": "x"}', headers={"Content-Type": "application/json"}
    )
    with urlopen(request) as answer:
        assert answer.status == 201
    sent = mock.calls[0].request
    assert (sent.method, sent.body, sent.headers["content-length"]) == (
        "POST",
        b'{"name": "x"}',
        "13",
    )


def test_a_form_post_with_a_query_reaches_the_form_and_query_matchers(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.POST,
        URL,
        match=[
            matchers.urlencoded_params_matcher({"a": "1", "b": "two words"}),
            matchers.query_param_matcher({"page": "2"}),
        ],
    )
    form = urllib.parse.urlencode({"a": "1", "b": "two words"}).encode()
    with urlopen(URL + "?page=2", data=form) as answer:
        assert answer.status == 200


def test_a_callback_sees_the_request_urllib_sent(mock: canned.RequestsMock) -> None:
    def callback(request: Any) -> tuple[int, dict[str, str], str]:
        echoed = f"{request.method} {request.url} {request.body!r} {request.params}"
        return 200, {"X-Seen": request.headers["User-Agent"]}, echoed

    mock.add_callback(canned.PUT, URL, callback=callback)
    request = urllib.request.Request(
        URL + "?v=1", data=b"payload", headers={"Content-Type": "text/plain"}, method="PUT"
    )
    with urlopen(request) as answer:
        assert answer.read() == f"PUT {URL}?v=1 b'payload' {{'v': '1'}}".encode()
        assert answer.headers["X-Seen"].startswith("Python-urllib/")


def test_an_exception_given_as_a_body_comes_out_of_urlopen_as_given(
    mock: canned.RequestsMock,
) -> None:
    failure = LookupError("the service's own failure")
    mock.add(canned.GET, URL, body=failure)
    with pytest.raises(LookupError) as raised:
        urlopen(URL)
    assert raised.value is failure
    assert mock.calls[0].response is failure


def test_a_type_error_given_as_a_body_is_raised_as_given_and_only_once(
    mock: canned.RequestsMock,
) -> None:
    failure = TypeError("bad type in the service")
    mock.add(canned.GET, URL, body=failure)
    mock.add(canned.GET, URL, body="next")
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")  # sent whole: the answer is what fails
    with pytest.raises(TypeError) as raised:
        connection.getresponse()
    assert raised.value is failure
    connection.close()
    connection.request("GET", "/items")
    assert connection.getresponse().read() == b"next"
    assert len(mock.calls) == 2


def test_a_response_callback_gets_the_response_read_up_to_its_body(
    mock: canned.RequestsMock,
) -> None:
    seen: list[tuple[int, str | None]] = []

    def callback(response: http.client.HTTPResponse) -> http.client.HTTPResponse:
        seen.append((response.status, response.getheader("Content-Length")))
        return response

    mock.response_callback = callback
    mock.add(canned.GET, URL, body="12345")
    with urlopen(URL) as answer:
        assert answer.read() == b"12345"
    assert seen == [(200, "5")]
    assert mock.calls[0].response is answer


def test_a_slack_web_client_posts_a_message_answered_by_a_route(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.POST,
        "https://slack.example.test/api/chat.postMessage",
        json={"ok": True, "channel": "C1", "ts": "1700000000.000100"},
        match=[
            matchers.json_params_matcher({"channel": "C1", "text": "deployed"}),
            matchers.header_matcher({"Authorization": "Bearer xoxb-test"}, strict_match=False),
        ],
    )
    client = WebClient(token="xoxb-test", base_url="https://slack.example.test/api/")
    answer = client.chat_postMessage(channel="C1", text="deployed")
    assert (answer.status_code, answer["ts"]) == (200, "1700000000.000100")


# -- http.client used directly ---------------------------------------------------------------------


def test_an_http_connection_reads_an_answer_in_pieces(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, "http://api.example.test:8080/data", body=b"0123456789")
    connection = http.client.HTTPConnection("api.example.test", 8080)
    connection.request("GET", "/data")
    answer = connection.getresponse()
    into = bytearray(4)
    assert (answer.read(3), answer.readinto(into), bytes(into), answer.read()) == (
        b"012",
        4,
        b"3456",
        b"789",
    )
    assert answer.isclosed()
    connection.close()


def test_one_connection_answers_request_after_request(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="first")
    mock.add(canned.GET, URL, body="second")
    connection = http.client.HTTPSConnection("api.example.test")
    bodies = []
    for _ in range(2):
        connection.request("GET", "/items")
        bodies.append(connection.getresponse().read())
    connection.close()
    assert bodies == [b"first", b"second"]


def test_an_answer_that_closes_the_connection_is_read_whole_and_the_next_request_reconnects(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="last one", headers={"Connection": "close"})
    mock.add(canned.GET, URL, body="after reconnecting")
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    answer = connection.getresponse()
    closed = connection.sock is None
    assert (closed, answer.read()) == (True, b"last one")
    connection.request("GET", "/items")
    assert connection.getresponse().read() == b"after reconnecting"
    connection.close()


def test_an_unmatched_request_raises_connection_refused_from_request(
    mock: canned.RequestsMock,
) -> None:
    connection = http.client.HTTPSConnection("api.example.test")
    with pytest.raises(ConnectionRefusedError, match=r"- DELETE https://api\.example\.test/items"):
        connection.request("DELETE", "/items")
    connection.close()


def test_an_os_error_given_as_a_body_comes_out_of_getresponse_as_given(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=socket.timeout("read timed out"))
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    with pytest.raises(socket.timeout, match="read timed out"):
        connection.getresponse()  # where a server that never answers times out
    connection.close()


def test_an_os_error_given_as_a_body_comes_out_of_urlopen_unwrapped(
    mock: canned.RequestsMock,
) -> None:
    failure = socket.timeout("read timed out")
    mock.add(canned.GET, URL, body=failure)
    with pytest.raises(socket.timeout) as raised:
        urlopen(URL)  # urlopen wraps only what fails while the request is sent
    assert raised.value is failure


def test_a_streamed_body_is_served_in_chunks_only_as_the_client_reads(
    mock: canned.RequestsMock,
) -> None:
    pulled: list[bytes] = []

    def chunks() -> Iterator[bytes]:
        for chunk in (b"data: 1\n\n", b"", b"data: 2\n\n"):
            pulled.append(chunk)
            yield chunk

    mock.add(canned.GET, URL, body=chunks())
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    answer = connection.getresponse()
    assert (answer.getheader("Transfer-Encoding"), pulled) == ("chunked", [])
    assert (answer.read(4), pulled) == (b"data", [b"data: 1\n\n"])
    assert answer.read() == b": 1\n\ndata: 2\n\n"
    connection.close()


def test_bytes_the_route_declares_chunked_are_sent_in_chunks(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=b"whole", headers={"Transfer-Encoding": "chunked"})
    with urlopen(URL) as answer:
        assert (answer.chunked, answer.read()) == (True, b"whole")


def test_a_file_body_is_streamed_in_chunks_or_as_it_is_with_a_given_length(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=io.BytesIO(b"from a file"))
    mock.add(canned.GET, URL, body=io.BytesIO(b"sized"), headers={"Content-Length": "5"})
    with urlopen(URL) as chunked, urlopen(URL) as sized:
        assert (chunked.chunked, chunked.read()) == (True, b"from a file")
        assert (sized.chunked, sized.length, sized.read()) == (False, 5, b"sized")


def test_a_content_length_the_route_gives_is_sent_once_as_given(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"12345", headers={"Content-Length": "5"})
    with urlopen(URL) as answer:
        assert (answer.headers.get_all("Content-Length"), answer.read()) == (["5"], b"12345")


def test_a_body_shorter_than_its_content_length_ends_in_incomplete_read(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"abc", headers={"Content-Length": "10"})
    with urlopen(URL) as answer, pytest.raises(http.client.IncompleteRead) as raised:
        answer.read()
    assert raised.value.partial == b"abc"


def test_a_head_request_gets_the_headers_and_no_body(mock: canned.RequestsMock) -> None:
    mock.add(canned.HEAD, URL, body="twelve bytes")
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("HEAD", "/items")
    answer = connection.getresponse()
    assert (answer.getheader("Content-Length"), answer.read()) == ("12", b"")
    connection.request("HEAD", "/items")  # the connection is free again
    assert connection.getresponse().status == 200
    connection.close()


def test_a_status_without_a_known_reason_comes_with_an_empty_reason(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=599)
    with pytest.raises(urllib.error.HTTPError) as raised:
        urlopen(URL)
    with raised.value as error:
        assert (error.code, error.reason) == (599, "")


def test_header_values_reach_the_client_as_a_server_sends_them(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, headers={"X-Latin": "café", "X-Mark": "✓"})
    with urlopen(URL) as answer:
        assert answer.headers["X-Latin"] == "café"
        assert answer.headers["X-Mark"].encode("latin-1").decode("utf-8") == "✓"


def test_an_async_iterator_body_is_refused_with_a_type_error(mock: canned.RequestsMock) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"never read"

    body = chunks()
    mock.add(canned.GET, URL, body=body)
    with pytest.raises(TypeError, match="urllib cannot read an async iterator body"):
        urlopen(URL)
    body.aclose().close()  # never started: nothing to await


def test_a_custom_routes_own_http_response_is_returned_as_it_is(
    mock: canned.RequestsMock,
) -> None:
    own = http.client.HTTPResponse(BytesSocket(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nown"))  # type: ignore[arg-type]

    class OwnAnswer(canned.BaseResponse):
        def get_response(self, request: Any) -> http.client.HTTPResponse:
            return own

    mock.add(OwnAnswer(canned.GET, URL))
    with urlopen(URL) as answer:
        assert answer is own
        assert answer.read() == b"own"


def test_a_request_built_with_putrequest_is_answered_once_its_body_has_arrived(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, body="stored")
    connection = http.client.HTTPSConnection("api.example.test")
    connection.putrequest("POST", "/items")
    connection.putheader("Content-Length", "6")
    connection.putheader("X-Part", "a")
    connection.putheader("x-part", "b")
    connection.endheaders()
    connection.send(b"pay")
    logged_before_the_end = len(mock.calls)
    connection.send(b"load")
    assert (logged_before_the_end, connection.getresponse().read()) == (0, b"stored")
    sent = mock.calls[0].request
    assert (sent.body, sent.headers["X-Part"]) == (b"payloa", "a, b")
    connection.close()


def test_a_chunked_upload_is_read_as_a_server_reads_it(mock: canned.RequestsMock) -> None:
    mock.add(canned.POST, URL, match=[matchers.json_params_matcher({"id": 1})])
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("POST", "/items", body=iter([b'{"id"', b": 1}"]))
    assert connection.getresponse().status == 200
    sent = mock.calls[0].request
    assert (sent.headers["Transfer-Encoding"], sent.body) == ("chunked", b'{"id": 1}')
    connection.close()


def test_a_chunked_upload_arriving_in_fragments_with_trailers_is_read_whole(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL)
    connection = http.client.HTTPSConnection("api.example.test")
    connection.putrequest("POST", "/items")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    for fragment in (b"3", b";ext=1\r\nab", b"c\r\n", b"0\r\nX-Checksum: 1", b"\r\n\r\n"):
        assert len(mock.calls) == 0
        connection.send(fragment)
    assert connection.getresponse().status == 200
    assert mock.calls[0].request.body == b"abc"
    connection.close()


def test_raw_bytes_sent_on_a_connection_are_read_as_a_server_reads_them(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL)
    connection = http.client.HTTPSConnection("api.example.test")
    connection.send(b"GET /items HTTP/1.1\r\nHost: api.example.test\r\n")
    logged_before_the_blank_line = len(mock.calls)
    connection.send(b"\r\n")
    connection.close()
    assert (logged_before_the_blank_line, mock.calls[0].request.url) == (0, URL)


def test_getresponse_on_an_incomplete_request_times_out_as_a_waiting_server_would(
    mock: canned.RequestsMock,
) -> None:
    connection = http.client.HTTPSConnection("api.example.test")
    connection.putrequest("POST", "/items")
    connection.putheader("Content-Length", "10")
    connection.endheaders(b"short")
    with pytest.raises(socket.timeout, match="the request sent on it is not complete"):
        connection.getresponse()
    connection.close()
    assert len(mock.calls) == 0


@pytest.mark.parametrize(
    ("connection", "target", "url"),
    [
        (http.client.HTTPConnection("::1", 8080), "/x", "http://[::1]:8080/x"),
        (http.client.HTTPSConnection("api.example.test", 443), "/x", "https://api.example.test/x"),
        (http.client.HTTPConnection("proxy.test", 3128), "http://a.test/x", "http://a.test/x"),
    ],
    ids=["ipv6-and-port", "default-port", "absolute-target-for-a-proxy"],
)
def test_the_url_is_built_as_a_server_reads_it(
    mock: canned.RequestsMock, connection: http.client.HTTPConnection, target: str, url: str
) -> None:
    mock.add(canned.GET, url)
    connection.request("GET", target)
    assert connection.getresponse().status == 200
    assert mock.calls[0].request.url == url
    connection.close()


def test_a_tunnel_through_a_proxy_is_matched_by_the_host_it_leads_to(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, "https://api.example.test:8443/x", body="tunnelled")
    connection = http.client.HTTPSConnection("proxy.test", 3128)
    connection.set_tunnel("api.example.test", 8443)
    connection.request("GET", "/x")
    assert connection.getresponse().read() == b"tunnelled"
    connection.close()


# -- passthrough and the layers above ------------------------------------------------------------


def test_an_add_passthru_prefix_reaches_a_real_server_unrecorded(
    mock: canned.RequestsMock, echo_server: str
) -> None:
    mock.add_passthru(echo_server)
    with direct_opener().open(echo_server + "/hello") as answer:
        assert (answer.status, answer.read()) == (200, b"GET /hello")
    assert len(mock.calls) == 0


def test_a_passthrough_route_sends_the_body_and_logs_the_servers_response(
    mock: canned.RequestsMock, echo_server: str
) -> None:
    mock.add(canned.PassthroughResponse(canned.POST, echo_server + "/echo"))
    with direct_opener().open(echo_server + "/echo", data=b"sent for real") as answer:
        assert answer.read() == b"sent for real"
        assert mock.calls[0].response is answer


def test_a_chunked_upload_passes_through_as_it_was_sent(
    mock: canned.RequestsMock, echo_server: str
) -> None:
    mock.add_passthru(echo_server)
    connection = http.client.HTTPConnection(*host_and_port(echo_server))
    connection.request("POST", "/", body=iter([b"in ", b"chunks"]))
    assert connection.getresponse().read() == b"in chunks"
    connection.close()


def test_an_https_passthrough_really_connects_and_speaks_tls(
    mock: canned.RequestsMock, echo_server: str
) -> None:
    host, port = host_and_port(echo_server)
    mock.add_passthru(f"https://{host}:{port}")
    connection = http.client.HTTPSConnection(
        host, port, timeout=10, context=ssl.create_default_context()
    )
    with pytest.raises(ssl.SSLError):  # the echo server speaks plain HTTP: TLS fails for real
        connection.request("GET", "/")
    connection.close()


def test_passthroughs_on_one_connection_reuse_its_real_socket(
    mock: canned.RequestsMock,
) -> None:
    with serving(KeepAliveHandler) as url:
        mock.add_passthru(url)
        mock.add(canned.GET, url + "/canned", body="canned")
        connection = http.client.HTTPConnection(*host_and_port(url))
        answers = []
        for path in ("/a", "/canned", "/b"):
            connection.request("GET", path)
            answers.append(connection.getresponse().read())
        connection.close()
    first_port, canned_answer, second_port = answers
    assert (canned_answer, first_port) == (b"canned", second_port)


def test_a_connection_opened_inside_a_mock_goes_to_the_network_after_it_stops(
    echo_server: str,
) -> None:
    connection = http.client.HTTPConnection(*host_and_port(echo_server))
    with canned.RequestsMock():
        connection.connect()
    connection.request("GET", "/after")
    assert connection.getresponse().read() == b"GET /after"
    connection.close()


def test_requests_passthrough_to_a_real_server_still_works(
    mock: canned.RequestsMock, echo_server: str
) -> None:
    mock.add_passthru(echo_server)
    with requests.Session() as session:
        session.trust_env = False
        assert session.get(echo_server + "/via-requests").text == "GET /via-requests"


def test_urllib3_connections_are_left_to_urllib3(
    mock: canned.RequestsMock, echo_server: str
) -> None:
    connection = urllib3.connection.HTTPConnection(*host_and_port(echo_server))
    connection.request("GET", "/via-urllib3")
    answer = connection.getresponse()
    # urllib3 2's connection gives its own answer, read already; 1.26's gives http.client's
    body = answer.data if URLLIB3_2 else answer.read()
    connection.close()
    assert body == b"GET /via-urllib3"
    assert len(mock.calls) == 0


def test_the_seams_are_patched_only_while_a_mock_is_active() -> None:
    def seams() -> tuple[Any, Any, Any]:
        return (
            http.client.HTTPConnection.connect,
            http.client.HTTPSConnection.connect,
            http.client.HTTPConnection.getresponse,
        )

    with canned.RequestsMock():
        during = seams()
    assert all(patched is not original for patched, original in zip(during, seams()))
    assert seams() == (ORIGINAL_CONNECT, ORIGINAL_TLS_CONNECT, ORIGINAL_GETRESPONSE)


# -- faults and latency ----------------------------------------------------------------------------

CONNECT_FAULTS = pytest.mark.parametrize(
    ("fault", "error_class", "error_number"),
    [
        (faults.connect_timeout(), socket.timeout, None),  # TimeoutError from Python 3.10
        (faults.connection_refused(), ConnectionRefusedError, errno.ECONNREFUSED),
        (faults.dns_failure(), socket.gaierror, socket.EAI_NONAME),
    ],
    ids=["connect_timeout", "connection_refused", "dns_failure"],
)
READ_FAULTS = pytest.mark.parametrize(
    ("fault", "error_class", "error_number"),
    [
        (faults.read_timeout(), socket.timeout, None),
        (faults.connection_reset(), ConnectionResetError, errno.ECONNRESET),
    ],
    ids=["read_timeout", "connection_reset"],
)


def message_of(error: BaseException) -> str:
    """The text an OSError carries: its `strerror` when it has an errno, else its argument."""
    return getattr(error, "strerror", None) or str(error)


@CONNECT_FAULTS
def test_a_connect_fault_is_raised_from_request_as_http_clients_connection_error(
    mock: canned.RequestsMock,
    fault: faults.Fault,
    error_class: type[BaseException],
    error_number: int | None,
) -> None:
    mock.add(canned.GET, URL, body=fault)
    connection = http.client.HTTPSConnection("api.example.test")
    with pytest.raises(error_class) as raised:
        connection.request("GET", "/items")  # where http.client connects
    connection.close()
    assert type(raised.value) is error_class
    assert (raised.value.errno, message_of(raised.value)) == (error_number, fault.message)
    assert mock.calls[0].response is raised.value


@CONNECT_FAULTS
def test_urlopen_wraps_a_connect_fault_in_url_error_as_it_wraps_a_real_one(
    mock: canned.RequestsMock,
    fault: faults.Fault,
    error_class: type[BaseException],
    error_number: int | None,
) -> None:
    mock.add(canned.GET, URL, body=fault)
    with pytest.raises(urllib.error.URLError) as raised:
        urlopen(URL)
    reason = raised.value.reason
    assert type(raised.value) is urllib.error.URLError
    assert type(reason) is error_class
    assert message_of(reason) == fault.message  # type: ignore[arg-type]  # an OSError here
    assert mock.calls[0].response is reason


@READ_FAULTS
def test_a_read_fault_lets_request_return_and_is_raised_from_getresponse(
    mock: canned.RequestsMock,
    fault: faults.Fault,
    error_class: type[BaseException],
    error_number: int | None,
) -> None:
    mock.add(canned.GET, URL, body=fault)
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")  # sent whole: reading the answer is what fails
    with pytest.raises(error_class) as raised:
        connection.getresponse()
    connection.close()
    assert type(raised.value) is error_class
    assert (raised.value.errno, message_of(raised.value)) == (error_number, fault.message)
    assert mock.calls[0].response is raised.value


@READ_FAULTS
def test_urlopen_lets_a_read_fault_out_unwrapped_as_it_does_a_real_one(
    mock: canned.RequestsMock,
    fault: faults.Fault,
    error_class: type[BaseException],
    error_number: int | None,
) -> None:
    mock.add(canned.GET, URL, body=fault)
    with pytest.raises(error_class) as raised:
        urlopen(URL)
    assert type(raised.value) is error_class
    assert message_of(raised.value) == fault.message


def test_after_a_reset_http_client_closes_the_connection_and_the_next_request_reconnects(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.connection_reset())
    mock.add(canned.GET, URL, body="after the reset")
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    with pytest.raises(ConnectionResetError):
        connection.getresponse()
    assert connection.sock is None  # closed by http.client, as after a real reset
    connection.request("GET", "/items")  # no close() needed: it connects again
    assert connection.getresponse().read() == b"after the reset"
    connection.close()


def test_after_a_read_timeout_the_connection_still_waits_for_that_answer_as_http_client_does(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.read_timeout())
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    with pytest.raises(socket.timeout):
        connection.getresponse()
    with pytest.raises(http.client.CannotSendRequest):
        connection.request("GET", "/items")  # http.client: the answer never came
    connection.close()


def test_a_malformed_answer_fails_in_http_clients_own_parser_with_bad_status_line(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.malformed())
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    with pytest.raises(http.client.BadStatusLine) as raised:
        connection.getresponse()
    connection.close()
    assert type(raised.value) is http.client.BadStatusLine
    assert str(raised.value) == raised.value.line == faults.malformed().message
    assert mock.calls[0].response is raised.value


def test_urlopen_lets_a_malformed_answers_bad_status_line_out_unwrapped(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.malformed())
    with pytest.raises(http.client.BadStatusLine, match=r"^canned fault: the answer is not HTTP$"):
        urlopen(URL)


def test_a_response_class_that_reads_anything_still_gets_bad_status_line_for_malformed(
    mock: canned.RequestsMock,
) -> None:
    class Lenient(http.client.HTTPResponse):
        def begin(self) -> None:
            """Takes any first line as a status line, and assumes the rest."""
            self.fp.readline()
            self.status, self.will_close, self.length = 200, True, 0

    class LenientConnection(http.client.HTTPSConnection):
        response_class = Lenient

    mock.add(canned.GET, URL, body=faults.malformed())
    connection = LenientConnection("api.example.test")
    connection.request("GET", "/items")
    with pytest.raises(http.client.BadStatusLine, match=r"^canned fault: the answer is not HTTP$"):
        connection.getresponse()
    connection.close()


def test_a_truncated_body_read_whole_by_urlopen_ends_in_incomplete_read(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"0123456789", faults=faults.truncated(after=4))
    with urlopen(URL) as answer:
        length = answer.headers["Content-Length"]
        with pytest.raises(http.client.IncompleteRead) as raised:
            answer.read()
    assert (length, raised.value.partial, raised.value.expected) == ("10", b"0123", 6)


def test_a_truncated_body_gives_its_first_bytes_then_read_raises_incomplete_read(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"0123456789", faults=faults.truncated(after=4))
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    answer = connection.getresponse()
    assert answer.read(3) == b"012"
    with pytest.raises(http.client.IncompleteRead) as raised:
        answer.read()
    connection.close()
    assert (raised.value.partial, raised.value.expected) == (b"3", 6)


def test_a_truncated_streamed_body_read_in_pieces_ends_early_as_http_client_reads_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=iter([b"0123", b"456789"]), faults=faults.truncated(after=5))
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    answer = connection.getresponse()
    # http.client's `read(n)` raises nothing at a short body's end ("it might break
    # compatibility"): it returns the bytes that came, then b"", and closes the answer.
    pieces = [answer.read(3) for _ in range(4)]
    connection.close()
    assert (pieces, answer.isclosed()) == ([b"012", b"34", b"", b""], True)


def test_latency_under_the_connections_timeout_answers(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="in time", latency=0.5)
    with urlopen(URL, timeout=1) as answer:  # no real time passes
        assert answer.read() == b"in time"


def test_latency_over_urlopens_timeout_is_its_read_timeout_from_getresponse(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="too late", latency=3.0)
    with pytest.raises(socket.timeout, match=r"^canned fault: .*\(read timeout\)$") as raised:
        urlopen(URL, timeout=1)
    assert mock.calls[0].response is raised.value


def test_latency_over_a_connections_own_timeout_times_out_in_getresponse(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="too late", latency=(2.0, 3.0))
    connection = http.client.HTTPSConnection("api.example.test", timeout=1.5)
    connection.request("GET", "/items")
    with pytest.raises(socket.timeout, match=r"\(read timeout\)$"):
        connection.getresponse()
    connection.close()


def test_without_a_timeout_any_latency_is_waited_for(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="eventually", latency=3600.0)
    with urlopen(URL) as answer, urlopen(URL, timeout=None) as forever:
        assert (answer.read(), forever.read()) == (b"eventually", b"eventually")


def test_the_sockets_default_timeout_applies_when_urlopen_is_given_none(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="too late", latency=3.0)
    socket.setdefaulttimeout(1.0)
    try:
        with pytest.raises(socket.timeout, match=r"\(read timeout\)$"):
            urlopen(URL)
    finally:
        socket.setdefaulttimeout(None)


def test_chaos_gives_urlopen_the_fault_it_injects() -> None:
    chaos = faults.Chaos(1.0, faults.connection_reset(), seed=7)
    with canned.RequestsMock(chaos=chaos) as mock:
        mock.add(canned.GET, URL, body="never")
        with pytest.raises(ConnectionResetError, match="reset by the server"):
            urlopen(URL)


def test_a_slack_web_client_meeting_a_read_timeout_raises_it_without_retrying(
    mock: canned.RequestsMock,
) -> None:
    # slack_sdk retries only URLError, ConnectionResetError and RemoteDisconnected, and wraps
    # nothing else: a read timeout comes out of the call as the socket's own timeout.
    mock.add(
        canned.POST,
        "https://slack.example.test/api/chat.postMessage",
        json={"ok": True},
        latency=31.0,
    )
    client = WebClient(token="xoxb-test", base_url="https://slack.example.test/api/", timeout=30)
    with pytest.raises(socket.timeout, match=r"\(read timeout\)$"):
        client.chat_postMessage(channel="C1", text="deployed")
    assert len(mock.calls) == 1


def test_an_interrupted_read_given_as_a_body_ends_the_connection_instead_of_hanging(
    mock: canned.RequestsMock,
) -> None:
    # Python's buffered reader retries a read that fails with EINTR: the second read ends it
    mock.add(canned.GET, URL, body=InterruptedError(errno.EINTR, "interrupted"))
    with pytest.raises(http.client.RemoteDisconnected):
        urlopen(URL)


class HangUpHandler(QuietHandler):
    """Reads the request, then closes the connection without a word."""

    def do_GET(self) -> None:  # http.server's naming
        self.close_connection = True


def test_a_passthrough_whose_server_hangs_up_fails_in_getresponse_as_without_canned(
    mock: canned.RequestsMock,
) -> None:
    with serving(HangUpHandler) as url:
        mock.add_passthru(url)
        with pytest.raises(http.client.RemoteDisconnected):  # unwrapped: urlopen lets it out
            direct_opener().open(url + "/x")


def test_a_response_class_set_on_a_connection_stays_after_an_answer(
    mock: canned.RequestsMock,
) -> None:
    class Noted(http.client.HTTPResponse):
        pass

    mock.add(canned.GET, URL, body="a")
    connection = http.client.HTTPSConnection("api.example.test")
    connection.response_class = Noted
    connection.request("GET", "/items")
    connection.getresponse().read()
    assert connection.response_class is Noted
    connection.close()


def test_a_connected_socket_takes_the_options_callers_set_on_it(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="a")
    connection = http.client.HTTPSConnection("api.example.test")
    connection.connect()
    connection.sock.settimeout(3)
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    assert connection.sock.gettimeout() == 3
    with pytest.raises(OSError, match="no socket descriptor"):
        connection.sock.fileno()
    connection.request("GET", "/items")
    assert connection.getresponse().read() == b"a"
    connection.close()


@pytest.mark.parametrize("status", [204, 304])
def test_an_answer_without_a_body_sends_none_so_the_next_answer_on_the_connection_is_read_whole(
    mock: canned.RequestsMock, status: int
) -> None:
    mock.add(canned.GET, URL, status=status, body="ignored by a server")
    mock.add(canned.GET, URL + "/next", body="next")
    connection = http.client.HTTPSConnection("api.example.test")
    connection.request("GET", "/items")
    first = connection.getresponse()
    assert (first.status, first.read(), first.getheader("Content-Length")) == (status, b"", None)
    connection.request("GET", "/items/next")
    assert connection.getresponse().read() == b"next"
    connection.close()
