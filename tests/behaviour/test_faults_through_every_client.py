"""Faults, latency, flaky routes and scenarios through every client: the README's fault table against the class each client really raises, a seeded latency
range through a client, real time slept the async way for async clients, a user's own retry loop
and an SDK's retries against a flaky route, scenarios and their diagnosis through every client,
and every bad argument refused naming itself wherever a route is made."""

from __future__ import annotations

import asyncio
import importlib
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable

import httpx
import pytest
import requests
from tests.adapters.conftest import fake_aws_environment
from tests.behaviour.test_faults import FAULTS, caught, readme_table
from tests.urllib3_versions import URLLIB3_2

import canned
from canned import faults

if TYPE_CHECKING:
    from tests.behaviour.conftest import Client

URL = "https://audit.example.test/items"
CART = "https://audit.example.test/cart"


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


def is_async(client: Client) -> bool:
    """Whether the client answers on an event loop (httpx's AsyncClient, aiohttp)."""
    return bool(getattr(client, "is_async", client.name == "aiohttp"))


def column(client: Client) -> str:
    """The README table's column for a client: httpx2 raises httpx's classes, sync or async."""
    return "httpx" if client.name.startswith("httpx") else client.name


# -- the README's fault table, against what each client really raises ----------------------------


def names_in(text: str) -> list[str]:
    """The class names a README cell writes in backticks; one written with its module is the
    name of the class it is (`socket.timeout` is `TimeoutError` from Python 3.10 on)."""
    names = []
    for written in re.findall(r"`([^`]+)`", text):
        module, _, name = written.rpartition(".")
        names.append(getattr(importlib.import_module(module), name).__name__ if module else name)
    return names


def lineage(error: BaseException) -> set[str]:
    """The names of an exception's class and of every class it derives from."""
    return {kind.__name__ for kind in type(error).__mro__}


@pytest.mark.parametrize("kind", list(FAULTS))
def test_each_readme_cell_names_the_class_the_client_really_raises_for_that_fault(
    client: Client, mock: canned.RequestsMock, kind: str
) -> None:
    """Not a substring of a name: the cell's first class is the raised error's class or one of
    its bases, and after "around" one of the classes named is its `.reason`'s."""
    if kind == "truncated":
        mock.add(canned.GET, URL, body=b"0123456789", faults=faults.truncated(after=3))
    else:
        mock.add(canned.GET, URL, body=FAULTS[kind])
    cell = readme_table()[column(client)][kind]
    if (client.name, kind) == ("requests", "truncated") and not URLLIB3_2:
        assert client.send("GET", URL).content == b"012"  # urllib3 1.26: the body just ends
        return
    with pytest.raises(BaseException) as raised:  # noqa: PT011  # the README says which
        client.send("GET", URL)
    error = raised.value
    outer, _, inner = cell.partition(" around ")
    assert names_in(outer)[0] in lineage(error), (client.name, kind, cell, type(error))
    if inner:
        reason = error.reason  # type: ignore[attr-defined]  # URLError, MaxRetryError
        assert set(names_in(inner)) & lineage(reason), (client.name, kind, cell, type(reason))


# -- latency: a seeded range, real time ----------------------------------------------------------


def outcomes_with_requests(seed: int) -> list[str]:
    """Twelve requests to a (0.5, 1.5) s latency range under a 1 s read timeout."""
    seen = []
    with canned.RequestsMock(seed=seed) as seeded, requests.Session() as session:
        seeded.add(canned.GET, URL, body="in time", latency=(0.5, 1.5))
        for _ in range(12):
            try:
                elapsed = session.get(URL, timeout=1.0).elapsed.total_seconds()
            except requests.ReadTimeout:
                seen.append("timed out")
            else:
                assert 0.5 <= elapsed < 1.5  # drawn from the range, under the timeout
                seen.append("answered")
    return seen


def outcomes_with_httpx(seed: int) -> list[str]:
    seen = []
    with canned.RequestsMock(seed=seed) as seeded, httpx.Client(timeout=1.0) as session:
        seeded.add(canned.GET, URL, body="in time", latency=(0.5, 1.5))
        for _ in range(12):
            try:
                elapsed = session.get(URL).elapsed.total_seconds()
            except httpx.ReadTimeout:
                seen.append("timed out")
            else:
                assert 0.5 <= elapsed < 1.5
                seen.append("answered")
    return seen


@pytest.mark.parametrize(
    "outcomes", [outcomes_with_requests, outcomes_with_httpx], ids=["requests", "httpx"]
)
def test_with_a_seed_a_latency_range_times_out_the_same_requests_on_every_run(
    outcomes: Callable[[int], list[str]],
) -> None:
    first = outcomes(7)
    assert first == outcomes(7)
    assert set(first) == {"answered", "timed out"}  # the range straddles the timeout


