"""The request view as a callback written for requests reads it: `path_url` and `body` are what
requests' `PreparedRequest` holds for the same call, while matchers keep reading the bytes sent."""

from __future__ import annotations

import pytest

from canned import matchers
from canned._core.request import Request

URL = "https://view.example.test/a/b"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(
    ("url", "path_url"),
    [
        (URL, "/a/b"),
        (URL + "?x=1&y=%C3%A9", "/a/b?x=1&y=%C3%A9"),
        (URL + "?x=1#part", "/a/b?x=1"),
        ("https://view.example.test", "/"),
        ("https://view.example.test?q", "/?q"),
    ],
)
def test_path_url_is_the_path_and_query_without_the_fragment_as_requests_gives_it(
    url: str, path_url: str
) -> None:
    assert Request("GET", url).path_url == path_url


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
        "Application/X-WWW-Form-URLEncoded",
    ],
)
def test_a_form_body_reads_as_text_as_requests_gives_data_of_a_dict(content_type: str) -> None:
    view = Request("POST", URL, {"Content-Type": content_type}, b"name=Zo%C3%AB&a=%C3%A9")
    assert view.body == "name=Zo%C3%AB&a=%C3%A9"


@pytest.mark.parametrize(
    ("headers", "sent"),
    [
        ({"Content-Type": "application/json"}, b'{"a": 1}'),
        ({"Content-Type": "multipart/form-data; boundary=x"}, b"--x--\r\n"),
        ({}, b"a=1"),
        (FORM, b"a=\xff"),  # not text: requests could only have sent it as bytes
    ],
)
def test_any_other_body_reads_as_the_bytes_sent(headers: dict[str, str], sent: bytes) -> None:
    assert Request("POST", URL, headers, sent).body == sent


def test_a_request_without_body_reads_none_whatever_its_content_type() -> None:
    assert Request("POST", URL, FORM).body is None


def test_matchers_read_a_form_body_as_the_bytes_sent_while_callbacks_read_text() -> None:
    view = Request("POST", URL, FORM, b"a=1&b=2")
    assert (view.content, view.body, view.text) == (b"a=1&b=2", "a=1&b=2", "a=1&b=2")
    assert matchers.urlencoded_params_matcher({"a": "1", "b": "2"})(view) == (True, "")
    assert matchers.body_matcher("a=1&b=2")(view) == (True, "")
