"""The `client` fixture: one way to send requests per supported client, so each scenario runs
against every client canned answers (requests; httpx and httpx2, sync and async; aiohttp;
urllib3 used directly; urllib.request) without copies."""

from __future__ import annotations

import asyncio
import importlib
import json as json_module
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
import requests
import urllib3
from tests.servers import EchoHandler, serving


@dataclass(frozen=True)
class Answer:
    """What any client got back, in one shape."""

    status: int
    content: bytes
    headers: Any  # case-insensitive
    native: Any  # the client's own response object


def with_params(url: str, params: dict[str, Any] | None) -> str:
    """`url` with `params` appended as the clients that take `params=` send them."""
    if not params:
        return url
    joiner = "&" if "?" in url else "?"
    return url + joiner + urllib.parse.urlencode(params, doseq=True)


def encoded_body(
    headers: dict[str, str], json: Any = None, data: Any = None, content: bytes | None = None
) -> bytes | None:
    """A body as requests would encode `json=`/`data=`, for clients that take bytes only."""
    if json is not None:
        headers.setdefault("Content-Type", "application/json")
        return json_module.dumps(json).encode()
    if isinstance(data, dict):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return urllib.parse.urlencode(data, doseq=True).encode()
    if isinstance(data, str):
        return data.encode()
    return data if data is not None else content


class Client:
    """Sends one request with a given client and returns an `Answer`.

    `send` takes requests' keywords (`params`, `headers`, `json`, `data`; `content` for bytes)
    and turns them into the client's own. Redirects are followed as each client does by default
    (`follow_redirects=True` asks httpx to follow them too).
    """

    name = ""
    connect_error: type[BaseException] = OSError
    timeout_error: type[BaseException] = TimeoutError
    has_cookie_jar = True

    def __repr__(self) -> str:
        return self.name

    def timeout(self, message: str) -> BaseException:
        return self.timeout_error(message)

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        raise NotImplementedError

    def chunks(self, url: str) -> list[bytes]:
        """The body of a streamed GET, chunk by chunk as the client yields them."""
        raise NotImplementedError

    def native_request(self, recorded: Any) -> Any:
        """The client's own request object behind a call log entry's request."""
        return recorded.native

    def cookies(self, answer: Answer) -> dict[str, str]:
        """The cookies the client's jar took from `answer`."""
        return dict(answer.native.cookies)

    def diagnosis(self, error: BaseException) -> str:
        """canned's message, as the client's connection error carries it."""
        return str(error)

    def logged(self, error: BaseException) -> BaseException:
        """The error the call log holds for one the client raised: the same one, unless the
        client wraps what its transport raised (urllib's `URLError` around http.client's)."""
        return error


class RequestsClient(Client):
    name = "requests"
    connect_error = requests.ConnectionError
    timeout_error = requests.ReadTimeout

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        kwargs.pop("follow_redirects", None)  # requests follows them by default
        if "content" in kwargs:
            kwargs["data"] = kwargs.pop("content")
        with requests.Session() as session:
            response = session.request(method, url, **kwargs)
            return Answer(response.status_code, response.content, response.headers, response)

    def chunks(self, url: str) -> list[bytes]:
        with requests.get(url, stream=True) as response:
            return list(response.iter_content(chunk_size=None))

    def native_request(self, recorded: Any) -> Any:
        return recorded  # requests' PreparedRequest is what the log holds


class HttpxClient(Client):
    def __init__(self, module_name: str, is_async: bool) -> None:
        self.module = importlib.import_module(module_name)
        self.is_async = is_async
        self.name = f"{module_name}-{'async' if is_async else 'sync'}"
        self.connect_error = self.module.ConnectError
        self.timeout_error = self.module.ReadTimeout

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
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
        if self.is_async:
            return asyncio.run(self._chunks_async(url))
        with self.module.Client() as client, client.stream("GET", url) as response:
            return list(response.iter_raw())

    async def _chunks_async(self, url: str) -> list[bytes]:
        async with self.module.AsyncClient() as client, client.stream("GET", url) as response:
            return [chunk async for chunk in response.aiter_raw()]


