"""A callback written for requests works unchanged for every client: the request it is handed
reads the same (`method`, `url`, `path_url`, `headers`, `body`, `params`) whether requests, httpx
or httpx2, sync or async, sent it. Each expected value below is what requests gives."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest

import canned

if TYPE_CHECKING:
    from tests.behaviour.conftest import Client

URL = "https://api.parity.test/users/7"


@pytest.fixture
def mock() -> Iterator[canned.RequestsMock]:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


def describe(request: Any) -> tuple[int, dict[str, str], str]:
    """A callback as written for requests: it answers with what it read of the request."""
    seen = {
        "method": request.method,
        "url": request.url,
        "path_url": request.path_url,
        "params": request.params,
        "trace": request.headers["X-Trace"],
        "body_type": type(request.body).__name__,
    }
    return 200, {}, json.dumps(seen)


def test_a_callback_reads_method_url_path_url_params_and_headers_as_under_requests(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add_callback(canned.GET, URL, callback=describe)
    answer = client.send("GET", URL, params={"page": "2", "q": "x y"}, headers={"X-Trace": "t1"})
    assert json.loads(answer.content) == {
        "method": "GET",
        "url": URL + "?page=2&q=x+y",
        "path_url": "/users/7?page=2&q=x+y",
        "params": {"page": "2", "q": "x y"},
        "trace": "t1",
        "body_type": "NoneType",
    }


def test_a_callback_routes_on_path_url_and_reads_the_json_body_as_under_requests(
    client: Client, mock: canned.RequestsMock
) -> None:
    def update_user(request: Any) -> tuple[int, dict[str, str], str]:
        user_id = request.path_url.rsplit("/", 1)[-1]
        changes = json.loads(request.body)
        return 200, {}, json.dumps({"id": int(user_id), **changes})

    mock.add_callback(
        canned.PUT, re.compile(r"https://api\.parity\.test/users/\d+"), callback=update_user
    )
    answer = client.send("PUT", URL, json={"name": "Zoë"})
    assert json.loads(answer.content) == {"id": 7, "name": "Zoë"}


def test_a_callback_parses_a_form_body_as_text_with_parse_qs_as_under_requests(
    client: Client, mock: canned.RequestsMock
) -> None:
    def sign_up(request: Any) -> tuple[int, dict[str, str], str]:
        assert isinstance(request.body, str)  # requests gives `data={...}` as text
        return 201, {}, json.dumps(parse_qs(request.body))

    mock.add_callback(canned.POST, URL, callback=sign_up)
    answer = client.send("POST", URL, data={"name": "Zoë", "tag": ["a", "b"]})
    assert (answer.status, json.loads(answer.content)) == (
        201,
        {"name": ["Zoë"], "tag": ["a", "b"]},
    )


def test_a_callback_gets_a_multipart_body_as_bytes_as_under_requests(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add_callback(canned.POST, URL, callback=describe)
    answer = client.send("POST", URL, files={"cv": ("cv.txt", b"hello")}, headers={"X-Trace": "t2"})
    assert json.loads(answer.content) == {
        "method": "POST",
        "url": URL,
        "path_url": "/users/7",
        "params": {},
        "trace": "t2",
        "body_type": "bytes",
    }


def test_the_call_log_shows_a_form_body_as_text_and_the_path_url_as_under_requests(
    client: Client, mock: canned.RequestsMock
) -> None:
    mock.add(canned.POST, URL, status=204)
    client.send("POST", URL, params={"v": "1"}, data={"a": "1", "b": "é"})
    request = mock.calls[0].request
    assert (request.body, request.path_url) == ("a=1&b=%C3%A9", "/users/7?v=1")
