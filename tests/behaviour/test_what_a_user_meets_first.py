"""What a new user meets in the first hour, checked in full: the unmatched message through requests for each
ranking rule, a user's matcher never run (or its error never raised) by the diagnosis, the
warning's line, routes on the module-level mock under the `canned_mock` fixture, the allow-list
given in the ini with spaces, httpx's `elapsed` and non-ASCII `Content-Disposition`, the body
types a callback reads under every client, aiohttp awaiting async callbacks concurrently, and the
README showing the messages canned prints; reverse DNS lookups stopped by the network guard.

What other files already pin (the closest-route section in both registration orders, the guard's
refusals and spies, fresh exceptions) is not repeated here."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import itertools
import json
import re
import warnings
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import aiohttp
import httpx
import pytest
import requests
from tests.behaviour.conftest import Client, all_clients, client_modules
from tests.core.test_closest_route import URL_NEAR_MISSES, closest_section
from tests.plugin.test_network_guard import REFUSED, left_the_machine, run

import canned
from canned import matchers

README = Path(__file__).parents[2] / "README.md"
HEADLINE = "Connection refused by Responses - the call doesn't match any registered mock.\n"


def refusal_text(method: str, url: str, **kwargs: Any) -> str:
    """The text of the exact `requests.ConnectionError` an unmatched request raises under the
    active mock."""
    with pytest.raises(requests.ConnectionError) as refused:
        requests.request(method, url, timeout=5, **kwargs)
    assert type(refused.value) is requests.ConnectionError
    return str(refused.value)


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


@pytest.fixture
def module_level_routes() -> Iterator[None]:
    """Routes added with module-level `canned.add` land on the default mock; removed after."""
    yield
    canned.mock.reset()


# -- 1. the closest route, in the full message a user reads -------------------------------------


def test_a_get_where_only_a_post_is_registered_on_that_url_is_refused_naming_the_post(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, "https://api.test/v1/accounts")
    mock.add(canned.POST, "https://api.test/v1/users")
    mock.add(canned.GET, "https://api.test/v1/user")
    assert refusal_text("GET", "https://api.test/v1/users") == (
        f"{HEADLINE}"
        "\n"
        "Request: \n"
        "- GET https://api.test/v1/users\n"
        "\n"
        "Available matches:\n"
        "- GET https://api.test/v1/accounts URL does not match\n"
        "- POST https://api.test/v1/users Method does not match\n"
        "- GET https://api.test/v1/user URL does not match\n"
        "\n"
        "Closest route: POST https://api.test/v1/users\n"
        "- method: expected POST, got GET\n"
    )


NEAR_MISS_MESSAGES = [
    pytest.param(
        "https://api.test/v1/users/",
        [
            "GET https://api.test/v1/users",
            "GET https://api.test/v1/users/7",
            "POST https://api.test/v1/users/",
        ],
        "- GET https://api.test/v1/users URL does not match\n"
        "- GET https://api.test/v1/users/7 URL does not match\n"
        "- POST https://api.test/v1/users/ Method does not match\n"
        "\n"
        "Closest route: GET https://api.test/v1/users\n"
        "- url: path /v1/users/ ≠ /v1/users\n",
        id="trailing_slash",
    ),
    pytest.param(
        "https://api.test/v1/user",
        [
            "GET https://api.test/v1/orders",
            "GET https://api.test/v1/users/7",
            "GET https://api.test/v1",
            "GET https://api.test/v1/users",
        ],
        "- GET https://api.test/v1/orders URL does not match\n"
        "- GET https://api.test/v1/users/7 URL does not match\n"
        "- GET https://api.test/v1 URL does not match\n"
        "- GET https://api.test/v1/users URL does not match\n"
        "\n"
        "Closest route: GET https://api.test/v1/users\n"
        "- url: path /v1/user ≠ /v1/users\n",
        id="one_segment_off",
    ),
    pytest.param(
        "https://api.test/v2/users",
        ["GET https://api.test/v2/orders", "GET https://api.test/v1/users"],
        "- GET https://api.test/v2/orders URL does not match\n"
        "- GET https://api.test/v1/users URL does not match\n"
        "\n"
        "Closest route: GET https://api.test/v1/users\n"
        "- url: path /v2/users ≠ /v1/users\n",
        id="another_version_prefix",
    ),
    pytest.param(
        "https://api.exmaple.test/v1/users",
        ["GET https://cdn.example.test/v1/users", "GET https://api.example.test/v1/users"],
        "- GET https://cdn.example.test/v1/users URL does not match\n"
        "- GET https://api.example.test/v1/users URL does not match\n"
        "\n"
        "Closest route: GET https://api.example.test/v1/users\n"
        "- url: host api.exmaple.test ≠ api.example.test\n",
        id="host_typo",
    ),
    pytest.param(
        "http://api.test/v1/users",
        ["GET http://api.test/v1/orders", "GET https://api.test/v1/users"],
        "- GET http://api.test/v1/orders URL does not match\n"
        "- GET https://api.test/v1/users URL does not match\n"
        "\n"
        "Closest route: GET https://api.test/v1/users\n"
        "- url: scheme http ≠ https\n",
        id="http_for_https",
    ),
]


@pytest.mark.parametrize(("url", "routes", "tail"), NEAR_MISS_MESSAGES)
def test_a_url_near_miss_is_refused_with_the_full_message_naming_the_intended_route(
    mock: canned.RequestsMock, url: str, routes: list[str], tail: str
) -> None:
    for each in routes:
        method, route_url = each.split(" ")
        mock.add(method, route_url)
    assert refusal_text("GET", url) == (
        f"{HEADLINE}\nRequest: \n- GET {url}\n\nAvailable matches:\n{tail}"
    )


@pytest.mark.parametrize(("url", "routes", "expected"), URL_NEAR_MISSES)
def test_a_url_near_miss_names_the_intended_route_in_every_registration_order(
    url: str, routes: list[Any], expected: str
) -> None:
    sections = {
        closest_section(list(order), 1, "GET", url) for order in itertools.permutations(routes)
    }
    assert sections == {expected}


def test_among_routes_on_the_same_method_and_url_the_full_message_lists_the_nearest_ones_fields(
    mock: canned.RequestsMock,
) -> None:
    users = "https://api.test/v1/users"
    mock.add(
        canned.POST, users, match=[matchers.json_params_matcher({"name": "ada", "role": "admin"})]
    )
    mock.add(canned.POST, users, match=[matchers.query_param_matcher({"page": "2"})])
    mock.add(
        canned.POST, users, match=[matchers.header_matcher({"X-Tenant": "acme", "X-Trace": "1"})]
    )
    assert refusal_text("POST", users, json={"name": "bob", "role": "user"}) == (
        f"{HEADLINE}"
        "\n"
        "Request: \n"
        "- POST https://api.test/v1/users\n"
        "\n"
        "Available matches:\n"
        "- POST https://api.test/v1/users request.body doesn't match: "
        "{'name': 'bob', 'role': 'user'} doesn't match {'name': 'ada', 'role': 'admin'}\n"
        "- POST https://api.test/v1/users Parameters do not match. {} doesn't match {'page': '2'}\n"
        "- POST https://api.test/v1/users Headers do not match: {} doesn't match "
        "{'X-Tenant': 'acme', 'X-Trace': '1'}\n"
        "\n"
        "Closest route: POST https://api.test/v1/users\n"
        "- query 'page': expected '2', missing\n"
    )


def test_the_diagnosis_runs_no_users_matcher_on_a_route_of_another_url_or_method(
    mock: canned.RequestsMock,
) -> None:
    seen: list[str] = []

    def needs_json(request: Any) -> tuple[bool, str]:
        seen.append(request.url)
        return json.loads(request.body)["kind"] == "a", "kind is not 'a'"  # raises without one

    mock.add(canned.POST, "https://api.test/items", match=[needs_json])
    mock.add(canned.GET, "https://api.test/orders", match=[needs_json])
    assert refusal_text("GET", "https://api.test/items") == (
        f"{HEADLINE}"
        "\n"
        "Request: \n"
        "- GET https://api.test/items\n"
        "\n"
        "Available matches:\n"
        "- POST https://api.test/items Method does not match\n"
        "- GET https://api.test/orders URL does not match\n"
        "\n"
        "Closest route: POST https://api.test/items\n"
        "- method: expected POST, got GET\n"
    )
    assert seen == []


def test_a_matcher_raising_while_the_diagnosis_is_built_is_a_reason_and_requests_still_refuses(
    mock: canned.RequestsMock,
) -> None:
    answers = iter([(False, "first look")])

    def flaky(request: Any) -> tuple[bool, str]:
        return next(answers)  # the lookup gets its answer; the diagnosis's second ask raises

    mock.add(canned.GET, "https://api.test/u", match=[flaky])
    name = f"{flaky.__qualname__}"
    assert refusal_text("GET", "https://api.test/u") == (
        f"{HEADLINE}"
        "\n"
        "Request: \n"
        "- GET https://api.test/u\n"
        "\n"
        "Available matches:\n"
        f"- GET https://api.test/u matcher {name} raised StopIteration: \n"
        "\n"
        "Closest route: GET https://api.test/u\n"
        f"- matcher {name} raised StopIteration: \n"
    )


def line_of(function: Any, text: str) -> int:
    """The line of this file where `function`'s source has `text`."""
    lines = inspect.getsource(function).splitlines()
    found = [n for n, line in enumerate(lines) if text in line]
    assert len(found) == 1
    return int(function.__code__.co_firstlineno) + found[0]


