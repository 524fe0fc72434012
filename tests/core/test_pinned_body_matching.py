"""Body matcher behaviours no other test pinned: argument errors, matcher names, the lines the
diagnosis lists for JSON, form, text and multipart misses, form reasons with blank values,
multipart parts read in any order (content types, undecodable heads, a part with no name), and
the body requests would send as the reason shows it."""

from __future__ import annotations

import re
from collections import OrderedDict
from types import MappingProxyType, SimpleNamespace
from typing import Any, Callable

import pytest
import requests
import urllib3

import canned
from canned import matchers

URL = "http://e.test/p"
NON_STRICT = "\nNote: You use non-strict parameters check, to change it use `strict_match=True`."
MULTIPART = "multipart/form-data doesn't match. "


def judged(matcher: Any, **kwargs: Any) -> tuple[bool, str]:
    """What `matcher` says about the POST requests sends, asked while canned handles it."""
    seen: list[tuple[bool, str]] = []

    def spy(request: Any) -> tuple[bool, str]:
        seen.append(matcher(request))
        return True, ""

    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add("POST", re.compile(".*"), match=[spy])
        requests.post(URL, **kwargs)
    return seen[0]


def differences(result: tuple[bool, str]) -> tuple[str, ...]:
    matched, reason = result
    assert matched is False
    return reason.differences  # type: ignore[attr-defined,no-any-return]  # a Mismatch


def multipart(boundary: str, body: bytes) -> Any:
    """A stand-in multipart request, as a test might hand a matcher."""
    content_type = f"multipart/form-data; boundary={boundary}"
    return SimpleNamespace(headers={"Content-Type": content_type}, body=body)


def part(head: str, content: bytes) -> bytes:
    return b"--b0\r\n" + head.encode("latin-1") + b"\r\n\r\n" + content + b"\r\n"


END = b"--b0--\r\n"
A_TXT = 'Content-Disposition: form-data; name="f"; filename="a.txt"'


# -- arguments and names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (
            lambda: matchers.json_params_matcher({}, strict_match="no"),
            "json_params_matcher(): strict_match must be True or False, got 'no'",
        ),
        (
            lambda: matchers.urlencoded_params_matcher({}, allow_blank=1),
            "urlencoded_params_matcher(): allow_blank must be True or False, got 1",
        ),
        (
            lambda: matchers.urlencoded_params_matcher({}, strict_match=None),
            "urlencoded_params_matcher(): strict_match must be True or False, got None",
        ),
        (
            lambda: matchers.body_matcher("x", allow_blank="yes"),
            "body_matcher(): allow_blank must be True or False, got 'yes'",
        ),
    ],
)
def test_a_body_matchers_flag_that_is_not_a_bool_is_refused_naming_factory_and_flag(
    factory: Callable[[], Any], message: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        factory()


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (lambda: matchers.json_params_matcher({}), "json_params_matcher"),
        (lambda: matchers.urlencoded_params_matcher({}), "urlencoded_params_matcher"),
        (lambda: matchers.body_matcher(""), "body_matcher"),
        (lambda: matchers.multipart_matcher({"f": b"x"}), "multipart_matcher"),
    ],
)
def test_each_body_matcher_is_named_after_its_factory(
    factory: Callable[[], Any], name: str
) -> None:
    assert factory().__name__ == name


# -- json_params_matcher ---------------------------------------------------------------------------


def test_a_non_strict_json_matcher_shows_a_body_of_another_shape_whole() -> None:
    dict_wanted = matchers.json_params_matcher({"a": 1}, strict_match=False)
    assert dict_wanted(SimpleNamespace(body=b"[1, 2]")) == (
        False,
        "request.body doesn't match: [1, 2] doesn't match {'a': 1}" + NON_STRICT,
    )
    list_wanted = matchers.json_params_matcher([1, 2], strict_match=False)
    assert list_wanted(SimpleNamespace(body=b'{"b": 1}')) == (
        False,
        "request.body doesn't match: {'b': 1} doesn't match [1, 2]" + NON_STRICT,
    )


