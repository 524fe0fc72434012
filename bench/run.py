"""canned's speed and memory against `responses` and the floors, interleaved in one run.

Run: python bench/run.py [--rounds N] [--only FIGURE ...]
(responses and aioresponses are measured when installed: extra `bench`)

The figures for aiohttp, urllib3 used directly and urllib.request (`bench/clients.py`) are
named after the client: `--only aiohttp`, `--only urllib3`, `--only urllib.request`; all three:
`--only aiohttp --only urllib` (`--only` may be repeated: a figure matching any is measured).

Each round runs every contender's scenario once, figure by figure and back to back, so machine
noise hits all of them alike; the table gives the median and min-max over rounds and the ratio
to the reference (a floor, or canned's own 10-route figure for growth), taken round by round so
that a machine whose speed drifts moves both sides of each ratio alike. Nothing here is a test:
numbers vary by machine, ratios much less.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.util
import io
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import requests
import urllib3
from clients import (
    aioresponses_problem,
    client_names,
    client_references,
    client_samples,
    figures,
)
from requests.adapters import HTTPAdapter

import canned

HAS_RESPONSES = importlib.util.find_spec("responses") is not None
URL = "https://bench.example.test/item"
LATENCY = "100 routes with 0.5 s latency, 1 s timeout, whole run"
BODY = b'{"id": 1, "name": "bench"}'


# -- floors --------------------------------------------------------------------------------------


class Urllib3Floor(HTTPAdapter):
    """What any mock that keeps requests' behaviour must at least do: a fresh urllib3 response."""

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(BODY),
            headers={"Content-Type": "application/json"},
            status=200,
            preload_content=False,
        )
        return self.build_response(request, raw)


class LoggingUrllib3Floor(Urllib3Floor):
    """floor:urllib3 that keeps every request and response, as a call log must: the garbage
    collector's work over what the log keeps is in this figure, and in canned's."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[Any, requests.Response]] = []

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().send(request, *args, **kwargs)
        self.log.append((request, response))
        return response


class PrebuiltFloor(HTTPAdapter):
    """A ready `requests.Response`: the cost of requests itself."""

    def __init__(self, body: bytes = BODY) -> None:
        super().__init__()
        self.body = body

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response._content = self.body
        response.request = request
        response.url = request.url
        return response


def floor_session(adapter: HTTPAdapter) -> requests.Session:
    session = requests.Session()
    session.mount("https://", adapter)
    return session


# -- measuring -----------------------------------------------------------------------------------


def per_call(function: Callable[[], Any], repeat: int) -> float:
    """Seconds per call of `function`, over `repeat` calls."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


class Table:
    def __init__(self, only: list[str] | None = None) -> None:
        self.samples: dict[tuple[str, str], list[float]] = {}
        self.order: list[tuple[str, str]] = []
        self.only = [text.lower() for text in only or [""]]

    def wants(self, figure: str) -> bool:
        return any(text in figure.lower() for text in self.only)

    def measure(self, figure: str, contender: str, run: Callable[[], float]) -> None:
        """Run one sample of `figure` for `contender`, unless `--only` leaves it out."""
        if self.wants(figure):
            self.add(figure, contender, run())

    def add(self, figure: str, contender: str, value: float) -> None:
        key = (figure, contender)
        if key not in self.samples:
            self.samples[key] = []
            self.order.append(key)
        self.samples[key].append(value)

    def median(self, figure: str, contender: str) -> float | None:
        values = self.samples.get((figure, contender))
        return statistics.median(values) if values else None

    def ratio(self, top: tuple[str, str], bottom: tuple[str, str]) -> float | None:
        """The median of the per-round ratios top/bottom: each pair was measured in the same
        round, moments apart, so a machine that speeds up or slows down for a while (as shared
        machines do) moves both alike and the ratio stays put, where a ratio of medians would
        not."""
        tops, bottoms = self.samples.get(top), self.samples.get(bottom)
        if not tops or not bottoms or len(tops) != len(bottoms):
            return None
        return statistics.median(t / b for t, b in zip(tops, bottoms))

    def print(self, references: dict[str, str], units: dict[str, tuple[str, float]]) -> None:
        print(f"{'figure':<44} {'contender':<16} {'median':>11} {'min-max':>21} {'ratio':>9}")
        for figure, contender in self.order:
            values = self.samples[(figure, contender)]
            unit, scale = units[figure]
            median = statistics.median(values)
            reference = self.ratio((figure, contender), (figure, references.get(figure, "")))
            ratio = f"{reference:8.2f}x" if reference else ""
            spread = f"{min(values) * scale:.1f}-{max(values) * scale:.1f}"
            print(
                f"{figure:<44} {contender:<16} {median * scale:9.1f}{unit:>2} "
                f"{spread:>19}{unit:>2} {ratio:>9}"
            )


