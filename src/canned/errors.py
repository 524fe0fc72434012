"""canned's errors and warnings, and the helpers that warn at the user's line.

Every class is also the built-in that responses users already catch, so `except AssertionError`
keeps working::

    CannedError(Exception)
    ├── UnfiredRoutesError(CannedError, AssertionError)   routes never called, checked on exit
    ├── CallCountError(CannedError, AssertionError)       assert_call_count() saw another count
    ├── CallbackReplyError(CannedError, TypeError)        a callback's reply is malformed
    ├── NetworkBlockedError(CannedError, ConnectionError) --canned-block-network refused a host
    └── CassetteError(CannedError, ValueError)            a cassette file is missing, malformed,
                                                          or would hold a secret
    CannedDeprecationWarning(DeprecationWarning)          responses' deprecations, texts verbatim
    UnmatchedRequestWarning(UserWarning)                  on_unmatched="warn": the diagnosis

Unmatched requests raise the client's own connection error (`requests.ConnectionError`), not a
class from here: code under test sees what a refused connection looks like.
Imports no HTTP client.
"""

from __future__ import annotations

import sys
import warnings
from typing import Final

__all__ = [
    "CallCountError",
    "CallbackReplyError",
    "CannedDeprecationWarning",
    "CannedError",
    "CassetteError",
    "NetworkBlockedError",
    "UnfiredRoutesError",
    "UnmatchedRequestWarning",
    "warn_deprecated",
    "warn_unmatched",
]


class CannedError(Exception):
    """Base of the errors canned raises itself."""


class UnfiredRoutesError(CannedError, AssertionError):
    """`assert_all_requests_are_fired`: some registered routes were never called."""


class CallCountError(CannedError, AssertionError):
    """`assert_call_count`: a URL was called another number of times than expected."""


class CallbackReplyError(CannedError, TypeError):
    """A callback returned something other than `(status, headers, body)` or an exception."""


class NetworkBlockedError(CannedError, ConnectionError):
    """The pytest plugin's network guard refused a connection to a host other than loopback."""


class CassetteError(CannedError, ValueError):
    """A cassette cannot be used: its file is missing (mode "none"), empty or malformed (the
    message names the file, the interaction and the field), or a secret would be written."""


class CannedDeprecationWarning(DeprecationWarning):
    """A responses feature that responses itself deprecates; the text is responses' own."""


class UnmatchedRequestWarning(UserWarning):
    """`on_unmatched="warn"`: no route answered; the text is the unmatched diagnosis."""


# The packages between a user's request and canned's answer: the HTTP clients, what they run
# on, and the standard library modules they call through. A warning about a request skips them.
_CLIENT_PACKAGES: Final = frozenset(
    {
        "canned", "requests", "urllib3", "httpx", "httpx2", "httpcore", "httpcore2", "aiohttp",
        "http", "urllib", "asyncio", "anyio", "trio", "sniffio", "contextlib", "concurrent",
        "functools",
    }
)  # fmt: skip


def _caller_stacklevel(skipping: frozenset[str] | None = None) -> int:
    """The stack level of the first frame outside canned (and the `skipping` packages), so the
    warning names the user's line."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not (name.startswith("canned") or (skipping and name.split(".")[0] in skipping)):
            break
        frame = frame.f_back  # type: ignore[assignment]  # f_back is None only at the bottom
        level += 1
    return level


def warn_deprecated(message: str) -> None:
    """Warn `CannedDeprecationWarning(message)` at the caller's line (the first outside canned)."""
    warnings.warn(message, CannedDeprecationWarning, stacklevel=_caller_stacklevel())


def warn_unmatched(message: str) -> None:
    """Warn `UnmatchedRequestWarning(message)` at the line that sent the request: the first
    outside canned and the HTTP client that sent it."""
    warnings.warn(message, UnmatchedRequestWarning, stacklevel=_caller_stacklevel(_CLIENT_PACKAGES))
