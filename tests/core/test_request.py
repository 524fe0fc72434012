"""The request view: what every matcher, route and diagnosis reads of one request."""

from __future__ import annotations

import pytest

from canned._core.request import Request

URL = "https://request.example.test/a"


def test_the_view_reports_itself_and_refuses_non_json() -> None:
    view = Request("post", URL, {}, b"not json")
    assert repr(view) == f"<Request POST {URL}>"
    with pytest.raises(ValueError, match="not JSON"):
        _ = view.json
