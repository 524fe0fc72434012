"""Threads and tasks: every answer goes to the request that asked, nothing is lost or leaked.

The default run sends 8 x 100 requests per scenario; `-m stress` (run once by CI) sends
8 x 1,000.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import requests
from tests.behaviour.conftest import client_modules

import canned

URL = "https://threads.example.test"
THREADS = 8


def run_in_threads(work: Callable[[int], list[str]], threads: int = THREADS) -> list[str]:
    """Run `work(thread_number)` in parallel threads; their combined list of problems."""
    problems: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def target(number: int) -> None:
        start.wait()
        try:
            found = work(number)
        except BaseException as error:  # a crash is a problem to report, not to hide
            found = [f"thread {number}: {error!r}"]
        with lock:
            problems.extend(found)

    workers = [threading.Thread(target=target, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return problems


def echo(request: Any) -> tuple[int, dict[str, str], bytes]:
    return 200, {}, request.body


def scenario(mock: canned.RequestsMock, per_thread: int, shared_session: bool) -> list[str]:
    """Static routes, a sequence and an echo callback, hit from every thread."""
    routes = [mock.add(canned.GET, f"{URL}/static/{n}", body=f"static {n}") for n in range(10)]
    mock.add(canned.GET, f"{URL}/sequence", body="first")
    mock.add(canned.GET, f"{URL}/sequence", body="then")
    mock.add_callback(canned.POST, f"{URL}/echo", callback=echo)
    shared = requests.Session()

    def work(thread: int) -> list[str]:
        session = shared if shared_session else requests.Session()
        wrong = []
        try:
            for index in range(per_thread):
                number = (thread + index) % 10
                kind = index % 3
                if kind == 0:
                    text = session.get(f"{URL}/static/{number}").text
                    expected = {f"static {number}"}
                elif kind == 1:
                    text = session.get(f"{URL}/sequence").text
                    expected = {"first", "then"}
                else:
                    payload = f"{thread}:{index}"
                    text = session.post(f"{URL}/echo", data=payload).text
                    expected = {payload}
                if text not in expected:
                    wrong.append(f"thread {thread} request {index}: got {text!r}")
        finally:
            if not shared_session:
                session.close()
        return wrong

    problems = run_in_threads(work)
    shared.close()
    total = THREADS * per_thread
    if len(mock.calls) != total:
        problems.append(f"{len(mock.calls)} calls recorded, {total} sent")
    bodies = Counter(call.response.text for call in mock.calls)
    if bodies["first"] != 1:
        problems.append(f"the first of the sequence answered {bodies['first']} times")
    counted = sum(route.call_count for route in routes) + sum(
        1 for call in mock.calls if "/static/" not in call.request.url
    )
    if counted != total:
        problems.append(f"per-route counts add up to {counted}, not {total}")
    return problems


@pytest.mark.parametrize("shared_session", [True, False], ids=["shared", "per-thread"])
def test_threads_each_get_the_right_answer_and_every_call_is_logged(shared_session: bool) -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        assert scenario(mock, 100, shared_session) == []


@pytest.mark.stress
@pytest.mark.parametrize("shared_session", [True, False], ids=["shared", "per-thread"])
def test_eight_threads_times_a_thousand_requests(shared_session: bool) -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        assert scenario(mock, 1000, shared_session) == []


def httpx_scenario(module: Any, per_thread: int) -> list[str]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for number in range(10):
            mock.add(canned.GET, f"{URL}/h/{number}", body=f"h {number}")

        def work(thread: int) -> list[str]:
            wrong = []
            with module.Client() as client:
                for index in range(per_thread):
                    number = (thread * 7 + index) % 10
                    text = client.get(f"{URL}/h/{number}").text
                    if text != f"h {number}":
                        wrong.append(f"thread {thread}: {text!r} for {number}")
            return wrong

        problems = run_in_threads(work)
        if len(mock.calls) != THREADS * per_thread:
            problems.append(f"{len(mock.calls)} calls recorded")
        return problems


@pytest.mark.parametrize("name", client_modules())
def test_httpx_clients_in_threads_get_the_right_answers(name: str) -> None:
    assert httpx_scenario(importlib.import_module(name), 100) == []


@pytest.mark.stress
@pytest.mark.parametrize("name", client_modules())
def test_httpx_clients_in_eight_threads_times_a_thousand(name: str) -> None:
    assert httpx_scenario(importlib.import_module(name), 1000) == []


def test_routes_added_and_removed_while_threads_send_answer_or_refuse_cleanly() -> None:
    """Each request is answered by a route registered at that moment, or refused as unmatched;
    nothing else ever happens."""
    stop = threading.Event()
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, f"{URL}/stable", body="stable")

        def churn() -> None:
            while not stop.is_set():
                for number in range(20):
                    mock.add(canned.GET, f"{URL}/churn/{number}", body=f"churn {number}")
                for number in range(20):
                    mock.remove(canned.GET, f"{URL}/churn/{number}")

        churner = threading.Thread(target=churn)
        churner.start()

        def work(thread: int) -> list[str]:
            wrong = []
            with requests.Session() as session:
                for index in range(100):
                    number = (thread + index) % 20
                    if session.get(f"{URL}/stable").text != "stable":
                        wrong.append("stable route answered wrongly")
                    try:
                        text = session.get(f"{URL}/churn/{number}").text
                    except requests.ConnectionError:
                        continue  # removed at that moment: refused, as it should be
                    if text != f"churn {number}":
                        wrong.append(f"churn {number} answered {text!r}")
            return wrong

        try:
            problems = run_in_threads(work)
        finally:
            stop.set()
            churner.join()
        assert problems == []
        assert len(mock.calls) == THREADS * 200


@pytest.mark.parametrize("name", client_modules())
def test_five_hundred_concurrent_async_requests_are_answered_and_recorded(name: str) -> None:
    module = importlib.import_module(name)
    ticks = 0

    def slow_echo(request: Any) -> tuple[int, dict[str, str], str]:
        return 200, {}, request.url.rsplit("/", 1)[1]

    async def heartbeat(done: asyncio.Event) -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    async def send_all() -> list[str]:
        done = asyncio.Event()
        beat = asyncio.create_task(heartbeat(done))
        async with module.AsyncClient() as client:
            answers = await asyncio.gather(*(client.get(f"{URL}/a/{n}") for n in range(500)))
        done.set()
        await beat
        return [answer.text for answer in answers]

    with canned.RequestsMock() as mock:
        mock.add_callback(canned.GET, f"{URL}/a/", callback=slow_echo)
        assert asyncio.run(send_all()) == [str(n) for n in range(500)]
        assert len(mock.calls) == 500
    assert ticks > 0  # the loop kept running other tasks meanwhile
