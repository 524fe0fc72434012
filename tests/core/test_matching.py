"""Matchers: responses' factories, reason texts and arguments, plus canned's differences."""

from __future__ import annotations

import gzip
import io
import re
from typing import Any, Optional

import pytest

import canned
from canned import matchers
from canned._core.mismatch import Mismatch
from canned._core.request import Request


def request(
    url: str = "http://e.test/p",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
    **req_kwargs: Any,
) -> Request:
    return Request(method, url, headers or {}, body, req_kwargs=req_kwargs)


# -- json_params_matcher ---------------------------------------------------------------------------


def test_json_params_matcher_matches_an_equal_json_body() -> None:
    assert matchers.json_params_matcher({"a": 1, "b": [1, 2]})(
        request(body=b'{"b": [1, 2], "a": 1}')
    ) == (True, "")


def test_json_params_matcher_reason_keeps_responses_text_and_lists_the_field() -> None:
    matched, reason = matchers.json_params_matcher({"a": 1})(request(body=b'{"a": 2}'))
    assert not matched
    assert reason == "request.body doesn't match: {'a': 2} doesn't match {'a': 1}"
    assert isinstance(reason, Mismatch)
    assert reason.differences == ("field 'a': expected 1, got 2",)


def test_json_params_matcher_non_strict_ignores_keys_the_request_adds() -> None:
    match = matchers.json_params_matcher({"a": {"b": 1}}, strict_match=False)
    assert match(request(body=b'{"a": {"b": 1, "c": 2}, "d": 3}')) == (True, "")


def test_json_params_matcher_non_strict_miss_carries_the_hint() -> None:
    _, reason = matchers.json_params_matcher({"a": 1}, strict_match=False)(
        request(body=b'{"a": 2, "z": 0}')
    )
    assert reason.startswith("request.body doesn't match: {'a': 2} doesn't match {'a': 1}\n")
    assert "strict_match=True" in reason


def test_json_params_matcher_compares_lists_exactly_even_when_not_strict() -> None:
    match = matchers.json_params_matcher({"a": [1]}, strict_match=False)
    assert match(request(body=b'{"a": [1, 2]}'))[0] is False


def test_json_params_matcher_counts_an_empty_body_as_an_empty_object() -> None:
    assert matchers.json_params_matcher({})(request(body=b"")) == (True, "")


def test_json_params_matcher_with_none_matches_only_a_request_without_body() -> None:
    match = matchers.json_params_matcher(None)
    assert match(request(body=None)) == (True, "")
    assert match(request(body=b"{}"))[0] is False


def test_json_params_matcher_reports_a_body_that_is_not_json() -> None:
    assert matchers.json_params_matcher({"a": 1})(request(body=b"not json")) == (
        False,
        "request.body doesn't match: JSONDecodeError: Cannot parse request.body",
    )


def test_json_params_matcher_reads_a_gzip_compressed_body() -> None:
    body = gzip.compress(b'{"a": 1}')
    assert matchers.json_params_matcher({"a": 1})(request(body=body)) == (True, "")


def test_json_params_matcher_accepts_a_list() -> None:
    assert matchers.json_params_matcher([1, 2])(request(body=b"[1, 2]")) == (True, "")


# -- urlencoded_params_matcher -----------------------------------------------------------------------


def test_urlencoded_params_matcher_matches_a_form_body() -> None:
    match = matchers.urlencoded_params_matcher({"a": "1", "b": "x y"})
    assert match(request(body=b"b=x+y&a=1")) == (True, "")


def test_urlencoded_params_matcher_keeps_the_last_value_of_a_repeated_key() -> None:
    assert matchers.urlencoded_params_matcher({"a": "2"})(request(body=b"a=1&a=2")) == (True, "")


def test_urlencoded_params_matcher_drops_blank_values_unless_allowed() -> None:
    body = request(body=b"a=1&b=")
    assert matchers.urlencoded_params_matcher({"a": "1"})(body) == (True, "")
    assert matchers.urlencoded_params_matcher({"a": "1", "b": ""}, allow_blank=True)(body) == (
        True,
        "",
    )


def test_urlencoded_params_matcher_strict_reason_keeps_responses_text_and_lists_the_field() -> None:
    _, reason = matchers.urlencoded_params_matcher({"a": "1"})(request(body=b"a=1&b=2"))
    assert reason == "request.body doesn't match: {'a': '1', 'b': '2'} doesn't match {'a': '1'}"
    assert reason.differences == ("form field 'b': not expected, got '2'",)


def test_urlencoded_params_matcher_non_strict_ignores_extra_keys() -> None:
    match = matchers.urlencoded_params_matcher({"a": "1"}, strict_match=False)
    assert match(request(body=b"a=1&b=2")) == (True, "")


