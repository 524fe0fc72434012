"""The matchers on everything but the body: URL query, fragment, headers and send arguments.

Owns: the `Matcher` shape (a callable `(request) -> (matched, reason)`), what every matcher shares
(`MATCHED`, `NO_MATCH`, `named`, `pairs_differences`, `request_headers`), and the factories of
responses' `responses.matchers` that do not read the body, with the same names, parameters and
reason texts (character for character: responses' values, in responses' order). On the usual path
a matcher reads the request view an adapter attached, parsed once per request; handed any other
object (a test's stand-in), it reads only the attributes responses' matcher reads (`url`,
`params`, `headers` or `req_kwargs`). On a miss it returns a `Mismatch` that also lists each
difference for the diagnosis. Factories check their arguments when called, at registration. Must
not import an HTTP client, nor `body_matching` (which imports this module).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol
from urllib.parse import parse_qsl

from canned._core import validation
from canned._core.mismatch import Mismatch
from canned._core.request import Headers, Request, attached_view


class Matcher(Protocol):
    """Any callable that says whether a request matches, and why not."""

    def __call__(self, request: Any) -> tuple[bool, str]: ...


MatcherFunction = Callable[[Any], "tuple[bool, str]"]

QUERY_NON_STRICT_HINT: Final = "\nYou can use `strict_match=True` to do a strict parameters check."
MATCHED: Final = (True, "")
NO_MATCH: Final = (False, "")
# The origin a stand-in's relative URL is read on (`.invalid` never resolves: RFC 2606).
STAND_IN_ORIGIN: Final = "http://stand-in.invalid"


def named(name: str, function: MatcherFunction) -> MatcherFunction:
    """Name a built-in matcher and mark it as one that can skip its reason text
    (`explain=False`), which routes use while merely looking for a match."""
    function.__name__ = function.__qualname__ = name
    function.explains_lazily = True  # type: ignore[attr-defined]  # read by routes
    return function


def pairs_differences(
    kind: str, expected: Mapping[Any, Any], received: Mapping[Any, Any], *, strict: bool
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


# -- what a matcher reads ------------------------------------------------------------------------
# An adapter's request carries its view (parsed once, cached); anything else is a stand-in, and a
# matcher reads from it only the attribute responses' matcher reads, so a test's
# `SimpleNamespace(url=...)` works as it does with responses.


def _url_view(request: Any) -> Request:
    """A view whose URL is `request`'s: the attached one, or one made from `.url` alone. A
    stand-in's URL may be relative or None (responses reads `url or ""`): its query and
    fragment are read as those of the same path on a placeholder origin."""
    view = attached_view(request)
    if view is not None:
        return view
    url = "" if request.url is None else str(request.url)
    if "://" not in url:
        url = f"{STAND_IN_ORIGIN}/{url.lstrip('/')}"
    return Request("GET", url)


def request_headers(request: Any, view: Request | None) -> Mapping[str, str]:
    """`request`'s headers, names case-insensitive everywhere (values stay exact); a stand-in's
    `.headers`."""
    if view is not None:
        return view.headers
    return Headers(dict(request.headers or {}))


# -- query, fragment, kwargs, headers ----------------------------------------------------------


def _as_sent(value: Any) -> Any:
    """A query value as requests sends it: numbers and booleans as their `str`, list items too."""
    if isinstance(value, (int, float)):  # bool is an int: True is sent as "True"
        return str(value)
    if isinstance(value, list):
        return [_as_sent(item) for item in value]
    return value


def _query_params(request: Any) -> Mapping[str, Any]:
    """The query as `{key: value or [values]}`: the view's, else a stand-in's `.params` (what
    responses reads), else parsed from its `.url`."""
    view = attached_view(request)
    if view is not None:
        return view.params
    if hasattr(request, "params"):
        return request.params or {}
    return _url_view(request).params


def query_param_matcher(
    params: Mapping[str, Any] | None, *, strict_match: bool = True
) -> MatcherFunction:
    """Same as `responses.matchers.query_param_matcher`: the query's parameters equal `params`.

    Numbers and booleans compare as their text (`True` as "True"), lists stand for repeated
    keys, blank values count.
    Differs: repeated keys that are not next to each other keep every value, in order
    (responses' `request.params` collapses them); list items are compared as their text too
    (responses compares them as given).
    """
    where = "query_param_matcher()"
    if params is not None and not isinstance(params, Mapping):
        validation.reject(where, "params", "a dict or None", params)
    validation.check_bool(where, "strict_match", strict_match)
    expected = {key: _as_sent(value) for key, value in (params or {}).items()}
    shown = {  # responses' reason: only the top-level values are turned to text
        key: str(value) if isinstance(value, (int, float)) else value
        for key, value in (params or {}).items()
    }
    hint = "" if strict_match else QUERY_NON_STRICT_HINT

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        received = _query_params(request)
        compared: Mapping[str, Any] = received
        if not strict_match:
            compared = {key: value for key, value in received.items() if key in expected}
        if compared == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        return False, Mismatch(
            f"Parameters do not match. {dict(compared)} doesn't match {shown}{hint}",
            subject="query",
            differences=pairs_differences("query", expected, received, strict=strict_match),
            expected=expected,
            received=dict(received),
        )

    return named("query_param_matcher", match)


def _sorted_pairs(text: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(text, keep_blank_values=True))


def query_string_matcher(query: str | None) -> MatcherFunction:
    """Same as `responses.matchers.query_string_matcher`: the same query pairs in any order;
    None or "" means the request has no query."""
    if query is not None and not isinstance(query, str):
        validation.reject("query_string_matcher()", "query", "a str or None", query)
    expected = _sorted_pairs(query or "")

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = _url_view(request)
        received = sorted(view.query_pairs)
        if received == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        want, got = dict(expected), dict(received)
        return False, Mismatch(
            f"Query string doesn't match. {got} doesn't match {want}",
            subject="query",
            differences=pairs_differences("query", want, got, strict=True)
            or [f"query: expected {query or ''!r}, got {view.query!r}"],
            expected=want,
            received=got,
        )

    return named("query_string_matcher", match)


def fragment_identifier_matcher(identifier: str | None) -> MatcherFunction:
    """Same as `responses.matchers.fragment_identifier_matcher`: the URL's fragment has the same
    pairs in any order; None or "" means the URL has no fragment."""
    if identifier is not None and not isinstance(identifier, str):
        validation.reject(
            "fragment_identifier_matcher()", "identifier", "a str or None", identifier
        )
    expected = _sorted_pairs(identifier or "")

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        fragment = _url_view(request).fragment
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

    return named("fragment_identifier_matcher", match)


def request_kwargs_matcher(kwargs: Mapping[str, Any] | None) -> MatcherFunction:
    """Same as `responses.matchers.request_kwargs_matcher`: the client's send arguments
    (`stream`, `timeout`, `verify`, `cert`, `proxies`) named in `kwargs` have these values.

    Differs: an argument the client did not pass counts as None (responses fails it).
    """
    if kwargs is not None and not isinstance(kwargs, Mapping):
        validation.reject("request_kwargs_matcher()", "kwargs", "a dict or None", kwargs)
    expected = dict(kwargs or {})

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = attached_view(request)
        given = view.req_kwargs if view is not None else getattr(request, "req_kwargs", None)
        given = given or {}
        if {key: given.get(key) for key in expected} == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        received = {key: value for key, value in given.items() if key in expected}
        return False, Mismatch(
            f"Arguments don't match: {received} doesn't match {expected}",
            subject="kwargs",
            differences=pairs_differences("argument", expected, received, strict=False),
            expected=expected,
            received=received,
        )

    return named("request_kwargs_matcher", match)


def header_matcher(
    headers: Mapping[str, str | re.Pattern[str]], strict_match: bool = False
) -> MatcherFunction:
    """Same as `responses.matchers.header_matcher`: the request carries these headers (values
    equal, or matching a compiled regex); `strict_match=True` also forbids any other header.

    Differs: header names are case-insensitive in both modes (responses' non-strict mode compares
    them case-sensitively); the reason still shows the sent headers responses shows (without
    strict_match, those named in the same case).
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

    def explained(sent: Mapping[str, str]) -> tuple[bool, str]:
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
            received = dict(sent.items())
        else:  # responses keeps the sent headers named in the same case, in sending order
            received = {name: value for name, value in sent.items() if name in expected}
        return False, Mismatch(
            f"Headers do not match: {received} doesn't match {expected}",
            subject="headers",
            differences=lines,
            expected=expected,
            received=received,
        )

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        sent = request_headers(request, attached_view(request))
        matched = all(
            name in sent and is_equal(want, sent[name]) for name, want in expected.items()
        )
        if strict_match:
            matched = matched and len(sent) == len(expected)
        if matched:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        return explained(sent)

    return named("header_matcher", match)


__all__ = [
    "Matcher",
    "fragment_identifier_matcher",
    "header_matcher",
    "query_param_matcher",
    "query_string_matcher",
    "request_kwargs_matcher",
]
