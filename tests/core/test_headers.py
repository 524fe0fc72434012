"""Answer headers: pairs writable by name, and the default Content-Type."""

from __future__ import annotations

import inspect
import sys
import types

import pytest

from canned import Response
from canned._core.headers import HeaderPairs, decoded

URL = "https://headers.example.test/a"


def test_more_content_types_than_are_shared_each_answer_with_their_own() -> None:
    types = [f"application/x-kind-{n}" for n in range(100)]  # more than the 64 shared ones
    routes = [Response("GET", URL, content_type=content_type) for content_type in types]
    assert [route.get_headers() for route in routes] == [[("Content-Type", t)] for t in types]


def test_the_signature_shows_an_omitted_pop_default_as_unset() -> None:
    assert repr(inspect.signature(HeaderPairs.pop).parameters["default"].default) == "_UNSET"


def test_a_recorded_body_is_decoded_from_each_content_encoding_in_turn() -> None:
    import gzip
    import zlib

    text = b"hello " * 20
    assert decoded(gzip.compress(text), "gzip") == text
    assert decoded(zlib.compress(text), "deflate") == text
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decoded(raw_deflate.compress(text) + raw_deflate.flush(), "deflate") == text
    assert decoded(gzip.compress(zlib.compress(text)), "deflate, gzip") == text
    assert decoded(text, "identity") == text
    assert decoded(text, None) == text


def test_a_body_in_an_encoding_that_cannot_be_undone_is_kept_as_it_came() -> None:
    assert decoded(b"not gzip", "gzip") == b"not gzip"
    assert decoded(b"packed", "compress") == b"packed"


def test_a_brotli_body_is_decoded_when_brotli_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("brotli")
    fake.decompress = lambda body: body.replace(b"<br>", b"")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "brotli", fake)
    assert decoded(b"<br>text<br>", "br") == b"text"
    monkeypatch.setitem(sys.modules, "brotli", None)  # not installed: kept as it came
    assert decoded(b"<br>text", "br") == b"<br>text"
