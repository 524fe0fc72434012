"""Behaviours of the urllib3 adapter that no other test pinned: bodies that can only be read or
come with empty chunks, header values that are not text, the connection a connection error
names, the socket error a timeout is met while handling, what a Retry of one's own is asked,
what each redirect or retry hop carries on (method, body, headers, options) and notes in the
Retry's history, what a passed-through request hands the real urlopen, and what a recording
keeps of an unread answer and hands on."""

from __future__ import annotations

import gzip
import json
import socket
from collections.abc import Iterator
from typing import Any, Callable, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3
from tests.adapters.test_pinned_requests_adapter import ReadOnly
from tests.adapters.test_snapshots import (
    JSON,
    PLAIN,
    Answers,
    expected_reply,
    recorded,
    urllib3_unread,
    without_canned_and_recorded,
)
from tests.adapters.test_urllib3_adapter import URL, fault_route
from tests.servers import QuietHandler, serving
from tests.urllib3_versions import URLLIB3_2, raised_while_handling
from urllib3 import HTTPConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HostChangedError,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

import canned
from canned import faults
from canned._adapters import urllib3 as urllib3_adapter
from canned.matchers import body_matcher, header_matcher

T = TypeVar("T")

ORIGIN = "https://api.example.test"
# A file that is gzip already, served with `Content-Encoding: gzip` on top: read once decoded,
# it is still the gzip file.
GZIP_FILE = gzip.compress(PLAIN, mtime=0)
TWICE_GZIPPED = gzip.compress(GZIP_FILE, mtime=0)
THIRD = len(GZIP_FILE) // 3
GZIP_CHUNKS = (GZIP_FILE[:THIRD], GZIP_FILE[THIRD : 2 * THIRD], GZIP_FILE[2 * THIRD :])


def a_pool() -> urllib3.HTTPSConnectionPool:
    return urllib3.HTTPSConnectionPool("api.example.test")


def connection_named(error: BaseException) -> Any:
    """The connection a urllib3 connection error names: its `conn` on urllib3 2, its `pool` on
    urllib3 1.26 (where that is the connection too); a `ConnectTimeoutError`'s first argument."""
    if type(error) is ConnectTimeoutError:
        return error.args[0]
    return error.conn if URLLIB3_2 else error.pool  # type: ignore[attr-defined]  # urllib3's own


def hops(answer: Any) -> list[tuple[Any, ...]]:
    """Each hop the Retry handed on with `answer` noted: method, URL, status, redirect."""
    assert answer.retries is not None
    return [
        (hop.method, hop.url, hop.status, hop.redirect_location) for hop in answer.retries.history
    ]


# -- bodies and headers as matchers see them -----------------------------------------------------


def test_a_body_that_can_only_be_read_is_read_once_and_matched(mock: canned.RequestsMock) -> None:
    mock.add(canned.PUT, URL, match=[body_matcher("only read")])
    with a_pool() as pool:
        assert pool.urlopen("PUT", "/r", body=ReadOnly(b"only read")).status == 200
    assert mock.calls[0].request.body == b"only read"


def test_empty_chunks_of_a_body_given_in_chunks_add_nothing(mock: canned.RequestsMock) -> None:
    # urllib3 skips an empty chunk: it would end the chunked body
    mock.add(canned.POST, URL)
    with a_pool() as pool:
        pool.urlopen("POST", "/r", body=iter([b"", b"ab", b"", b"cd", b""]))
    assert mock.calls[0].request.body == b"abcd"


def test_header_values_given_as_bytes_numbers_and_text_together_are_matched_as_text(
    mock: canned.RequestsMock,
) -> None:
    # http.client sends a number as its digits, bytes as they are
    expected = {"X-Key": "k1", "X-Count": "3", "X-Name": "ada"}
    mock.add(canned.GET, URL, match=[header_matcher(expected)])
    with a_pool() as pool:
        headers = {"X-Key": b"k1", "X-Count": 3, "X-Name": "ada"}
        assert pool.urlopen("GET", "/r", headers=headers).status == 200