def test_a_json_matcher_given_a_read_only_mapping_compares_and_shows_it_as_a_dict() -> None:
    wanted = MappingProxyType({"a": 1})
    loose = matchers.json_params_matcher(wanted, strict_match=False)
    assert loose(SimpleNamespace(body=b'{"a": 1, "b": 2}')) == (True, "")
    strict = matchers.json_params_matcher(wanted)
    assert strict(SimpleNamespace(body=b'{"a": 2}')) == (
        False,
        "request.body doesn't match: {'a': 2} doesn't match {'a': 1}",
    )


def test_a_json_matcher_for_an_empty_list_shows_the_list_in_its_reason() -> None:
    matcher = matchers.json_params_matcher([])
    assert matcher(SimpleNamespace(body=b"[1]")) == (
        False,
        "request.body doesn't match: [1] doesn't match []",
    )


def test_a_json_matcher_lists_a_missing_body_for_the_diagnosis() -> None:
    result = matchers.json_params_matcher({"a": 1})(SimpleNamespace(body=None))
    assert result == (False, "request.body doesn't match: {} doesn't match {'a': 1}")
    assert differences(result) == ("body: expected JSON, got no body",)


def test_a_json_matcher_lists_a_body_that_is_not_json_for_the_diagnosis() -> None:
    result = matchers.json_params_matcher({"a": 1})(SimpleNamespace(body=b"{nope"))
    assert differences(result) == ("body: not JSON",)


def test_a_json_matcher_for_no_body_lists_a_body_sent_as_not_expected() -> None:
    result = matchers.json_params_matcher(None)(SimpleNamespace(body=b'{"a": 1}'))
    assert result == (False, "request.body doesn't match: {'a': 1} doesn't match {}")
    assert differences(result) == ("body: expected none",)


# -- urlencoded_params_matcher ---------------------------------------------------------------------


def test_a_form_matcher_allowing_blanks_shows_the_blank_fields_sent() -> None:
    matcher = matchers.urlencoded_params_matcher({"a": "1"}, allow_blank=True)
    assert matcher(SimpleNamespace(body="a=2&b=")) == (
        False,
        "request.body doesn't match: {'a': '2', 'b': ''} doesn't match {'a': '1'}",
    )


def test_a_form_matcher_shows_a_non_ascii_bytes_body_as_text_blank_fields_included() -> None:
    matcher = matchers.urlencoded_params_matcher({"a": "x"}, allow_blank=True)
    sent = SimpleNamespace(body="a=é&b=".encode())
    assert matcher(sent) == (
        False,
        "request.body doesn't match: {'a': 'é', 'b': ''} doesn't match {'a': 'x'}",
    )


def test_a_form_matcher_shows_a_body_that_is_not_text_as_no_fields() -> None:
    matcher = matchers.urlencoded_params_matcher({"a": "x"}, allow_blank=True)
    result = matcher(SimpleNamespace(body=b"a=\xe9&b="))
    assert result == (False, "request.body doesn't match: {} doesn't match {'a': 'x'}")
    assert differences(result) == ("form field 'a': expected 'x', missing",)


def test_a_form_matcher_for_no_body_lists_a_body_sent_as_not_expected() -> None:
    result = matchers.urlencoded_params_matcher(None)(SimpleNamespace(body="a=1"))
    assert result == (False, "request.body doesn't match: {'a': '1'} doesn't match {}")
    assert differences(result) == ("body: expected none",)


def test_an_empty_form_matcher_allowing_blanks_matches_a_request_without_body() -> None:
    matcher = matchers.urlencoded_params_matcher({}, allow_blank=True)
    assert matcher(SimpleNamespace(body=None)) == (True, "")
    assert matcher(SimpleNamespace(body="")) == (True, "")