@pytest.mark.mutation_unsafe  # names the caller's line: a trampoline frame under mutmut
def test_the_unmatched_warning_names_this_line_and_carries_the_whole_diagnosis() -> None:
    refused = pytest.raises(requests.ConnectionError)
    warns = pytest.warns(canned.UnmatchedRequestWarning)
    with canned.RequestsMock(on_unmatched="warn"), refused, warns as warned:
        requests.get("https://api.test/nothing", timeout=5)
    line = line_of(
        test_the_unmatched_warning_names_this_line_and_carries_the_whole_diagnosis,
        "timeout=" + "5)",
    )
    assert [(w.filename, w.lineno) for w in warned] == [(__file__, line)]
    assert str(warned[0].message) == (
        f"{HEADLINE}\nRequest: \n- GET https://api.test/nothing\n\nAvailable matches:\n"
    )


@pytest.mark.mutation_unsafe  # names the caller's line: a trampoline frame under mutmut
def test_the_unmatched_warning_of_an_async_client_names_the_line_that_awaited_it() -> None:
    async def main() -> list[tuple[str, int]]:
        async with httpx.AsyncClient() as session:
            with warnings.catch_warnings(record=True) as warned:
                warnings.simplefilter("always")
                with pytest.raises(httpx.ConnectError):
                    await session.get("https://api.test/nothing")
        return [
            (w.filename, w.lineno) for w in warned if w.category is canned.UnmatchedRequestWarning
        ]

    with canned.RequestsMock(on_unmatched="warn"):
        found = asyncio.run(main())
    assert found == [(__file__, line_of(main, "await session.get("))]