def timeouts_of_each(mock: canned.RequestsMock, count: int) -> list[bool]:
    """Whether each of `count` requests timed out (1 s) on a latency drawn from (0.5, 1.5)."""
    seen = []
    with mock:
        mock.add(canned.GET, URL, body="ok", latency=(0.5, 1.5))
        for _ in range(count):
            try:
                requests.get(URL, timeout=1.0)
            except requests.ReadTimeout:
                seen.append(True)
            else:
                seen.append(False)
    return seen


def test_without_a_seed_every_run_draws_the_same_latencies_and_seed_none_draws_afresh() -> None:
    first = timeouts_of_each(canned.RequestsMock(), 40)
    assert first == timeouts_of_each(canned.RequestsMock(), 40)
    assert set(first) == {True, False}  # drawn on both sides of the timeout
    # drawn afresh, the 40 outcomes match the seeded ones with odds of about 2**-40
    assert timeouts_of_each(canned.RequestsMock(seed=None), 40) != first


LATENCY = 0.0123  # a value only a route's latency sleeps


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """Each sleep of LATENCY seconds, by the function asked for it, none slept for real; other
    sleeps (a client's own) go on as they would."""
    seen: list[tuple[str, float]] = []
    real_sleep, real_async_sleep = time.sleep, asyncio.sleep

    def sleep(seconds: float) -> None:
        if seconds == LATENCY:
            seen.append(("time.sleep", seconds))
            return
        real_sleep(seconds)

    async def async_sleep(delay: float, result: Any = None) -> Any:
        if delay == LATENCY:
            seen.append(("asyncio.sleep", delay))
            delay = 0
        return await real_async_sleep(delay, result)

    monkeypatch.setattr(time, "sleep", sleep)
    monkeypatch.setattr(asyncio, "sleep", async_sleep)
    return seen


@pytest.mark.parametrize("real_time", [False, True], ids=["default", "real_time"])
def test_a_latency_is_slept_only_with_real_time_and_awaited_by_async_clients(
    client: Client, sleeps: list[tuple[str, float]], real_time: bool
) -> None:
    with canned.RequestsMock(real_time=real_time) as timed:
        timed.add(canned.GET, URL, body="late", latency=LATENCY)
        assert client.send("GET", URL).content == b"late"
    how = "asyncio.sleep" if is_async(client) else "time.sleep"
    assert sleeps == ([(how, LATENCY)] if real_time else [])


def test_with_real_time_a_client_waits_its_timeout_before_a_latency_longer_than_it_times_out(
    sleeps: list[tuple[str, float]],
) -> None:
    with canned.RequestsMock(real_time=True) as timed:
        timed.add(canned.GET, URL, body="late", latency=60.0)
        with pytest.raises(requests.ReadTimeout):
            requests.get(URL, timeout=LATENCY)
    assert sleeps == [("time.sleep", LATENCY)]  # its own timeout, not the minute


def test_with_real_time_a_connect_fault_sleeps_not_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)  # every sleep, whatever its length
    with canned.RequestsMock(real_time=True) as timed:
        timed.add(canned.GET, URL, body=faults.connection_refused(), latency=2.0)
        with pytest.raises(requests.ConnectionError):
            requests.get(URL, timeout=5)
    assert slept == []


@pytest.mark.parametrize(
    ("fault", "slept"),
    [(faults.connection_reset(), [("time.sleep", LATENCY)]), (faults.connection_refused(), [])],
    ids=["reset after the latency", "refused before any"],
)
def test_with_real_time_a_read_fault_comes_after_the_latency_and_a_connect_fault_at_once(
    sleeps: list[tuple[str, float]], fault: faults.Fault, slept: list[tuple[str, float]]
) -> None:
    with canned.RequestsMock(real_time=True) as timed:
        timed.add(canned.GET, URL, body=fault, latency=LATENCY)
        with pytest.raises(requests.ConnectionError):
            requests.get(URL, timeout=5)
    assert sleeps == slept


# -- flaky routes: a user's own retry loop, an SDK's retries ----------------------------------


