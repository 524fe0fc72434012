"""Behaviours of the urllib adapter (`http.client` answered by canned) that users rely on and no
other test pinned: a header value holding colons, a path whose query holds a URL, a request's
head and body arriving in one piece, an empty Content-Length, a chunked upload read as a server
reads it (chunk sizes in hexadecimal, the request's end found exactly, trailers skipped, what
follows kept for the next request), the refusal of a socket descriptor in its own words,
`set_debuglevel` on a HEAD request, and a response class made with the arguments http.client
itself gives it."""

from __future__ import annotations

import http.client
from typing import Any

import pytest

import canned
from canned import matchers

URL = "https://api.example.test/items"
HOST = "api.example.test"


def chunked_post(connection: http.client.HTTPConnection) -> None:
    """Start a chunked POST to /items: its head is sent, its body is sent by the test."""
    connection.putrequest("POST", "/items")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()


def test_a_chunked_upload_with_long_chunks_reads_their_sizes_as_hexadecimal(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, body="stored")
    connection = http.client.HTTPSConnection(HOST)
    chunks = [b"a" * 10, b"b" * 26, b"c" * 300]  # sizes A, 1A and 12C, as http.client writes them
    connection.request("POST", "/items", body=iter(chunks))
    assert connection.getresponse().read() == b"stored"
    connection.close()
    assert mock.calls[0].request.body == b"".join(chunks)


def test_bytes_after_a_chunked_request_are_the_start_of_the_next_one(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, body="posted")
    mock.add(canned.GET, URL + "/2", body="second")
    connection = http.client.HTTPSConnection(HOST)
    chunked_post(connection)
    connection.send(b"3\r\nabc\r\n0\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: api.example.test\r\n")
    answered_at_its_last_chunk = len(mock.calls)
    assert connection.getresponse().read() == b"posted"
    connection.send(b"\r\n")  # the next request's head is complete
    connection.close()
    first, second = mock.calls
    assert answered_at_its_last_chunk == 1
    assert (first.request.method, first.request.body) == ("POST", b"abc")
    assert (second.request.method, second.request.url) == ("GET", URL + "/2")


def test_a_chunked_requests_trailers_end_at_their_blank_line_and_the_next_request_follows(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, body="posted")
    mock.add(canned.POST, URL + "/2", body="second")
    connection = http.client.HTTPSConnection(HOST)
    chunked_post(connection)
    connection.send(
        b"3\r\nabc\r\n0\r\nX-Checksum: 1\r\n\r\n"
        b"POST /items/2 HTTP/1.1\r\nHost: api.example.test\r\nContent-Length: 3\r\n\r\nxy"
    )
    answered_at_its_trailers_end = len(mock.calls)
    assert connection.getresponse().read() == b"posted"
    connection.send(b"z")  # the next request's body is complete
    connection.close()
    first, second = mock.calls
    assert answered_at_its_trailers_end == 1
    assert (first.request.url, first.request.body) == (URL, b"abc")
    assert (second.request.method, second.request.url, second.request.body) == (
        "POST",
        URL + "/2",
        b"xyz",
    )


def test_a_canned_connection_refuses_its_socket_descriptor_in_its_own_words(
    mock: canned.RequestsMock,
) -> None:
    connection = http.client.HTTPSConnection(HOST)
    connection.connect()
    with pytest.raises(OSError, match="no socket descriptor") as raised:
        connection.sock.fileno()
    connection.close()
    assert str(raised.value) == "canned answers this connection: it has no socket descriptor"


def test_set_debuglevel_on_a_head_request_prints_the_answer_and_reads_no_body(
    mock: canned.RequestsMock, capsys: pytest.CaptureFixture[str]
) -> None:
    mock.add(canned.HEAD, URL, body="twelve bytes")
    connection = http.client.HTTPSConnection(HOST)
    connection.set_debuglevel(1)
    connection.request("HEAD", "/items")
    answer = connection.getresponse()
    assert (answer.getheader("Content-Length"), answer.read()) == ("12", b"")
    connection.request("HEAD", "/items")  # the connection is free again
    assert connection.getresponse().read() == b""
    connection.close()
    assert "reply: 'HTTP/1.1 200 OK\\r\\n'" in capsys.readouterr().out


def test_a_header_value_holding_colons_reaches_the_request_whole(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.GET,
        URL,
        match=[matchers.header_matcher({"X-Window": "09:00-17:30"}, strict_match=False)],
    )
    connection = http.client.HTTPSConnection(HOST)
    connection.request("GET", "/items", headers={"X-Window": "09:00-17:30"})
    assert connection.getresponse().status == 200
    connection.close()
    assert mock.calls[0].request.headers["X-Window"] == "09:00-17:30"


def test_a_path_whose_query_holds_a_url_is_still_a_path_on_the_connections_host(
    mock: canned.RequestsMock,
) -> None:
    url = URL + "?next=https://other.test/page"
    mock.add(canned.GET, url, body="paged")
    connection = http.client.HTTPSConnection(HOST)
    connection.request("GET", "/items?next=https://other.test/page")
    assert connection.getresponse().read() == b"paged"
    connection.close()
    assert mock.calls[0].request.url == url


def test_a_request_sent_in_one_piece_ends_its_head_at_the_first_blank_line(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL)
    connection = http.client.HTTPSConnection(HOST)
    connection.send(
        b"POST /items HTTP/1.1\r\nHost: api.example.test\r\nContent-Length: 6\r\n\r\n"
        b"a\r\n\r\nb"  # a body holding a blank line of its own
    )
    connection.close()
    [call] = mock.calls
    assert (call.request.url, call.request.body) == (URL, b"a\r\n\r\nb")
    assert call.request.headers["Content-Length"] == "6"


def test_a_response_class_taking_what_http_client_gives_it_is_made_as_http_client_makes_it(
    mock: canned.RequestsMock,
) -> None:
    made: list[str | None] = []

    class Minimal(http.client.HTTPResponse):
        # http.client passes the debug level only when it is set: (sock, method=...) otherwise
        def __init__(self, sock: Any, method: str | None = None) -> None:
            made.append(method)
            super().__init__(sock, method=method)

    class MinimalConnection(http.client.HTTPSConnection):
        response_class = Minimal

    mock.add(canned.GET, URL, body="minimal")
    connection = MinimalConnection(HOST)
    connection.request("GET", "/items")
    answer = connection.getresponse()
    assert (type(answer), answer.read(), made) == (Minimal, b"minimal", ["GET"])
    connection.close()


def test_an_empty_content_length_counts_as_none_so_the_request_ends_with_its_head(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, body="no body")
    connection = http.client.HTTPSConnection(HOST)
    connection.putrequest("POST", "/items")
    connection.putheader("Content-Length", "")  # read as http.client reads one in an answer
    connection.endheaders()
    assert connection.getresponse().read() == b"no body"
    connection.close()
    assert mock.calls[0].request.body is None