# -- body_matcher ----------------------------------------------------------------------------------


def test_a_body_matcher_reads_a_stand_ins_text_or_bytes_body() -> None:
    matcher = matchers.body_matcher("abc")
    assert matcher(SimpleNamespace(body="abc")) == (True, "")
    assert matcher(SimpleNamespace(body=b"abc")) == (True, "")
    assert matcher(SimpleNamespace(body="abd"))[0] is False


def test_a_body_matcher_lists_both_bodies_for_the_diagnosis() -> None:
    result = matchers.body_matcher("abc")(SimpleNamespace(body="abd"))
    assert result == (False, "request.body doesn't match abc doesn't match abd")
    assert differences(result) == ("body: expected 'abc', got 'abd'",)


# -- multipart_matcher: what requests sends --------------------------------------------------------


class Unrewindable:
    """A file-like upload that can be read but not told where it is; seeking it fails."""

    name = "u.txt"

    def read(self) -> bytes:
        return b"x"

    def seek(self, position: Any) -> None:
        raise OSError("not seekable")


def test_a_multipart_file_that_cannot_tell_its_position_is_read_and_not_rewound() -> None:
    matcher = matchers.multipart_matcher({"f": ("a.txt", Unrewindable())})
    assert matcher(multipart("b0", part(A_TXT, b"x") + END)) == (True, "")


def test_a_multipart_bytes_field_matches_as_requests_sends_it() -> None:
    matcher = matchers.multipart_matcher({"f": ("a.txt", b"x")}, data={"k": b"raw"})
    sent = {"files": {"f": ("a.txt", b"x")}, "data": {"k": b"raw"}}
    assert judged(matcher, **sent) == (True, "")


def test_a_multipart_field_and_file_of_the_same_name_match_as_requests_sends_them() -> None:
    matcher = matchers.multipart_matcher({"f": ("x.txt", b"c")}, data={"f": "v"})
    assert judged(matcher, files={"f": ("x.txt", b"c")}, data={"f": "v"}) == (True, "")


def test_multipart_files_sent_in_another_order_match_even_with_a_blank_line_inside() -> None:
    matcher = matchers.multipart_matcher({"a": ("a.txt", b"3"), "b": ("b.txt", b"1\r\n\r\n2")})
    sent = {"b": ("b.txt", b"1\r\n\r\n2"), "a": ("a.txt", b"3")}
    assert judged(matcher, files=sent) == (True, "")


def test_the_multipart_reason_shows_the_body_requests_sends_with_a_files_own_headers() -> None:
    def files() -> dict[str, Any]:
        headers = {"X-Part": "1", "X-Blank": "", "Content-Type": "application/ignored"}
        return {"f": ("a.txt", b"x", "text/plain", headers)}

    prepared = requests.Request("POST", URL, files=files()).prepare()
    sent = SimpleNamespace(
        headers={"Content-Type": prepared.headers["Content-Type"]}, body=b"other"
    )
    assert b"X-Part: 1\r\n" in prepared.body  # type: ignore[operator]  # bytes
    assert matchers.multipart_matcher(files())(sent) == (
        False,
        MULTIPART + f"Request body differs. {b'other'!s} aren't equal {prepared.body!s}",
    )


# -- multipart_matcher: reading the parts ----------------------------------------------------------


def test_a_multipart_part_type_is_read_without_a_space_and_with_colons_in_it() -> None:
    kind = 'application/x; ref="urn:a:b"'
    matcher = matchers.multipart_matcher({"f": ("a.txt", b"x", kind)})
    head = A_TXT.lower() + "\r\ncontent-type:" + kind
    sent = multipart('"b0"', part(head, b"x") + END)  # quoted: the parts are compared
    assert matcher(sent) == (True, "")


