"""The benchmark's figures for the clients beyond requests and httpx: aiohttp, urllib3 used
directly, and urllib.request (http.client).

Each client gets a floor: a hand-made patch of the entry point canned patches for it, that
gives the client its own response object the cheapest way that still reads like a server's
answer (status, headers and body as the client reads them from a connection). canned with one
route is measured against it, and against itself with 10 and 10,000 routes (per request: the
target is flat). `run.py` interleaves these samples with the others, round by round.
"""

from __future__ import annotations

import asyncio
import gc
import http.client
import importlib.util
import io
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from typing import Any

import urllib3

import canned

URL = "https://bench.example.test/item"
# urllib over https makes a default SSL context per request (its CA certificates loaded, ~20 ms
# here), which would hide everything else: its figures ask over plain http, the same seam
HTTP_URL = "http://bench.example.test/item"
BODY = b'{"id": 1, "name": "bench"}'
HEADERS = {"Content-Type": "application/json", "Content-Length": str(len(BODY))}
# A server's whole answer, as the floors of aiohttp and urllib feed it to the client's parser
ANSWER = (
    b"HTTP/1.1 200 OK\r\n"
    + b"".join(f"{name}: {value}\r\n".encode() for name, value in HEADERS.items())
    + b"\r\n"
    + BODY
)

HAS_AIOHTTP = importlib.util.find_spec("aiohttp") is not None


@contextmanager
def patched(owner: Any, name: str, replacement: Any) -> Iterator[None]:
    """`owner.name` replaced for the block, as a floor installs itself."""
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    try:
        yield
    finally:
        setattr(owner, name, original)


def canned_routes(count: int, url: str = URL) -> tuple[canned.RequestsMock, str]:
    """A mock (not yet active) with `count` exact-URL routes (one: `url` itself), and the URL to ask
    for: the last one registered."""
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    if count == 1:
        mock.add(canned.GET, url, body=BODY, content_type="application/json")
        return mock, url
    for number in range(count):
        mock.add(canned.GET, f"{url}/{number}", body=BODY, content_type="application/json")
    return mock, f"{url}/{count - 1}"


# -- urllib3, used directly ----------------------------------------------------------------------


def urllib3_floor_urlopen(
    pool: Any,
    method: str,
    url: str,
    body: Any = None,
    headers: Any = None,
    retries: Any = None,
    redirect: bool = True,
    assert_same_host: bool = True,
    preload_content: bool = True,
    decode_content: bool = True,
    **options: Any,
) -> urllib3.HTTPResponse:
    """`HTTPConnectionPool.urlopen`, answering at once with urllib3's own response over the
    body's bytes (read now when `preload_content`, as urlopen reads a server's)."""
    return urllib3.HTTPResponse(
        body=io.BytesIO(BODY),
        headers=HEADERS,
        status=200,
        reason="OK",
        preload_content=preload_content,
        decode_content=decode_content,
        request_method=method,
        request_url=url,
    )