def test_urlencoded_params_matcher_non_strict_with_no_params_fails_a_body() -> None:
    match = matchers.urlencoded_params_matcher({}, strict_match=False)
    assert match(request(body=b"a=1"))[0] is False


def test_urlencoded_params_matcher_with_none_matches_only_no_body() -> None:
    match = matchers.urlencoded_params_matcher(None)
    assert (match(request(body=None))[0], match(request(body=b"a=1"))[0]) == (True, False)


# -- body_matcher --------------------------------------------------------------------------------------


def test_body_matcher_compares_the_text_exactly() -> None:
    match = matchers.body_matcher("hello")
    assert match(request(body=b"hello")) == (True, "")
    assert match(request(body=b"hello ")) == (
        False,
        "request.body doesn't match hello doesn't match hello ",
    )


def test_body_matcher_keeps_responses_quirk_that_none_matches_no_body() -> None:
    assert matchers.body_matcher("None")(request(body=None)) == (True, "")


# -- query_param_matcher / query_string_matcher ------------------------------------------------------


def test_query_param_matcher_compares_numbers_as_text() -> None:
    match = matchers.query_param_matcher({"page": 2, "size": 1.5})
    assert match(request("http://e.test/p?page=2&size=1.5")) == (True, "")


def test_query_param_matcher_keeps_every_value_of_a_repeated_key() -> None:
    match = matchers.query_param_matcher({"a": ["1", "3"], "b": "2"})
    assert match(request("http://e.test/p?a=1&b=2&a=3")) == (True, "")


def test_query_param_matcher_counts_blank_values() -> None:
    assert matchers.query_param_matcher({"a": ""})(request("http://e.test/p?a=")) == (True, "")


def test_query_param_matcher_strict_fails_on_an_extra_parameter() -> None:
    matched, reason = matchers.query_param_matcher({"a": "1"})(request("http://e.test/p?a=1&b=2"))
    assert not matched
    assert reason.startswith(
        "Parameters do not match. {'a': '1', 'b': '2'} doesn't match {'a': '1'}"
    )
    assert reason.differences == ("query 'b': not expected, got '2'",)


def test_query_param_matcher_non_strict_ignores_extra_parameters() -> None:
    match = matchers.query_param_matcher({"a": "1"}, strict_match=False)
    assert match(request("http://e.test/p?a=1&b=2")) == (True, "")


def test_query_param_matcher_does_not_change_the_callers_dict() -> None:
    params = {"page": 2}
    matchers.query_param_matcher(params)
    assert params == {"page": 2}


def test_query_string_matcher_ignores_order_and_keeps_blank_values() -> None:
    match = matchers.query_string_matcher("b=2&a=&c=3")
    assert match(request("http://e.test/p?c=3&a=&b=2")) == (True, "")


def test_query_string_matcher_with_none_requires_no_query() -> None:
    match = matchers.query_string_matcher(None)
    assert match(request("http://e.test/p"))[0] is True
    assert match(request("http://e.test/p?a=1")) == (
        False,
        "Query string doesn't match. {'a': '1'} doesn't match {}",
    )


# -- fragment, kwargs ---------------------------------------------------------------------------------


def test_fragment_identifier_matcher_ignores_pair_order() -> None:
    match = matchers.fragment_identifier_matcher("b=2&a=1")
    assert match(request("http://e.test/p#a=1&b=2")) == (True, "")


def test_fragment_identifier_matcher_with_none_requires_no_fragment() -> None:
    match = matchers.fragment_identifier_matcher(None)
    assert match(request("http://e.test/p"))[0] is True
    assert match(request("http://e.test/p#top"))[0] is False


def test_request_kwargs_matcher_compares_only_the_given_arguments() -> None:
    match = matchers.request_kwargs_matcher({"timeout": 5, "stream": False})
    sent = request(timeout=5, stream=False, verify="/any/ca/bundle")
    assert match(sent) == (True, "")


def test_request_kwargs_matcher_reason_names_the_difference() -> None:
    matched, reason = matchers.request_kwargs_matcher({"timeout": 5})(request(timeout=9))
    assert (matched, str(reason)) == (
        False,
        "Arguments don't match: {'timeout': 9} doesn't match {'timeout': 5}",
    )


# -- header_matcher ---------------------------------------------------------------------------------


def test_header_matcher_names_are_case_insensitive_when_not_strict() -> None:
    match = matchers.header_matcher({"x-key": "secret"})
    assert match(request(headers={"X-Key": "secret", "Other": "1"})) == (True, "")


def test_header_matcher_accepts_a_regex_value() -> None:
    match = matchers.header_matcher({"Authorization": re.compile(r"Bearer \w+")})
    assert match(request(headers={"Authorization": "Bearer abc"})) == (True, "")


