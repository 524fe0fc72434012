"""Secrets out of recorded files: header values and query parameters that carry credentials.

Owns the list of what counts as a secret and the placeholder that replaces it. Imports nothing
else of canned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit

REDACTED: Final = "REDACTED"

SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key",
     "x-auth-token", "x-csrf-token", "x-amz-security-token"}
)  # fmt: skip
SECRET_HEADER_WORDS: Final = re.compile(r"token|secret|api[-_]?key|password|signature", re.I)
SECRET_PARAMETERS: Final = re.compile(
    r"^(api[-_]?key|apikey|key|token|access[-_]?token|refresh[-_]?token|id[-_]?token|secret|"
    r"client[-_]?secret|password|passwd|signature|sig|auth|x-amz-signature|x-amz-credential|"
    r"x-amz-security-token)$",
    re.I,
)


def is_secret_header(name: str) -> bool:
    return name.lower() in SECRET_HEADERS or SECRET_HEADER_WORDS.search(name) is not None


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers with every secret value replaced by `REDACTED`."""
    return {name: REDACTED if is_secret_header(name) else value for name, value in headers.items()}


def redact_url(url: str) -> str:
    """The URL with the values of secret query parameters replaced by `REDACTED`."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(SECRET_PARAMETERS.match(key) for key, _ in pairs):
        return url
    cleaned = [(key, REDACTED if SECRET_PARAMETERS.match(key) else value) for key, value in pairs]
    return parts._replace(query=urlencode(cleaned)).geturl()
