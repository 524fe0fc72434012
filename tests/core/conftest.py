"""What the core tests share: asking a mock about a request view made by hand, as an adapter
asks it, so that the core is tested with no HTTP client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from canned._core.mock import Mock
from canned._core.reply import Outcome
from canned._core.request import Request


def ask(
    mock: Mock,
    method: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    *,
    native: Any = None,
) -> Outcome:
    """What `mock` decides for one request sent as a client sends it (`url` already the URL the
    client sends, query included); `native` stands for the client's own request object."""
    return mock.handle(Request(method, url, dict(headers or {}), body, native=native))
