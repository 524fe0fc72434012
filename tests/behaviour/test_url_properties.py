"""URL properties, generated: a registered URL answers the same URL however a client spells
it (query order, percent-encoding, host case, IDNA, default port, fragment), and never a URL
with another path, scheme or host. Checked through requests and httpx."""

from __future__ import annotations

import importlib
import os
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.behaviour.conftest import client_modules

import canned

EXAMPLES = settings(
    max_examples=int(os.environ.get("CANNED_URL_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
UNICODE_LABEL = st.text("abcdefäöüéñ", min_size=1, max_size=8).filter(lambda s: not s.isascii())
# Dot segments are removed as clients do (tested in tests/core/test_urls.py); here they would
# turn "/a/." into the trailing-slash route "/a/", which answers deeper paths by design.
SEGMENT = st.text("abcdefxyzABC0123456789-._~ äé!$&'()*+,;=:@", min_size=1, max_size=10).filter(
    lambda segment: segment not in (".", "..")
)
QUERY = st.lists(
    st.tuples(st.text("abcxyz", min_size=1, max_size=4), st.text("abc 123+/=é", max_size=5)),
    max_size=4,
    unique_by=lambda pair: pair[0],
)


@st.composite
def urls(draw: Any) -> dict[str, Any]:
    scheme = draw(st.sampled_from(["http", "https"]))
    labels = [draw(st.one_of(LABEL, UNICODE_LABEL)), *draw(st.lists(LABEL, min_size=1, max_size=2))]
    segments = draw(st.lists(SEGMENT, min_size=1, max_size=3))
    return {"scheme": scheme, "labels": labels, "segments": segments, "query": draw(QUERY)}


UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def spell(segment: str, encode_unreserved: bool) -> str:
    """A path segment as a URL carries it; with `encode_unreserved`, even letters and digits
    are percent-encoded, which RFC 3986 says is the same URL."""
    if not encode_unreserved:
        return quote(segment, safe="!$&'()*+,;=:@-._~")
    return "".join(
        f"%{ord(char):02X}" if char in UNRESERVED else quote(char, safe="!$&'()*+,;=:@")
        for char in segment
    )


def build(
    url: dict[str, Any],
    *,
    upper_host: bool = False,
    default_port: bool = False,
    encode_unreserved: bool = False,
    reverse_query: bool = False,
    fragment: str = "",
) -> str:
    host = ".".join(url["labels"])
    host = host.upper() if upper_host else host
    port = {"http": ":80", "https": ":443"}[url["scheme"]] if default_port else ""
    path = "/" + "/".join(spell(segment, encode_unreserved) for segment in url["segments"])
    pairs = list(reversed(url["query"])) if reverse_query else url["query"]
    query = f"?{urlencode(pairs)}" if pairs else ""
    return f"{url['scheme']}://{host}{port}{path}{query}{fragment}"


def send(client: str, url: str) -> int:
    if client == "requests":
        return requests.get(url).status_code
    module = importlib.import_module(client)
    with module.Client() as session:
        return session.get(url).status_code  # type: ignore[no-any-return]


CLIENTS = ["requests", *client_modules()]


@pytest.mark.parametrize("client", CLIENTS)
@EXAMPLES
@given(
    url=urls(),
    upper_host=st.booleans(),
    default_port=st.booleans(),
    encode_unreserved=st.booleans(),
    reverse_query=st.booleans(),
    fragment=st.sampled_from(["", "#top", "#a=1&b=2"]),
)
def test_a_registered_url_answers_every_spelling_of_it(
    client: str,
    url: dict[str, Any],
    upper_host: bool,
    default_port: bool,
    encode_unreserved: bool,
    reverse_query: bool,
    fragment: str,
) -> None:
    requested = build(
        url,
        upper_host=upper_host,
        default_port=default_port,
        encode_unreserved=encode_unreserved,
        reverse_query=reverse_query,
        fragment=fragment,
    )
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, build(url), status=299)
        assert send(client, requested) == 299


def other_urls(url: dict[str, Any]) -> list[str]:
    other_scheme = {**url, "scheme": "https" if url["scheme"] == "http" else "http"}
    other_host = {**url, "labels": ["other", *url["labels"]]}
    other_path = {**url, "segments": [*url["segments"][:-1], url["segments"][-1] + "x"]}
    deeper = {**url, "segments": [*url["segments"], "more"]}
    return [build(variant) for variant in (other_scheme, other_host, other_path, deeper)]


@pytest.mark.parametrize("client", CLIENTS)
@EXAMPLES
@given(url=urls())
def test_another_scheme_host_or_path_is_never_answered(client: str, url: dict[str, Any]) -> None:
    connection_errors = (
        requests.ConnectionError,
        *(importlib.import_module(name).ConnectError for name in client_modules()),
    )
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, build(url), status=299)
        for other in other_urls(url):
            with pytest.raises(connection_errors):
                send(client, other)
