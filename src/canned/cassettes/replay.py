"""Replaying recorded answers: each recorded entry becomes a route on a mock.

Owns `add_recorded`. Imports no HTTP client and no file-format library.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from canned._core.matching import query_param_matcher
from canned.cassettes.redaction import REDACTED

if TYPE_CHECKING:
    from canned._core.mock import Mock

REQUIRED: tuple[str, ...] = (
    "method",
    "url",
    "status",
    "content_type",
    "auto_calculate_content_length",
)


def _body(entry: dict[str, Any]) -> str | bytes:
    if "body_base64" in entry:
        return base64.b64decode(entry["body_base64"])
    return entry["body"]  # type: ignore[no-any-return]  # a KeyError when missing, as in responses


def _url_and_matchers(url: str) -> tuple[str, list[Any]]:
    """A URL whose query had secrets redacted matches any value for them."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(value == REDACTED for _, value in pairs):
        return url, []
    kept = {key: value for key, value in pairs if value != REDACTED}
    return parts._replace(query="").geturl(), [query_param_matcher(kept, strict_match=False)]


def add_recorded(mock: Mock, data: dict[str, Any]) -> None:
    """Same as responses' `_add_from_file` body: register every entry of `data` on `mock`.

    Raises:
        KeyError: an entry lacks a required key (as in responses).
    """
    for item in data["responses"]:
        entry = item["response"]
        for key in REQUIRED:
            entry[key]  # a missing key is a KeyError, as in responses
        headers = dict(entry.get("headers") or {})
        if entry["content_type"] is not None:
            # responses #741 did this for HEAD; any entry keeps content_type over a header copy
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        url, match = _url_and_matchers(entry["url"])
        mock.add(
            method=entry["method"],
            url=url,
            body=_body(entry),
            status=entry["status"],
            headers=headers or None,
            content_type=entry["content_type"],
            auto_calculate_content_length=entry["auto_calculate_content_length"],
            match=match,
        )
