"""The request view: what every matcher, route and diagnosis reads of one request."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from canned._core.request import Request, view_of

URL = "https://request.example.test/a"


def test_the_view_reports_itself_and_refuses_non_json() -> None:
    view = Request("post", URL, {}, b"not json")
    assert repr(view) == f"<Request POST {URL}>"
    with pytest.raises(ValueError, match="not JSON"):
        _ = view.json


def test_the_view_reads_a_json_body() -> None:
    assert Request("POST", URL, {}, b'{"a": [1, 2]}').json == {"a": [1, 2]}


def test_the_views_headers_show_as_sent_and_read_in_any_case() -> None:
    headers = Request("GET", URL, {"X-Key": "1"}).headers
    assert (repr(headers), headers["x-key"]) == ("{'X-Key': '1'}", "1")


@pytest.mark.parametrize("body", [bytearray(b"a=1"), memoryview(b"a=1"), "a=1", b"a=1"])
def test_a_hand_made_request_body_is_read_as_bytes(body: Any) -> None:
    made = SimpleNamespace(method="POST", url=URL, headers={}, body=body)
    assert view_of(made).body == b"a=1"


def test_a_hand_made_request_body_that_is_not_bytes_or_text_is_refused_by_type() -> None:
    made = SimpleNamespace(method="POST", url=URL, headers={}, body=12)
    with pytest.raises(
        TypeError, match=r"^request body must be bytes or str after reading, got int$"
    ):
        view_of(made)
