"""URL rules no other test pinned: URLs that take the general (urlsplit) path, how a key is
written, dot segments, where a missing path goes, which paths a `/`-ending route answers
beneath it, and passthrough prefixes."""

from __future__ import annotations

import re

import pytest
from tests.core.conftest import ask

import canned
from canned._core.request import Request
from canned._core.urls import URLKey, is_prefix_route, parent_paths, parse_url

UNICODE_HOST = "bücher.example"
PUNYCODE_HOST = "xn--bcher-kva.example"


@pytest.fixture
def mock() -> canned.RequestsMock:
    return canned.RequestsMock(assert_all_requests_are_fired=False)


# -- URLs that take the general (urlsplit) path ---------------------------------------------------


def test_an_ipv6_host_keeps_its_brackets_and_its_non_default_port() -> None:
    assert parse_url("http://[::1]:8080/x").key == URLKey("http", "[::1]", 8080, "/x")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (f"http://{UNICODE_HOST}:8443/a", URLKey("http", PUNYCODE_HOST, 8443, "/a")),
        (f"https://{UNICODE_HOST}:443/a", URLKey("https", PUNYCODE_HOST, None, "/a")),
        (f"http://{UNICODE_HOST}:80/a", URLKey("http", PUNYCODE_HOST, None, "/a")),
    ],
)
def test_a_unicode_host_keeps_a_non_default_port_and_drops_a_default_one(
    url: str, key: URLKey
) -> None:
    assert parse_url(url).key == key


def test_a_route_on_a_unicode_host_with_a_port_answers_only_that_port(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, f"http://{UNICODE_HOST}:8443/a", body="ok")
    assert ask(mock, "GET", f"http://{PUNYCODE_HOST}:8443/a").kind == "answer"
    assert ask(mock, "GET", f"http://{PUNYCODE_HOST}/a").kind == "unmatched"


def test_a_port_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="abc"):
        parse_url("http://h:abc/")


@pytest.mark.parametrize(
    "url",
    ["http://h.test/a", f"http://{UNICODE_HOST}/a", "http://[::1]/a", "http://h_x/a"],
    ids=["simple", "unicode-host", "ipv6", "underscore-host"],
)
def test_a_url_without_query_or_fragment_has_empty_ones(url: str) -> None:
    parsed = parse_url(url)
    assert (parsed.query, parsed.fragment) == ("", "")


def test_a_unicode_host_with_no_path_gets_the_root_path() -> None:
    assert parse_url(f"https://{UNICODE_HOST}").key == URLKey("https", PUNYCODE_HOST, None, "/")


def test_a_url_with_a_port_but_no_host_is_refused_as_not_absolute() -> None:
    with pytest.raises(ValueError, match="is not an absolute URL"):
        parse_url("http://:8080/x")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://h.test:99999/", id="simple"),
        pytest.param("http://h_x:99999/", id="underscore-host"),
        pytest.param(f"http://{UNICODE_HOST}:99999/", id="unicode-host"),
    ],
)
def test_a_port_above_65535_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="out of range"):
        parse_url(url)


# -- a key written as a URL ---------------------------------------------------------------------


def test_a_url_key_is_written_with_its_port_only_when_it_has_one() -> None:
    assert str(URLKey("https", "x.test", None, "/a")) == "https://x.test/a"
    assert str(URLKey("https", "x.test", 8443, "/a")) == "https://x.test:8443/a"


# -- dot segments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "path"),
    [("http://h.test/a/b/..", "/a/"), (f"http://{UNICODE_HOST}/a/b/..", "/a/")],
    ids=["simple", "unicode-host"],
)
def test_a_path_ending_in_a_parent_segment_keeps_the_trailing_slash(url: str, path: str) -> None:
    assert parse_url(url).key.path == path


# -- a URL without a path -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "registered"),
    [
        ("https://h/?next=/a", "https://h/?next=/a"),
        ("https://h?u=http://x/y", "https://h/?u=http://x/y"),
        ("https://h#f/x", "https://h/#f/x"),
        ("https://X.test?a", "https://X.test/?a"),
        ("https://h?a?b", "https://h/?a?b"),
    ],
)
def test_a_route_url_without_a_path_is_registered_with_the_root_path_before_query_or_fragment(
    url: str, registered: str
) -> None:
    assert canned.Response(canned.GET, url).url == registered


