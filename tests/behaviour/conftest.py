"""The `client` fixture: one way to send requests per supported client, so each scenario runs
against requests, httpx and httpx2, sync and async, without copies."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from tests.servers import EchoHandler, serving


@dataclass(frozen=True)
class Answer:
    """What any client got back, in one shape."""

    status: int
    content: bytes
    headers: Any
    native: Any


class Client:
    """Sends one request with a given client and returns an `Answer`."""

    def __init__(self, name: str, module: Any, is_async: bool) -> None:
        self.name = name
        self.module = module
        self.is_async = is_async

    def __repr__(self) -> str:
        return self.name

    @property
    def connect_error(self) -> type[BaseException]:
        return requests.ConnectionError if self.module is requests else self.module.ConnectError

    @property
    def timeout_error(self) -> type[BaseException]:
        return requests.ReadTimeout if self.module is requests else self.module.ReadTimeout

    def timeout(self, message: str) -> BaseException:
        return self.timeout_error(message)

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        if self.module is requests:
            with requests.Session() as session:
                response = session.request(method, url, **kwargs)
                return Answer(response.status_code, response.content, response.headers, response)
        if self.is_async:
            return asyncio.run(self._send_async(method, url, **kwargs))
        with self.module.Client() as client:
            response = client.request(method, url, **kwargs)
            return Answer(response.status_code, response.content, response.headers, response)

    async def _send_async(self, method: str, url: str, **kwargs: Any) -> Answer:
        async with self.module.AsyncClient() as client:
            response = await client.request(method, url, **kwargs)
            return Answer(response.status_code, response.content, response.headers, response)

    def chunks(self, url: str) -> list[bytes]:
        """The body of a streamed GET, chunk by chunk as the client yields them."""
        if self.module is requests:
            with requests.get(url, stream=True) as response:
                return list(response.iter_content(chunk_size=None))
        if self.is_async:
            return asyncio.run(self._chunks_async(url))
        with self.module.Client() as client, client.stream("GET", url) as response:
            return list(response.iter_raw())

    async def _chunks_async(self, url: str) -> list[bytes]:
        async with self.module.AsyncClient() as client, client.stream("GET", url) as response:
            return [chunk async for chunk in response.aiter_raw()]


def client_modules() -> list[str]:
    """The httpx-like packages under test: httpx2 exists only from Python 3.11 on."""
    return ["httpx", "httpx2"] if sys.version_info >= (3, 11) else ["httpx"]


def _clients() -> Iterator[Any]:
    yield pytest.param(Client("requests", requests, False), id="requests")
    for name in client_modules():
        module = importlib.import_module(name)
        yield pytest.param(Client(f"{name}-sync", module, False), id=f"{name}-sync")
        yield pytest.param(Client(f"{name}-async", module, True), id=f"{name}-async")


@pytest.fixture(params=list(_clients()))
def client(request: pytest.FixtureRequest) -> Client:
    return request.param  # type: ignore[no-any-return]  # the params above are Clients


@pytest.fixture(scope="module")
def echo_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1, its base URL."""
    with serving(EchoHandler) as url:
        yield url
