"""Nothing left behind: however an activation ends, every patched method is the original again
once the outermost activation is over, checked by identity."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from tests.behaviour.conftest import client_modules

import canned

URL = "https://restore.example.test/a"


def seams() -> dict[str, Any]:
    """Every method canned patches, as it is now."""
    found: dict[str, Any] = {"requests": HTTPAdapter.send}
    for name in client_modules():
        module = importlib.import_module(name)
        found[f"{name} sync"] = module.HTTPTransport.handle_request
        found[f"{name} async"] = module.AsyncHTTPTransport.handle_async_request
    return found


ORIGINALS = seams()


def is_patched() -> bool:
    return all(seams()[name] is not original for name, original in ORIGINALS.items())


def exception_in_test() -> None:
    @canned.activate
    def test() -> None:
        raise ValueError("test failed")

    with pytest.raises(ValueError, match="test failed"):
        test()


def exception_in_callback() -> None:
    def callback(request: Any) -> Any:
        raise LookupError("callback failed")

    with canned.RequestsMock() as mock:
        mock.add_callback(canned.GET, URL, callback=callback)
        with pytest.raises(LookupError):
            requests.get(URL)


def assertion_on_exit() -> None:
    def block() -> None:
        with canned.RequestsMock() as mock:
            mock.add(canned.GET, URL)

    with pytest.raises(canned.UnfiredRoutesError):
        block()


def keyboard_interrupt_in_block() -> None:
    with pytest.raises(KeyboardInterrupt), canned.RequestsMock():
        raise KeyboardInterrupt


def nested_decorators_with_an_inner_failure() -> None:
    @canned.activate
    def inner() -> None:
        raise RuntimeError("inner")

    @canned.activate
    def outer() -> bool:
        with pytest.raises(RuntimeError):
            inner()
        return is_patched()

    assert outer() is True


def interleaved_mocks() -> None:
    first, second = canned.RequestsMock(), canned.RequestsMock()
    first.start()
    second.start()
    first.stop()
    assert is_patched()
    second.stop()


def start_without_stop_then_start_again() -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    mock.start()
    mock.add(canned.GET, URL)
    mock.start()  # a no-op, as in responses
    assert requests.get(URL).status_code == 200
    mock.stop()


def async_test_that_fails() -> None:
    @canned.activate
    async def test() -> None:
        raise ValueError("async failed")

    with pytest.raises(ValueError, match="async failed"):
        asyncio.run(test())


def unmatched_request_in_test() -> None:
    @canned.activate
    def test() -> None:
        requests.get(URL)

    with pytest.raises(requests.ConnectionError):
        test()


@pytest.mark.parametrize(
    "way_out",
    [
        exception_in_test,
        exception_in_callback,
        assertion_on_exit,
        keyboard_interrupt_in_block,
        nested_decorators_with_an_inner_failure,
        interleaved_mocks,
        start_without_stop_then_start_again,
        async_test_that_fails,
        unmatched_request_in_test,
    ],
)
def test_every_seam_is_the_original_after_the_activation_ends(way_out: Callable[[], None]) -> None:
    way_out()
    assert seams() == ORIGINALS
    for name, original in ORIGINALS.items():
        assert seams()[name] is original, name


def test_every_seam_is_patched_while_a_mock_is_active() -> None:
    with canned.RequestsMock():
        assert is_patched()


def test_after_a_failed_nested_block_the_outer_routes_still_answer() -> None:
    with canned.RequestsMock() as outer:
        outer.add(canned.GET, URL, body="outer")
        with pytest.raises(ValueError, match="inner"), canned.RequestsMock():
            raise ValueError("inner")
        assert requests.get(URL).text == "outer"


def test_the_default_mock_is_empty_after_a_failing_decorated_test() -> None:
    @canned.activate
    def test() -> None:
        canned.add(canned.GET, URL)
        raise ValueError("failed")

    with pytest.raises(ValueError, match="failed"):
        test()
    assert (canned.registered(), len(canned.calls)) == ([], 0)
