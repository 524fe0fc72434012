"""Behaviours of the requests adapter that no other test pinned: file-like upload bodies, what
a fault's exception carries (logged when retried, raised when not), urllib3 retries of faults and
of a request sent without a method, what reaches a passthrough after a retry, the RetryError's
message, the logged PreparedRequest's attributes, and the send and clock put back or kept when
no mock answers."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests
from requests import sessions
from requests.adapters import BaseAdapter, HTTPAdapter
from tests.adapters.test_requests_pinned import OPTIONS, RecordingSend, untrusting_session
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

import canned
from canned import faults, matchers

URL = "https://pinned.example.test/items?page=2"
PATH = "/items?page=2"


def fault_text(fault: faults.Fault) -> str:
    return fault.message.split(": ", 1)[1]


# -- upload bodies --------------------------------------------------------------------------------


class ReadOnly:
    """A file-like body that can only be read (not iterated): requests sends it as it is."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def read(self, size: int = -1) -> bytes:
        content, self.content = self.content, b""
        return content


@pytest.mark.parametrize(
    ("upload", "logged"),
    [
        pytest.param(
            lambda: io.StringIO("line one\nline two\n"), "line one\nline two\n", id="text"
        ),
        pytest.param(lambda: ReadOnly(b"only read"), b"only read", id="read-only"),
    ],
)
def test_a_file_like_upload_is_read_once_and_logged_as_what_it_read(
    mock: canned.RequestsMock, upload: Any, logged: Any
) -> None:
    # as responses does: the body becomes what `read()` gave, text staying text
    text = logged if isinstance(logged, str) else logged.decode()
    mock.add(canned.POST, URL, body="taken", match=[matchers.body_matcher(text)])
    assert requests.post(URL, data=upload()).text == "taken"
    body = mock.calls[0].request.body
    assert (type(body), body) == (type(logged), logged)


# -- what a fault's exception carries -------------------------------------------------------------


def test_a_connect_fault_that_is_retried_is_logged_with_the_urllib3_error_it_stands_for(
    mock: canned.RequestsMock,
) -> None:
    fault = faults.connect_timeout()
    mock.add(canned.GET, URL, body=fault, times=1)
    mock.add(canned.GET, URL, body="second try")
    with untrusting_session(Retry(connect=1, backoff_factor=0)) as session:
        assert session.get(URL, timeout=5).text == "second try"
    logged = mock.calls[0].response
    assert type(logged) is requests.ConnectTimeout
    assert isinstance(logged.args[0], ConnectTimeoutError)
    assert fault_text(fault) in str(logged)
    assert logged.request is mock.calls[0].request


def test_a_read_timeout_carries_urllib3s_error_for_the_path_it_read(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.read_timeout())
    with pytest.raises(requests.ReadTimeout) as raised:
        requests.get(URL, timeout=5)
    cause = raised.value.args[0]
    assert isinstance(cause, ReadTimeoutError)
    assert cause.url == PATH  # requests sends the path to urlopen, which names it


@pytest.mark.usefixtures("no_sleep")
def test_a_read_fault_of_a_get_is_retried_as_urllib3_resends_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.read_timeout(), times=1)
    mock.add(canned.GET, URL, body="second try")
    with untrusting_session(Retry(total=3, backoff_factor=10)) as session:
        assert session.get(URL, timeout=5).text == "second try"
    logged = [type(call.response).__name__ for call in mock.calls]
    assert logged == ["ReadTimeout", "Response"]


# -- retries --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_sleep")
def test_a_request_sent_without_a_method_is_answered_and_retried_as_a_get() -> None:
    methods: list[Any] = []

    class Recording(Retry):
        def increment(  # type: ignore[override]  # the argument it records, by name
            self, method: Any = None, url: Any = None, *args: Any, **kwargs: Any
        ) -> Retry:
            methods.append(method)
            return super().increment(method, url, *args, **kwargs)

    prepared = requests.Request(url=URL).prepare()
    assert prepared.method is None
    retry = Recording(total=1, status_forcelist=[503], backoff_factor=10)
    with canned.RequestsMock(registry=canned.registries.OrderedRegistry) as mock:
        mock.add(canned.GET, URL, status=503)
        mock.add(canned.GET, URL, status=200)
        assert HTTPAdapter(max_retries=retry).send(prepared).status_code == 200
    assert methods == ["GET"]


@pytest.mark.usefixtures("no_sleep")
def test_a_retry_error_says_which_url_urllib3_gave_up_on_and_why(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, status=500)
    retry = Retry(total=1, status_forcelist=[500], backoff_factor=10)
    with (
        untrusting_session(retry) as session,
        pytest.raises(requests.exceptions.RetryError) as raised,
    ):
        session.get(URL)
    assert isinstance(raised.value.args[0], MaxRetryError)
    assert str(raised.value).endswith(
        f"Max retries exceeded with url: {URL} "
        "(Caused by ResponseError('too many 500 error responses'))"
    )


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize(
    "first",
    [
        pytest.param({"body": faults.connect_timeout()}, id="after-a-connect-fault"),
        pytest.param({"status": 500}, id="after-a-500"),
    ],
)
def test_a_retry_that_is_let_through_reaches_the_real_send_with_every_send_option(
    first: dict[str, Any],
) -> None:
    real_send = RecordingSend()
    retry = Retry(total=1, status_forcelist=[500], backoff_factor=10)
    with canned.RequestsMock(real_adapter_send=real_send) as mock:
        mock.add(canned.GET, URL, times=1, **first)
        mock.add(canned.PassthroughResponse(canned.GET, URL))
        with untrusting_session(retry) as session:
            answer = session.get(
                URL,
                stream=OPTIONS["stream"],
                timeout=OPTIONS["timeout"],
                verify=OPTIONS["verify"],
                cert=OPTIONS["cert"],
                proxies=OPTIONS["proxies"],
            )
        assert len(mock.calls) == 2
    assert answer.status_code == 200
    assert real_send.options == [OPTIONS]


