"""The one dispatch path: a request's outcome carried out with a client's conversions, and the
call log settled with what the client got, its response or its error."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import canned
from canned._core.dispatch import dispatch, dispatch_async, passing_through
from canned._core.reply import Reply
from canned._core.request import Request

URL = "https://dispatch.example.test/a"


class Unreachable:
    """A client whose real send fails, as with the network down; it converts nothing else."""

    def __init__(self) -> None:
        self.error = OSError("network is down")

    def to_native(self, reply: Reply, context: object) -> Any:
        raise AssertionError("nothing to convert")

    def adopt(self, response: Any, context: object) -> Any:
        raise AssertionError("nothing to adopt")

    def refused(self, message: str, context: object) -> BaseException:
        raise AssertionError("nothing refused")

    def send(self, context: object) -> Any:
        raise self.error

    async def send_async(self, context: object) -> Any:
        raise self.error


def test_an_async_passthrough_that_fails_raises_and_is_recorded_with_its_request() -> None:
    client = Unreachable()
    native = object()
    with canned.RequestsMock() as mock:
        mock.add(canned.PassthroughResponse("GET", URL))
        with pytest.raises(OSError, match="network is down") as raised:
            asyncio.run(dispatch_async(mock, Request("GET", URL, native=native), client, None))
        assert [call.response for call in mock.calls] == [client.error]
    assert raised.value.request is native  # type: ignore[attr-defined]


def test_a_passthru_prefix_request_that_fails_raises_with_its_request_and_is_not_recorded() -> None:
    client = Unreachable()
    native = object()
    with canned.RequestsMock() as mock:
        mock.add_passthru(URL)
        with pytest.raises(OSError, match="network is down") as raised:
            dispatch(mock, Request("GET", URL, native=native), client, None)
        assert list(mock.calls) == []
    assert raised.value.request is native  # type: ignore[attr-defined]


class Layered(Unreachable):
    """A client built on another one: its real send asks whether the layer beneath would
    take the request as let through (as urllib3 under requests asks)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen_beneath: list[bool] = []

    def send(self, context: object) -> Any:
        self.seen_beneath.append(passing_through())
        return "sent for real"

    async def send_async(self, context: object) -> Any:
        return self.send(context)


def test_while_a_passthrough_is_sent_the_layers_beneath_know_it_was_let_through() -> None:
    client = Layered()
    with canned.RequestsMock() as mock:
        mock.add(canned.PassthroughResponse("GET", URL))
        mock.add_passthru("https://dispatch.example.test/open")
        assert dispatch(mock, Request("GET", URL), client, None) == "sent for real"
        assert asyncio.run(dispatch_async(mock, Request("GET", URL), client, None)) == (
            "sent for real"
        )
        dispatch(mock, Request("GET", "https://dispatch.example.test/open/x"), client, None)
    assert client.seen_beneath == [True, True, True]
    assert passing_through() is False  # only while the real send runs
