"""Behaviours of the requests adapter users rely on that no other test pinned: answer headers of a
chunked body, generator uploads, a custom route's own urllib3 response, multipart file names,
the send-argument diagnosis, and urllib3 retries and send options."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

import canned
from canned import matchers

URL = "https://api.example.test/r"
# Every send option set, and to values requests does not choose by itself (REQUESTS_CA_BUNDLE
# and proxy variables in the environment are not read: the sessions below do not trust it).
OPTIONS: dict[str, Any] = {
    "stream": True,
    "timeout": 7,
    "verify": "/etc/custom/ca.pem",
    "cert": ("/etc/custom/client.pem", "/etc/custom/client.key"),
    "proxies": {"https": "http://proxy.example.test:3128"},
}


def untrusting_session(retry: Retry | None = None) -> requests.Session:
    """A session that sends the options it is given as they are (it does not read the
    environment), retrying with `retry`."""
    session = requests.Session()
    session.trust_env = False
    if retry is not None:
        session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def get_with_options(session: requests.Session) -> requests.Response:
    return session.get(
        URL,
        stream=OPTIONS["stream"],
        timeout=OPTIONS["timeout"],
        verify=OPTIONS["verify"],
        cert=OPTIONS["cert"],
        proxies=OPTIONS["proxies"],
    )


# -- answers --------------------------------------------------------------------------------------


def test_an_answer_with_an_iterable_body_keeps_all_its_headers(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, body=[b"one", b"two"], headers={"X-A": "1", "X-B": "2"})
    answer = requests.get(URL)
    assert dict(answer.headers) == {
        "Content-Type": "text/plain",
        "X-A": "1",
        "X-B": "2",
        "Transfer-Encoding": "chunked",
    }
    assert answer.content == b"onetwo"


def test_a_generator_upload_is_matched_and_recorded_with_its_whole_body(
    mock: canned.RequestsMock,
) -> None:
    def upload() -> Iterator[bytes]:
        yield b"first "
        yield b""
        yield b"second"

    mock.add(canned.POST, URL, body="taken", match=[matchers.body_matcher("first second")])
    assert requests.post(URL, data=upload()).text == "taken"
    assert mock.calls[0].request.body == b"first second"


def test_a_custom_route_that_returns_its_own_urllib3_response_is_answered_with_it(
    mock: canned.RequestsMock,
) -> None:
    built: list[urllib3.HTTPResponse] = []

    class OwnAnswer(canned.BaseResponse):
        def get_response(self, request: Any) -> urllib3.HTTPResponse:
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(b"own body"),
                headers={"X-Own": "1"},
                status=203,
                preload_content=False,
            )
            built.append(raw)
            return raw

    route = mock.add(OwnAnswer(canned.GET, URL))
    answer = requests.get(URL)
    assert answer.raw is built[0]
    assert (answer.status_code, answer.headers["X-Own"], answer.content) == (203, "1", b"own body")
    assert (answer.url, answer.request is mock.calls[0].request) == (URL, True)
    assert route.calls[0].response is answer


# -- matchers -------------------------------------------------------------------------------------


def test_a_users_own_matcher_receives_requests_prepared_request(
    mock: canned.RequestsMock,
) -> None:
    seen: list[Any] = []

    def json_kind(request: Any) -> tuple[bool, str]:
        seen.append(request)
        return request.body == b'{"kind": "a"}', "not kind a"

    mock.add(canned.POST, URL, body="a", match=[json_kind])
    assert requests.post(URL, json={"kind": "a"}).text == "a"
    assert type(seen[0]) is requests.PreparedRequest
    assert seen == [mock.calls[0].request]


def named_file(name: Any, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: named_file("/tmp/exports/report.csv", b"x,y"), id="a-path"),
        pytest.param(lambda: named_file("<stdin>", b"typed"), id="in-angle-brackets"),
        pytest.param(lambda: named_file("<stdin", b"typed"), id="opening-angle-bracket"),
        pytest.param(lambda: named_file("stdin>", b"typed"), id="closing-angle-bracket"),
        pytest.param(lambda: named_file("", b"blank"), id="empty"),
        pytest.param(lambda: named_file(7, b"a descriptor"), id="a-number"),
    ],
)
def test_multipart_matcher_takes_a_file_objects_name_as_requests_sends_it(
    mock: canned.RequestsMock, upload: Any
) -> None:
    # requests sends the base name of a usable `name` (a text not in angle brackets), else the
    # field name; the matcher documents the same
    mock.add(canned.POST, URL, body="uploaded", match=[matchers.multipart_matcher({"f": upload()})])
    assert requests.post(URL, files={"f": upload()}).text == "uploaded"


def test_multipart_matcher_takes_a_temporary_files_name_as_requests_sends_it(
    mock: canned.RequestsMock,
) -> None:
    # its `name` is a file descriptor on Linux, a path elsewhere: the same file both times
    with tempfile.TemporaryFile() as upload:
        upload.write(b"temporary")
        upload.seek(0)
        mock.add(canned.POST, URL, match=[matchers.multipart_matcher({"f": upload})])
        assert requests.post(URL, files={"f": upload}).status_code == 200


def test_multipart_matcher_refuses_a_file_sent_under_its_full_path(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.POST,
        URL,
        match=[matchers.multipart_matcher({"f": named_file("/tmp/exports/report.csv", b"x")})],
    )
    with pytest.raises(requests.ConnectionError) as raised:
        requests.post(URL, files={"f": ("/tmp/exports/report.csv", b"x")})
    assert str(raised.value).endswith(
        f"Closest route: POST {URL}\n"
        "- part 'f': expected [('report.csv', None, b'x')], "
        "got [('/tmp/exports/report.csv', None, b'x')]\n"
    )


def test_the_diagnosis_lists_each_send_argument_request_kwargs_matcher_found_different(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.GET, URL, match=[matchers.request_kwargs_matcher({"timeout": 5, "cert": "c.pem"})]
    )
    mock.add(canned.GET, URL, match=[matchers.request_kwargs_matcher({"allow_redirects": False})])
    with pytest.raises(requests.ConnectionError) as raised:
        requests.get(URL, timeout=9)
    assert str(raised.value).endswith(
        "Available matches:\n"
        f"- GET {URL} Arguments don't match: {{'timeout': 9, 'cert': None}} "
        "doesn't match {'timeout': 5, 'cert': 'c.pem'}\n"
        f"- GET {URL} Arguments don't match: {{}} doesn't match {{'allow_redirects': False}}\n"
        "\n"
        f"Closest route: GET {URL}\n"
        "- argument 'allow_redirects': expected False, missing\n"
    )


def test_the_diagnosis_lists_a_send_argument_with_another_value_expected_against_got(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.GET, URL, match=[matchers.request_kwargs_matcher({"timeout": 5, "cert": "c.pem"})]
    )
    with pytest.raises(requests.ConnectionError) as raised:
        requests.get(URL, timeout=9)
    assert str(raised.value).endswith(
        f"Closest route: GET {URL}\n"
        "- argument 'timeout': expected 5, got 9\n"
        "- argument 'cert': expected 'c.pem', got None\n"
    )


# -- retries and send options ---------------------------------------------------------------------


@pytest.mark.usefixtures("no_sleep")
def test_retries_pass_the_method_url_and_answer_to_retry_increment() -> None:
    seen: list[tuple[Any, Any, Any]] = []

    class Recording(Retry):
        def increment(  # type: ignore[override]  # the arguments it records, by name
            self, method: Any = None, url: Any = None, response: Any = None, **kwargs: Any
        ) -> Retry:
            seen.append((method, url, response))
            return super().increment(method, url, response, **kwargs)

    retry = Recording(total=2, status_forcelist=[500, 503], backoff_factor=10)
    with canned.RequestsMock(registry=canned.registries.OrderedRegistry) as mock:
        mock.add(canned.PUT, URL + "?a=1", status=500)
        mock.add(canned.PUT, URL + "?a=1", status=503)
        mock.add(canned.PUT, URL + "?a=1", status=200)
        with untrusting_session(retry) as session:
            assert session.put(URL + "?a=1").status_code == 200
        answers = [call.response for call in mock.calls]
    assert seen == [
        ("PUT", URL + "?a=1", answers[0].raw),
        ("PUT", URL + "?a=1", answers[1].raw),
    ]
    assert [raw.status for _, _, raw in seen] == [500, 503]


@pytest.mark.usefixtures("no_sleep")
def test_a_retry_error_carries_the_request_it_gave_up_on(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=500)
    retry = Retry(total=1, status_forcelist=[500], backoff_factor=10)
    with (
        untrusting_session(retry) as session,
        pytest.raises(requests.exceptions.RetryError) as raised,
    ):
        session.get(URL)
    assert type(raised.value.request) is requests.PreparedRequest
    assert raised.value.request is mock.calls[-1].request
    assert raised.value.request.url == URL


@pytest.mark.usefixtures("no_sleep")
def test_send_options_reach_every_retried_request() -> None:
    sent: list[dict[str, Any]] = []

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        sent.append(dict(request.req_kwargs))
        return (500 if len(sent) < 3 else 200), {}, ""

    retry = Retry(total=3, status_forcelist=[500], backoff_factor=10)
    with canned.RequestsMock() as mock:
        mock.add_callback(canned.GET, URL, answer)
        with untrusting_session(retry) as session:
            assert get_with_options(session).status_code == 200
    assert sent == [OPTIONS] * 3


class RecordingSend:
    """Stands in for the real `HTTPAdapter.send`: records the send options of each request
    passed through and answers 200."""

    def __init__(self) -> None:
        self.options: list[dict[str, Any]] = []

    def __call__(self, adapter: Any, request: Any, **kwargs: Any) -> requests.Response:
        self.options.append(kwargs)
        answer = requests.Response()
        answer.status_code = 200
        answer.raw = io.BytesIO(b"")
        return answer


@pytest.mark.parametrize(
    "let_through",
    [
        lambda mock: mock.add(canned.PassthroughResponse(canned.GET, URL)),
        lambda mock: mock.add_passthru("https://api.example.test/"),
    ],
    ids=["PassthroughResponse", "add_passthru"],
)
def test_send_options_reach_a_passed_through_request(let_through: Any) -> None:
    real_send = RecordingSend()
    with canned.RequestsMock(real_adapter_send=real_send) as mock:
        let_through(mock)
        with untrusting_session() as session:
            assert get_with_options(session).status_code == 200
    assert real_send.options == [OPTIONS]
