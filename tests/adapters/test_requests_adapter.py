"""The requests adapter: answers are real requests/urllib3 responses and behave like a server's."""

from __future__ import annotations

import gzip
import threading
from pathlib import Path
from typing import Any

import cachecontrol  # a real requests add-on, from the test extra
import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter, HTTPAdapter
from tests.servers import SpySend
from tests.urllib3_versions import URLLIB3_2, needs_urllib3_2
from urllib3.util.retry import Retry

import canned

URL = "https://api.example.test/r"
ORIGINAL_SEND = HTTPAdapter.send


# -- interception ----------------------------------------------------------------------------------


def test_a_mounted_adapter_subclass_is_intercepted_with_the_headers_it_adds(
    mock: canned.RequestsMock,
) -> None:
    class Signing(HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
            request.headers["X-Signature"] = "signed"
            return super().send(request, *args, **kwargs)

    mock.add(canned.GET, URL)
    with requests.Session() as session:
        session.mount("https://", Signing())
        session.get(URL)
    assert mock.calls[0].request.headers["X-Signature"] == "signed"


def test_positional_send_arguments_are_named(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL)
    prepared = requests.Request("GET", URL).prepare()
    HTTPAdapter().send(prepared, False, 7.5)
    assert mock.calls[0].request.req_kwargs["timeout"] == 7.5
    assert mock.calls[0].request.req_kwargs["stream"] is False


def test_an_adapter_with_its_own_send_is_not_intercepted(mock: canned.RequestsMock) -> None:
    class Own(BaseAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
            answer = requests.Response()
            answer.status_code = 299
            return answer

        def close(self) -> None:
            pass

    with requests.Session() as session:
        session.mount("https://", Own())
        assert session.get(URL).status_code == 299
    assert len(mock.calls) == 0


def test_the_original_send_is_back_after_the_block() -> None:
    with canned.RequestsMock():
        assert HTTPAdapter.send is not ORIGINAL_SEND
    assert HTTPAdapter.send is ORIGINAL_SEND


# -- response construction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason", "ok"),
    [(200, "OK", True), (418, "I'm a Teapot", False), (599, None, False), (799, None, True)],
)
def test_status_and_reason_are_a_servers(
    mock: canned.RequestsMock, status: int, reason: str | None, ok: bool
) -> None:
    mock.add(canned.GET, URL, status=status)
    answer = requests.get(URL)
    assert (answer.status_code, answer.reason, answer.ok) == (status, reason, ok)


def test_the_answer_is_built_by_requests_over_a_urllib3_response(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="x")
    answer = requests.get(URL)
    assert isinstance(answer.raw, urllib3.HTTPResponse)
    assert (answer.url, answer.history, answer.elapsed.total_seconds() >= 0) == (URL, [], True)


@pytest.mark.parametrize(
    ("kwargs", "encoding"),
    [
        ({"body": "x"}, "ISO-8859-1"),
        ({"json": {"a": 1}}, "utf-8"),
        ({"body": "é"}, "utf-8"),
    ],
)
def test_the_encoding_comes_from_the_content_type(
    mock: canned.RequestsMock, kwargs: dict[str, Any], encoding: str
) -> None:
    mock.add(canned.GET, URL, **kwargs)
    assert requests.get(URL).encoding == encoding


def test_a_streamed_body_reads_in_pieces(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=b"abcdefgh")
    with requests.get(URL, stream=True) as answer:
        assert answer.raw.read(2) == b"ab"
        assert list(answer.iter_content(3)) == [b"cde", b"fgh"]


def test_iter_content_without_chunk_size_ends(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=b"abc")
    with requests.get(URL, stream=True) as answer:
        assert list(answer.iter_content(chunk_size=None)) == [b"abc"]


def test_iter_lines_splits_the_body(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="one\ntwo\nthree")
    with requests.get(URL, stream=True) as answer:
        assert list(answer.iter_lines()) == [b"one", b"two", b"three"]


def test_a_read_answer_leaves_nothing_in_raw(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=b"abc")
    answer = requests.get(URL)
    assert (answer.content, answer.raw.read()) == (b"abc", b"")


def test_a_read_answers_raw_stays_empty_however_it_is_read(mock: canned.RequestsMock) -> None:
    # answers whose body was handed over share one stateless read buffer: reading one, in any
    # way, leaves every other as it was
    mock.add(canned.GET, URL, body=b"abc")
    answers = [requests.get(URL) for _ in range(3)]
    for answer in answers:
        assert answer.raw.read(2) == b""
        assert list(answer.raw.stream(2)) == []
        assert answer.raw.read() == b""
    assert [answer.content for answer in answers] == [b"abc"] * 3
    with requests.get(URL, stream=True) as streamed:  # a streamed answer reads its own body
        assert streamed.raw.read(2) == b"ab"


@needs_urllib3_2
def test_a_read_answers_raw_stays_empty_when_read_with_read1(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=b"abc")
    answers = [requests.get(URL) for _ in range(3)]
    for answer in answers:
        assert (answer.raw.read1(2), answer.raw.read1()) == (b"", b"")
    assert [answer.content for answer in answers] == [b"abc"] * 3
    mock.head(URL)
    assert requests.head(URL).raw.read1() == b""


@needs_urllib3_2
def test_what_read1_leaves_of_a_chunk_is_read_next_by_any_reader(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=[b"hello", b"world", b"!!"])
    with requests.get(URL, stream=True) as answer:
        assert answer.raw.read1(3) == b"hel"
        assert list(answer.iter_content(None)) == [b"lo", b"world", b"!!"]


@pytest.mark.parametrize("char", ["\t", "\n"])
def test_a_registered_path_with_a_control_character_answers_the_request_for_it(
    mock: canned.RequestsMock, char: str
) -> None:
    mock.add(canned.GET, f"https://api.example.test/x{char}y", body="ok")
    assert requests.get(f"https://api.example.test/x{char}y").text == "ok"


@needs_urllib3_2
def test_raw_read1_gives_chunks_as_they_come(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=iter([b"abc", b"defg"]))
    with requests.get(URL, stream=True) as answer:
        pieces = [answer.raw.read1(2), answer.raw.read1(), answer.raw.read1(), answer.raw.read()]
    assert pieces == [b"ab", b"c", b"defg", b""]


def test_requests_reads_the_content_through_raw_as_from_a_server(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"z" * 25_000)
    reads: list[int] = []

    class Counting(HTTPAdapter):
        def build_response(self, req: Any, resp: Any) -> requests.Response:
            read = resp.read
            resp.read = lambda amt=None, **kw: reads.append(amt) or read(amt, **kw)
            return super().build_response(req, resp)

    with requests.Session() as session:
        session.mount("https://", Counting())
        assert len(session.get(URL).content) == 25_000
    assert reads == [10_240, 10_240, 10_240]  # requests' chunk size, as over a connection


class TeeAdapter(HTTPAdapter):
    """What CacheControl's adapter does: wrap `raw._fp` in `build_response` and keep what is
    read through it, handing it over once the body's `fp` is None (read to the end)."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[bytes] = []

    def build_response(self, req: Any, resp: Any) -> requests.Response:
        adapter = self

        class Tee:
            def __init__(self, fp: Any) -> None:
                self.fp_, self.seen, self.done = fp, b"", False

            def __getattr__(self, name: str) -> Any:
                return getattr(self.fp_, name)

            def read(self, amt: int | None = None) -> bytes:
                data = self.fp_.read(amt)
                self.seen += data
                if self.fp_.fp is None and not self.done:
                    self.done = True
                    adapter.kept.append(self.seen)
                return data  # type: ignore[no-any-return]

        resp._fp = Tee(resp._fp)
        return super().build_response(req, resp)


def test_an_adapter_that_wraps_raw_fp_sees_the_whole_body_and_its_end(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 30_000)
    with requests.Session() as session:
        session.mount("https://", tee := TeeAdapter())
        assert len(session.get(URL).content) == 30_000
    assert [len(kept) for kept in tee.kept] == [30_000]


def test_cachecontrol_caches_an_answer_and_revalidates_it_with_its_etag(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"v1", headers={"ETag": '"1"', "Cache-Control": "max-age=0"})
    with cachecontrol.CacheControl(requests.Session()) as session:
        session.get(URL)
        mock.replace(canned.GET, URL, status=304, headers={"ETag": '"1"'})
        again = session.get(URL)
    assert (again.status_code, again.content, again.from_cache) == (200, b"v1", True)
    assert mock.calls[1].request.headers["If-None-Match"] == '"1"'


def test_a_bytes_body_the_headers_call_chunked_is_sent_in_chunks(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=b"whole", headers={"Transfer-Encoding": "chunked"})
    with requests.get(URL, stream=True) as answer:
        assert list(answer.iter_content(None)) == [b"whole"]


def test_status_zero_gives_no_content_as_requests_does(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=b"ignored", status=0)
    answer = requests.get(URL)
    assert (answer.status_code, answer.content) == (0, None)


def test_a_file_body_is_streamed_once(mock: canned.RequestsMock, tmp_path: Path) -> None:
    path = tmp_path / "body.bin"
    path.write_bytes(b"from a file")
    with path.open("rb") as file:
        mock.add(canned.GET, URL, body=file)
        assert requests.get(URL).content == b"from a file"


def test_a_gzip_encoded_body_is_decoded(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=gzip.compress(b"plain"), headers={"Content-Encoding": "gzip"})
    assert requests.get(URL).content == b"plain"


def test_a_content_length_longer_than_the_body_is_a_truncated_body_as_urllib3_reads_one(
    mock: canned.RequestsMock,
) -> None:
    """On urllib3 2 requests fails the body as cut short; on urllib3 1.26 it returns the bytes
    that came, as from a real server."""
    mock.add(canned.GET, URL, body=b"abc", headers={"Content-Length": "10"})
    if URLLIB3_2:
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            requests.get(URL)
    else:
        assert requests.get(URL).content == b"abc"


def test_head_with_a_content_length_and_no_body_is_fine(mock: canned.RequestsMock) -> None:
    mock.add(canned.HEAD, URL, headers={"Content-Length": "1234"})
    answer = requests.head(URL)
    assert (answer.headers["Content-Length"], answer.content) == ("1234", b"")


def test_auto_calculate_content_length_adds_the_header(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body="12345", auto_calculate_content_length=True)
    assert requests.get(URL).headers["Content-Length"] == "5"


def test_repeated_headers_are_all_sent(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, headers=[("X-Tag", "a"), ("X-Tag", "b")])
    assert requests.get(URL).headers["X-Tag"] == "a, b"


def test_cookies_reach_the_session_and_are_sent_back(mock: canned.RequestsMock) -> None:
    mock.add(
        canned.GET, URL, headers=[("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/")]
    )
    mock.add(canned.GET, URL + "/next")
    with requests.Session() as session:
        answer = session.get(URL)
        session.get(URL + "/next")
    assert answer.cookies.get_dict() == {"a": "1", "b": "2"}
    assert mock.calls[1].request.headers["Cookie"] == "a=1; b=2"


def test_a_relative_redirect_is_followed_hop_by_hop(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/moved"})
    mock.add(canned.GET, "https://api.example.test/moved", body="arrived")
    answer = requests.get(URL)
    assert (answer.text, [hop.status_code for hop in answer.history]) == ("arrived", [302])
    assert len(mock.calls) == 2


def test_a_redirect_is_returned_when_not_followed(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=301, headers={"Location": "https://elsewhere.test/"})
    answer = requests.get(URL, allow_redirects=False)
    assert (answer.is_redirect, answer.status_code) == (True, 301)


# -- exceptions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error_class", "text"),
    [(requests.ConnectTimeout, "connect"), (requests.ReadTimeout, "read"), (ValueError, "plain")],
    ids=["ConnectTimeout", "ReadTimeout", "ValueError"],
)
def test_an_exception_body_is_raised_as_is_and_recorded(
    mock: canned.RequestsMock, error_class: type[BaseException], text: str
) -> None:
    # made here, not at import: a raised requests exception keeps the request it was raised for,
    # and one made at import would carry a request of an earlier run in the same process (mutmut)
    error = error_class(text)
    route = mock.add(canned.GET, URL, body=error)
    with pytest.raises(type(error)) as raised:
        requests.get(URL)
    assert raised.value is error
    assert raised.value.request is mock.calls[0].request  # type: ignore[attr-defined]
    assert (mock.calls[0].response, route.call_count) == (error, 1)


def test_an_unmatched_request_is_exactly_a_connection_error(mock: canned.RequestsMock) -> None:
    with pytest.raises(requests.ConnectionError) as raised:
        requests.get(URL)
    assert type(raised.value) is requests.exceptions.ConnectionError
    assert raised.value.request is mock.calls[0].request
    assert raised.value.response is None
    assert str(raised.value).startswith(
        "Connection refused by Responses - the call doesn't match any registered mock.\n\n"
        f"Request: \n- GET {URL}\n\nAvailable matches:\n"
    )


# -- retries ----------------------------------------------------------------------------------------------


def retrying_session(**retry: Any) -> requests.Session:
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(backoff_factor=10, **retry)))
    return session


@pytest.mark.usefixtures("no_sleep")
def test_urllib3_retries_are_emulated_without_sleeping() -> None:
    with canned.RequestsMock(registry=canned.registries.OrderedRegistry) as mock:
        for status in (500, 500, 200):
            mock.add(canned.GET, URL, status=status)
        with retrying_session(total=3, status_forcelist=[500]) as session:
            assert session.get(URL).status_code == 200
        assert [call.response.status_code for call in mock.calls] == [500, 500, 200]


@pytest.mark.usefixtures("no_sleep")
def test_exhausted_retries_raise_a_retry_error(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=500)
    with (
        retrying_session(total=2, status_forcelist=[500]) as session,
        pytest.raises(requests.exceptions.RetryError),
    ):
        session.get(URL)


@pytest.mark.usefixtures("no_sleep")
def test_exhausted_retries_return_the_last_answer_when_not_raising(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=500)
    with retrying_session(total=2, status_forcelist=[500], raise_on_status=False) as session:
        assert session.get(URL).status_code == 500
    assert len(mock.calls) == 3


@pytest.mark.usefixtures("no_sleep")
def test_a_retry_after_header_is_honoured_without_waiting() -> None:
    with canned.RequestsMock(registry=canned.registries.OrderedRegistry) as mock:
        mock.add(canned.GET, URL, status=503, headers={"Retry-After": "120"})
        mock.add(canned.GET, URL, status=200)
        with retrying_session(total=1, respect_retry_after_header=True) as session:
            assert session.get(URL).status_code == 200


@pytest.mark.usefixtures("no_sleep")
def test_a_retry_subclass_reads_the_answers_body_to_decide() -> None:
    seen: list[bytes] = []

    class BodyReadingRetry(Retry):  # as PyGithub's GithubRetry tells rate limits from a 403
        def increment(self, *args: Any, response: Any = None, **kwargs: Any) -> Retry:
            seen.append(response.data)
            return super().increment(*args, response=response, **kwargs)

    with canned.RequestsMock(registry=canned.registries.OrderedRegistry) as mock:
        mock.add(canned.GET, URL, status=403, body=b"secondary rate limit")
        mock.add(canned.GET, URL, body=b"ok")
        with requests.Session() as session:
            retry = BodyReadingRetry(total=1, status_forcelist=[403], backoff_factor=10)
            session.mount("https://", HTTPAdapter(max_retries=retry))
            assert session.get(URL).content == b"ok"
    assert seen == [b"secondary rate limit"]


# -- passthrough ------------------------------------------------------------------------------------------


def test_a_real_adapter_send_given_to_the_mock_is_used_for_passthrough() -> None:
    spy = SpySend(209)
    with canned.RequestsMock(real_adapter_send=spy) as mock:
        mock.add(canned.PassthroughResponse(canned.GET, URL))
        assert requests.get(URL).status_code == 209
    assert spy.sent == [URL]


# -- threads ----------------------------------------------------------------------------------------------


def test_threads_sharing_a_session_each_get_their_own_answer(mock: canned.RequestsMock) -> None:
    for number in range(10):
        mock.add(canned.GET, f"{URL}/{number}", body=f"answer {number}")
    wrong: list[str] = []
    with requests.Session() as session:

        def worker(offset: int) -> None:
            for index in range(50):
                number = (offset + index) % 10
                text = session.get(f"{URL}/{number}").text
                if text != f"answer {number}":
                    wrong.append(text)

        threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert (wrong, len(mock.calls)) == ([], 400)


def test_a_bytes_subclass_body_is_sent_whole_not_in_chunks(mock: canned.RequestsMock) -> None:
    class Payload(bytes):
        pass

    mock.add(canned.GET, URL, body=Payload(b"whole"))
    answer = requests.get(URL)
    assert (answer.content, "Transfer-Encoding" in answer.headers) == (b"whole", False)
