"""Which urllib3 the suite runs on: canned supports 1.26 and 2, and a few tests check urllib3
2's own API (`urllib3.request`, `HTTPResponse.json()`, `read1`, `url`) or behaviour (requests
fails a body shorter than its Content-Length only on urllib3 2; on 1.26 it returns what came, as
from a real server)."""

from __future__ import annotations

import pytest
import urllib3
from urllib3 import exceptions

URLLIB3_2 = int(urllib3.__version__.split(".")[0]) >= 2
# urllib3 2's error for a host name that does not resolve; urllib3 1.26 raises NewConnectionError.
NameResolutionError: type[Exception] = getattr(
    exceptions, "NameResolutionError", exceptions.NewConnectionError
)
needs_urllib3_2 = pytest.mark.skipif(
    not URLLIB3_2, reason="checks urllib3 2's own API, which urllib3 1.26 lacks"
)
written_for_urllib3_2 = pytest.mark.skipif(
    not URLLIB3_2,
    reason="the example is written for urllib3 2 (`urllib3.request`, `HTTPResponse.json()`), "
    "which urllib3 1.26 lacks",
)


def raised_while_handling(error: BaseException) -> BaseException | None:
    """The error urllib3 met and turned into `error`: urllib3 2 raises `error` from it (its
    `__cause__`); urllib3 1.26 raises `error` while handling it (its `__context__`)."""
    return error.__cause__ if URLLIB3_2 else error.__context__