# -- scenarios -----------------------------------------------------------------------------------


def canned_one_route(repeat: int) -> float:
    with canned.RequestsMock() as mock, requests.Session() as session:
        mock.add(canned.GET, URL, body=BODY, content_type="application/json")
        return per_call(lambda: session.get(URL), repeat)


def responses_one_route(repeat: int) -> float:
    import responses

    with responses.RequestsMock() as mock, requests.Session() as session:
        mock.add(responses.GET, URL, body=BODY, content_type="application/json")
        return per_call(lambda: session.get(URL), repeat)


def floor_one_route(adapter: HTTPAdapter, repeat: int) -> float:
    with floor_session(adapter) as session:
        return per_call(lambda: session.get(URL), repeat)


def many_routes(library: Any, count: int, repeat: int) -> float:
    """Per request with `count` exact-URL routes registered, asking for the last one."""
    with library.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for number in range(count):
            mock.add(library.GET, f"{URL}/{number}", body=BODY)
        target = f"{URL}/{count - 1}"
        with requests.Session() as session:
            return per_call(lambda: session.get(target), repeat)


def latency_routes(latency: float) -> float:
    """A suite's worth of requests: 100 routes each with `latency` seconds (or none), under a
    1 s timeout, each asked once; the seconds the whole run takes."""
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for number in range(100):
            mock.add(canned.GET, f"{URL}/{number}", body=BODY, latency=latency)
        with requests.Session() as session:
            start = time.perf_counter()
            for number in range(100):
                session.get(f"{URL}/{number}", timeout=1)
            return time.perf_counter() - start


def matcher_routes(library: Any, kind: str, repeat: int) -> float:
    """100 routes on one URL told apart by a query or JSON matcher; ask for the last."""
    with library.RequestsMock(assert_all_requests_are_fired=False) as mock, requests.Session() as s:
        for number in range(100):
            if kind == "query":
                match = [library.matchers.query_param_matcher({"n": str(number)})]
            else:
                match = [library.matchers.json_params_matcher({"n": number})]
            mock.add(library.POST, URL, body=BODY, match=match)
        if kind == "query":
            return per_call(lambda: s.post(URL, params={"n": "99"}), repeat)
        return per_call(lambda: s.post(URL, json={"n": 99}), repeat)


def registering(library: Any, existing: int, repeat: int) -> float:
    """Seconds per `add` with `existing` routes already registered."""
    mock = library.RequestsMock(assert_all_requests_are_fired=False)
    for number in range(existing):
        mock.add(library.GET, f"{URL}/{number}", body=BODY)
    urls = [f"{URL}/new/{number}" for number in range(repeat)]
    gc.collect()
    start = time.perf_counter()
    for url in urls:
        mock.add(library.GET, url, body=BODY)
    return (time.perf_counter() - start) / repeat


def big_body(library: Any, body: bytes, repeat: int) -> float:
    with library.RequestsMock() as mock, requests.Session() as session:
        mock.add(library.GET, URL, body=body)
        return per_call(lambda: session.get(URL).content, repeat)


def call_log_memory(library: Any) -> float:
    """Bytes held after 1,000 answers of one 100 KB body, the call log kept."""
    body = b"x" * 100_000
    with library.RequestsMock() as mock, requests.Session() as session:
        mock.add(library.GET, URL, body=body)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(1000):
            session.get(URL)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        assert len(mock.calls) == 1000
        return float(held)


