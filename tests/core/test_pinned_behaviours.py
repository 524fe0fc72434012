"""Behaviours users rely on that no other test pinned: route lookup with regex and custom
matchers, re-registering a removed route, edits of the live route list, answer headers, URL
normalisation, and the unmatched diagnosis' lines for every built-in matcher."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.core.conftest import ask

import canned
from canned import matchers

URL = "https://e.test/p"


@pytest.fixture
def mock() -> canned.RequestsMock:
    return canned.RequestsMock(assert_all_requests_are_fired=False)


def body_of(mock: canned.RequestsMock, method: str, url: str, **kwargs: Any) -> bytes | None:
    """The body the route answering this request gives, or None when no route answers."""
    outcome = ask(mock, method, url, **kwargs)
    if outcome.kind == "unmatched":
        return None
    assert outcome.kind == "answer"
    body = outcome.reply.body
    assert isinstance(body, bytes)
    return body


# -- lookup: regex routes and a user's own matchers -------------------------------------------------


def test_a_regex_route_refuses_a_url_its_pattern_does_not_match_and_an_exact_route_answers_it(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, re.compile(r"https://e\.test/\d+"), body="regex")
    mock.add(canned.GET, "https://e.test/a", body="exact")
    assert body_of(mock, "GET", "https://e.test/a") == b"exact"
    assert body_of(mock, "GET", "https://e.test/7") == b"regex"
    message = ask(mock, "GET", "https://e.test/b").message
    assert (
        "Available matches:\n"
        "- GET re.compile('https://e\\\\.test/\\\\d+') URL does not match\n"
        "- GET https://e.test/a URL does not match\n"
    ) in message


def test_a_users_own_matcher_receives_the_request_during_lookup_and_its_verdict_decides(
    mock: canned.RequestsMock,
) -> None:
    seen: list[Any] = []

    class TokenMatcher:  # a callable object, not a function
        def __call__(self, request: Any) -> tuple[bool, str]:
            seen.append(request)
            return request.headers.get("X-Token") == "t", "no token"

    mock.add(canned.GET, URL, body="ok", match=[TokenMatcher()])
    allowed = ask(mock, "GET", URL, {"X-Token": "t"})
    assert (allowed.kind, allowed.reply.body) == ("answer", b"ok")
    assert len(seen) == 1
    assert seen[0] is allowed.request
    refused = ask(mock, "GET", URL, {"X-Token": "forged"})
    assert refused.kind == "unmatched"
    assert seen[1] is refused.request
    assert refused.message.endswith(f"Closest route: GET {URL}\n- no token\n")


def test_fragment_identifier_matcher_refuses_a_url_with_another_fragment(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, URL, body="top", match=[matchers.fragment_identifier_matcher("a=1")])
    assert body_of(mock, "GET", URL + "#a=2") is None
    assert body_of(mock, "GET", URL + "#a=1") == b"top"


# -- registering ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "remove",
    [
        lambda mock, route: mock.remove(route),
        lambda mock, route: mock.remove(canned.GET, URL),
    ],
    ids=["by-route", "by-method-and-url"],
)
def test_a_response_removed_and_added_again_is_registered_itself_and_counts_its_calls(
    mock: canned.RequestsMock, remove: Any
) -> None:
    route = mock.add(canned.Response(canned.GET, URL, body="again"))
    assert remove(mock, route) == [route]
    assert mock.add(route) is route
    assert mock.registered()[0] is route
    outcome = ask(mock, "GET", URL)
    assert outcome.route is route
    mock.settle(outcome, "the answer")
    assert route.call_count == 1
    assert route.calls[0].response == "the answer"


def test_several_edits_of_the_live_registered_list_are_all_seen_by_the_next_lookup(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, "https://e.test/a", body="a")
    assert body_of(mock, "GET", "https://e.test/a") == b"a"  # the lookup index is built now
    live = mock.registered()
    b_route = canned.Response(canned.GET, "https://e.test/b", body="b")
    live.append(b_route)
    live.append(canned.Response(canned.GET, "https://e.test/c", body="c"))
    del live[0]
    assert [body_of(mock, "GET", f"https://e.test/{p}") for p in "abc"] == [None, b"b", b"c"]
    live.insert(0, canned.Response(canned.GET, "https://e.test/a", body="a again"))
    live.remove(b_route)
    assert [body_of(mock, "GET", f"https://e.test/{p}") for p in "abc"] == [
        b"a again",
        None,
        b"c",
    ]


def test_replace_keeps_a_regex_routes_place_among_other_regex_routes(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, re.compile(r"https://e\.test/.*"), body="any")
    mock.add(canned.GET, re.compile(r"https://e\.test/a.*"), body="a-prefixed")
    mock.replace(canned.GET, re.compile(r"https://e\.test/.*"), body="any, replaced")
    # both match: the first registered answers once and is used up, then the second repeats
    answers = [body_of(mock, "GET", "https://e.test/ab") for _ in range(3)]
    assert answers == [b"any, replaced", b"a-prefixed", b"a-prefixed"]


def test_a_slash_ending_route_with_matchers_answers_a_path_beneath_it_only_when_they_pass(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.GET,
        "https://e.test/users/",
        body="users",
        match=[matchers.query_param_matcher({"k": "1"})],
    )
    assert body_of(mock, "GET", "https://e.test/users/7?k=1") == b"users"
    assert body_of(mock, "GET", "https://e.test/users/7?k=2") is None


# -- answer headers ---------------------------------------------------------------------------------


def test_auto_calculate_content_length_keeps_the_content_type_and_the_users_headers(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.GET,
        URL,
        body="12345",
        content_type="text/csv",
        headers={"X-A": "1", "X-B": "2"},
        auto_calculate_content_length=True,
    )
    assert ask(mock, "GET", URL).reply.headers == (
        ("Content-Type", "text/csv"),
        ("X-A", "1"),
        ("X-B", "2"),
        ("Content-Length", "5"),
    )


def test_auto_calculate_content_length_keeps_a_content_length_the_user_gave(
    mock: canned.RequestsMock,
) -> None:
    mock.add(
        canned.GET,
        URL,
        body="12345",
        headers={"content-length": "5"},
        auto_calculate_content_length=True,
    )
    assert ask(mock, "GET", URL).reply.headers == (
        ("Content-Type", "text/plain"),
        ("content-length", "5"),
    )


@pytest.mark.parametrize(
    "register",
    [
        lambda mock, answer: mock.add_callback(canned.GET, URL, answer),
        lambda mock, answer: mock.add(canned.CallbackResponse(canned.GET, URL, answer)),
    ],
    ids=["add_callback", "CallbackResponse"],
)
def test_a_callback_routes_default_content_type_is_text_plain(
    mock: canned.RequestsMock, register: Any
) -> None:
    register(mock, lambda request: (200, {"X-A": "1"}, "x"))
    assert ask(mock, "GET", URL).reply.headers == (("Content-Type", "text/plain"), ("X-A", "1"))


# -- URL normalisation ------------------------------------------------------------------------------


@pytest.fixture
def dotted(mock: canned.RequestsMock) -> canned.RequestsMock:
    for path in ("/b", "/a/", "/a/b/", "/a/b"):
        mock.add(canned.GET, "https://e.test" + path, body=path)
    return mock


@pytest.mark.parametrize(
    ("requested", "answered_by"),
    [
        ("/a/../../b", b"/b"),  # ".." above the root stays at the root
        ("/a/b/..", b"/a/"),  # a trailing ".." leaves its directory, slash kept
        ("/a/./b", b"/a/b"),
        ("/a/b/.", b"/a/b/"),
    ],
)
def test_dot_segments_in_a_request_path_are_removed_as_rfc_3986_says(
    dotted: canned.RequestsMock, requested: str, answered_by: bytes
) -> None:
    assert body_of(dotted, "GET", "https://e.test" + requested) == answered_by


@pytest.mark.parametrize(
    ("path", "escaped"),
    [
        ("/x\ty", "/x%09y"),
        ("/x\ny", "/x%0Ay"),
        ("/x\ry", "/x%0Dy"),
        ("/x\x00y", "/x%00y"),
        ("/x\x1fy", "/x%1Fy"),
        ("/x\x7fy", "/x%7Fy"),
    ],
    ids=["tab", "newline", "carriage-return", "nul", "unit-separator", "delete"],
)
def test_a_control_character_in_a_url_path_is_percent_encoded(
    mock: canned.RequestsMock, path: str, escaped: str
) -> None:
    route = mock.add(canned.GET, "https://e.test" + path, body="ok")
    assert route.url_key is not None
    assert route.url_key.path == escaped
    assert body_of(mock, "GET", "https://e.test" + escaped) == b"ok"


@pytest.mark.parametrize("path", ["/p", "/p q"], ids=["plain-path", "path-with-a-space"])
def test_a_tab_in_a_query_value_reaches_query_param_matcher_as_a_tab(
    mock: canned.RequestsMock, path: str
) -> None:
    mock.add(
        canned.GET, "https://e.test" + path, match=[matchers.query_param_matcher({"q": "a\tb"})]
    )
    assert body_of(mock, "GET", f"https://e.test{path}?q=a\tb") == b""


# -- the diagnosis: each difference a built-in matcher found ---------------------------------------

BOUNDARY = "b0"
MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def multipart(*parts: tuple[str, str | None, bytes]) -> bytes:
    """`(name, file name, content)` parts as a client encodes multipart/form-data."""
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n"
        body += head.encode() + content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


@pytest.mark.parametrize(
    ("matcher", "url", "headers", "body", "lines"),
    [
        pytest.param(
            matchers.query_param_matcher({"a": "1", "b": "2", "n": 3}),
            URL + "?a=9&c=3&n=4",
            None,
            None,
            [
                "query 'a': expected '1', got '9'",
                "query 'b': expected '2', missing",
                "query 'n': expected '3', got '4'",
                "query 'c': not expected, got '3'",
            ],
            id="query_param_matcher-strict",
        ),
        pytest.param(
            matchers.query_param_matcher({"a": "1", "b": ["2", "3"]}, strict_match=False),
            URL + "?a=9&b=2&c=3",
            None,
            None,
            ["query 'a': expected '1', got '9'", "query 'b': expected ['2', '3'], got '2'"],
            id="query_param_matcher-not-strict",
        ),
        pytest.param(
            matchers.header_matcher({"X-A": "1", "X-B": "2"}, strict_match=True),
            URL,
            {"x-a": "9", "X-C": "3"},
            None,
            [
                "header 'X-A': expected '1', got '9'",
                "header 'X-B': expected '2', missing",
                "header 'X-C': not expected, got '3'",
            ],
            id="header_matcher-strict",
        ),
        pytest.param(
            matchers.header_matcher({"X-A": "1", "Authorization": re.compile(r"Bearer \w+")}),
            URL,
            {"X-A": "9", "Authorization": "Basic z", "X-C": "3"},
            None,
            [
                "header 'X-A': expected '1', got '9'",
                "header 'Authorization': expected 'Bearer \\\\w+', got 'Basic z'",
            ],
            id="header_matcher-not-strict",
        ),
        pytest.param(
            matchers.json_params_matcher({"a": {"b": 1}, "l": [1, 2], "m": 1, "s": 1}),
            URL,
            None,
            b'{"a": {"b": 2}, "l": [1], "s": "1", "x": 0}',
            [
                "field 'a.b': expected 1, got 2",
                "field 'l': expected 2 items, got 1",
                "field 'm': expected 1, missing",
                "field 's': expected 1, got '1'",
                "field 'x': not expected, got 0",
            ],
            id="json_params_matcher-fields",
        ),
        pytest.param(
            matchers.json_params_matcher({"a": [{"b": 1}]}, strict_match=False),
            URL,
            None,
            b'{"a": [{"b": 2}], "z": 0}',
            ["field 'a[0].b': expected 1, got 2"],
            id="json_params_matcher-not-strict",
        ),
        pytest.param(
            matchers.json_params_matcher([1, 2]),
            URL,
            None,
            b'{"a": 1}',
            ["body: expected [1, 2], got {'a': 1}"],
            id="json_params_matcher-whole-body",
        ),
        pytest.param(
            matchers.json_params_matcher({"a": 1}),
            URL,
            None,
            None,
            ["body: expected JSON, got no body"],
            id="json_params_matcher-no-body",
        ),
        pytest.param(
            matchers.json_params_matcher({"a": 1}),
            URL,
            None,
            b"{not json",
            ["body: not JSON"],
            id="json_params_matcher-not-json",
        ),
        pytest.param(
            matchers.json_params_matcher(None),
            URL,
            None,
            b'{"a": 1}',
            ["body: expected none"],
            id="json_params_matcher-none",
        ),
        pytest.param(
            matchers.urlencoded_params_matcher({"a": "1", "b": "2"}),
            URL,
            None,
            b"a=9&c=3",
            [
                "form field 'a': expected '1', got '9'",
                "form field 'b': expected '2', missing",
                "form field 'c': not expected, got '3'",
            ],
            id="urlencoded_params_matcher-strict",
        ),
        pytest.param(
            matchers.urlencoded_params_matcher({"a": "1", "b": "2"}, strict_match=False),
            URL,
            None,
            b"a=9&c=3",
            ["form field 'a': expected '1', got '9'", "form field 'b': expected '2', missing"],
            id="urlencoded_params_matcher-not-strict",
        ),
        pytest.param(
            matchers.urlencoded_params_matcher({}, strict_match=False),
            URL,
            None,
            b"a=1",
            ["form: expected {}, got {'a': '1'}"],
            id="urlencoded_params_matcher-no-fields",
        ),
        pytest.param(
            matchers.urlencoded_params_matcher(None),
            URL,
            None,
            b"a=1",
            ["body: expected none"],
            id="urlencoded_params_matcher-none",
        ),
        pytest.param(
            matchers.query_string_matcher("a=1&b=2"),
            URL + "?b=3&a=1&z=0",
            None,
            None,
            ["query 'b': expected '2', got '3'", "query 'z': not expected, got '0'"],
            id="query_string_matcher",
        ),
        pytest.param(
            matchers.query_string_matcher("a=1&a=2"),
            URL + "?a=2",
            None,
            None,
            ["query: expected 'a=1&a=2', got 'a=2'"],
            id="query_string_matcher-repeated-key",
        ),
        pytest.param(
            matchers.body_matcher("abc"),
            URL,
            None,
            b"abd",
            ["body: expected 'abc', got 'abd'"],
            id="body_matcher",
        ),
        pytest.param(
            matchers.fragment_identifier_matcher("a=1"),
            URL + "#a=2",
            None,
            None,
            ["fragment: expected 'a=1', got 'a=2'"],
            id="fragment_identifier_matcher",
        ),
        pytest.param(
            matchers.fragment_identifier_matcher(None),
            URL + "#top",
            None,
            None,
            ["fragment: expected '', got 'top'"],
            id="fragment_identifier_matcher-none",
        ),
        pytest.param(
            matchers.multipart_matcher({"f": ("a.txt", b"abc")}, data={"k": "v"}),
            URL,
            MULTIPART,
            multipart(("f", "a.txt", b"abd"), ("x", None, b"1")),
            [
                "part 'f': expected [('a.txt', None, b'abc')], got [('a.txt', None, b'abd')]",
                "part 'k': expected [(None, None, b'v')], got []",
                "part 'x': expected [], got [(None, None, b'1')]",
            ],
            id="multipart_matcher-parts",
        ),
        pytest.param(
            matchers.multipart_matcher({"f": b"x"}),
            URL,
            {"Content-Type": "application/json"},
            b"{}",
            ["Content-Type: expected multipart/form-data, got 'application/json'"],
            id="multipart_matcher-content-type",
        ),
        pytest.param(
            matchers.multipart_matcher({"f": b"x"}),
            URL,
            MULTIPART,
            b"--other--\r\n",
            ["body: not multipart with boundary 'b0'"],
            id="multipart_matcher-boundary",
        ),
    ],
)
def test_the_closest_route_lists_each_difference_a_built_in_matcher_found(
    mock: canned.RequestsMock,
    matcher: Any,
    url: str,
    headers: dict[str, str] | None,
    body: bytes | None,
    lines: list[str],
) -> None:
    mock.add(canned.POST, URL, match=[matcher])
    message = ask(mock, "POST", url, headers, body).message
    closest = message[message.index("\nClosest route:") :]
    assert closest == f"\nClosest route: POST {URL}\n" + "".join(f"- {line}\n" for line in lines)


QUERY_HINT = "\nYou can use `strict_match=True` to do a strict parameters check."
BODY_HINT = "\nNote: You use non-strict parameters check, to change it use `strict_match=True`."


@pytest.mark.parametrize(
    ("matcher", "url", "body", "reason"),
    [
        pytest.param(
            matchers.query_param_matcher({"a": "1"}, strict_match=False),
            URL + "?a=2&b=3",
            None,
            "Parameters do not match. {'a': '2'} doesn't match {'a': '1'}" + QUERY_HINT,
            id="query_param_matcher-not-strict",
        ),
        pytest.param(
            matchers.query_param_matcher({"a": "1"}),
            URL + "?a=2&b=3",
            None,
            "Parameters do not match. {'a': '2', 'b': '3'} doesn't match {'a': '1'}",
            id="query_param_matcher-strict",
        ),
        pytest.param(
            matchers.json_params_matcher({"a": 1}, strict_match=False),
            URL,
            b'{"a": 2, "b": 3}',
            "request.body doesn't match: {'a': 2} doesn't match {'a': 1}" + BODY_HINT,
            id="json_params_matcher-not-strict",
        ),
        pytest.param(
            matchers.json_params_matcher({"a": 1}),
            URL,
            b'{"a": 2, "b": 3}',
            "request.body doesn't match: {'a': 2, 'b': 3} doesn't match {'a': 1}",
            id="json_params_matcher-strict",
        ),
        pytest.param(
            matchers.urlencoded_params_matcher({"a": "1"}, strict_match=False),
            URL,
            b"a=2&b=3",
            "request.body doesn't match: {'a': '2'} doesn't match {'a': '1'}" + BODY_HINT,
            id="urlencoded_params_matcher-not-strict",
        ),
        pytest.param(
            matchers.urlencoded_params_matcher({"a": "1"}),
            URL,
            b"a=2&b=3",
            "request.body doesn't match: {'a': '2', 'b': '3'} doesn't match {'a': '1'}",
            id="urlencoded_params_matcher-strict",
        ),
    ],
)
def test_the_diagnosis_shows_the_strict_match_hint_only_for_a_non_strict_matcher(
    mock: canned.RequestsMock, matcher: Any, url: str, body: bytes | None, reason: str
) -> None:
    mock.add(canned.POST, URL, match=[matcher])
    message = ask(mock, "POST", url, None, body).message
    assert f"Available matches:\n- POST {URL} {reason}\n\nClosest route:" in message


def test_the_diagnosis_of_a_multipart_body_shows_it_against_the_one_expected(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.POST, URL, match=[matchers.multipart_matcher({"f": ("a.txt", b"abc")})])
    sent = multipart(("f", "a.txt", b"abd"))
    message = ask(mock, "POST", URL, MULTIPART, sent).message
    expected = (
        b'--b0\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\n'
        b"abc\r\n--b0--\r\n"
    )
    assert message.endswith(
        f"- POST {URL} multipart/form-data doesn't match. Request body differs. "
        f"{sent!r} aren't equal {expected!r}\n"
        "\n"
        f"Closest route: POST {URL}\n"
        "- part 'f': expected [('a.txt', None, b'abc')], got [('a.txt', None, b'abd')]\n"
    )
