"""Adapters: one module per HTTP client; each converts and installs, and decides nothing.

Owns: `ADAPTERS`, the one table of adapters: which client each serves, what it patches, and where
its interceptor lives. Importing this package hands the table to activation, which installs each
interceptor (importing its module, and so its client, only then) when the first mock activates.
Imports no client itself.
"""

from __future__ import annotations

import importlib
from typing import Final, NamedTuple

from canned._core import activation


class Adapter(NamedTuple):
    """One row of the table."""

    name: str
    client: str  # the client's top-level module
    patches: tuple[str, ...]  # the public seams replaced while a mock is active
    interceptor: str  # "module:attribute" of the object that installs and uninstalls them


ADAPTERS: Final = (
    Adapter(
        "requests",
        "requests",
        ("requests.adapters.HTTPAdapter.send",),
        "canned._adapters.requests:interceptor",
    ),
    Adapter(
        "httpx",
        "httpx",
        ("httpx.HTTPTransport.handle_request", "httpx.AsyncHTTPTransport.handle_async_request"),
        "canned._adapters.httpx:httpx_adapter",
    ),
    Adapter(
        "httpx2",
        "httpx2",
        ("httpx2.HTTPTransport.handle_request", "httpx2.AsyncHTTPTransport.handle_async_request"),
        "canned._adapters.httpx:httpx2_adapter",
    ),
    Adapter(
        "aiohttp",
        "aiohttp",
        ("aiohttp.BaseConnector.connect", "aiohttp.ClientRequest.send"),
        "canned._adapters.aiohttp:interceptor",
    ),
    Adapter(
        "urllib3",
        "urllib3",
        ("urllib3.HTTPConnectionPool.urlopen",),
        "canned._adapters.urllib3:interceptor",
    ),
    Adapter(
        "urllib",
        "http.client",
        (
            "http.client.HTTPConnection.connect",
            "http.client.HTTPSConnection.connect",
            "http.client.HTTPConnection.getresponse",
        ),
        "canned._adapters.http_client:interceptor",
    ),
)


def load_interceptors() -> list[activation.Interceptor]:
    """Every adapter's interceptor, in the table's order."""
    found = []
    for adapter in ADAPTERS:
        module_name, _, attribute = adapter.interceptor.partition(":")
        found.append(getattr(importlib.import_module(module_name), attribute))
    return found


activation.use_interceptors(load_interceptors)
