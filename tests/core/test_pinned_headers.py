"""What answer headers do that no other test pinned: a `get_headers` result read and written by
name as responses' `HTTPHeaderDict` is, and how a recorded body is decoded from its
Content-Encoding."""

from __future__ import annotations

import gzip
import zlib

import pytest

import canned
from canned._core.headers import decoded

URL = "https://e.test/p"


def headers_of_a_route_with_two_values() -> canned.Response:
    return canned.Response(canned.GET, URL, headers=[("X-A", "1"), ("X-B", "2"), ("x-a", "3")])


# -- get_headers: read and written by name ----------------------------------------------------------


def test_a_repeated_header_read_by_name_gives_its_values_joined_with_a_comma() -> None:
    headers = headers_of_a_route_with_two_values().get_headers()
    assert headers["X-A"] == "1, 3"
    assert headers.get("x-a") == "1, 3"


def test_a_header_pair_is_found_in_the_headers_as_a_pair() -> None:
    headers = headers_of_a_route_with_two_values().get_headers()
    assert ("X-B", "2") in headers
    assert ("X-B", "9") not in headers


def test_popping_a_header_by_name_gives_its_value_and_removes_every_pair_of_it() -> None:
    headers = headers_of_a_route_with_two_values().get_headers()
    assert headers.pop("x-a") == "1, 3"
    assert "X-A" not in headers
    assert headers.pop("X-A", "gone") == "gone"


def test_updating_headers_from_a_list_of_pairs_replaces_them_name_by_name() -> None:
    headers = headers_of_a_route_with_two_values().get_headers()
    headers.update([("x-a", "9"), ("X-C", "4")])
    assert headers == [("Content-Type", "text/plain"), ("x-a", "9"), ("X-B", "2"), ("X-C", "4")]


# -- decoded: a recorded body read as a decoding client reads it -------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "X-GZIP"])
def test_a_gzip_body_is_decoded_under_either_name_of_gzip(coding: str) -> None:
    assert decoded(gzip.compress(b"hello"), coding) == b"hello"


def test_a_body_labelled_gzip_that_is_zlib_data_is_left_as_it_is() -> None:
    body = zlib.compress(b"hello")
    assert decoded(body, "gzip") == body


def test_an_identity_coding_applied_last_is_skipped_and_the_rest_decoded() -> None:
    assert decoded(gzip.compress(b"hello"), "gzip, identity") == b"hello"
    assert decoded(gzip.compress(b"hello"), "gzip, IDENTITY") == b"hello"


def test_an_unknown_coding_applied_last_leaves_the_body_as_it_is() -> None:
    body = gzip.compress(b"hello")
    assert decoded(body, "gzip, compress") == body