def test_a_multipart_part_without_disposition_counts_as_no_named_part() -> None:
    matcher = matchers.multipart_matcher({"f": ("a.txt", b"x")})
    sent = multipart('"b0"', part("Content-Type: text/plain", b"x") + END)
    assert differences(matcher(sent)) == ("part 'f': expected [('a.txt', None, b'x')], got []",)


def test_a_multipart_part_head_that_is_not_utf8_is_read_with_replacements() -> None:
    matcher = matchers.multipart_matcher({"f": ("a.txt", b"x")})
    head = 'Content-Disposition: form-data; name="f"; filename="\xe9.txt"'
    sent = multipart('"b0"', part(head, b"x") + END)
    got = [("\ufffd.txt", None, b"x")]
    assert differences(matcher(sent)) == (
        f"part 'f': expected [('a.txt', None, b'x')], got {got!r}",
    )


def test_a_multipart_miss_lists_the_parts_on_either_side_only() -> None:
    matcher = matchers.multipart_matcher({"f": ("a.txt", b"x")})
    sent = multipart('"b0"', part('Content-Disposition: form-data; name="g"', b"y") + END)
    assert differences(matcher(sent)) == (
        "part 'f': expected [('a.txt', None, b'x')], got []",
        "part 'g': expected [], got [(None, None, b'y')]",
    )


def test_a_multipart_request_without_content_type_lists_an_empty_type() -> None:
    result = matchers.multipart_matcher({"f": b"x"})(SimpleNamespace(headers={}, body=b""))
    assert differences(result) == ("Content-Type: expected multipart/form-data, got ''",)


def test_a_multipart_request_without_boundary_lists_its_type() -> None:
    matcher = matchers.multipart_matcher({"f": b"x"})
    result = matcher(SimpleNamespace(headers={"Content-Type": "multipart/form-data"}, body=b"x"))
    assert result == (
        False,
        MULTIPART + "Request headers['Content-Type'] is different. multipart/form-data "
        "isn't equal to multipart/form-data; boundary=",
    )
    assert differences(result) == (
        "Content-Type: expected multipart/form-data, got 'multipart/form-data'",
    )


def test_a_multipart_matcher_refuses_another_multipart_type_with_the_same_parts() -> None:
    matcher = matchers.multipart_matcher({"f": ("a.txt", b"x")})
    sent = SimpleNamespace(
        headers={"Content-Type": "multipart/mixed; boundary=b0"}, body=part(A_TXT, b"x") + END
    )
    assert differences(matcher(sent)) == (
        "Content-Type: expected multipart/form-data, got 'multipart/mixed; boundary=b0'",
    )


# -- multipart_matcher: headers urllib3 is given as a plain mapping ---------------------------------


def urllib3_judged(matcher: Any, headers: Any, body: bytes) -> tuple[bool, str]:
    """What `matcher` says about a urllib3 `urlopen` given `headers` as they are."""
    seen: list[tuple[bool, str]] = []

    def spy(request: Any) -> tuple[bool, str]:
        seen.append(matcher(request))
        return True, ""

    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add("POST", re.compile(".*"), match=[spy])
        with urllib3.PoolManager() as pool:
            pool.urlopen("POST", URL, body=body, headers=headers)
    return seen[0]


def test_a_multipart_matcher_reads_the_content_type_of_urllib3_headers_given_in_order() -> None:
    matcher = matchers.multipart_matcher({"a": ("a.txt", b"1"), "b": ("b.txt", b"2")})
    headers = OrderedDict([("Content-Type", "multipart/form-data; boundary=b0")])
    b_first = (
        part('Content-Disposition: form-data; name="b"; filename="b.txt"', b"2")
        + part('Content-Disposition: form-data; name="a"; filename="a.txt"', b"1")
        + END
    )
    assert urllib3_judged(matcher, headers, b_first) == (True, "")
    matched, reason = urllib3_judged(matcher, headers, b"other")
    assert matched is False
    assert reason.startswith(MULTIPART + "Request body differs. b'other' aren't equal ")
