"""The matchers: what a request must carry, besides method and URL, for a route to answer it.

Owns: the `Matcher` shape (a callable `(request) -> (matched, reason)`) and the factories of
responses' `responses.matchers`, with the same names, parameters and reason texts. Each matcher
reads the request view (`view_of`), parsed once per request, and on a miss returns a `Mismatch`
that also lists each difference for the diagnosis. Factories check their arguments when called,
at registration. Must not import an HTTP client.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol
from urllib.parse import parse_qsl

from canned._core import validation
from canned._core.mismatch import Mismatch, json_differences
from canned._core.request import NOT_JSON, view_of


class Matcher(Protocol):
    """Any callable that says whether a request matches, and why not."""

    def __call__(self, request: Any) -> tuple[bool, str]: ...


MatcherFunction = Callable[[Any], "tuple[bool, str]"]

NON_STRICT_HINT: Final = (
    "\nNote: You use non-strict parameters check, to change it use `strict_match=True`."
)
STRICT_HINT: Final = (
    "\nNote: You use strict parameters check, to change it use `strict_match=False`."
)
MATCHED: Final = (True, "")
NO_MATCH: Final = (False, "")


def _named(name: str, function: MatcherFunction) -> MatcherFunction:
    """Name a built-in matcher and mark it as one that can skip its reason text
    (`explain=False`), which routes use while merely looking for a match."""
    function.__name__ = function.__qualname__ = name
    function.explains_lazily = True  # type: ignore[attr-defined]  # read by routes
    return function


def _pairs_differences(
    kind: str, expected: Mapping[str, Any], received: Mapping[str, Any], *, strict: bool
) -> list[str]:
    """One line per differing key of two flat mappings: `query 'page': expected '2', got '3'`."""
    lines = []
    for key, want in expected.items():
        if key not in received:
            lines.append(f"{kind} {key!r}: expected {want!r}, missing")
        elif received[key] != want:
            lines.append(f"{kind} {key!r}: expected {want!r}, got {received[key]!r}")
    if strict:
        lines.extend(
            f"{kind} {key!r}: not expected, got {value!r}"
            for key, value in received.items()
            if key not in expected
        )
    return lines


# -- JSON and form bodies ----------------------------------------------------------------------


def _filter_json(received: Any, expected: Any) -> Any:
    """`received` reduced to the keys `expected` names, recursively; lists stay whole."""
    if isinstance(received, dict) and isinstance(expected, dict):
        return {
            key: _filter_json(value, expected[key])
            for key, value in received.items()
            if key in expected
        }
    return received


def json_params_matcher(params: Any, *, strict_match: bool = True) -> MatcherFunction:
    """Same as `responses.matchers.json_params_matcher`: the body, parsed as JSON, equals
    `params` (with `strict_match=False`, keys the request adds are ignored)."""
    where = "json_params_matcher()"
    if params is not None and not isinstance(params, (Mapping, list)):
        validation.reject(where, "params", "a dict, a list or None", params)
    validation.check_bool(where, "strict_match", strict_match)
    expected = dict(params) if isinstance(params, Mapping) else params

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = view_of(request)
        if expected is None:
            if view.body is None:
                return MATCHED
            if not explain:
                return NO_MATCH  # the registry only asks whether: skip the text
            text = f"request.body doesn't match: {view.text} doesn't match None"
            return False, Mismatch(text, subject="json", differences=["body: expected none"])
        received = view.parsed_json
        if received is NOT_JSON:
            return False, Mismatch(
                "request.body doesn't match: JSONDecodeError: Cannot parse request.body",
                subject="json",
                differences=["body: not JSON"],
            )
        if not strict_match:
            received = _filter_json(received, expected)
        if received == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        text = f"request.body doesn't match: {received} doesn't match {expected}"
        if not strict_match:
            text += NON_STRICT_HINT
        return False, Mismatch(
            text,
            subject="json",
            differences=json_differences(expected, received),
            expected=expected,
            received=received,
        )

    return _named("json_params_matcher", match)


def urlencoded_params_matcher(
    params: Mapping[str, str] | None, *, allow_blank: bool = False, strict_match: bool = True
) -> MatcherFunction:
    """Same as `responses.matchers.urlencoded_params_matcher`: the form body equals `params`
    (repeated keys keep the last value; `strict_match=False` ignores extra keys)."""
    where = "urlencoded_params_matcher()"
    if params is not None and not isinstance(params, Mapping):
        validation.reject(where, "params", "a dict or None", params)
    validation.check_bool(where, "allow_blank", allow_blank)
    validation.check_bool(where, "strict_match", strict_match)
    expected = dict(params) if params is not None else None

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = view_of(request)
        if expected is None:
            if view.body is None:
                return MATCHED
            if not explain:
                return NO_MATCH  # the registry only asks whether: skip the text
            text = f"request.body doesn't match: {view.text} doesn't match None"
            return False, Mismatch(text, subject="form", differences=["body: expected none"])
        received = dict(parse_qsl(view.text or "", keep_blank_values=allow_blank))
        compared = received
        if not strict_match and expected:
            compared = {key: value for key, value in received.items() if key in expected}
        if compared == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        text = f"request.body doesn't match: {received} doesn't match {expected}"
        text += STRICT_HINT if strict_match else ""
        return False, Mismatch(
            text,
            subject="form",
            differences=_pairs_differences("form field", expected, received, strict=strict_match)
            or [f"form: expected {expected!r}, got {received!r}"],
            expected=expected,
            received=received,
        )

    return _named("urlencoded_params_matcher", match)


def body_matcher(params: str, *, allow_blank: bool = False) -> MatcherFunction:
    """Same as `responses.matchers.body_matcher`: the body, as text, equals `params` exactly."""
    where = "body_matcher()"
    if not isinstance(params, str):
        validation.reject(where, "params", "a str", params)
    validation.check_bool(where, "allow_blank", allow_blank)

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = view_of(request)
        body = view.body
        received = body.decode("utf-8", "replace") if body is not None else str(body)
        if received == params:  # responses' quirk kept: "None" matches a request with no body
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        return False, Mismatch(
            f"request.body doesn't match: {received} doesn't match {params}",
            subject="body",
            differences=[f"body: expected {params!r}, got {received!r}"],
            expected=params,
            received=received,
        )

    return _named("body_matcher", match)


# -- query, fragment, kwargs, headers ----------------------------------------------------------


def _as_text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value


def query_param_matcher(
    params: Mapping[str, Any] | None, *, strict_match: bool = True
) -> MatcherFunction:
    """Same as `responses.matchers.query_param_matcher`: the query's parameters equal `params`.

    Numbers compare as their text, lists stand for repeated keys, blank values count.
    Differs: repeated keys that are not next to each other keep every value (API.md §5 row 6).
    """
    where = "query_param_matcher()"
    if params is not None and not isinstance(params, Mapping):
        validation.reject(where, "params", "a dict or None", params)
    validation.check_bool(where, "strict_match", strict_match)
    expected = {key: _as_text(value) for key, value in (params or {}).items()}

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        received = view_of(request).params
        compared: Mapping[str, Any] = received
        if not strict_match:
            compared = {key: value for key, value in received.items() if key in expected}
        if compared == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        text = f"Parameters do not match. {received} doesn't match {expected}"
        text += NON_STRICT_HINT if not strict_match else STRICT_HINT
        return False, Mismatch(
            text,
            subject="query",
            differences=_pairs_differences("query", expected, received, strict=strict_match),
            expected=expected,
            received=dict(received),
        )

    return _named("query_param_matcher", match)


def _sorted_pairs(text: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(text, keep_blank_values=True))


def query_string_matcher(query: str | None) -> MatcherFunction:
    """Same as `responses.matchers.query_string_matcher`: the same query pairs in any order;
    None or "" means the request has no query."""
    if query is not None and not isinstance(query, str):
        validation.reject("query_string_matcher()", "query", "a str or None", query)
    expected = _sorted_pairs(query or "")

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = view_of(request)
        received = sorted(view.query_pairs)
        if received == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        want, got = dict(expected), dict(received)
        return False, Mismatch(
            f"Query string doesn't match. {got} doesn't match {want}",
            subject="query",
            differences=_pairs_differences("query", want, got, strict=True)
            or [f"query: expected {query or ''!r}, got {view.query!r}"],
            expected=want,
            received=got,
        )

    return _named("query_string_matcher", match)


def fragment_identifier_matcher(identifier: str | None) -> MatcherFunction:
    """Same as `responses.matchers.fragment_identifier_matcher`: the URL's fragment has the same
    pairs in any order; None or "" means the URL has no fragment."""
    if identifier is not None and not isinstance(identifier, str):
        validation.reject(
            "fragment_identifier_matcher()", "identifier", "a str or None", identifier
        )
    expected = _sorted_pairs(identifier or "")

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        fragment = view_of(request).fragment
        if _sorted_pairs(fragment) == expected and (bool(fragment) == bool(identifier)):
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        return False, Mismatch(
            f"URL fragment identifier is different: {identifier} doesn't match {fragment}",
            subject="fragment",
            differences=[f"fragment: expected {identifier or ''!r}, got {fragment!r}"],
            expected=identifier,
            received=fragment,
        )

    return _named("fragment_identifier_matcher", match)


def request_kwargs_matcher(kwargs: Mapping[str, Any] | None) -> MatcherFunction:
    """Same as `responses.matchers.request_kwargs_matcher`: the client's send arguments
    (`stream`, `timeout`, `verify`, `cert`, `proxies`) named in `kwargs` have these values."""
    if kwargs is not None and not isinstance(kwargs, Mapping):
        validation.reject("request_kwargs_matcher()", "kwargs", "a dict or None", kwargs)
    expected = dict(kwargs or {})

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        given = view_of(request).req_kwargs
        received = {key: given.get(key) for key in expected}
        if received == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        return False, Mismatch(
            f"Arguments don't match: {received} doesn't match {expected}",
            subject="kwargs",
            differences=_pairs_differences("argument", expected, received, strict=False),
            expected=expected,
            received=received,
        )

    return _named("request_kwargs_matcher", match)


def header_matcher(
    headers: Mapping[str, str | re.Pattern[str]], strict_match: bool = False
) -> MatcherFunction:
    """Same as `responses.matchers.header_matcher`: the request carries these headers (values
    equal, or matching a compiled regex); `strict_match=True` also forbids any other header.

    Differs: header names are case-insensitive in both modes (API.md §5 row 7).
    """
    where = "header_matcher()"
    if not isinstance(headers, Mapping):
        validation.reject(where, "headers", "a dict of name to str or compiled regex", headers)
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, (str, re.Pattern)):
            validation.reject(
                where, "headers", "a dict of name to str or compiled regex", {name: value}
            )
    validation.check_bool(where, "strict_match", strict_match)
    expected = dict(headers)

    def is_equal(want: str | re.Pattern[str], got: str) -> bool:
        if isinstance(want, re.Pattern):
            return want.match(got) is not None
        return want == got

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        sent = view_of(request).headers
        received = {name: sent[name] for name in expected if name in sent}
        matched = all(
            name in sent and is_equal(want, sent[name]) for name, want in expected.items()
        )
        if strict_match:
            matched = matched and len(sent) == len(expected)
            received = dict(sent.items())
        if matched:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        lines = []
        for name, want in expected.items():
            shown = want.pattern if isinstance(want, re.Pattern) else want
            if name not in sent:
                lines.append(f"header {name!r}: expected {shown!r}, missing")
            elif not is_equal(want, sent[name]):
                lines.append(f"header {name!r}: expected {shown!r}, got {sent[name]!r}")
        if strict_match:
            lower = {name.lower() for name in expected}
            lines.extend(
                f"header {name!r}: not expected, got {value!r}"
                for name, value in sent.items()
                if name.lower() not in lower
            )
        return False, Mismatch(
            f"Headers do not match: {received} doesn't match {expected}",
            subject="headers",
            differences=lines,
            expected=expected,
            received=received,
        )

    return _named("header_matcher", match)


# -- multipart ---------------------------------------------------------------------------------


def _expected_parts(
    files: Mapping[str, Any], data: Mapping[str, Any] | None
) -> list[tuple[Any, ...]]:
    """(name, filename, content type, content) for each field, as requests would encode them."""
    parts: list[tuple[Any, ...]] = []
    for name, value in (data or {}).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            content = item if isinstance(item, bytes) else str(item).encode("utf-8")
            parts.append((name, None, None, content))
    for name, value in files.items():
        filename, content, content_type = None, value, None
        if isinstance(value, (tuple, list)):
            filename, content = value[0], value[1]
            content_type = value[2] if len(value) > 2 else None
        else:
            filename = getattr(value, "name", None) or name
            if isinstance(filename, str) and "/" in filename:
                filename = filename.rsplit("/", 1)[-1]
        if hasattr(content, "read"):
            position = content.tell() if hasattr(content, "tell") else None
            read = content.read()
            if position is not None and hasattr(content, "seek"):
                content.seek(position)
            content = read
        if isinstance(content, str):
            content = content.encode("utf-8")
        parts.append((name, filename, content_type, content))
    return sorted(parts, key=repr)


_DISPOSITION_FIELD: Final = re.compile(r';\s*(name|filename)="((?:[^"\\]|\\.)*)"')


def _received_parts(body: bytes, boundary: str) -> list[tuple[Any, ...]] | None:
    """The parts of a multipart body, or None when it is not multipart with this boundary."""
    delimiter = b"--" + boundary.encode("latin-1")
    sections = body.split(delimiter)
    if len(sections) < 3 or not sections[-1].startswith(b"--"):
        return None
    parts: list[tuple[Any, ...]] = []
    for section in sections[1:-1]:
        head, separator, content = section.partition(b"\r\n\r\n")
        if not separator:
            return None
        fields: dict[str, str] = {}
        content_type = None
        for line in head.decode("utf-8", "replace").split("\r\n"):
            lowered = line.lower()
            if lowered.startswith("content-disposition:"):
                fields = dict(_DISPOSITION_FIELD.findall(line))
            elif lowered.startswith("content-type:"):
                content_type = line.split(":", 1)[1].strip()
        if content.endswith(b"\r\n"):
            content = content[:-2]
        parts.append((fields.get("name"), fields.get("filename"), content_type, content))
    return sorted(parts, key=repr)


def multipart_matcher(
    files: Mapping[str, Any], data: Mapping[str, Any] | None = None
) -> MatcherFunction:
    """Same as `responses.matchers.multipart_matcher`: a multipart/form-data body with these
    files and fields (names, file names, content types and contents; part order is free)."""
    where = "multipart_matcher()"
    if not files:
        raise TypeError("files argument cannot be empty")
    if not isinstance(files, Mapping):
        validation.reject(where, "files", "a dict of field name to file", files)
    if data is not None and not isinstance(data, Mapping):
        validation.reject(where, "data", "a dict or None", data)
    expected = _expected_parts(files, data)
    prefix = "multipart/form-data doesn't match. "

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = view_of(request)
        content_type = view.headers.get("Content-Type", "")
        boundary = re.search(r'boundary="?([^";]+)"?', content_type)
        if not content_type.startswith("multipart/form-data") or boundary is None:
            return False, Mismatch(
                f"{prefix}Request is missing the 'Content-Type' header or it is not "
                f"multipart/form-data: {content_type!r}",
                subject="multipart",
                differences=[f"Content-Type: expected multipart/form-data, got {content_type!r}"],
            )
        received = _received_parts(view.body or b"", boundary.group(1))
        if received == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        if received is None:
            return False, Mismatch(
                f"{prefix}Request body is not multipart with boundary {boundary.group(1)!r}",
                subject="multipart",
            )
        names = {part[0] for part in expected} | {part[0] for part in received}
        lines = []
        for name in sorted(n for n in names if n is not None):
            want = [part[1:] for part in expected if part[0] == name]
            got = [part[1:] for part in received if part[0] == name]
            if want != got:
                lines.append(f"part {name!r}: expected {want!r}, got {got!r}")
        return False, Mismatch(
            f"{prefix}Request body differs. {received} aren't equal {expected}",
            subject="multipart",
            differences=lines,
            expected=expected,
            received=received,
        )

    return _named("multipart_matcher", match)


__all__ = [
    "Matcher",
    "body_matcher",
    "fragment_identifier_matcher",
    "header_matcher",
    "json_params_matcher",
    "multipart_matcher",
    "query_param_matcher",
    "query_string_matcher",
    "request_kwargs_matcher",
    "urlencoded_params_matcher",
]
