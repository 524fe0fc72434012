"""Replaying recorded answers: each recorded entry becomes a route on a mock.

Owns `add_recorded` (responses' recorder format) and `add_interactions` (a cassette's: one
route per interaction, matched on the parts a cassette's `match_on` names, each redacted value
matching anything; a chunked answer is answered chunked, in its recorded chunks). Imports no
HTTP client and no file-format library.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlsplit

from canned._core.answers import Response
from canned._core.matching import query_param_matcher
from canned._core.mismatch import Mismatch
from canned._core.request import NOT_JSON, Request, view_of
from canned._core.routes import BaseResponse
from canned.cassettes.formats import (
    body_bytes,
    chunk_bytes,
    content_type_of,
    header_of,
    header_pairs,
    is_form_type,
)
from canned.cassettes.redaction import REDACTED

if TYPE_CHECKING:
    from canned._core.mock import Mock

REQUIRED: tuple[str, ...] = (
    "method",
    "url",
    "status",
    "content_type",
    "auto_calculate_content_length",
)


def _body(entry: dict[str, Any]) -> str | bytes:
    if "body_base64" in entry:
        return base64.b64decode(entry["body_base64"])
    return entry["body"]  # type: ignore[no-any-return]  # a KeyError when missing, as in responses


def _url_and_matchers(url: str) -> tuple[str, list[Any]]:
    """A URL whose query had secrets redacted matches any value for them."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(value == REDACTED for _, value in pairs):
        return url, []
    kept = {key: value for key, value in pairs if value != REDACTED}
    return parts._replace(query="").geturl(), [query_param_matcher(kept, strict_match=False)]


def add_recorded(mock: Mock, data: dict[str, Any]) -> None:
    """Same as responses' `_add_from_file` body: register every entry of `data` on `mock`.

    Raises:
        KeyError: an entry lacks a required key (as in responses).
    """
    for item in data["responses"]:
        entry = item["response"]
        for key in REQUIRED:
            entry[key]  # a missing key is a KeyError, as in responses
        headers = dict(entry.get("headers") or {})
        if entry["content_type"] is not None:
            # responses #741 did this for HEAD; any entry keeps content_type over a header copy
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        url, match = _url_and_matchers(entry["url"])
        mock.add(
            method=entry["method"],
            url=url,
            body=_body(entry),
            status=entry["status"],
            headers=headers or None,
            content_type=entry["content_type"],
            auto_calculate_content_length=entry["auto_calculate_content_length"],
            match=match,
        )


# -- cassettes: each recorded interaction becomes a route ---------------------------------------

MATCH_ON_PARTS: Final = ("method", "url", "query", "body")
HEADER_PREFIX: Final = "header:"


def wildcard(expected: str) -> re.Pattern[str] | None:
    """A pattern for recorded text with `REDACTED` in it (each stands for any text), or None
    when it has none and is compared as it is."""
    if REDACTED not in expected:
        return None
    return re.compile(".*?".join(re.escape(part) for part in expected.split(REDACTED)), re.S)


def text_matches(expected: str, got: str) -> bool:
    """Whether `got` is the recorded `expected`, a redacted part of it matching anything."""
    pattern = wildcard(expected)
    return expected == got if pattern is None else pattern.fullmatch(got) is not None


def data_matches(expected: Any, got: Any) -> bool:
    """JSON data compared as data, a redacted value matching anything."""
    if expected == REDACTED:  # whatever the value was (a number, a list): it matches anything
        return True
    if isinstance(expected, str):
        return isinstance(got, str) and text_matches(expected, got)
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and expected.keys() == got.keys()
            and all(data_matches(value, got[key]) for key, value in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(expected) == len(got)
            and all(data_matches(want, item) for want, item in zip(expected, got))
        )
    return type(expected) is type(got) and expected == got


def pairs_match(expected: list[tuple[str, str]], got: list[tuple[str, str]]) -> bool:
    """Query or form pairs compared in any order, each recorded pair used once."""
    if len(expected) != len(got):
        return False
    left = list(got)
    for name, value in sorted(expected, key=lambda pair: REDACTED in pair[1]):  # exact ones first
        found = next(
            (
                at
                for at, (key, sent) in enumerate(left)
                if key == name and text_matches(value, sent)
            ),
            None,
        )
        if found is None:
            return False
        del left[found]
    return True


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def query_matcher(query: str) -> Any:
    """The request's query has the recorded parameters, in any order."""
    expected = _pairs(query)

    def match(request: Any) -> tuple[bool, str]:
        got = _pairs(urlsplit(view_of(request).url).query)
        if pairs_match(expected, got):
            return True, ""
        return False, Mismatch(
            f"Query {got} doesn't match the recorded {expected}",
            subject="query",
            expected=expected,
            received=got,
        )

    return match