def test_header_matcher_fails_on_a_missing_header() -> None:
    matched, reason = matchers.header_matcher({"X-Key": "k"})(request(headers={}))
    assert (matched, str(reason)) == (
        False,
        "Headers do not match: {} doesn't match {'X-Key': 'k'}",
    )
    assert reason.differences == ("header 'X-Key': expected 'k', missing",)


def test_header_matcher_strict_fails_on_an_extra_header() -> None:
    match = matchers.header_matcher({"A": "1"}, strict_match=True)
    assert match(request(headers={"a": "1"})) == (True, "")
    assert match(request(headers={"a": "1", "B": "2"}))[0] is False


# -- multipart_matcher ------------------------------------------------------------------------------


Part = tuple[str, Optional[str], Optional[str], bytes]  # name, file name, content type, content
BOUNDARY = "7d4a9c1e0b3f4e2a8c6d5b1a9e0f3c2d"


def multipart_body(parts: list[Part], boundary: str = BOUNDARY) -> bytes:
    """`parts` encoded as a client encodes multipart/form-data (RFC 7578)."""
    body = b""
    for name, filename, content_type, content in parts:
        head = f'Content-Disposition: form-data; name="{name}"'
        if filename is not None:
            head += f'; filename="{filename}"'
        if content_type is not None:
            head += f"\r\nContent-Type: {content_type}"
        body += f"--{boundary}\r\n{head}\r\n\r\n".encode() + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


def encoded(*parts: Part) -> Request:
    """A POST of `parts` as multipart/form-data, as a client sends `files=` and `data=`."""
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    return Request("POST", "http://e.test/up", headers, multipart_body(list(parts)))


def test_multipart_matcher_matches_the_same_files_and_fields() -> None:
    match = matchers.multipart_matcher({"f": ("a.txt", b"abc", "text/plain")}, data={"k": "v"})
    sent = encoded(("k", None, None, b"v"), ("f", "a.txt", "text/plain", b"abc"))
    assert match(sent) == (True, "")


def test_multipart_matcher_reads_file_objects_without_consuming_them() -> None:
    upload = io.BytesIO(b"content")
    match = matchers.multipart_matcher({"f": upload})
    assert upload.read() == b"content"
    assert match(encoded(("f", "f", None, b"content")))[0] is True  # a nameless file: its field's


def test_multipart_matcher_names_the_differing_part() -> None:
    match = matchers.multipart_matcher({"f": ("a.txt", b"abc")})
    matched, reason = match(encoded(("f", "a.txt", None, b"abd")))
    assert not matched
    assert reason.startswith("multipart/form-data doesn't match. ")
    assert reason.differences[0].startswith("part 'f': expected")


def test_multipart_matcher_names_a_body_with_another_boundary() -> None:
    headers = {"Content-Type": "multipart/form-data; boundary=other"}
    body = multipart_body([("f", "a.txt", None, b"x")])  # with its own boundary
    sent = Request("POST", "http://e.test/up", headers, body)
    matched, reason = matchers.multipart_matcher({"f": ("a.txt", b"x")})(sent)
    assert not matched
    assert reason.differences == ("body: not multipart with boundary 'other'",)


def test_multipart_matcher_fails_a_request_that_is_not_multipart() -> None:
    matched, reason = matchers.multipart_matcher({"f": b"x"})(request(body=b"{}"))
    assert not matched
    assert reason.startswith("multipart/form-data doesn't match. ")


def test_multipart_matcher_refuses_empty_files() -> None:
    with pytest.raises(TypeError, match=r"^files argument cannot be empty$"):
        matchers.multipart_matcher({})