def urllib3_floor(repeat: int, log: list[Any] | None = None) -> float:
    """The floor; with `log`, each request's arguments and response are kept in it, as a
    call log keeps them (the garbage collector's work over them included)."""
    urlopen: Callable[..., Any] = urllib3_floor_urlopen
    if log is not None:

        def urlopen(pool: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            response = urllib3_floor_urlopen(pool, method, url, *args, **kwargs)
            log.append(((method, url, args, kwargs), response))
            return response

    manager = urllib3.PoolManager()
    with patched(urllib3.HTTPConnectionPool, "urlopen", urlopen):
        return per_call(lambda: manager.request("GET", URL).data, repeat)


def urllib3_canned(routes: int, repeat: int) -> float:
    manager = urllib3.PoolManager()
    mock, target = canned_routes(routes)
    with mock:
        return per_call(lambda: manager.request("GET", target).data, repeat)


# -- urllib.request (http.client) ----------------------------------------------------------------


class FloorSocket:
    """A connected socket's place: takes what is sent, and reads back one fixed answer."""

    def sendall(self, data: Any) -> None:
        pass

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BytesIO:
        return io.BytesIO(ANSWER)

    def close(self) -> None:
        pass


def floor_connect(connection: http.client.HTTPConnection) -> None:
    """`connect` of `HTTPConnection` and `HTTPSConnection`: the socket is the fixed answer, and
    http.client's own `getresponse` and `HTTPResponse` read it."""
    connection.sock = FloorSocket()


def urllib_floor(repeat: int, log: list[Any] | None = None) -> float:
    """The floor; with `log`, each connection and its response are kept in it."""
    getresponse = original = http.client.HTTPConnection.getresponse
    if log is not None:

        def getresponse(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
            response = original(connection)
            log.append((connection, response))
            return response

    with (
        patched(http.client.HTTPConnection, "connect", floor_connect),
        patched(http.client.HTTPSConnection, "connect", floor_connect),
        patched(http.client.HTTPConnection, "getresponse", getresponse),
    ):
        return per_call(lambda: read_urlopen(HTTP_URL), repeat)


def read_urlopen(url: str) -> bytes:
    with urllib.request.urlopen(url) as answer:
        return answer.read()  # type: ignore[no-any-return]


def urllib_canned(routes: int, repeat: int) -> float:
    mock, target = canned_routes(routes, HTTP_URL)
    with mock:
        return per_call(lambda: read_urlopen(target), repeat)


# -- aiohttp -------------------------------------------------------------------------------------


class FloorTransport(asyncio.Transport):
    """A socket's place for aiohttp: takes what aiohttp writes, and tells its protocol when closed
    (on the next turn of the loop, as a socket's transport does)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, protocol: Any) -> None:
        super().__init__()
        self.loop = loop
        self.protocol = protocol
        self.closing = False

    def write(self, data: Any) -> None:
        pass

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        if not self.closing:
            self.closing = True
            self.loop.call_soon(self.protocol.connection_lost, None)

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:  # flow control, as a socket's transport has: nothing to hold
        pass

    def resume_reading(self) -> None:
        pass


def aiohttp_floor_patches(
    log: list[Any] | None = None,
) -> tuple[Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]]:
    """The patched `BaseConnector.connect` (an in-memory connection with aiohttp's own
    `ResponseHandler` as its protocol, never pooled) and `ClientRequest.send` (aiohttp's own
    `send` writes the request, then the fixed answer goes to the protocol's parser, as a
    server's bytes would; `ClientResponse.start` reads it)."""
    import aiohttp
    from aiohttp.client_proto import ResponseHandler
    from aiohttp.connector import Connection

    original_send = aiohttp.ClientRequest.send

    async def connect(connector: Any, req: Any, traces: Any, timeout: Any) -> Any:
        loop = asyncio.get_running_loop()
        protocol = ResponseHandler(loop)
        protocol.connection_made(FloorTransport(loop, protocol))
        protocol.force_close()  # one request per connection: never back to the pool
        return Connection(connector, req.connection_key, protocol, loop)

    async def send(req: Any, conn: Any) -> Any:
        response = await original_send(req, conn)
        conn.protocol.data_received(ANSWER)
        if log is not None:
            log.append((req, response))
        return response

    return connect, send


async def per_call_async(function: Callable[[], Awaitable[Any]], repeat: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeat):
        await function()
    return (time.perf_counter() - start) / repeat


async def aiohttp_requests(url: str, repeat: int) -> float:
    """Seconds per `session.get(url)` + `read()`, one session on this running loop."""
    import aiohttp

    async with aiohttp.ClientSession() as session:

        async def get() -> bytes:
            async with session.get(url) as response:
                return await response.read()

        await get()  # the session's first request sets up what later ones reuse
        return await per_call_async(get, repeat)


def aiohttp_floor(repeat: int, log: list[Any] | None = None) -> float:
    import aiohttp

    connect, send = aiohttp_floor_patches(log)
    with (
        patched(aiohttp.BaseConnector, "connect", connect),
        patched(aiohttp.ClientRequest, "send", send),
    ):
        return asyncio.run(aiohttp_requests(URL, repeat))


def aiohttp_canned(routes: int, repeat: int) -> float:
    mock, target = canned_routes(routes)
    with mock:
        return asyncio.run(aiohttp_requests(target, repeat))


def aioresponses_problem() -> str | None:
    """Why aioresponses cannot be measured here (not installed, or failing on this aiohttp), or
    None when it answers a request with the body given."""
    if importlib.util.find_spec("aioresponses") is None:
        return "aioresponses is not installed (extra `bench`)"
    try:
        got = aioresponses_run(1, check=True)
    except Exception as error:  # whatever it raises is the reason it is left out
        versions = f"aioresponses {version('aioresponses')} on aiohttp {version('aiohttp')}"
        return f"{versions} fails: {type(error).__name__}: {error}"
    return None if got else "aioresponses answered with another body"


def aioresponses_run(repeat: int, check: bool = False) -> Any:
    from aioresponses import aioresponses

    async def run() -> Any:
        import aiohttp

        async with aiohttp.ClientSession() as session:

            async def get() -> bytes:
                async with session.get(URL) as response:
                    return await response.read()

            if check:
                return await get() == BODY
            await get()
            return await per_call_async(get, repeat)

    with aioresponses() as mock:
        mock.get(URL, body=BODY, content_type="application/json", repeat=True)
        return asyncio.run(run())


def aioresponses_one_route(repeat: int) -> float:
    return float(aioresponses_run(repeat))


# -- the figures ---------------------------------------------------------------------------------


def per_call(function: Callable[[], Any], repeat: int) -> float:
    """Seconds per call of `function`, over `repeat` calls (one call first, outside the time:
    the client's first request sets up what later ones reuse)."""
    function()
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


ONE = "one route, per request"
FLAT = "flat 10 -> 10,000 routes"  # per request, with 10 routes and with 10,000
FEW, MANY = "canned@10", "canned@10,000"


def figures(client: str) -> tuple[str, str]:
    """The names of `client`'s two figures: one route against the floor, and flat."""
    return f"{client}: {ONE}", f"{client}: {FLAT}"


def client_samples(
    repeat: int, aioresponses_ok: bool
) -> list[tuple[str, str, Callable[[], float]]]:
    """One round's samples, (figure, contender, run), floor first and the rest back to back."""
    samples: list[tuple[str, str, Callable[[], float]]] = []
    clients: list[tuple[str, Callable[..., float], Callable[[int, int], float]]] = [
        ("urllib3", urllib3_floor, urllib3_canned),
        ("urllib.request", urllib_floor, urllib_canned),
    ]
    if HAS_AIOHTTP:
        clients.insert(0, ("aiohttp", aiohttp_floor, aiohttp_canned))
    for name, floor, with_canned in clients:
        one, flat = figures(name)
        samples.append((one, "floor", lambda floor=floor: floor(repeat)))
        samples.append((one, "floor+log", lambda floor=floor: floor(repeat, [])))
        samples.append((one, "canned", lambda run=with_canned: run(1, repeat)))
        if name == "aiohttp" and aioresponses_ok:
            samples.append((one, "aioresponses", lambda: aioresponses_one_route(repeat)))
        samples.append((flat, FEW, lambda run=with_canned: run(10, repeat)))
        samples.append((flat, MANY, lambda run=with_canned: run(10_000, repeat)))
    return samples


def client_names() -> list[str]:
    return ["aiohttp", "urllib3", "urllib.request"]


def client_references() -> dict[str, str]:
    references = {}
    for name in client_names():
        one, flat = figures(name)
        references[one] = "floor"
        references[flat] = FEW
    return references
