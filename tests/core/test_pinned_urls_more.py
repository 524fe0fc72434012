"""More URL rules no other test pinned: the highest port, the words a port out of range is
refused with, a carriage return in a path, a scheme-relative URL, an IPv6 host's brackets, and a
passthrough prefix without a host."""

from __future__ import annotations

from types import SimpleNamespace
from uuid import uuid4

import pytest
from tests.core.conftest import ask

import canned
from canned import matchers
from canned._core.urls import URLKey, parse_url


def fresh() -> str:
    """A path segment no URL has had yet: `parse_url` caches what it parsed, so a URL with it
    is parsed afresh, however many times the suite runs in one process."""
    return uuid4().hex


@pytest.mark.parametrize(
    "url",
    ["http://h.test:65535/", "http://h_x:65535/"],
    ids=["simple", "underscore-host"],
)
def test_the_highest_port_is_a_port_like_any_other(url: str) -> None:
    assert parse_url(url + fresh()).key.port == 65535


def test_a_route_on_the_highest_port_answers_it() -> None:
    url = f"http://h.test:65535/{fresh()}"
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(canned.GET, url, body="ok")
    assert ask(mock, "GET", url).reply.body == b"ok"


@pytest.mark.parametrize(
    "url",
    ["http://h.test:65536/a", "http://h_x:65536/a"],
    ids=["simple", "underscore-host"],
)
def test_the_port_after_the_highest_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="out of range"):
        parse_url(url)


@pytest.mark.parametrize(
    "url",
    ["http://h.test:70000/?a=1", "http://h_x:70000/?a=1"],
    ids=["simple", "underscore-host"],
)
def test_a_matcher_refuses_a_port_out_of_range_in_urlsplits_own_words(url: str) -> None:
    stand_in = SimpleNamespace(url=url)
    with pytest.raises(ValueError, match=r"^Port out of range 0-65535\Z"):
        matchers.query_param_matcher({"a": "1"})(stand_in)


def test_a_carriage_return_in_a_path_is_percent_encoded_not_dropped() -> None:
    segment = fresh()
    assert parse_url(f"http://h.test/{segment}/a\rb").key == URLKey(
        "http", "h.test", None, f"/{segment}/a%0Db"
    )


def test_a_route_with_an_encoded_carriage_return_answers_a_request_with_a_raw_one() -> None:
    segment = fresh()
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(canned.GET, f"http://h.test/{segment}/a%0Db", body="ok")
    assert ask(mock, "GET", f"http://h.test/{segment}/a\rb").reply.body == b"ok"
    assert ask(mock, "GET", f"http://h.test/{segment}/ab").kind == "unmatched"


def test_a_scheme_relative_url_is_not_absolute() -> None:
    with pytest.raises(ValueError, match="is not an absolute URL"):
        parse_url("//h.test/a")


def test_a_route_on_a_scheme_relative_url_is_refused() -> None:
    with pytest.raises(ValueError, match="must be an absolute URL"):
        canned.RequestsMock().add(canned.GET, "//h.test/a")


def test_a_unicode_passthru_prefix_without_a_host_keeps_no_host() -> None:
    mock = canned.RequestsMock(passthru_prefixes=["/dätä"])
    mock.add_passthru("pfäd")
    assert mock.passthru_prefixes == ("/d%C3%A4t%C3%A4", "pf%C3%A4d")


def test_an_ipv6_host_is_written_in_its_brackets() -> None:
    segment = fresh()
    assert parse_url(f"http://[::1]:8080/{segment}").key == URLKey(
        "http", "[::1]", 8080, f"/{segment}"
    )


def test_a_route_on_an_ipv6_host_answers_it() -> None:
    url = f"http://[2001:db8::1]/{fresh()}"
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(canned.GET, url, body="ok")
    assert ask(mock, "GET", url).reply.body == b"ok"
    assert str(mock.registered()[0].url_key) == url


@pytest.mark.parametrize("host", ["h.test", "h_x"], ids=["simple", "underscore-host"])
def test_a_tab_or_line_break_in_a_query_or_fragment_is_escaped_whatever_the_host(
    host: str,
) -> None:
    parsed = parse_url(f"http://{host}/{fresh()}?x=1\t2&y=3\r\n#top\tend")
    assert (parsed.query, parsed.fragment) == ("x=1%092&y=3%0D%0A", "top%09end")