def test_a_users_own_retry_loop_meets_a_flaky_routes_failures_then_its_answer(
    client: Client, mock: canned.RequestsMock
) -> None:
    """As tenacity or backoff retry: catch the error the README documents, try again. A client
    that retries by itself (urllib3's default Retry, aiohttp after a reset) takes some of the
    failures first; the call log shows every attempt either way."""
    mock.add(canned.GET, URL, body=faults.connection_reset(), times=2)
    mock.add(canned.GET, URL, json={"ok": True})
    documented, _ = caught(client, "connection_reset")
    answer = None
    for _ in range(5):
        try:
            answer = client.send("GET", URL)
        except documented:
            continue
        break
    assert answer is not None
    assert (answer.status, answer.content) == (200, b'{"ok": true}')
    logged = [isinstance(call.response, BaseException) for call in mock.calls]
    assert logged == [True, True, False]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_botocores_own_retries_meet_a_flaky_routes_resets_then_its_answer(
    mock: canned.RequestsMock, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    boto3 = pytest.importorskip("boto3")  # installed from Python 3.10 on (see test_boto3.py)
    fake_aws_environment(monkeypatch, tmp_path, attempts=3)
    backoffs: list[float] = []
    monkeypatch.setattr(time, "sleep", backoffs.append)  # botocore's backoff, not slept
    buckets = (
        b'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult '
        b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>reports'
        b"</Name></Bucket></Buckets></ListAllMyBucketsResult>"
    )
    mock.add(canned.GET, "https://s3.amazonaws.com/", body=faults.connection_reset(), times=2)
    mock.add(canned.GET, "https://s3.amazonaws.com/", body=buckets, content_type="application/xml")
    s3 = boto3.session.Session().client("s3")
    try:
        listed = s3.list_buckets()["Buckets"]
    finally:
        s3.close()
    assert [bucket["Name"] for bucket in listed] == ["reports"]
    assert [isinstance(call.response, BaseException) for call in mock.calls] == [True, True, False]
    assert len(backoffs) == 2  # botocore waited before each retry, as after a real reset


# -- scenarios through every client ----------------------------------------------------------------


def test_a_scenario_moves_when_its_route_answers_a_client_and_starts_over_on_reset(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.POST, CART, status=201, scenario="cart", sets_state="has item")
    mock.add(canned.GET, CART, json=[], scenario="cart", state="started")
    mock.add(canned.GET, CART, json=["book"], scenario="cart", state="has item")
    assert client.send("GET", CART).content == b"[]"
    assert client.send("POST", CART, json={"item": "book"}).status == 201
    assert dict(mock.scenarios) == {"cart": "has item"}
    assert client.send("GET", CART).content == b'["book"]'
    mock.scenarios.reset()
    assert mock.scenarios["cart"] == "started"
    assert client.send("GET", CART).content == b"[]"


def test_an_unmatched_requests_error_names_the_route_skipped_for_its_scenarios_state(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.GET, CART, json=["book"], scenario="cart", state="has item")
    with pytest.raises(client.connect_error) as raised:
        client.send("GET", CART)
    message = client.diagnosis(raised.value)
    assert f"- GET {CART} scenario 'cart' is in state 'started'\n" in message
    assert "- scenario 'cart': answers in state 'has item', the scenario is in 'started'" in message


# -- bad arguments, wherever a route is made ------------------------------------------------------

BAD = [
    ({"latency": (1,)}, "latency"),
    ({"latency": [0.1, 0.5]}, "latency"),
    ({"latency": (0.5, "1")}, "latency"),
    ({"latency": float("inf")}, "latency"),  # no client could ever wait for it
    ({"latency": (0.1, float("inf"))}, "latency"),
    ({"times": -2}, "times"),
    ({"faults": faults.truncated}, "faults"),
    ({"times": "2"}, "times"),
    ({"times": 0}, "times"),
    ({"scenario": 3}, "scenario"),
    ({"scenario": "cart", "state": 3}, "state"),
    ({"scenario": "cart", "state": ""}, "state"),
    ({"sets_state": "paid"}, "sets_state"),
]
MAKERS: dict[str, Callable[..., Any]] = {
    "add": lambda mock, **kwargs: mock.add(canned.GET, URL, **kwargs),
    "add_callback": lambda mock, **kwargs: mock.add_callback(
        canned.GET, URL, callback=lambda request: (200, {}, ""), **kwargs
    ),
    "replace": lambda mock, **kwargs: mock.replace(canned.GET, URL, **kwargs),
    "upsert": lambda mock, **kwargs: mock.upsert(canned.GET, URL, **kwargs),
    "Response": lambda mock, **kwargs: canned.Response(canned.GET, URL, **kwargs),
}


@pytest.mark.parametrize("where", list(MAKERS))
@pytest.mark.parametrize(("kwargs", "name"), BAD, ids=[name for _, name in BAD])
def test_a_bad_fault_latency_times_or_state_is_refused_naming_it_wherever_a_route_is_made(
    mock: canned.RequestsMock, where: str, kwargs: dict[str, Any], name: str
) -> None:
    mock.add(canned.GET, URL)  # what replace() and upsert() would change
    with pytest.raises((TypeError, ValueError)) as raised:
        MAKERS[where](mock, **kwargs)
    assert str(raised.value).startswith(f"{where}(): {name}")
    assert len(mock.registered()) == 1  # nothing was added or changed