# -- what a connection error names and meets --------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "raised"),
    [
        (faults.connection_refused(), NewConnectionError),
        (faults.connect_timeout(), ConnectTimeoutError),
        (faults.dns_failure(), NewConnectionError),  # NameResolutionError is one, on urllib3 2
    ],
    ids=["refused", "connect-timeout", "dns"],
)
def test_a_connection_fault_names_a_connection_to_the_pools_own_host_and_port(
    mock: canned.RequestsMock, fault: faults.Fault, raised: type[Exception]
) -> None:
    mock.add(canned.GET, "http://api.example.test:8080/r", body=fault)
    with (
        urllib3.HTTPConnectionPool("api.example.test", 8080) as pool,
        pytest.raises(raised) as error,
    ):
        pool.urlopen("GET", "/r", retries=False)
    connection = connection_named(error.value)
    assert (connection.host, connection.port) == ("api.example.test", 8080)


def test_an_unmatched_request_names_a_connection_to_the_pools_own_port(
    mock: canned.RequestsMock,
) -> None:
    with (
        urllib3.HTTPConnectionPool("api.example.test", 8080) as pool,
        pytest.raises(MaxRetryError) as raised,
    ):
        pool.urlopen("GET", "/r")
    assert connection_named(raised.value.reason).port == 8080


