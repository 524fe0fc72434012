"""Activation: starting and stopping a mock, decorating with it, and installing the interceptors
all or none."""

from __future__ import annotations

import pytest

import canned
from canned._core import activation

URL = "https://activation.example.test/a"


class Recording:
    """An interceptor that notes each time it is installed and uninstalled."""

    def __init__(self) -> None:
        self.done: list[str] = []

    def install(self) -> None:
        self.done.append("install")

    def uninstall(self) -> None:
        self.done.append("uninstall")


class Broken:
    """An interceptor whose install fails."""

    def install(self) -> None:
        raise OSError("cannot patch")

    def uninstall(self) -> None:
        raise AssertionError("never installed, never uninstalled")


def test_a_failing_interceptor_leaves_nothing_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    first = Recording()  # installed before every client's interceptor, so put back after them
    every = [first, *activation.interceptors(), Broken()]
    monkeypatch.setattr(activation, "_interceptors", every)
    with pytest.raises(OSError, match="cannot patch"):
        canned.RequestsMock().start()
    assert first.done == ["install", "uninstall"]
    assert activation.current() is None


def test_stopping_a_mock_that_never_started_only_checks_its_routes() -> None:
    mock = canned.RequestsMock()
    mock.add(canned.GET, URL)
    with pytest.raises(canned.UnfiredRoutesError):
        mock.stop()


def test_activate_refuses_what_it_cannot_decorate() -> None:
    with pytest.raises(TypeError, match=r"^activate\(\): the decorated object must be a function"):
        canned.activate(42)  # type: ignore[arg-type]
