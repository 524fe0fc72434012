"""Every fault through every client: each comes out as the exception the README's table says a
user catches, and the table is checked against what the clients really raise."""

from __future__ import annotations

import http.client
import re
import socket
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import requests
import urllib3.exceptions
from tests.urllib3_versions import URLLIB3_2

import canned
from canned import faults

if TYPE_CHECKING:
    from tests.behaviour.conftest import Client

URL = "https://faults.example.test/items"
README = Path(__file__).resolve().parents[2] / "README.md"
FAULTS = {
    "connect_timeout": faults.connect_timeout(),
    "read_timeout": faults.read_timeout(),
    "connection_refused": faults.connection_refused(),
    "connection_reset": faults.connection_reset(),
    "dns_failure": faults.dns_failure(),
    "malformed": faults.malformed(),
    "truncated": faults.truncated(after=3),
}
# What a user catches, per client and fault: `(outer, inner)` where the client wraps the error it
# met (`inner` is then its `.reason`), as the README's table writes it. httpx and httpx2: below.
CAUGHT: dict[str, dict[str, tuple[type[BaseException], type[BaseException] | None]]] = {
    "requests": {
        "connect_timeout": (requests.ConnectTimeout, None),
        "read_timeout": (requests.ReadTimeout, None),
        "connection_refused": (requests.ConnectionError, None),
        "connection_reset": (requests.ConnectionError, None),
        "dns_failure": (requests.ConnectionError, None),
        "malformed": (requests.ConnectionError, None),
        "truncated": (requests.exceptions.ChunkedEncodingError, None),
    },
    "aiohttp": {
        "connect_timeout": (aiohttp.ServerTimeoutError, None),
        "read_timeout": (aiohttp.ServerTimeoutError, None),
        "connection_refused": (aiohttp.ClientConnectorError, None),
        "connection_reset": (aiohttp.ClientOSError, None),
        "dns_failure": (aiohttp.ClientConnectorError, None),
        "malformed": (aiohttp.ClientResponseError, None),
        "truncated": (aiohttp.ClientPayloadError, None),
    },
    "urllib3": {
        "connect_timeout": (
            urllib3.exceptions.MaxRetryError,
            urllib3.exceptions.ConnectTimeoutError,
        ),
        "read_timeout": (urllib3.exceptions.MaxRetryError, urllib3.exceptions.ReadTimeoutError),
        "connection_refused": (
            urllib3.exceptions.MaxRetryError,
            urllib3.exceptions.NewConnectionError,
        ),
        "connection_reset": (urllib3.exceptions.MaxRetryError, urllib3.exceptions.ProtocolError),
        "dns_failure": (urllib3.exceptions.MaxRetryError, urllib3.exceptions.NewConnectionError),
        "malformed": (urllib3.exceptions.MaxRetryError, urllib3.exceptions.ProtocolError),
        "truncated": (urllib3.exceptions.MaxRetryError, urllib3.exceptions.ProtocolError),
    },
    "urllib": {
        "connect_timeout": (urllib.error.URLError, socket.timeout),
        "read_timeout": (socket.timeout, None),
        "connection_refused": (urllib.error.URLError, ConnectionRefusedError),
        "connection_reset": (ConnectionResetError, None),
        "dns_failure": (urllib.error.URLError, socket.gaierror),
        "malformed": (http.client.BadStatusLine, None),
        "truncated": (http.client.IncompleteRead, None),
    },
}


def httpx_row(module: Any) -> dict[str, tuple[type[BaseException], None]]:
    return {
        "connect_timeout": (module.ConnectTimeout, None),
        "read_timeout": (module.ReadTimeout, None),
        "connection_refused": (module.ConnectError, None),
        "connection_reset": (module.ReadError, None),
        "dns_failure": (module.ConnectError, None),
        "malformed": (module.RemoteProtocolError, None),
        "truncated": (module.RemoteProtocolError, None),
    }


def caught(client: Client, kind: str) -> tuple[type[BaseException], type[BaseException] | None]:
    if client.name.startswith("httpx"):
        return httpx_row(client.module)[kind]  # type: ignore[attr-defined]  # an HttpxClient
    return CAUGHT[client.name][kind]


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


@pytest.mark.parametrize("kind", list(FAULTS))
def test_each_fault_is_the_exception_the_readme_says_each_client_raises(
    client: Client, mock: canned.RequestsMock, kind: str
) -> None:
    fault = FAULTS[kind]
    if kind == "truncated":
        mock.add(canned.GET, URL, body=b"0123456789", faults=fault)
    else:
        mock.add(canned.GET, URL, body=fault)
    if (client.name, kind) == ("requests", "truncated") and not URLLIB3_2:
        # requests on urllib3 1.26 returns the bytes that came, as from a real server
        assert client.send("GET", URL).content == b"012"
        return
    outer, inner = caught(client, kind)
    with pytest.raises(outer) as raised:
        client.send("GET", URL)
    if inner is not None:
        assert isinstance(raised.value.reason, inner)  # type: ignore[attr-defined]  # URLError, MaxRetryError
    assert len(mock.calls) >= 1  # each attempt is logged (urllib3's retries make several)


def readme_table() -> dict[str, dict[str, str]]:
    """The README's fault table: client -> fault -> the cell's text."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| fault |") :].split("\n\n", 1)[0].splitlines()
    clients = [cell.strip().strip("`") for cell in table[0].strip("|").split("|")[1:]]
    rows: dict[str, dict[str, str]] = {client: {} for client in clients}
    for line in table[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        kind = re.findall(r"`(\w+)`", cells[0])[0]
        for client, cell in zip(clients, cells[1:]):
            rows[client][kind] = cell
    return rows


def shown(error: type[BaseException]) -> str:
    return error.__name__


@pytest.mark.parametrize("client_name", ["requests", "httpx", "aiohttp", "urllib3", "urllib"])
def test_the_readmes_fault_table_names_the_exceptions_the_clients_raise(client_name: str) -> None:
    import httpx

    table = readme_table()[client_name]
    assert set(table) == set(FAULTS)
    row = httpx_row(httpx) if client_name == "httpx" else CAUGHT[client_name]
    for kind, (outer, inner) in row.items():
        names = re.findall(r"`([^`]+)`", table[kind])
        assert shown(outer) in " ".join(names), (client_name, kind, table[kind])
        if inner is not None:
            assert shown(inner) in table[kind], (client_name, kind, table[kind])