def path_matcher(url: str) -> Any:
    """The request's path is the recorded one exactly (a route URL ending in `/` would also
    answer the paths beneath it)."""
    expected = urlsplit(url).path

    def match(request: Any) -> tuple[bool, str]:
        got = urlsplit(view_of(request).url).path or "/"
        if got == (expected or "/"):
            return True, ""
        return False, Mismatch(f"Path {got!r} is not the recorded {expected!r}", subject="url")

    return match


def body_matcher(message: dict[str, Any]) -> Any:
    """The request's body is the recorded one: JSON and forms compared as data, anything else
    byte for byte (text with redacted parts matching anything there)."""
    is_form = is_form_type(content_type_of(message))

    def equal(view: Request) -> bool:
        sent = view.content or b""
        if "json" in message:
            return view.parsed_json is not NOT_JSON and data_matches(
                message["json"], view.parsed_json
            )
        if "body_base64" in message:
            return body_bytes(message) == sent
        text = view.text if sent else ""
        if text is None:
            return False
        if is_form:
            return pairs_match(_pairs(message.get("body", "")), _pairs(text))
        return text_matches(message.get("body", ""), text)

    def match(request: Any) -> tuple[bool, str]:
        view = view_of(request)
        if equal(view):
            return True, ""
        recorded = message.get("json", message.get("body", message.get("body_base64", "")))
        return False, Mismatch(
            f"Body {view.content!r} doesn't match the recorded {recorded!r}",
            subject="body",
            expected=recorded,
            received=view.content,
        )

    return match


def header_matcher(name: str, message: dict[str, Any]) -> Any:
    """The request's header `name` is the recorded one (absent if it was absent)."""
    expected = header_of(header_pairs(message.get("headers")), name)

    def match(request: Any) -> tuple[bool, str]:
        got = view_of(request).headers.get(name)
        if got is None or expected is None:
            matched = got is None and expected is None
        else:
            matched = text_matches(expected, got)
        if matched:
            return True, ""
        return False, Mismatch(
            f"Header {name} {got!r} doesn't match the recorded {expected!r}",
            subject="headers",
            expected=expected,
            received=got,
        )

    return match


def route_url(url: str, match_on: tuple[str, ...]) -> str | re.Pattern[str]:
    """What a route matches the URL with: the recorded URL without its query, a pattern when a
    redacted part stands for anything, or any URL when `url` is not matched on."""
    if "url" not in match_on:
        return re.compile(".*")
    bare = urlsplit(url)._replace(query="", fragment="").geturl()
    pattern = wildcard(bare)
    if pattern is not None:
        return re.compile(pattern.pattern + r"(\?.*)?$", re.S)
    return bare


def replayed(interaction: dict[str, Any], match_on: tuple[str, ...]) -> Response:
    """The route that answers a request like the recorded one as it was answered."""
    request, response = interaction["request"], interaction["response"]
    url = request["url"]
    match: list[Any] = []
    if "url" in match_on and urlsplit(url).path.endswith("/"):
        match.append(path_matcher(url))
    if "query" in match_on:
        match.append(query_matcher(urlsplit(url).query))
    if "body" in match_on:
        match.append(body_matcher(request))
    for part in match_on:
        if part.startswith(HEADER_PREFIX):
            match.append(header_matcher(part[len(HEADER_PREFIX) :], request))
    pairs = header_pairs(response.get("headers"))
    content_type = header_of(pairs, "Content-Type")
    method = request["method"].upper()
    body: bytes | tuple[bytes, ...]
    if "chunks" in response:  # answered chunked, in these chunks: it has no length
        body = chunk_bytes(response)
        pairs = [(k, v) for k, v in pairs if k.lower() != "content-length"]
    else:
        body = body_bytes(response)
        if method != "HEAD" and header_of(pairs, "Content-Length") is not None:
            # the stored body may have been edited, or re-serialised (JSON): its own length
            pairs = [(k, v) for k, v in pairs if k.lower() != "content-length"]
            pairs.append(("Content-Length", str(len(body))))
    return Response(
        method,
        route_url(url, match_on),
        body=body,
        status=response["status"],
        headers=[(k, v) for k, v in pairs if k.lower() != "content-type"] or None,
        content_type=content_type,
        match=match,
    )


def add_interactions(
    mock: Mock, interactions: list[dict[str, Any]], match_on: tuple[str, ...]
) -> list[BaseResponse]:
    """Register a route for each recorded interaction, in order (identical requests are
    answered in the recorded order, then the last answer repeats); return them."""
    return [mock.add(replayed(interaction, match_on)) for interaction in interactions]