def floor_call_log_memory(body: bytes) -> float:
    """The same, for floor:urllib3 keeping each request and response as a call log would;
    with a 1-byte body it is what requests' own objects weigh, with no body to share."""

    class Floor(HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
            raw = urllib3.HTTPResponse(body=io.BytesIO(body), status=200, preload_content=False)
            return self.build_response(request, raw)

    kept: list[tuple[Any, Any]] = []
    with floor_session(Floor()) as session:
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(1000):
            answer = session.get(URL)
            kept.append((answer.request, answer))
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    return float(held)


def activation(library: Any, routes: int, repeat: int) -> float:
    def enter_exit() -> None:
        with library.RequestsMock(assert_all_requests_are_fired=False) as mock:
            for number in range(routes):
                mock.add(library.GET, f"{URL}/{number}")

    return per_call(enter_exit, repeat)


def import_time(module: str) -> float:
    """Seconds to import `module` after requests, in a fresh interpreter (best of 7 runs)."""
    code = (
        "import time, requests; s = time.perf_counter(); "
        f"import {module}; print(time.perf_counter() - s)"
    )
    # bytecode is cached as on any installed machine: one warm-up run writes it
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
            ).stdout
        )
        for _ in range(8)
    ]
    return min(runs[1:])


def httpx_one_route(repeat: int) -> tuple[float, float] | None:
    if importlib.util.find_spec("httpx") is None:
        return None
    import httpx

    floor = httpx.MockTransport(lambda request: httpx.Response(200, content=BODY))
    with httpx.Client(transport=floor) as client:
        floor_time = per_call(lambda: client.get(URL), repeat)
    with canned.RequestsMock() as mock, httpx.Client() as client:
        mock.add(canned.GET, URL, body=BODY)
        canned_time = per_call(lambda: client.get(URL), repeat)
    return canned_time, floor_time


