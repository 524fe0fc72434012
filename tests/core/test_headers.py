"""Answer headers: pairs writable by name, and the default Content-Type."""

from __future__ import annotations

import inspect

from canned import Response
from canned._core.headers import HeaderPairs

URL = "https://headers.example.test/a"


def test_more_content_types_than_are_shared_each_answer_with_their_own() -> None:
    types = [f"application/x-kind-{n}" for n in range(100)]  # more than the 64 shared ones
    routes = [Response("GET", URL, content_type=content_type) for content_type in types]
    assert [route.get_headers() for route in routes] == [[("Content-Type", t)] for t in types]


def test_the_signature_shows_an_omitted_pop_default_as_unset() -> None:
    assert repr(inspect.signature(HeaderPairs.pop).parameters["default"].default) == "_UNSET"
