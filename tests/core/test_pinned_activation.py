"""Activation and dispatch rules no other test pinned: interceptors handed over by the
adapters' table, `stop()`'s check of unfired routes, what `activate` on a class passes to each
test method, the words `activate` refuses with, and when a client's read timeout is read."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from tests.core.test_activation import Recording

import canned
from canned import faults
from canned._core import activation
from canned.registries import FirstMatchRegistry, OrderedRegistry

URL = "https://pinned-activation.example.test/a"


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> Recording:
    """A `Recording` handed over as the only interceptor; the table's own is put back after."""
    monkeypatch.setattr(activation, "_load_interceptors", activation._load_interceptors)
    monkeypatch.setattr(activation, "_interceptors", activation._interceptors)
    recording = Recording()
    activation.use_interceptors(lambda: [recording])
    return recording


def test_interceptors_handed_over_are_installed_on_the_first_activation(
    handed_over: Recording,
) -> None:
    assert activation.current() is None
    with canned.RequestsMock(assert_all_requests_are_fired=False):
        assert handed_over.done == ["install"]
        assert activation.interceptors() == [handed_over]
    assert handed_over.done == ["install", "uninstall"]


def test_interceptors_handed_over_are_loaded_once_for_every_activation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(activation, "_load_interceptors", activation._load_interceptors)
    monkeypatch.setattr(activation, "_interceptors", activation._interceptors)
    recording = Recording()
    loads: list[int] = []

    def load() -> list[Recording]:
        loads.append(1)
        return [recording]

    activation.use_interceptors(load)
    assert loads == []  # handing over loads nothing yet
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    for _ in range(2):
        with mock:
            pass
    assert loads == [1]
    assert recording.done == ["install", "uninstall", "install", "uninstall"]


def test_stop_without_arguments_reports_unfired_routes_of_a_started_mock() -> None:
    mock = canned.RequestsMock()
    mock.start()
    mock.add(canned.GET, URL)
    with pytest.raises(canned.UnfiredRoutesError, match="Not all requests have been executed"):
        mock.stop()
    assert mock.activations == 0


def test_stop_can_be_told_not_to_report_unfired_routes() -> None:
    mock = canned.RequestsMock()
    mock.start()
    mock.add(canned.GET, URL)
    mock.stop(allow_assert=False)
    assert mock.activations == 0


def test_activate_on_a_class_runs_each_test_method_with_the_registry_given() -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)

    @mock.activate(registry=OrderedRegistry)
    class Suite:
        def test_registry(self) -> type:
            return type(mock.get_registry())

    assert Suite().test_registry() is OrderedRegistry
    assert type(mock.get_registry()) is FirstMatchRegistry  # only while the method runs


def test_activate_on_a_class_runs_each_test_method_with_the_unfired_check_given() -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)

    @mock.activate(assert_all_requests_are_fired=True)
    class Suite:
        def test_leaves_a_route_unfired(self) -> None:
            mock.add(canned.GET, URL)

    with pytest.raises(canned.UnfiredRoutesError, match="Not all requests have been executed"):
        Suite().test_leaves_a_route_unfired()
    assert mock.assert_all_requests_are_fired is False  # the mock's own setting is put back


def test_activate_names_what_it_cannot_decorate() -> None:
    with pytest.raises(TypeError) as raised:
        canned.activate(42)  # type: ignore[arg-type]
    assert str(raised.value) == (
        "activate(): the decorated object must be a function or a class, got 42 (int)"
    )


# -- dispatch: a client's read timeout is read only for a route's latency ---------------------------


def test_an_answer_without_latency_reaches_an_aiohttp_session_whose_negative_total_is_no_limit() -> (
    None
):
    async def answered() -> tuple[int, bytes]:
        timeout = aiohttp.ClientTimeout(total=-1)  # aiohttp: no limit, as 0 or None
        async with aiohttp.ClientSession(timeout=timeout) as session:
            answer = await session.get(URL)
            try:
                return answer.status, await answer.read()
            finally:
                answer.release()

    never = faults.Chaos(0.0, faults.connection_reset())  # settled, but injects nothing
    with canned.RequestsMock(assert_all_requests_are_fired=False, chaos=never) as mock:
        mock.add(canned.GET, URL, body="ok")
        assert asyncio.run(answered()) == (200, b"ok")