class AiohttpClient(Client):
    name = "aiohttp"
    connect_error = aiohttp.ClientConnectorError
    timeout_error = aiohttp.ServerTimeoutError

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        return asyncio.run(self._send(method, url, **kwargs))

    async def _send(self, method: str, url: str, **kwargs: Any) -> Answer:
        follow = kwargs.pop("follow_redirects", True)
        if "content" in kwargs:
            kwargs["data"] = kwargs.pop("content")
        files = kwargs.pop("files", None)
        if files:
            form = aiohttp.FormData()
            for field, (filename, value) in files.items():
                form.add_field(field, value, filename=filename)
            kwargs["data"] = form
        async with aiohttp.ClientSession() as session:
            response = await session.request(method, url, allow_redirects=follow, **kwargs)
            async with response:
                content = await response.read()
                return Answer(response.status, content, response.headers, response)

    def chunks(self, url: str) -> list[bytes]:
        async def pull() -> list[bytes]:
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                return [chunk async for chunk in response.content.iter_any()]

        return asyncio.run(pull())

    def cookies(self, answer: Answer) -> dict[str, str]:
        return {name: morsel.value for name, morsel in answer.native.cookies.items()}

    def diagnosis(self, error: BaseException) -> str:
        return error.os_error.strerror  # type: ignore[attr-defined,no-any-return]  # a refusal's


class Urllib3Client(Client):
    name = "urllib3"
    connect_error = urllib3.exceptions.MaxRetryError
    timeout_error = urllib3.exceptions.ReadTimeoutError
    has_cookie_jar = False

    def timeout(self, message: str) -> BaseException:
        return urllib3.exceptions.ReadTimeoutError(None, "/", message)  # type: ignore[arg-type]  # no pool

    def native_request(self, recorded: Any) -> Any:
        return recorded  # urllib3 has no request object: the view stands for it

    def diagnosis(self, error: BaseException) -> str:
        reason = str(error.reason)  # type: ignore[attr-defined]  # MaxRetryError's
        return reason.split("Failed to establish a new connection: ", 1)[1]

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        kwargs.pop("follow_redirects", None)  # PoolManager follows redirects by default
        headers = dict(kwargs.pop("headers", None) or {})
        url = with_params(url, kwargs.pop("params", None))
        files = kwargs.pop("files", None)
        with urllib3.PoolManager() as pool:
            if files:
                fields = {field: (name, value) for field, (name, value) in files.items()}
                response = pool.request(method, url, fields=fields, headers=headers)
            else:
                body = encoded_body(headers, **kwargs)
                response = pool.request(method, url, body=body, headers=headers)
            return Answer(response.status, response.data, response.headers, response)

    def chunks(self, url: str) -> list[bytes]:
        with urllib3.PoolManager() as pool:
            response = pool.request("GET", url, preload_content=False)
            chunks = list(response.stream(None))
            response.release_conn()
            return [chunk for chunk in chunks if chunk]


class UrllibClient(Client):
    name = "urllib"
    connect_error = urllib.error.URLError
    timeout_error = socket.timeout
    has_cookie_jar = False

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        kwargs.pop("follow_redirects", None)  # urlopen follows redirects by default
        headers = dict(kwargs.pop("headers", None) or {})
        url = with_params(url, kwargs.pop("params", None))
        files = kwargs.pop("files", None)
        if files:
            fields = {field: (name, value) for field, (name, value) in files.items()}
            body, content_type = urllib3.encode_multipart_formdata(fields)
            headers["Content-Type"] = content_type
        else:
            body = encoded_body(headers, **kwargs)
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            response = urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:  # 4xx/5xx: urllib's error is the response
            with error:
                return Answer(error.code, error.read(), error.headers, error)
        with response:
            return Answer(response.status, response.read(), response.headers, response)

    def diagnosis(self, error: BaseException) -> str:
        return error.reason.strerror  # type: ignore[attr-defined,no-any-return]  # a refusal's

    def logged(self, error: BaseException) -> BaseException:
        return error.reason if isinstance(error, urllib.error.URLError) else error  # type: ignore[return-value]  # an OSError

    def chunks(self, url: str) -> list[bytes]:
        with urllib.request.urlopen(url) as response:
            return list(iter(lambda: response.read1(65536), b""))


def client_modules() -> list[str]:
    """The httpx-like packages under test: httpx2 exists only from Python 3.11 on."""
    return ["httpx", "httpx2"] if sys.version_info >= (3, 11) else ["httpx"]


def all_clients() -> list[Client]:
    """One of each client canned answers."""
    found: list[Client] = [RequestsClient()]
    for name in client_modules():
        found += [HttpxClient(name, is_async=False), HttpxClient(name, is_async=True)]
    found += [AiohttpClient(), Urllib3Client(), UrllibClient()]
    return found


@pytest.fixture(params=[pytest.param(client, id=client.name) for client in all_clients()])
def client(request: pytest.FixtureRequest) -> Client:
    return request.param  # type: ignore[no-any-return]  # the params above are Clients


@pytest.fixture(scope="module")
def echo_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1, its base URL."""
    with serving(EchoHandler) as url:
        yield url
