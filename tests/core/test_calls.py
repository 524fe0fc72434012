"""The call log: each call keeps the request and what answered it."""

from __future__ import annotations

from canned._core.calls import CallList


def test_call_list_add_records_a_call() -> None:
    calls = CallList()
    calls.add("request", "response")
    assert (calls[0].request, calls[0].response, repr(calls)) == (
        "request",
        "response",
        "CallList([Call(request='request', response='response')])",
    )