def library_samples(
    name: str, library: Any, repeat: int, ten_mb: bytes
) -> list[tuple[str, Callable[[], float]]]:
    """One round's samples for canned or responses, by figure."""
    # responses needs ~0.5 s per request at 10,000 routes: sample it less
    count = repeat if name == "canned" else 3
    few = max(repeat // 3, 5)  # responses takes ~3 ms a request here
    return [
        ("10 exact routes, per request", lambda: many_routes(library, 10, repeat)),
        ("10,000 exact routes, per request", lambda: many_routes(library, 10_000, count)),
        ("100 routes by query matcher, per request", lambda: matcher_routes(library, "query", few)),
        ("100 routes by JSON matcher, per request", lambda: matcher_routes(library, "json", few)),
        ("register a route (empty)", lambda: registering(library, 0, 1000)),
        ("register a route (10,000 there)", lambda: registering(library, 10_000, 200)),
        ("10 MB body read fully", lambda: big_body(library, ten_mb, 10)),
        ("call log after 1,000 x 100 KB answers", lambda: call_log_memory(library)),
        ("enter + exit, no routes", lambda: activation(library, 0, repeat)),
        ("enter + exit, 10 routes", lambda: activation(library, 10, repeat)),
    ]


# -- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=300, help="requests per sample")
    parser.add_argument(
        "--only",
        action="append",
        help="measure only figures whose name has this (repeat it for several)",
    )
    options = parser.parse_args()
    libraries: list[tuple[str, Any]] = [("canned", canned)]
    if HAS_RESPONSES:
        import responses

        libraries.append(("responses", responses))
    else:
        print("responses is not installed: only canned and the floors are measured\n")
    table = Table(options.only)
    repeat = options.repeat
    aioresponses_why = aioresponses_problem() if table.wants("aiohttp: one route") else None
    aioresponses_ok = table.wants("aiohttp: one route") and aioresponses_why is None
    ten_mb = b"y" * 10_000_000
    one = "one route, per request"
    for _ in range(options.rounds):
        table.measure(one, "floor:urllib3", lambda: floor_one_route(Urllib3Floor(), repeat))
        table.measure(one, "floor:prebuilt", lambda: floor_one_route(PrebuiltFloor(), repeat))
        table.measure(
            one, "floor:urllib3+log", lambda: floor_one_route(LoggingUrllib3Floor(), repeat)
        )
        table.measure(one, "canned", lambda: canned_one_route(repeat))
        if HAS_RESPONSES:
            table.measure(one, "responses", lambda: responses_one_route(repeat))
        # figure by figure, canned then responses back to back: their ratio is taken moments apart
        per_library = [
            (name, library_samples(name, library, repeat, ten_mb)) for name, library in libraries
        ]
        for position in range(len(per_library[0][1])):
            for name, samples in per_library:
                figure, run = samples[position]
                table.measure(figure, name, run)
        table.measure(
            "10 MB body read fully",
            "floor:prebuilt",
            lambda: floor_one_route(PrebuiltFloor(ten_mb), 10),
        )
        table.measure(
            "call log after 1,000 x 100 KB answers",
            "floor:urllib3",
            lambda: floor_call_log_memory(b"x" * 100_000),
        )
        table.measure(
            "call log after 1,000 x 100 KB answers",
            "floor:objects",
            lambda: floor_call_log_memory(b"x"),
        )
        if table.wants(LATENCY):
            table.measure(LATENCY, "no latency", lambda: latency_routes(0.0))
            table.measure(LATENCY, "canned", lambda: latency_routes(0.5))
        for figure, contender, run in client_samples(repeat, aioresponses_ok):
            table.measure(figure, contender, run)
        if table.wants("httpx one route, per request"):
            httpx_times = httpx_one_route(repeat)
            if httpx_times is not None:
                table.add("httpx one route, per request", "floor:MockTransport", httpx_times[1])
                table.add("httpx one route, per request", "canned", httpx_times[0])
    for name, _ in libraries:
        table.measure("import after requests", name, functools.partial(import_time, name))
    micro, milli = ("us", 1e6), ("ms", 1e3)
    units = {
        "one route, per request": micro,
        "10 exact routes, per request": micro,
        "10,000 exact routes, per request": micro,
        "100 routes by query matcher, per request": milli,
        "100 routes by JSON matcher, per request": milli,
        "register a route (empty)": micro,
        "register a route (10,000 there)": micro,
        "10 MB body read fully": milli,
        "call log after 1,000 x 100 KB answers": ("MB", 1e-6),
        "enter + exit, no routes": micro,
        "enter + exit, 10 routes": micro,
        "httpx one route, per request": micro,
        "import after requests": milli,
        LATENCY: milli,
    }
    new_references = client_references()
    units.update(dict.fromkeys(new_references, micro))
    references = {
        "one route, per request": "floor:urllib3",
        "10 MB body read fully": "floor:prebuilt",
        "call log after 1,000 x 100 KB answers": "floor:urllib3",
        "httpx one route, per request": "floor:MockTransport",
        LATENCY: "no latency",
        **new_references,
    }
    print(
        f"canned bench: {options.rounds} rounds, Python {sys.version.split()[0]}, "
        f"requests {requests.__version__}, urllib3 {urllib3.__version__}\n"
    )
    table.print(references, units)
    if aioresponses_why:
        print(f"\naioresponses left out: {aioresponses_why}")
    growths = [
        (
            name,
            table.ratio(
                ("10,000 exact routes, per request", name), ("10 exact routes, per request", name)
            ),
        )
        for name, _ in libraries
    ]
    if any(growth for _, growth in growths):
        print("\ngrowth, 10,000 routes / 10 routes (per request):")
        for name, growth in growths:
            if growth:
                print(f"  {name:<10} {growth:8.2f}x")
    logged = table.ratio((one, "canned"), (one, "floor:urllib3+log"))
    if logged:
        print(f"\none route, canned / floor:urllib3+log (both keep a call log): {logged:.2f}x")
    logged_ratios = [
        (client, table.ratio((figures(client)[0], "canned"), (figures(client)[0], "floor+log")))
        for client in client_names()
    ]
    if any(ratio for _, ratio in logged_ratios):
        print("\none route, canned / floor+log (both keep a call log):")
        for client, ratio in logged_ratios:
            if ratio:
                print(f"  {client:<16} {ratio:8.2f}x")
    faster = [
        (figure, table.ratio((figure, "responses"), (figure, "canned")))
        for figure in (
            "100 routes by query matcher, per request",
            "100 routes by JSON matcher, per request",
        )
    ]
    if any(ratio for _, ratio in faster):
        print("\nresponses / canned (how many times faster canned is):")
        for figure, ratio in faster:
            if ratio:
                print(f"  {figure:<44} {ratio:8.2f}x")


if __name__ == "__main__":
    main()
