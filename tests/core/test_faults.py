"""Faults, latency, flaky routes and scenarios, as the core decides them: which fault a request
meets, how long an answer takes, when a route is used up, and which state a scenario is in."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from tests.core.conftest import ask

import canned
from canned import faults
from canned._core.faults import apply, cut_short
from canned._core.reply import Reply

URL = "https://faults.test/items"


@pytest.fixture
def mock() -> Any:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


def answer(mock: Any, method: str = "GET", url: str = URL) -> Any:
    """The reply a request gets, counted as answered (as an adapter settles it)."""
    outcome = ask(mock, method, url)
    if outcome.kind == "answer":
        mock.settle(outcome, outcome.reply)
    return outcome


def test_a_fault_given_as_body_is_carried_to_the_adapter_instead_of_an_answer(mock: Any) -> None:
    mock.add(canned.GET, URL, body=faults.read_timeout())
    reply = answer(mock).reply
    assert reply.fault == faults.read_timeout()
    assert reply.fault.kind == "read_timeout"
    assert reply.fault.is_connect_fault is False


def test_connect_faults_are_told_from_faults_met_while_reading() -> None:
    connecting = [faults.connect_timeout(), faults.connection_refused(), faults.dns_failure()]
    reading = [faults.read_timeout(), faults.connection_reset(), faults.malformed()]
    assert [fault.is_connect_fault for fault in connecting] == [True, True, True]
    assert [fault.is_connect_fault for fault in [*reading, faults.truncated(3)]] == [False] * 4


def test_a_fault_shows_as_the_call_that_made_it() -> None:
    assert repr(faults.truncated(after=10)) == "canned.faults.truncated(after=10)"
    assert repr(faults.dns_failure()) == "canned.faults.dns_failure()"


def test_a_routes_latency_and_fault_reach_the_reply_of_every_route_kind(mock: Any) -> None:
    mock.add(canned.GET, URL, json={"a": 1}, latency=2.5)
    mock.add_callback(
        canned.GET, URL + "/c", callback=lambda r: (200, {}, "x"), faults=faults.truncated(1)
    )
    assert answer(mock).reply.latency == 2.5
    assert answer(mock, url=URL + "/c").reply.fault == faults.truncated(after=1)


def test_a_latency_longer_than_the_clients_read_timeout_is_its_read_timeout() -> None:
    reply = Reply(200, (), b"ok", latency=3.0)
    waited, fault = apply(reply, 1.0, None, random.Random(1))
    assert (fault, waited.elapsed) == (faults.read_timeout(), 1.0)  # waited its own timeout
    answered, fault = apply(reply, 5.0, None, random.Random(1))
    assert (fault, answered.elapsed, answered.latency) == (None, 3.0, 0.0)
    assert apply(reply, None, None, random.Random(1))[0].elapsed == 3.0  # no timeout: waits


def test_a_latency_range_is_drawn_from_the_mocks_seeded_generator() -> None:
    reply = Reply(200, (), b"ok", latency=(0.1, 0.5))
    first = [apply(reply, None, None, generator)[0].elapsed for generator in [random.Random(7)]]
    again = [apply(reply, None, None, generator)[0].elapsed for generator in [random.Random(7)]]
    assert first == again
    assert 0.1 <= first[0] <= 0.5


def test_chaos_puts_its_fault_in_the_same_answers_for_the_same_seed() -> None:
    def run() -> list[bool]:
        with canned.RequestsMock(
            chaos=faults.Chaos(0.5, faults.connection_reset(), seed=3)
        ) as mock:
            mock.add(canned.GET, URL)
            met = []
            for _ in range(20):
                reply = answer(mock).reply
                met.append(apply(reply, None, mock.chaos, mock.random)[1] is not None)
            return met

    first = run()
    assert first == run()
    assert 0 < sum(first) < 20


def test_a_truncated_body_keeps_the_whole_bodys_length_and_only_its_first_bytes() -> None:
    reply = Reply(200, (("Content-Length", "10"), ("X-A", "1")), b"0123456789")
    cut = cut_short(reply, 4)
    assert (cut.body, cut.headers) == (b"0123", (("X-A", "1"), ("Content-Length", "10")))
    answered, fault = apply(reply._replace(fault=faults.truncated(4)), None, None, random.Random())
    assert (fault, answered.body, answered.fault) == (None, b"0123", None)


@pytest.mark.parametrize(
    "make_body",
    [lambda: [b"01", "23", bytearray(b"45")], lambda: io.BytesIO(b"012345")],
    ids=["chunks", "file"],
)
def test_a_streamed_or_file_body_is_cut_short_as_a_whole(make_body: Any) -> None:
    cut = cut_short(Reply(200, (), make_body()), 3)  # a fresh body each run: a file is read once
    assert (cut.body, dict(cut.headers)) == (b"012", {"Content-Length": "6"})


def test_a_route_with_times_answers_that_often_then_the_next_one_answers(mock: Any) -> None:
    mock.add(canned.GET, URL, status=429, times=2)
    mock.add(canned.GET, URL, status=200)
    statuses = [answer(mock).reply.status for _ in range(4)]
    assert statuses == [429, 429, 200, 200]


def test_a_used_up_route_says_so_in_the_diagnosis(mock: Any) -> None:
    mock.add(canned.GET, URL, status=503, times=1)
    answer(mock)
    message = answer(mock).message
    assert f"- GET {URL} used up: it answered its 1 time(s)\n" in message
    assert message.endswith(f"Closest route: GET {URL}\n- times: answered 1 of 1, used up\n")


def test_a_scenario_moves_when_its_route_answers_and_routes_answer_in_their_state(
    mock: Any,
) -> None:
    mock.add(canned.POST, URL, status=201, scenario="cart", sets_state="has item")
    mock.add(canned.GET, URL, json=[], scenario="cart", state="started")
    mock.add(canned.GET, URL, json=[1], scenario="cart", state="has item")
    assert mock.scenarios["cart"] == "started"
    assert answer(mock).reply.body == b"[]"
    answer(mock, "POST")
    assert dict(mock.scenarios) == {"cart": "has item"}
    assert answer(mock).reply.body == b"[1]"
    mock.scenarios.reset()
    assert (answer(mock).reply.body, repr(mock.scenarios)) == (b"[]", "Scenarios({})")


def test_a_route_skipped_for_its_scenarios_state_is_named_with_both_states(mock: Any) -> None:
    mock.add(canned.GET, URL, json=[1], scenario="cart", state="has item")
    message = answer(mock).message
    assert f"- GET {URL} scenario 'cart' is in state 'started'\n" in message
    assert message.endswith(
        f"Closest route: GET {URL}\n"
        "- scenario 'cart': answers in state 'has item', the scenario is in 'started'\n"
    )


def test_reset_puts_every_scenario_back_to_started(mock: Any) -> None:
    mock.add(canned.POST, URL, scenario="cart", sets_state="paid")
    answer(mock, "POST")
    mock.reset()
    assert len(mock.scenarios) == 0


def test_a_view_no_mock_is_asking_about_sees_every_scenario_started() -> None:
    route = canned.Response(canned.GET, URL, scenario="cart", state="started")
    assert route.matches(canned._core.request.Request("GET", URL)) == (True, "")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"latency": -1},
            ValueError,
            "add(): latency must be a finite number of seconds from 0 up, got -1 (int)",
        ),
        (
            {"latency": "1s"},
            TypeError,
            "add(): latency must be a number of seconds from 0 up, or a (low, high) range, got '1s' (str)",
        ),
        (
            {"latency": (2, 1)},
            ValueError,
            "add(): latency must be a (low, high) range with low <= high, got (2, 1) (tuple)",
        ),
        (
            {"faults": "timeout"},
            TypeError,
            "add(): faults must be a fault from canned.faults (such as read_timeout()), got 'timeout' (str)",
        ),
        ({"times": 0}, ValueError, "add(): times must be an int from 1 up, got 0 (int)"),
        ({"times": -2}, ValueError, "add(): times must be an int from 1 up, got -2 (int)"),
        ({"times": 1.5}, TypeError, "add(): times must be an int from 1 up, got 1.5 (float)"),
        ({"times": True}, TypeError, "add(): times must be an int from 1 up, got True (bool)"),
        ({"scenario": ""}, TypeError, "add(): scenario must be a non-empty str, got '' (str)"),
        ({"state": "paid"}, ValueError, "add(): state= needs scenario= (the scenario it is of)"),
        (
            {"scenario": "cart", "sets_state": 3},
            TypeError,
            "add(): sets_state must be a non-empty str, got 3 (int)",
        ),
        (
            {"lateness": 1},
            TypeError,
            "add() got an unexpected keyword argument 'lateness'",
        ),
    ],
)
def test_a_bad_fault_latency_times_or_state_is_refused_where_it_is_given(
    mock: Any, kwargs: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error) as raised:
        mock.add(canned.GET, URL, **kwargs)
    assert str(raised.value).endswith(message)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"chaos": 0.5},
            TypeError,
            "RequestsMock(): chaos must be a canned.faults.Chaos(rate, fault, seed=...), got 0.5 (float)",
        ),
        (
            {"chaos": faults.Chaos(1.5, faults.malformed())},
            ValueError,
            "RequestsMock(): chaos rate must be a number from 0 to 1, got 1.5 (float)",
        ),
        (
            {"chaos": faults.Chaos(0.5, "reset")},
            TypeError,
            "RequestsMock(): chaos fault must be a fault from canned.faults (such as read_timeout()), got 'reset' (str)",
        ),
        (
            {"chaos": faults.Chaos(0.5, faults.malformed(), seed="x")},
            TypeError,
            "RequestsMock(): chaos seed must be an int or None, got 'x' (str)",
        ),
        ({"real_time": "yes"}, TypeError, "RequestsMock(): real_time must be"),
        ({"seed": -1}, ValueError, "RequestsMock(): seed must be an int from 0 up, got -1 (int)"),
    ],
)
def test_a_bad_mock_option_for_faults_is_refused_at_construction(
    options: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error) as raised:
        canned.RequestsMock(**options)
    assert str(raised.value).startswith(message)


def test_a_truncated_fault_needs_a_byte_count_from_zero_up() -> None:
    with pytest.raises(ValueError, match=r"truncated\(\): after must be an int from 0 up"):
        faults.truncated(after=-1)


def test_a_callback_may_answer_with_a_fault_in_place_of_its_body(mock: Any) -> None:
    mock.add_callback(canned.GET, URL, callback=lambda request: (200, {}, faults.dns_failure()))
    assert answer(mock).reply.fault == faults.dns_failure()