def test_assert_call_count_finds_a_call_to_a_url_written_without_its_root_path() -> None:
    with canned.RequestsMock() as mock:
        mock.add(canned.GET, "https://h.test/", body="ok")
        outcome = ask(mock, "GET", "https://h.test/?u=http://x/y")
        mock.settle(outcome, outcome.reply)
        assert mock.assert_call_count("https://h.test?u=http://x/y", 1) is True


# -- which paths a `/`-ending route answers beneath it --------------------------------------------------


@pytest.mark.parametrize(
    ("path", "parents"),
    [
        ("/a//", ["/a/"]),
        ("//a/b", ["//a/", "//"]),
        ("//a", ["//"]),
    ],
)
def test_parent_paths_keep_empty_segments(path: str, parents: list[str]) -> None:
    assert parent_paths(path) == parents


def test_a_slash_ending_route_answers_its_path_with_a_doubled_trailing_slash(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, "https://h.test/a/", body="a")
    assert ask(mock, "GET", "https://h.test/a//").reply.body == b"a"


def test_a_route_on_a_double_slash_answers_paths_beneath_it(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, "https://h.test//", body="root")
    assert ask(mock, "GET", "https://h.test//a/b").reply.body == b"root"


def test_a_route_on_the_root_is_not_a_prefix_route() -> None:
    assert is_prefix_route(parse_url("https://h.test/").key) is False
    assert is_prefix_route(parse_url("https://h.test/a/").key) is True


def test_a_route_on_the_root_answers_no_other_path(mock: canned.RequestsMock) -> None:
    route = mock.add(canned.GET, "https://h.test/", body="root")
    assert route.matches(Request("GET", "https://h.test/x"))[0] is False
    assert ask(mock, "GET", "https://h.test/x").kind == "unmatched"


# -- passthrough prefixes ------------------------------------------------------------------------------


def test_a_unicode_passthru_prefix_keeps_its_port() -> None:
    mock = canned.RequestsMock(passthru_prefixes=[f"http://{UNICODE_HOST}:8080/ü"])
    mock.add_passthru(f"http://{UNICODE_HOST}:8081/")
    assert mock.passthru_prefixes == (
        f"http://{PUNYCODE_HOST}:8080/%C3%BC",
        f"http://{PUNYCODE_HOST}:8081/",
    )


def test_a_request_to_a_unicode_passthru_prefix_on_its_port_passes_through() -> None:
    mock = canned.RequestsMock(passthru_prefixes=[f"http://{UNICODE_HOST}:8080/"])
    assert ask(mock, "GET", f"http://{PUNYCODE_HOST}:8080/a").kind == "passthrough"
    assert ask(mock, "GET", f"http://{PUNYCODE_HOST}/a").kind == "unmatched"


def test_add_passthru_refuses_an_empty_prefix(mock: canned.RequestsMock) -> None:
    with pytest.raises(TypeError) as raised:
        mock.add_passthru("")
    assert str(raised.value) == (
        "add_passthru(): prefix must be a non-empty URL prefix string or a compiled regex, "
        "got '' (str)"
    )


@pytest.mark.parametrize("prefixes", [[""], ["http://a.test/", ""], ("",)])
def test_a_mock_refuses_an_empty_passthru_prefix(prefixes: list[str] | tuple[str]) -> None:
    with pytest.raises(TypeError) as raised:
        canned.RequestsMock(passthru_prefixes=prefixes)
    assert str(raised.value) == (
        "RequestsMock(): passthru_prefixes must be a tuple of URL prefix strings or compiled "
        f"regexes, got {prefixes!r} ({type(prefixes).__name__})"
    )


def test_a_mock_takes_a_regex_passthru_prefix_as_given() -> None:
    pattern = re.compile(r"http://bücher\.example")
    assert canned.RequestsMock(passthru_prefixes=[pattern]).passthru_prefixes == (pattern,)
