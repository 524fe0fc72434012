"""Faults and flaky servers, as data: give one as a route's `body=` (it happens instead of the
answer) or `faults=` (a truncated body), and the client raises its own exception for it, where it
raises one from a real server.

Owns nothing: the public door to `canned._core.faults` (the constructors, `Chaos`, `Scenarios`).

    canned.add(canned.GET, URL, body=faults.read_timeout())
    canned.add(canned.GET, URL, body=big, faults=faults.truncated(after=1024))
    canned.RequestsMock(chaos=faults.Chaos(0.2, faults.connection_reset(), seed=7))
"""

from __future__ import annotations

from canned._core.faults import (
    Chaos,
    Fault,
    Scenarios,
    connect_timeout,
    connection_refused,
    connection_reset,
    dns_failure,
    malformed,
    read_timeout,
    truncated,
)

__all__ = [
    "Chaos",
    "Fault",
    "Scenarios",
    "connect_timeout",
    "connection_refused",
    "connection_reset",
    "dns_failure",
    "malformed",
    "read_timeout",
    "truncated",
]
