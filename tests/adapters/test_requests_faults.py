"""Faults and latency through requests: each fault comes out as the exception requests raises
for it from a real server, latency against the timeout the caller gave, and retries see the
failures as from a server."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from tests.urllib3_versions import URLLIB3_2
from urllib3.exceptions import ProtocolError
from urllib3.util.retry import Retry

import canned
from canned import faults
from canned._core import dispatch

URL = "https://faults.example.test/items"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (faults.connect_timeout(), requests.ConnectTimeout),
        (faults.read_timeout(), requests.ReadTimeout),
        (faults.connection_refused(), requests.ConnectionError),
        (faults.connection_reset(), requests.ConnectionError),
        (faults.dns_failure(), requests.ConnectionError),
        (faults.malformed(), requests.ConnectionError),
    ],
    ids=lambda value: getattr(value, "kind", None) or value.__name__,
)
def test_each_fault_is_the_exception_requests_raises_for_it(
    mock: canned.RequestsMock, fault: faults.Fault, error: type
) -> None:
    mock.add(canned.GET, URL, body=fault)
    with pytest.raises(error) as raised:
        requests.get(URL, timeout=5)
    assert type(raised.value) is error
    assert raised.value.request is mock.calls[0].request
    assert mock.calls[0].response is raised.value
    assert fault.message.split(": ", 1)[1] in str(raised.value)


def test_a_reset_carries_the_protocol_error_requests_gets_from_urllib3(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.connection_reset())
    with pytest.raises(requests.ConnectionError) as raised:
        requests.get(URL, timeout=5)
    aborted = raised.value.args[0]
    assert isinstance(aborted, ProtocolError)
    assert aborted.args[0] == "Connection aborted."
    assert isinstance(aborted.args[1], ConnectionResetError)


@pytest.mark.parametrize(
    ("timeout", "answered"), [(1, False), ((5, 1), False), (5, True), ((1, 5), True), (None, True)]
)
def test_latency_is_compared_with_the_read_timeout_the_caller_gave(
    mock: canned.RequestsMock, timeout: Any, answered: bool
) -> None:
    mock.add(canned.GET, URL, json={"ok": True}, latency=3.0)
    if answered:
        assert requests.get(URL, timeout=timeout).json() == {"ok": True}
        return
    with pytest.raises(requests.ReadTimeout):
        requests.get(URL, timeout=timeout)


def test_elapsed_reports_the_latency_though_no_time_passed(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, latency=2.0)
    answer = requests.get(URL, timeout=5)
    assert 2.0 <= answer.elapsed.total_seconds() < 3.0


def test_a_truncated_body_streams_its_first_bytes_then_breaks_as_urllib3_breaks_it(
    mock: canned.RequestsMock,
) -> None:
    """On urllib3 2 the stream then fails as a broken connection; on urllib3 1.26 it ends where
    the body ended, as with a real server."""
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10))
    received: list[bytes] = []
    with requests.get(URL, stream=True, timeout=5) as answer:
        assert answer.headers["Content-Length"] == "100"
        chunks = answer.iter_content(chunk_size=5)
        received += [next(chunks), next(chunks)]
        if URLLIB3_2:
            with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
                next(chunks)
        else:
            assert list(chunks) == []
    assert received == [b"xxxxx", b"xxxxx"]


def test_urllib3_retries_see_a_routes_failures_then_its_answer(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=503, times=2)
    mock.add(canned.GET, URL, json={"ok": True})
    with requests.Session() as session:
        retries = Retry(total=3, status_forcelist=[503], backoff_factor=0)
        session.mount("https://", HTTPAdapter(max_retries=retries))
        answer = session.get(URL, timeout=5)
    assert answer.json() == {"ok": True}
    assert [call.response.status_code for call in mock.calls] == [503, 503, 200]


def test_with_real_time_the_latency_is_slept(
    mock: canned.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(dispatch.time, "sleep", slept.append)
    with canned.RequestsMock(real_time=True) as timed:
        timed.add(canned.GET, URL, latency=0.25)
        requests.get(URL, timeout=5)
    mock.add(canned.GET, URL, latency=0.25)
    requests.get(URL, timeout=5)  # the default: no time passes
    assert slept == [0.25]


def test_chaos_fails_the_same_requests_for_the_same_seed() -> None:
    def run() -> list[str]:
        chaos = faults.Chaos(0.5, faults.connection_reset(), seed=11)
        outcomes = []
        with canned.RequestsMock(chaos=chaos) as mock:
            mock.add(canned.GET, URL)
            for _ in range(12):
                try:
                    requests.get(URL, timeout=5)
                except requests.ConnectionError:
                    outcomes.append("reset")
                else:
                    outcomes.append("ok")
        return outcomes

    first = run()
    assert first == run()
    assert set(first) == {"reset", "ok"}


def test_urllib3_retries_connect_again_after_a_connect_fault_as_from_a_server(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.connect_timeout(), times=2)
    mock.add(canned.GET, URL, json={"ok": True})
    with requests.Session() as session:
        session.mount("https://", HTTPAdapter(max_retries=Retry(connect=3, backoff_factor=0)))
        answer = session.get(URL, timeout=5)
    assert answer.json() == {"ok": True}
    logged = [type(call.response).__name__ for call in mock.calls]
    assert logged == ["ConnectTimeout", "ConnectTimeout", "Response"]


def test_a_fault_outlasting_the_retries_is_raised_as_requests_raises_max_retries(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=faults.connection_refused())
    with requests.Session() as session:
        session.mount("https://", HTTPAdapter(max_retries=Retry(connect=2, backoff_factor=0)))
        with pytest.raises(requests.ConnectionError) as raised:
            session.get(URL, timeout=5)
    assert len(mock.calls) == 3  # the first try and two retries
    assert "Max retries exceeded with url: /items" in str(raised.value)
    assert "NewConnectionError" in str(raised.value)


def test_a_read_fault_of_a_post_is_not_retried_as_urllib3_does_not_resend_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, body=faults.read_timeout())
    with requests.Session() as session:
        session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0)))
        with pytest.raises(requests.ReadTimeout):
            session.post(URL, data=b"x", timeout=5)
    assert len(mock.calls) == 1