def test_under_urllib3_1_a_dns_failure_names_the_connection_it_could_not_make(
    mock: canned.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(urllib3.exceptions, "NameResolutionError", raising=False)  # as 1 lacks it
    fault_route(mock, faults.dns_failure())
    with a_pool() as pool, pytest.raises(NewConnectionError) as raised:
        pool.urlopen("GET", "/r", retries=False)
    connection = connection_named(raised.value)
    assert (connection.host, connection.port) == ("api.example.test", 443)
    assert str(raised.value).startswith(f"{connection}: Failed to establish a new connection: ")


@pytest.mark.parametrize(
    ("fault", "raised"),
    [(faults.connect_timeout(), ConnectTimeoutError), (faults.read_timeout(), ReadTimeoutError)],
    ids=["connect", "read"],
)
def test_a_timeout_is_met_while_handling_the_sockets_own_timed_out(
    mock: canned.RequestsMock, fault: faults.Fault, raised: type[Exception]
) -> None:
    fault_route(mock, fault)
    with a_pool() as pool, pytest.raises(raised) as error:
        pool.urlopen("GET", "/r", retries=False)
    met = raised_while_handling(error.value)
    assert isinstance(met, socket.timeout)
    assert met.args == ("timed out",)  # as a socket says it
    assert str(met) == "timed out"


def test_under_urllib3_1_a_fault_is_raised_while_handling_the_socket_error_not_from_it(
    mock: canned.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(urllib3_adapter, "URLLIB3_1", True)  # on urllib3 1.26 it is already
    fault_route(mock, faults.connection_refused())
    with a_pool() as pool, pytest.raises(NewConnectionError) as raised:
        pool.urlopen("GET", "/r", retries=False)
    assert isinstance(raised.value.__context__, ConnectionRefusedError)
    assert raised.value.__cause__ is None


def test_a_retry_of_ones_own_is_asked_with_the_method_and_url_of_a_refused_request(
    mock: canned.RequestsMock,
) -> None:
    asked: list[tuple[Any, Any]] = []

    class NotingRetry(Retry):
        def increment(self, method: Any = None, url: Any = None, *args: Any, **kwargs: Any) -> Any:
            asked.append((method, url))
            return super().increment(method, url, *args, **kwargs)

    with a_pool() as pool, pytest.raises(MaxRetryError):
        pool.urlopen("DELETE", "/r?q=1", retries=NotingRetry(total=2))
    assert asked == [("DELETE", "/r?q=1")]


# -- what each hop carries on and notes ------------------------------------------------------


def test_each_redirect_hop_is_noted_in_the_history_with_the_method_that_follows_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, status=303, headers={"Location": "/done"})
    mock.add(canned.GET, f"{ORIGIN}/done", status=302, headers={"Location": "/final"})
    mock.add(canned.GET, f"{ORIGIN}/final", body=b"here")
    with a_pool() as pool:
        answer = pool.urlopen("POST", "/r", body=b"{}")
    assert answer.data == b"here"
    assert hops(answer) == [("GET", "/r", 303, "/done"), ("GET", "/done", 302, "/final")]


@pytest.mark.usefixtures("no_sleep")
def test_each_status_retry_is_noted_in_the_history_with_its_method_and_url(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.PUT, f"{URL}?q=1", status=503, times=2)
    mock.add(canned.PUT, f"{URL}?q=1", status=204)
    with a_pool() as pool:
        answer = pool.urlopen("PUT", "/r?q=1", retries=Retry(total=3, status_forcelist=[503]))
    assert answer.status == 204
    assert hops(answer) == [("PUT", "/r?q=1", 503, None), ("PUT", "/r?q=1", 503, None)]


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize(
    ("status", "retries", "reason"),
    [
        (302, Retry(redirect=1), "too many redirects"),
        (500, Retry(total=1, status_forcelist=[500]), "too many 500 error responses"),
    ],
    ids=["redirects", "statuses"],
)
def test_a_used_up_retry_raises_max_retry_error_naming_the_pool_and_the_url(
    mock: canned.RequestsMock, status: int, retries: Retry, reason: str
) -> None:
    mock.add(canned.GET, URL, status=status, headers={"Location": "/r"})
    with a_pool() as pool, pytest.raises(MaxRetryError) as raised:
        pool.urlopen("GET", "/r", retries=retries)
    assert raised.value.pool is pool
    assert raised.value.url == "/r"
    assert str(raised.value) == (
        f"{pool}: Max retries exceeded with url: /r (Caused by ResponseError('{reason}'))"
    )


def test_a_same_host_redirect_keeps_the_authorization(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/final"})
    mock.add(canned.GET, f"{ORIGIN}/final")
    with a_pool() as pool:
        pool.urlopen("GET", "/r", headers={"Authorization": "secret", "Cookie": "a=1"})
    assert mock.calls[1].request.headers["Authorization"] == "secret"
    assert mock.calls[1].request.headers["Cookie"] == "a=1"


def test_a_redirect_to_another_host_keeps_the_headers_it_does_not_drop(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=307, headers={"Location": "https://other.example.test/r"})
    mock.add(canned.GET, "https://other.example.test/r")
    with a_pool() as pool:
        headers = {"Authorization": "secret", "X-Trace": "abc"}
        pool.urlopen("GET", "/r", headers=headers, assert_same_host=False)
    assert mock.calls[1].request.headers["X-Trace"] == "abc"


def test_a_redirect_to_another_host_raises_host_changed_unless_told_not_to_check(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "https://other.example.test/r"})
    mock.add(canned.GET, "https://other.example.test/r")
    with a_pool() as pool, pytest.raises(HostChangedError):
        pool.urlopen("GET", "/r")
    assert len(mock.calls) == 1


def test_a_307_redirect_sends_the_body_again(mock: canned.RequestsMock) -> None:
    mock.add(canned.POST, URL, status=307, headers={"Location": "/again"})
    mock.add(canned.POST, f"{ORIGIN}/again", status=201)
    with a_pool() as pool:
        assert pool.urlopen("POST", "/r", body=b"order").status == 201
    assert [call.request.body for call in mock.calls] == [b"order", b"order"]


@pytest.mark.usefixtures("no_sleep")
def test_with_redirect_off_a_retried_request_still_returns_the_redirect(
    pool_with_order: tuple[canned.RequestsMock, HTTPConnectionPool],
) -> None:
    mock, pool = pool_with_order
    mock.add(canned.GET, URL, status=503)
    mock.add(canned.GET, URL, status=302, headers={"Location": "/elsewhere"})
    mock.add(canned.GET, f"{ORIGIN}/elsewhere")
    retries = Retry(total=2, status_forcelist=[503])
    answer = pool.urlopen("GET", "/r", retries=retries, redirect=False)
    assert answer.status == 302
    assert len(mock.calls) == 2


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize(
    ("first", "retries"),
    [
        ({"status": 302, "headers": {"Location": "/r"}}, Retry(total=1)),
        ({"status": 503}, Retry(total=1, status_forcelist=[503])),
    ],
    ids=["redirect", "status"],
)
def test_the_next_hop_is_read_with_the_options_given(
    pool_with_order: tuple[canned.RequestsMock, HTTPConnectionPool],
    first: dict[str, Any],
    retries: Retry,
) -> None:
    mock, pool = pool_with_order
    mock.add(canned.GET, URL, **first)
    mock.add(canned.GET, URL, body=GZIP_FILE, headers={"Content-Encoding": "gzip"})
    answer = pool.urlopen("GET", "/r", retries=retries, decode_content=False)
    assert answer.data == GZIP_FILE


@pytest.fixture
def pool_with_order() -> Iterator[tuple[canned.RequestsMock, HTTPConnectionPool]]:
    registry = canned.registries.OrderedRegistry
    with (
        canned.RequestsMock(registry=registry, assert_all_requests_are_fired=False) as mock,
        a_pool() as pool,
    ):
        yield mock, pool


# -- what a passed-through request hands the real urlopen ------------------------------------


class Sees(QuietHandler):
    """Answers `/redirect?to=...&status=...` with that redirect, and any other path with what
    it saw: the method, the path and the headers that tell how a request was sent."""

    protocol_version = "HTTP/1.1"
    SHOWN = ("Authorization", "X-Trace", "Transfer-Encoding", "Content-Length")

    def do_GET(self) -> None:  # http.server's naming
        self._answer()

    def do_POST(self) -> None:  # http.server's naming
        self._answer()

    def _answer(self) -> None:
        self._read_body()
        path = urlsplit(self.path)
        if path.path == "/redirect":
            query = parse_qs(path.query)
            self.send_response(int(query.get("status", ["302"])[0]))
            self.send_header("Location", query["to"][0])
            self._send(b"")
            return
        seen = {"method": self.command, "path": self.path}
        seen.update((name, self.headers[name]) for name in self.SHOWN if name in self.headers)
        self.send_response(200)
        self._send(json.dumps(seen).encode())

    def _read_body(self) -> None:
        if self.headers.get("Transfer-Encoding") == "chunked":
            while int(self.rfile.readline().strip(), 16):
                self.rfile.readline()  # the chunk and its CRLF
            self.rfile.readline()  # the CRLF after the last, empty chunk
        else:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _send(self, body: bytes) -> None:
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def sees() -> Iterator[str]:
    with serving(Sees) as base:
        yield base


def without_canned_and_passed_through(base: str, use: Callable[[], T]) -> tuple[T, T]:
    """What `use` returns with no mock, then with a mock passing everything on `base` (by
    address or by name) through."""
    plain = use()
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(base)
        mock.add_passthru(by_name(base))
        seen = use()
    return plain, seen


def by_name(base: str) -> str:
    return base.replace("127.0.0.1", "localhost")


def pool_for(base: str) -> HTTPConnectionPool:
    return HTTPConnectionPool("127.0.0.1", int(base.rsplit(":", 1)[1]))


def seen_by(answer: Any) -> tuple[int, Any]:
    return answer.status, json.loads(answer.data) if answer.data else None


def test_a_passed_through_request_carries_the_headers_given(sees: str) -> None:
    def use() -> Any:
        with pool_for(sees) as pool:
            return seen_by(pool.urlopen("GET", "/see", headers={"X-Trace": "abc"}))

    plain, seen = without_canned_and_passed_through(sees, use)
    assert seen == plain == (200, {"method": "GET", "path": "/see", "X-Trace": "abc"})


@pytest.mark.parametrize(("redirect", "status"), [(True, 200), (False, 302)])
def test_a_passed_through_redirect_is_followed_by_urllib3_as_told(
    sees: str, redirect: bool, status: int
) -> None:
    def use() -> Any:
        with pool_for(sees) as pool:
            return pool.urlopen("GET", "/redirect?to=/see", redirect=redirect).status

    assert without_canned_and_passed_through(sees, use) == (status, status)


def test_a_passed_through_redirect_to_another_host_raises_host_changed(sees: str) -> None:
    def use() -> Any:
        with pool_for(sees) as pool, pytest.raises(HostChangedError) as raised:
            pool.urlopen("GET", f"/redirect?to={by_name(sees)}/see")
        return raised.value.url

    plain, seen = without_canned_and_passed_through(sees, use)
    assert seen == plain == f"{by_name(sees)}/see"


def test_a_passed_through_url_of_another_host_goes_to_the_pools_server_when_not_checked(
    sees: str,
) -> None:
    def use() -> Any:
        with pool_for(sees) as pool:
            url = f"{by_name(sees)}/see"
            return seen_by(pool.urlopen("GET", url, assert_same_host=False))

    plain, seen = without_canned_and_passed_through(sees, use)
    assert seen == plain == (200, {"method": "GET", "path": f"{by_name(sees)}/see"})


def a_303_then_the_server(sees: str, **options: Any) -> Any:
    """A POST canned answers with a 303, whose GET `sees` answers for real: what it saw."""
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock, pool_for(sees) as pool:
        mock.add(canned.POST, f"{sees}/form", status=303, headers={"Location": "/see"})
        mock.add_passthru(sees)
        return seen_by(pool.urlopen("POST", "/form", body=b"a=1", **options))


def test_the_get_after_a_canned_303_reaches_the_server_without_the_body(sees: str) -> None:
    assert a_303_then_the_server(sees) == (200, {"method": "GET", "path": "/see"})


@pytest.mark.skipif(
    not URLLIB3_2,
    reason="urllib3 2 sends the GET after a 303 unchunked, as canned does; urllib3 1.26 keeps "
    "`chunked=True` and sends it chunked",
)
def test_the_get_after_a_canned_303_of_a_chunked_post_is_not_chunked(sees: str) -> None:
    def use() -> Any:
        with pool_for(sees) as pool:
            to_see = "/redirect?status=303&to=/see"
            return seen_by(pool.urlopen("POST", to_see, body=b"a=1", chunked=True))

    plain = use()
    assert plain == (200, {"method": "GET", "path": "/see"})
    assert a_303_then_the_server(sees, chunked=True) == plain


# -- what a recording keeps of an unread answer, and hands on ---------------------------------


@pytest.fixture(scope="module")
def answers() -> Iterator[str]:
    with serving(Answers) as base:
        yield base


def test_a_recorded_unread_answer_is_kept_with_its_status_and_headers(answers: str) -> None:
    _, mock = recorded(answers, lambda: urllib3_unread(f"{answers}/json", lambda raw: raw.read()))
    ((_, reply),) = mock.kept
    assert (reply.status, reply.headers, reply.body) == expected_reply("/json")[:3]


def test_an_unread_recorded_answer_after_a_redirect_hands_on_the_retry_that_followed_it(
    answers: str,
) -> None:
    def follow() -> Any:
        with pool_for(answers) as pool:
            answer = pool.urlopen("GET", "/redirect", preload_content=False)
            history = [(hop.status, hop.redirect_location) for hop in answer.retries.history]
            return history, answer.read()

    plain, seen, _ = without_canned_and_recorded(answers, follow)
    assert seen == plain == ([(302, "/json")], JSON)


class Compressed(QuietHandler):
    """`/chunked`: a gzip body sent in chunks; `/file`: a gzip file, sent gzipped again."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # http.server's naming
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in GZIP_CHUNKS:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(TWICE_GZIPPED)))
            self.end_headers()
            self.wfile.write(TWICE_GZIPPED)


@pytest.fixture(scope="module")
def compressed() -> Iterator[str]:
    with serving(Compressed) as base:
        yield base


def test_an_unread_recorded_gzip_answer_in_chunks_reads_decoded_as_from_the_server(
    compressed: str,
) -> None:
    def read(answer: Any) -> Any:
        return answer.chunked, answer.read()

    plain, seen, mock = without_canned_and_recorded(
        compressed, lambda: urllib3_unread(f"{compressed}/chunked", read)
    )
    assert seen == plain == (True, PLAIN)
    assert b"".join(mock.kept[0][1].body) == PLAIN  # its chunks, each decoded


@pytest.mark.parametrize("preload", [True, False], ids=["preloaded", "unread"])
def test_a_recorded_answer_is_kept_decoded_once_as_its_content_encoding_says(
    compressed: str, preload: bool
) -> None:
    def read() -> Any:
        with pool_for(compressed) as pool:
            return pool.urlopen("GET", "/file", preload_content=preload).data

    plain, seen, mock = without_canned_and_recorded(compressed, read)
    assert seen == plain == GZIP_FILE
    assert mock.kept[0][1].body == GZIP_FILE
