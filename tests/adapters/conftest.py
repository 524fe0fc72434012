"""What the adapter tests share: an active mock that does not mind unfired routes, and a guard
that fails a test whose retries would sleep."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import canned


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s")

    monkeypatch.setattr("time.sleep", refuse)
