"""What the adapter tests share: an active mock that does not mind unfired routes, a guard
that fails a test whose retries would sleep, and the environment a botocore client is made in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


def fake_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, attempts: int) -> None:
    """Fake credentials and region, no config files and no instance metadata, and `attempts`
    tries per call, for a botocore client made next."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": str(attempts),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