# -- the call log ---------------------------------------------------------------------------------


def test_the_logged_prepared_request_holds_requests_attributes_and_responses_two_only(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL)
    requests.get(URL)
    fresh = requests.Request("GET", URL).prepare()
    assert set(vars(mock.calls[0].request)) - set(vars(fresh)) == {"params", "req_kwargs"}


# -- sends and the clock --------------------------------------------------------------------------


def test_positional_and_keyword_send_arguments_reach_a_subclasss_own_on_request() -> None:
    seen: list[dict[str, Any]] = []

    class Recording(canned.RequestsMock):
        def _on_request(self, adapter: Any, request: Any, **kwargs: Any) -> Any:
            seen.append(kwargs)
            return super()._on_request(adapter, request, **kwargs)

    prepared = requests.Request("GET", URL).prepare()
    with Recording() as mock:
        mock.add(canned.GET, URL, body="recorded")
        answer = HTTPAdapter().send(prepared, False, 7.5, verify="/etc/custom/ca.pem")
    assert answer.text == "recorded"
    assert seen == [{"stream": False, "timeout": 7.5, "verify": "/etc/custom/ca.pem"}]


def test_a_send_taken_while_mocked_and_called_after_the_block_is_the_original_send(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a library that kept `HTTPAdapter.send` while a mock was active, calling it later
    received: list[tuple[Any, ...]] = []

    def original(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> str:
        received.append((adapter, request, args, kwargs))
        return "sent for real"

    monkeypatch.setattr(HTTPAdapter, "send", original)
    with canned.RequestsMock():
        kept = HTTPAdapter.send
    assert kept is not original
    adapter, prepared = HTTPAdapter(), requests.Request("GET", URL).prepare()
    assert kept(adapter, prepared, False, 7.5, verify=False) == "sent for real"
    assert received == [(adapter, prepared, (False, 7.5), {"verify": False})]


class OwnAdapter(BaseAdapter):
    """An adapter that answers by itself: requests still times what it sends through it."""

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        answer = requests.Response()
        answer.status_code = 299
        return answer

    def close(self) -> None:
        pass


def test_after_the_block_sessions_time_their_requests_with_the_real_clock() -> None:
    real_clock = sessions.preferred_clock
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, URL, latency=2.0)
        assert requests.get(URL).elapsed.total_seconds() >= 2.0
        assert sessions.preferred_clock is not real_clock
    assert sessions.preferred_clock is real_clock
    with requests.Session() as session:
        session.mount("https://", OwnAdapter())
        answer = session.get(URL)
    assert (answer.status_code, answer.elapsed.total_seconds() >= 0) == (299, True)


@pytest.mark.parametrize(
    ("fault", "raised"),
    [
        (faults.connection_refused(), NewConnectionError),
        (faults.connect_timeout(), ConnectTimeoutError),
        (faults.read_timeout(), requests.ReadTimeout),
        (faults.connection_reset(), requests.ConnectionError),
        (faults.malformed(), requests.ConnectionError),
    ],
    ids=lambda value: getattr(value, "kind", ""),
)
def test_with_retries_off_requests_lets_urllib3s_connect_errors_through_as_a_real_server_would(
    fault: faults.Fault, raised: type[Exception]
) -> None:
    """HTTPAdapter.send wraps only broken connections and read timeouts; with `Retry(False)`
    urlopen raises a connect error as it met it, and requests lets it through."""
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(False)))
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, "https://e.test/", body=fault)
        with pytest.raises(raised) as caught:
            session.get("https://e.test/")
    assert type(caught.value) is raised
    assert fault.message in str(caught.value)


@pytest.mark.parametrize(
    ("fault", "raised", "inner"),
    [
        (faults.read_timeout(), requests.ReadTimeout, ReadTimeoutError),
        (faults.connection_reset(), requests.ConnectionError, ProtocolError),
    ],
    ids=["read_timeout", "connection_reset"],
)
def test_with_retries_off_a_wrapped_fault_carries_urllib3s_error_and_the_request(
    fault: faults.Fault, raised: type[Exception], inner: type[Exception]
) -> None:
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(False)))
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, "https://e.test/", body=fault)
        with pytest.raises(raised) as caught:
            session.get("https://e.test/")
        assert type(caught.value.args[0]) is inner
        assert caught.value.request is mock.calls[0].request


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize(
    ("fault", "logged", "inner"),
    [
        (faults.read_timeout(), requests.ReadTimeout, ReadTimeoutError),
        (faults.connection_reset(), requests.ConnectionError, ProtocolError),
        (faults.connection_refused(), requests.ConnectionError, NewConnectionError),
    ],
    ids=["read_timeout", "connection_reset", "connection_refused"],
)
def test_an_attempt_retried_after_a_fault_is_logged_as_requests_error_around_urllib3s(
    fault: faults.Fault, logged: type[Exception], inner: type[Exception]
) -> None:
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=1, backoff_factor=0)))
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, "https://e.test/", body=fault, times=1)
        mock.add(canned.GET, "https://e.test/", body=b"then")
        assert session.get("https://e.test/").content == b"then"
        first = mock.calls[0]
    assert type(first.response) is logged
    assert isinstance(first.response.args[0], inner)
    assert first.response.request is first.request
