"""canned's errors and warnings, and the one helper that deprecates.

Every class is also the built-in that responses users already catch, so `except AssertionError`
keeps working::

    CannedError(Exception)
    ├── UnfiredRoutesError(CannedError, AssertionError)   routes never called, checked on exit
    ├── CallCountError(CannedError, AssertionError)       assert_call_count() saw another count
    ├── CallbackReplyError(CannedError, TypeError)        a callback's reply is malformed
    └── NetworkBlockedError(CannedError, ConnectionError) --canned-block-network refused a host
    CannedDeprecationWarning(DeprecationWarning)          responses' deprecations, texts verbatim
    UnmatchedRequestWarning(UserWarning)                  on_unmatched="warn": the diagnosis

Unmatched requests raise the client's own connection error (`requests.ConnectionError`), not a
class from here: code under test sees what a refused connection looks like.
Imports no HTTP client.
"""

from __future__ import annotations

import sys
import warnings

__all__ = [
    "CallCountError",
    "CallbackReplyError",
    "CannedDeprecationWarning",
    "CannedError",
    "NetworkBlockedError",
    "UnfiredRoutesError",
    "UnmatchedRequestWarning",
    "warn_deprecated",
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


class CannedDeprecationWarning(DeprecationWarning):
    """A responses feature that responses itself deprecates; the text is responses' own."""


class UnmatchedRequestWarning(UserWarning):
    """`on_unmatched="warn"`: no route answered; the text is the unmatched diagnosis."""


def _caller_stacklevel() -> int:
    """The stack level of the first frame outside canned, so the warning names the user's line."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("canned"):
        frame = frame.f_back  # type: ignore[assignment]  # f_back is None only at the bottom
        level += 1
    return level


def warn_deprecated(message: str) -> None:
    """Warn `CannedDeprecationWarning(message)` at the caller's line (the first outside canned)."""
    warnings.warn(message, CannedDeprecationWarning, stacklevel=_caller_stacklevel())
