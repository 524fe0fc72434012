"""Fault behaviours users rely on that no other test pinned: the edges of a chaos rate and of a
latency against the client's timeout, an answer with no latency taking no time, a truncated body
from an object that can only be read, and the messages that refuse a bad chaos or latency range."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from tests.urllib3_versions import URLLIB3_2

import canned
from canned import faults
from canned._core.faults import apply
from canned._core.reply import Reply

URL = "https://pinned-faults.test/items"


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


class Draws(random.Random):
    """A generator whose every draw is `value`: the edge a seeded generator may reach."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


class OnlyReadable:
    """A body a user's code may hand over: it has `read()` and nothing else (not iterable)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data


def test_a_truncated_fault_says_the_connection_ended_in_the_middle_of_the_body() -> None:
    fault = faults.truncated(after=2)
    assert fault.message == "canned fault: the connection ended in the middle of the body"
    assert fault == faults.Fault("truncated", fault.message, 2)


def test_a_chaos_rate_of_zero_is_accepted_and_never_injects_its_fault() -> None:
    with canned.RequestsMock(chaos=faults.Chaos(0, faults.connection_reset(), seed=1)) as mock:
        mock.add(canned.GET, URL)
        assert [requests.get(URL).status_code for _ in range(5)] == [200] * 5
    reply = Reply(200, (), b"ok")
    chaos = faults.Chaos(0.0, faults.connection_reset())
    assert apply(reply, None, chaos, Draws(0.0))[1] is None  # even the lowest draw


def test_a_chaos_draw_equal_to_the_rate_answers_and_a_lower_one_meets_the_fault() -> None:
    reply = Reply(200, (), b"ok")
    chaos = faults.Chaos(0.25, faults.connection_reset())
    assert apply(reply, None, chaos, Draws(0.25))[1] is None
    assert apply(reply, None, chaos, Draws(0.2499))[1] == faults.connection_reset()


@pytest.mark.parametrize(
    ("rate", "error", "shown"),
    [(True, ValueError, "True (bool)"), ("0.5", ValueError, "'0.5' (str)")],
    ids=["bool", "str"],
)
def test_a_chaos_rate_that_is_not_a_number_is_refused_as_a_rate(
    rate: Any, error: type, shown: str
) -> None:
    with pytest.raises(error) as raised:
        canned.RequestsMock(chaos=faults.Chaos(rate, faults.malformed()))
    assert str(raised.value) == (
        f"RequestsMock(): chaos rate must be a number from 0 to 1, got {shown}"
    )


@pytest.mark.parametrize(
    ("latency", "error", "message"),
    [
        (
            (-1, 2),
            ValueError,
            "add(): latency must be a finite number of seconds from 0 up, got -1 (int)",
        ),
        (
            (1, "2s"),
            TypeError,
            "add(): latency must be a number of seconds from 0 up, or a (low, high) range, "
            "got '2s' (str)",
        ),
    ],
    ids=["negative", "text"],
)
def test_a_bad_end_of_a_latency_range_is_refused_naming_the_latency(
    mock: canned.RequestsMock, latency: Any, error: type, message: str
) -> None:
    with pytest.raises(error) as raised:
        mock.add(canned.GET, URL, latency=latency)
    assert str(raised.value) == message


def test_a_latency_range_may_start_at_zero(mock: canned.RequestsMock) -> None:
    route = mock.add(canned.GET, URL, latency=(0, 0.5))
    assert route.latency == (0.0, 0.5)
    assert requests.get(URL, timeout=1).status_code == 200


def test_a_latency_equal_to_the_clients_read_timeout_still_answers(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, latency=2.0)
    assert requests.get(URL, timeout=2.0).status_code == 200
    with pytest.raises(requests.ReadTimeout):
        requests.get(URL, timeout=1.5)


def test_an_answer_with_no_latency_takes_no_time_even_when_it_meets_a_fault_or_chaos() -> None:
    truncated = Reply(200, (), b"0123", fault=faults.truncated(after=1))
    answered, fault = apply(truncated, 0.5, None, random.Random(1))
    assert (fault, answered.elapsed, answered.body) == (None, 0.0, b"0")
    chaos = faults.Chaos(0.0, faults.connection_reset())
    answered, fault = apply(Reply(200, (), b"ok"), 0.5, chaos, random.Random(1))
    assert (fault, answered.elapsed) == (None, 0.0)


def test_a_truncated_body_from_an_object_that_can_only_be_read_arrives_cut_short(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body=OnlyReadable(b"0123456789"), faults=faults.truncated(4))
    received: list[bytes] = []

    def read_all(answer: requests.Response) -> None:
        for chunk in answer.iter_content(1):
            received.append(chunk)

    with requests.get(URL, stream=True) as answer:
        assert answer.headers["Content-Length"] == "10"
        if URLLIB3_2:
            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                read_all(answer)
        else:  # requests on urllib3 1.26 ends the stream where the body ended, as from a server
            read_all(answer)
    assert b"".join(received) == b"0123"


@pytest.mark.parametrize("latency", [False, "", [], "1"])
def test_a_latency_that_is_not_seconds_is_refused_at_add_even_when_falsy(latency: object) -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    with pytest.raises(TypeError) as refused:
        mock.add(canned.GET, "https://e.test/", latency=latency)
    assert str(refused.value) == (
        "add(): latency must be a number of seconds from 0 up, or a (low, high) range, "
        f"got {latency!r} ({type(latency).__name__})"
    )


@pytest.mark.parametrize("latency", [None, 0, 0.0])
def test_no_latency_or_a_zero_one_answers_at_once(latency: object) -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        route = mock.add(canned.GET, "https://e.test/", latency=latency)
        assert route.latency == 0.0
        assert requests.get("https://e.test/", timeout=0.001).status_code == 200