@pytest.mark.usefixtures("module_level_routes")
def test_a_module_level_route_under_the_canned_mock_fixture_is_named_in_the_refusal(
    canned_mock: canned.RequestsMock,
) -> None:
    canned.add(canned.GET, "https://api.example.com/users/1", json={"id": 1})
    assert refusal_text("GET", "https://api.example.com/users/1") == (
        f"{HEADLINE}"
        "\n"
        "Request: \n"
        "- GET https://api.example.com/users/1\n"
        "\n"
        "Available matches:\n"
        "\n"
        "Routes registered on the module-level mock (canned.add, canned.get, ...) would answer "
        "this request:\n"
        "- GET https://api.example.com/users/1\n"
        "They are not on the mock that is active here: register them on it.\n"
    )


# -- 2. the allow-list, as the issue writes it in the ini ---------------------------------------


def test_hosts_listed_with_spaces_in_the_ini_are_each_let_through_the_guard(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_reaches_both_services():
    socket.create_connection(("db.ci.test", 5432)).close()
    socket.create_connection(("cache.ci.test", 6379)).close()

def test_an_unlisted_service_stays_blocked():
    with pytest.raises(NetworkBlockedError):
        socket.create_connection(("192.0.2.30", 11211))
""",
        "--canned-block-network",
        ini="canned_allow_hosts = db.ci.test cache.ci.test",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E   canned.errors.NetworkBlockedError: canned blocked a connection to 192.0.2.30:11211, and the code under test caught the refusal: the run allows only loopback and db.ci.test, cache.ci.test (--canned-block-network); register a route for this request instead, or add the host to canned_allow_hosts"
        ]
    )
    assert [entry for entry in left_the_machine(pytester) if entry[0] == "connect"] == [
        ("connect", "192.0.2.10", 5432),
        ("connect", "192.0.2.20", 6379),
    ]


# -- 3. httpx and the request shape -------------------------------------------------------------

URL = "https://api.audit.test/r"


@pytest.fixture(params=client_modules())
def httpx_module(request: pytest.FixtureRequest) -> Any:
    """`httpx`, then `httpx2` where it is installed."""
    return importlib.import_module(request.param)


def elapsed_of(module: Any, is_async: bool, streamed: bool, url: str) -> Any:
    """`response.elapsed` of one answer, sent sync or async, read whole or streamed and closed."""
    if not is_async:
        with module.Client() as client:
            if not streamed:
                return client.get(url).elapsed
            with client.stream("GET", url) as answer:
                for _ in answer.iter_raw():
                    pass
            return answer.elapsed

    async def main() -> Any:
        async with module.AsyncClient() as client:
            if not streamed:
                return (await client.get(url)).elapsed
            async with client.stream("GET", url) as answer:
                async for _ in answer.aiter_raw():
                    pass
            return answer.elapsed

    return asyncio.run(main())


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("streamed", [False, True], ids=["read", "streamed"])
@pytest.mark.parametrize(
    "body",
    [
        lambda: {"body": b"bytes"},
        lambda: {"body": "text"},
        lambda: {"json": {"a": 1}},
        lambda: {"body": iter([b"a", b"b"])},  # made afresh: a run reads it to its end
    ],
    ids=["bytes", "text", "json", "chunks"],
)
def test_elapsed_is_there_on_every_httpx_answer_without_latency(
    httpx_module: Any,
    mock: canned.RequestsMock,
    is_async: bool,
    streamed: bool,
    body: Callable[[], dict[str, Any]],
) -> None:
    mock.add(canned.GET, URL, **body())
    elapsed = elapsed_of(httpx_module, is_async, streamed, URL)
    assert isinstance(elapsed, timedelta)
    assert elapsed >= timedelta(0)


RESUME: Final = 'attachment; filename="résumé.pdf"'
RESUME_5987: Final = "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"


@pytest.mark.parametrize(
    ("given", "reads"),
    [
        (RESUME, RESUME),
        (RESUME.encode("latin-1"), RESUME),
        (RESUME_5987, RESUME_5987),
        ('attachment; filename="履歴書.pdf"', 'attachment; filename="履歴書.pdf"'),
    ],
    ids=["latin1_text", "latin1_bytes", "rfc5987", "utf8_text"],
)
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_a_non_ascii_content_disposition_reads_the_same_under_httpx_as_under_requests(
    httpx_module: Any, mock: canned.RequestsMock, given: str | bytes, reads: str, is_async: bool
) -> None:
    mock.add(canned.GET, URL, headers={"Content-Disposition": given})

    async def fetch() -> Any:
        async with httpx_module.AsyncClient() as client:
            return await client.get(URL)

    answer = asyncio.run(fetch()) if is_async else httpx_module.get(URL)
    under_requests = requests.get(URL, timeout=5).headers["Content-Disposition"]
    assert (answer.headers["Content-Disposition"], under_requests) == (reads, reads)


def body_type(request: Any) -> tuple[int, dict[str, str], str]:
    """A callback as written for requests: it answers with the type of the body it read."""
    return 200, {}, type(request.body).__name__


@pytest.mark.parametrize("client", all_clients(), ids=lambda client: client.name)
@pytest.mark.parametrize(
    ("sent", "requests_gives"),
    [
        ({"json": {"a": 1}}, "bytes"),
        ({"content": b"\x00raw", "headers": {"Content-Type": "application/octet-stream"}}, "bytes"),
        ({"data": {"a": "1"}}, "str"),
        ({}, "NoneType"),
    ],
    ids=["json", "bytes", "form", "none"],
)
def test_a_callback_reads_the_body_type_requests_gives_under_every_client(
    client: Client, mock: canned.RequestsMock, sent: dict[str, Any], requests_gives: str
) -> None:
    mock.add_callback(canned.POST, URL, callback=body_type)
    assert client.send("POST", URL, **sent).content.decode() == requests_gives


def test_aiohttp_awaits_twenty_async_callbacks_concurrently_on_its_own_loop(
    mock: canned.RequestsMock,
) -> None:
    entered: list[bool] = []

    async def main() -> list[bytes]:
        loop = asyncio.get_running_loop()
        everyone_in = asyncio.Event()

        async def callback(request: Any) -> tuple[int, dict[str, str], str]:
            entered.append(asyncio.get_running_loop() is loop)
            if len(entered) == 20:
                everyone_in.set()
            # run one after another, the first would wait here for the other 19 until timed out
            await asyncio.wait_for(everyone_in.wait(), timeout=10)
            return 200, {}, request.url.rsplit("/", 1)[1]

        mock.add_callback(canned.GET, re.compile(f"{URL}/\\d+"), callback=callback)
        async with aiohttp.ClientSession() as session:

            async def fetch(n: int) -> bytes:
                async with session.get(f"{URL}/{n}") as answer:
                    return await answer.read()

            return await asyncio.gather(*(fetch(n) for n in range(20)))

    assert asyncio.run(main()) == [str(n).encode() for n in range(20)]
    assert entered == [True] * 20


# -- the README shows what canned prints --------------------------------------------------------


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    return text[start : text.index("\n## ", start + 1)]


def quoted_blocks(section: str) -> list[str]:
    """The plain (non-Python) fenced blocks of a README section: the messages it shows."""
    pieces = re.split(r"^```(\w*)\n", section, flags=re.MULTILINE)
    # text, language, block, "" (the closing fence), text, language, block, ...
    languages, chunks = pieces[1::2], pieces[2::2]
    return [block for language, block in zip(languages[::2], chunks[::2]) if not language]


def test_the_readmes_closest_route_example_is_what_canned_prints(
    mock: canned.RequestsMock,
) -> None:
    shown = next(
        block for block in quoted_blocks(readme_section("Quick start")) if "Closest" in block
    )
    mock.add(
        canned.POST,
        "https://api.example.com/items",
        match=[matchers.json_params_matcher({"qty": 1})],
    )
    message = refusal_text("POST", "https://api.example.com/items", json={"qty": 2})
    assert message.endswith("\n" + shown)


@pytest.mark.usefixtures("module_level_routes")
def test_the_readmes_module_level_example_is_what_canned_prints(
    canned_mock: canned.RequestsMock,
) -> None:
    shown = next(
        block for block in quoted_blocks(readme_section("Quick start")) if "module-level" in block
    )
    canned.add(canned.GET, "https://api.example.com/users/1", json={"id": 1})
    message = refusal_text("GET", "https://api.example.com/users/1")
    assert message.endswith("\n" + shown)


def test_the_readmes_plugin_section_shows_the_guards_message_and_options() -> None:
    section = " ".join(readme_section("pytest plugin").split())
    message = f"canned blocked a connection to 192.0.2.1:80, and the code under test caught the refusal: {REFUSED}"
    shown = re.search(r"`(canned blocked [^`]*?): \.\.\.`", section)
    assert shown is not None
    assert message.startswith(shown.group(1) + ": ")
    for option in (
        "--canned-block-network",
        "canned_block_network = true",
        "--canned-allow-hosts=postgres,redis",
        "canned_allow_hosts = postgres redis",
    ):
        assert f"`{option}`" in section


REVERSE_SPY_CONFTEST = """
import json
import os
import socket

import pytest

REACHED = []


def gethostbyaddr(host):
    REACHED.append(["gethostbyaddr", host])
    raise socket.herror(1, "the spy sends no DNS query")


def getnameinfo(address, flags):
    REACHED.append(["getnameinfo", address[0]])
    raise socket.gaierror(socket.EAI_NONAME, "the spy sends no DNS query")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    socket.gethostbyaddr = gethostbyaddr
    socket.getnameinfo = getnameinfo


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    (config.rootpath / "reverse-spy-{}.json".format(os.getpid())).write_text(json.dumps(REACHED))
"""


def test_reverse_and_fqdn_lookups_of_a_public_host_send_no_dns_query_under_the_guard(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(REVERSE_SPY_CONFTEST)
    pytester.makepyfile(
        test_inner="""
import socket

def test_looks_up():
    for look_up in (
        lambda: socket.getfqdn("example.com"),  # smtplib and logging handlers call getfqdn
        lambda: socket.gethostbyaddr("192.0.2.1"),
        lambda: socket.getnameinfo(("192.0.2.1", 80), 0),
    ):
        try:
            look_up()
        except OSError:
            pass
"""
    )
    pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--canned-block-network"
    )
    reports = [json.loads(path.read_text()) for path in pytester.path.glob("reverse-spy-*.json")]
    assert reports, "the inner run wrote no spy report"
    assert reports == [[]]  # nothing got past the guard to the (spied) resolver
