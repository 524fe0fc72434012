"""URL rules: what counts as the same URL (API.md §2.3 and §5 rows 8-9)."""

from __future__ import annotations

import re

import pytest

from canned import Response
from canned._core import urls
from canned._core.request import Request

REGISTERED = "http://e.com/path"


def answers(registered: str | re.Pattern[str], requested: str, method: str = "GET") -> bool:
    return Response(method, registered).matches(Request("GET", requested))[0]


@pytest.mark.parametrize(
    "requested",
    [
        "http://e.com/path",
        "HTTP://E.COM/path",
        "http://e.com/path#frag",
        "http://e.com/path?x=1",
        "http://e.com:80/path",
        "http://E.com:80/path#x",
    ],
)
def test_these_requests_are_the_registered_url(requested: str) -> None:
    assert answers(REGISTERED, requested)


@pytest.mark.parametrize(
    "requested",
    [
        "http://e.com/path/",
        "https://e.com/path",
        "http://e.com:8080/path",
        "http://f.com/path",
        "http://e.com/Path",
    ],
)
def test_these_requests_are_other_urls(requested: str) -> None:
    assert not answers(REGISTERED, requested)


def test_a_registered_trailing_slash_is_not_the_url_without_it() -> None:
    assert not answers("http://e.com/p/", "http://e.com/p")


def test_a_default_https_port_equals_no_port() -> None:
    assert answers("https://e.com:443/p", "https://e.com/p")


@pytest.mark.parametrize(
    ("registered", "requested"),
    [
        ("http://e.com/a b", "http://e.com/a%20b"),
        ("http://e.com/%7Euser", "http://e.com/~user"),
        ("http://e.com/caf%c3%a9", "http://e.com/caf%C3%A9"),
        ("http://e.com/café", "http://e.com/caf%C3%A9"),
        ("http://bücher.example/", "http://xn--bcher-kva.example/"),
        ("http://service-A.test/", "http://service-a.test/"),
    ],
)
def test_equivalent_spellings_are_the_same_url(registered: str, requested: str) -> None:
    assert answers(registered, requested)


def test_path_parameters_are_significant() -> None:
    assert not answers("http://e.com/here/we", "http://e.com/here/we;go")


def test_an_empty_path_is_the_root() -> None:
    assert Response("GET", "http://e.com").url == "http://e.com/"
    assert answers("http://e.com", "http://e.com/")


def test_methods_are_upper_cased() -> None:
    assert Response("get", REGISTERED).method == "GET"
    assert answers(REGISTERED, REGISTERED, method="get")


def test_a_regex_is_matched_from_the_start_of_the_full_url() -> None:
    assert answers(re.compile(r"http://e\.com/\d+"), "http://e.com/12?x=1")
    assert not answers(re.compile(r"http://e\.com/p$"), "http://e.com/p?a=1")
    assert not answers(re.compile(r"e\.com/p"), "http://e.com/p")


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("http://e.com/p?b=2&a=1", True),
        ("http://e.com/p?a=1", False),
        ("http://e.com/p?a=1&b=2&c=3", False),
    ],
)
def test_a_query_in_the_registered_url_must_match_in_any_order(
    requested: str, expected: bool
) -> None:
    assert answers("http://e.com/p?a=1&b=2", requested) is expected


def test_parse_url_drops_default_ports_and_keeps_query_and_fragment() -> None:
    assert urls.parse_url("HTTPS://Api.Test:443/a?x=1#top") == urls.ParsedURL(
        urls.URLKey("https", "api.test", None, "/a"), "x=1", "top"
    )


def test_parse_url_handles_user_info_and_ipv6_hosts() -> None:
    assert urls.parse_url("http://u:p@e.com:8080/").key == urls.URLKey("http", "e.com", 8080, "/")
    assert urls.parse_url("http://[::1]:80/x").key == urls.URLKey("http", "[::1]", None, "/x")


@pytest.mark.parametrize("url", ["/relative", "e.com/path", "http:///nohost"])
def test_parse_url_refuses_a_url_that_is_not_absolute(url: str) -> None:
    with pytest.raises(ValueError, match="is not an absolute URL"):
        urls.parse_url(url)


def test_repeated_query_keys_keep_every_value_in_order() -> None:
    assert urls.group_pairs(urls.query_pairs("a=1&b=2&a=3&c=")) == {
        "a": ["1", "3"],
        "b": "2",
        "c": "",
    }


@pytest.mark.parametrize(
    ("path", "parents"),
    [
        ("/users/7/posts", ["/users/7/", "/users/"]),
        ("/users/7/", ["/users/"]),
        ("/users", []),
        ("/", []),
    ],
)
def test_parent_paths_are_the_directories_above_longest_first(
    path: str, parents: list[str]
) -> None:
    assert urls.parent_paths(path) == parents


def test_a_host_that_cannot_be_punycoded_is_percent_encoded() -> None:
    assert urls.normalise_host("a\u0080" + "x" * 70) == "a%C2%80" + "x" * 70


@pytest.mark.parametrize(
    ("url", "with_path"),
    [
        ("http://e.com", "http://e.com/"),
        ("http://e.com?x=/y", "http://e.com/?x=/y"),
        ("http://e.com#f", "http://e.com/#f"),
        ("http://e.com/a", "http://e.com/a"),
    ],
)
def test_with_default_path_adds_only_a_missing_path(url: str, with_path: str) -> None:
    assert urls.with_default_path(url) == with_path


@pytest.mark.parametrize(
    ("path", "normalised"),
    [
        ("/a/./b/../c", "/a/c"),
        ("/.", "/"),
        ("/a/.", "/a/"),
        ("/..", "/"),
        ("/a/%2E%2E/b", "/b"),
        ("/.hidden", "/.hidden"),
    ],
)
def test_dot_segments_are_removed_as_clients_do(path: str, normalised: str) -> None:
    assert urls.normalise_path(path) == normalised


def test_a_route_url_with_dot_segments_answers_the_path_without_them() -> None:
    assert answers("https://e.test/a/./b/../c", "https://e.test/a/c")