class ReadOnly:
    """A file-like object with `read` alone (no `tell`, no `seek`), as some wrappers are."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def read(self) -> bytes:
        return self.content


def test_multipart_matcher_reads_a_file_object_that_cannot_seek() -> None:
    match = matchers.multipart_matcher({"f": ("a.bin", ReadOnly(b"content"))})
    assert match(encoded(("f", "a.bin", None, b"content"))) == (True, "")


@pytest.mark.parametrize(("content", "sent"), [("héllo", "héllo".encode()), (42, b"42")])
def test_multipart_matcher_compares_text_and_number_contents_as_urllib3_writes_them(
    content: Any, sent: bytes
) -> None:
    match = matchers.multipart_matcher({"f": ("a.txt", content)})
    assert match(encoded(("f", "a.txt", None, sent))) == (True, "")


def test_multipart_matcher_names_a_part_without_a_blank_line_after_its_headers() -> None:
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    body = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"\r\nx\r\n--{BOUNDARY}--\r\n'
    sent = Request("POST", "http://e.test/up", headers, body.encode())
    matched, reason = matchers.multipart_matcher({"f": ("a.txt", b"x")})(sent)
    assert not matched
    assert reason.differences == (f"body: not multipart with boundary {BOUNDARY!r}",)


def test_multipart_matcher_reads_a_part_that_runs_up_to_the_boundary_without_a_line_break() -> None:
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    body = multipart_body([("f", "a.txt", None, b"x")]).replace(
        f"--{BOUNDARY}--".encode(),
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="k"\r\n\r\nv--{BOUNDARY}--'.encode(),
    )
    sent = Request("POST", "http://e.test/up", headers, body)
    match = matchers.multipart_matcher({"f": ("a.txt", b"x")}, data={"k": "v"})
    assert match(sent) == (True, "")


def test_multipart_matcher_lists_only_the_parts_that_differ() -> None:
    match = matchers.multipart_matcher({"f": ("a.txt", b"abc")}, data={"k": "v"})
    _, reason = match(encoded(("k", None, None, b"v"), ("f", "a.txt", None, b"abd")))
    assert reason.differences == (
        "part 'f': expected [('a.txt', None, b'abc')], got [('a.txt', None, b'abd')]",
    )


# -- a route whose matcher refuses leaves the request to the next route ------------------------------


@pytest.mark.parametrize(
    ("matcher", "sent"),
    [
        (matchers.fragment_identifier_matcher("a=1"), request("http://e.test/p#a=2")),
        (matchers.request_kwargs_matcher({"timeout": 5}), request(timeout=1)),
        (matchers.urlencoded_params_matcher({"a": "1"}), request(body=b"a=2")),
        (matchers.body_matcher("a"), request(body=b"b")),
        (matchers.multipart_matcher({"f": ("a.txt", b"x")}), encoded(("f", "a.txt", None, b"y"))),
        (matchers.header_matcher({"X": "1"}), request(headers={"X": "2"})),
        (matchers.query_param_matcher({"a": "1"}), request("http://e.test/p?a=2")),
        (matchers.json_params_matcher({"a": 1}), request(body=b'{"a": 2}')),
    ],
    ids=["fragment", "kwargs", "urlencoded", "body", "multipart", "header", "query", "json"],
)
def test_a_route_whose_matcher_refuses_leaves_the_request_to_the_next_route(
    matcher: Any, sent: Request
) -> None:
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(sent.method, sent.url, body="first", match=[matcher])
    mock.add(sent.method, sent.url, body="second")
    outcome = mock.handle(sent)
    assert outcome.reply.body == b"second"


# -- arguments are checked when the matcher is made ----------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "argument", "message"),
    [
        (matchers.json_params_matcher, "x", "json_params_matcher(): params must be a dict, a list or None, got 'x' (str)"),
        (matchers.urlencoded_params_matcher, ["a"], "urlencoded_params_matcher(): params must be a dict or None, got ['a'] (list)"),
        (matchers.body_matcher, b"x", "body_matcher(): params must be a str, got b'x' (bytes)"),
        (matchers.query_param_matcher, "a=1", "query_param_matcher(): params must be a dict or None, got 'a=1' (str)"),
        (matchers.query_string_matcher, {"a": 1}, "query_string_matcher(): query must be a str or None, got {'a': 1} (dict)"),
        (matchers.request_kwargs_matcher, 5, "request_kwargs_matcher(): kwargs must be a dict or None, got 5 (int)"),
        (matchers.header_matcher, {"A": 1}, "header_matcher(): headers must be a dict of name to str or compiled regex, got {'A': 1} (dict)"),
        (matchers.fragment_identifier_matcher, 3, "fragment_identifier_matcher(): identifier must be a str or None, got 3 (int)"),
        (matchers.header_matcher, [("A", "1")], "header_matcher(): headers must be a dict of name to str or compiled regex, got [('A', '1')] (list)"),
        (matchers.multipart_matcher, [("f", b"x")], "multipart_matcher(): files must be a dict of field name to file, got [('f', b'x')] (list)"),
        (lambda data: matchers.multipart_matcher({"f": b"x"}, data=data), ["k"], "multipart_matcher(): data must be a dict or None, got ['k'] (list)"),
    ],
)  # fmt: skip
def test_a_matcher_factory_rejects_a_bad_argument_where_it_is_given(
    factory: Any, argument: Any, message: str
) -> None:
    with pytest.raises(TypeError) as raised:
        factory(argument)
    assert str(raised.value) == message


@pytest.mark.parametrize("body", [b"\xff\xfe\x00", b"", None, b"[1, 2", b"a=%zz"])
@pytest.mark.parametrize(
    "matcher",
    [
        matchers.json_params_matcher({"a": 1}),
        matchers.urlencoded_params_matcher({"a": "1"}),
        matchers.body_matcher("a"),
        matchers.multipart_matcher({"f": b"x"}),
    ],
)
def test_a_matcher_never_raises_on_a_junk_body(matcher: Any, body: bytes | None) -> None:
    matched, reason = matcher(request(body=body))
    assert matched is False
    assert isinstance(reason, str)
    assert reason
