"""The matchers that read the request body: JSON, form fields, plain text and multipart.

Owns: the body factories of responses' `responses.matchers` (`json_params_matcher`,
`urlencoded_params_matcher`, `body_matcher`, `multipart_matcher`), with the same names, parameters
and reason texts (character for character: responses' values, in responses' order), and the
multipart encoding and parsing they compare with. On the usual path a matcher reads the request
view an adapter attached, parsed once per request; handed any other object (a test's stand-in), it
reads only the attributes responses' matcher reads (`body`, `headers`). On a miss it returns a
`Mismatch` that also lists each difference for the diagnosis. Factories check their arguments
when called, at registration. Takes the `Matcher` shape and shared helpers from `matching`; must
not import an HTTP client, and `matching` must not import this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Final, NamedTuple
from urllib.parse import parse_qsl

from canned._core import validation
from canned._core.matching import (
    MATCHED,
    NO_MATCH,
    MatcherFunction,
    named,
    pairs_differences,
    request_headers,
)
from canned._core.mismatch import Mismatch, json_differences
from canned._core.request import NOT_JSON, Request, attached_view, to_bytes

NON_STRICT_HINT: Final = (
    "\nNote: You use non-strict parameters check, to change it use `strict_match=True`."
)


# -- what a body matcher reads -------------------------------------------------------------------
# As in `matching`: an adapter's request carries its view; a stand-in is read only for the
# attribute responses' matcher reads, so a test's `SimpleNamespace(body=...)` works as it does
# with responses.


def _body_view(request: Any) -> Request:
    """A view whose body is `request`'s: the attached one, or one made from `.body` alone."""
    view = attached_view(request)
    return view if view is not None else Request("POST", "", body=to_bytes(request.body))


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
    `params` (with `strict_match=False`, keys the request adds are ignored).

    A gzip-compressed body (one that is not UTF-8, as gzip's magic bytes never are) is
    decompressed first, whatever `Content-Encoding` says, as responses does.
    Differs: `params=None` matches only a request without body (responses also matches `{}`).
    """
    where = "json_params_matcher()"
    if params is not None and not isinstance(params, (Mapping, list)):
        validation.reject(where, "params", "a dict, a list or None", params)
    validation.check_bool(where, "strict_match", strict_match)
    expected = dict(params) if isinstance(params, Mapping) else params
    shown = expected if isinstance(expected, list) else (expected or {})  # responses' `params`
    hint = "" if strict_match else NON_STRICT_HINT

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = _body_view(request)
        if view.content is None:
            if expected is None:
                return MATCHED
            if not explain:
                return NO_MATCH  # the registry only asks whether: skip the text
            return False, Mismatch(
                f"request.body doesn't match: {{}} doesn't match {shown}{hint}",
                subject="json",
                differences=["body: expected JSON, got no body"],
                expected=expected,
            )
        received = view.parsed_json
        if received is NOT_JSON:
            return False, Mismatch(
                "request.body doesn't match: JSONDecodeError: Cannot parse request.body",
                subject="json",
                differences=["body: not JSON"],
            )
        if not strict_match:
            received = _filter_json(received, shown)
        if expected is not None and received == expected:
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        return False, Mismatch(
            f"request.body doesn't match: {received} doesn't match {shown}{hint}",
            subject="json",
            differences=["body: expected none"]
            if expected is None
            else json_differences(expected, received),
            expected=expected,
            received=received,
        )

    return named("json_params_matcher", match)


def _form_as_sent(request: Any, view: Request, allow_blank: bool) -> dict[Any, Any]:
    """The form body as responses parses it for its reason: as bytes pairs when the client sent
    bytes (canned's own views show text)."""
    sent = view.text if request is view else request.body
    if not sent:
        return {}
    try:
        return dict(parse_qsl(sent, keep_blank_values=allow_blank))
    except UnicodeDecodeError:  # bytes that are not ASCII: show them as text
        return dict(parse_qsl(view.text or "", keep_blank_values=allow_blank))


def urlencoded_params_matcher(
    params: Mapping[str, str] | None, *, allow_blank: bool = False, strict_match: bool = True
) -> MatcherFunction:
    """Same as `responses.matchers.urlencoded_params_matcher`: the form body equals `params`
    (repeated keys keep the last value; `strict_match=False` ignores extra keys).

    Differs: a bytes body matches too (responses compares its bytes pairs with `params`' text).
    """
    where = "urlencoded_params_matcher()"
    if params is not None and not isinstance(params, Mapping):
        validation.reject(where, "params", "a dict or None", params)
    validation.check_bool(where, "allow_blank", allow_blank)
    validation.check_bool(where, "strict_match", strict_match)
    expected = dict(params) if params is not None else None
    shown = expected or {}  # responses' `params`
    hint = "" if strict_match else NON_STRICT_HINT  # responses #796

    def explained(request: Any, view: Request, received: dict[str, str]) -> tuple[bool, str]:
        as_sent = _form_as_sent(request, view, allow_blank)
        if not strict_match:
            as_sent = {key: value for key, value in as_sent.items() if key in shown}
        if expected is None:
            differences = ["body: expected none"]
        else:
            differences = pairs_differences(
                "form field", expected, received, strict=strict_match
            ) or [f"form: expected {expected!r}, got {received!r}"]
        return False, Mismatch(
            f"request.body doesn't match: {as_sent} doesn't match {shown}{hint}",
            subject="form",
            differences=differences,
            expected=expected,
            received=received,
        )

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = _body_view(request)
        if expected is None and view.content is None:
            return MATCHED
        received = dict(parse_qsl(view.text or "", keep_blank_values=allow_blank))
        if expected is not None:
            compared = received
            if not strict_match and expected:
                compared = {key: value for key, value in received.items() if key in expected}
            if compared == expected:
                return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        return explained(request, view, received)

    return named("urlencoded_params_matcher", match)


def body_matcher(params: str, *, allow_blank: bool = False) -> MatcherFunction:
    """Same as `responses.matchers.body_matcher`: the body, as text, equals `params` exactly."""
    where = "body_matcher()"
    if not isinstance(params, str):
        validation.reject(where, "params", "a str", params)
    validation.check_bool(where, "allow_blank", allow_blank)

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = attached_view(request)
        body = request.body if view is None else view.content
        if isinstance(body, (bytes, bytearray)):
            received = bytes(body).decode("utf-8", "replace")
        else:
            received = str(body)
        if received == params:  # responses' quirk kept: "None" matches a request with no body
            return MATCHED
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        return False, Mismatch(
            f"request.body doesn't match {params} doesn't match {received}",
            subject="body",
            differences=[f"body: expected {params!r}, got {received!r}"],
            expected=params,
            received=received,
        )

    return named("body_matcher", match)


# -- multipart ---------------------------------------------------------------------------------


class _Part(NamedTuple):
    """One multipart field as requests encodes it from `files=` and `data=`."""

    name: str
    filename: str | None
    content_type: str | None
    headers: tuple[tuple[str, str], ...]  # a 4-tuple file's own headers
    content: bytes


def _file_content(value: Any) -> bytes:
    """A file's content as bytes; a file object is read and put back where it was."""
    if hasattr(value, "read"):
        position = value.tell() if hasattr(value, "tell") else None
        read = value.read()
        if position is not None and hasattr(value, "seek"):
            value.seek(position)
        value = read
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("utf-8")  # urllib3 writes a number as its text


def _file_name(value: Any) -> str | None:
    """The file name requests takes from a file object's `name`, if it has a usable one."""
    name = getattr(value, "name", None)
    if isinstance(name, str) and name and name[0] != "<" and name[-1] != ">":
        return os.path.basename(name)
    return None


def _requests_parts(files: Mapping[str, Any], data: Mapping[str, Any] | None) -> list[_Part]:
    """The fields requests would send for `files` and `data`, in its order: fields, then files.

    A field's list gives one part per item and None is left out; a file is `content`, a file
    object, or a `(filename, content[, content_type[, headers]])` tuple; a None content is left
    out.
    """
    parts: list[_Part] = []
    for name, value in (data or {}).items():
        values = (
            value if hasattr(value, "__iter__") and not isinstance(value, (str, bytes)) else [value]
        )
        parts.extend(
            _Part(name, None, None, (), item if isinstance(item, bytes) else str(item).encode())
            for item in values
            if item is not None
        )
    for name, value in files.items():
        content_type: str | None = None
        headers: tuple[tuple[str, str], ...] = ()
        if isinstance(value, (tuple, list)):
            filename, content = value[0], value[1]
            if len(value) > 2:
                content_type = value[2]
            if len(value) > 3 and value[3]:
                headers = tuple(dict(value[3]).items())
        else:
            filename, content = _file_name(value) or name, value
        if content is not None:
            parts.append(_Part(name, filename, content_type, headers, _file_content(content)))
    return parts


_PARAMETER_ESCAPES: Final = {10: "%0A", 13: "%0D", 34: "%22"}
_PLACED_HEADERS: Final = ("Content-Disposition", "Content-Type", "Content-Location")


def _parameter(name: str, value: str | bytes) -> str:
    """A Content-Disposition parameter as urllib3 writes it: `\\n`, `\\r` and `"` escaped."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return f'{name}="{value.translate(_PARAMETER_ESCAPES)}"'


def _encoded(parts: list[_Part], boundary: bytes) -> bytes:
    """`parts` as requests (through urllib3) encodes a multipart/form-data body."""
    chunks = []
    for part in parts:
        disposition = "form-data; " + _parameter("name", part.name)
        if part.filename is not None:
            disposition += "; " + _parameter("filename", part.filename)
        lines = [f"Content-Disposition: {disposition}"]
        if part.content_type:
            lines.append(f"Content-Type: {part.content_type}")
        lines.extend(
            f"{name}: {value}"
            for name, value in part.headers
            if name not in _PLACED_HEADERS and value
        )
        head = "\r\n".join([*lines, "\r\n"])
        chunks += [b"--" + boundary + b"\r\n", head.encode("utf-8"), part.content, b"\r\n"]
    chunks.append(b"--" + boundary + b"--\r\n")
    return b"".join(chunks)


def _multipart_reason(parts: list[_Part], headers: Mapping[str, str], body: Any) -> str:
    """responses' reason (after its prefix) for a request, or "" when responses matches it: the
    Content-Type and then the body requests would send, with the request's boundary."""
    if "Content-Type" not in headers:
        return "Request is missing the 'Content-Type' header"
    content_type = headers["Content-Type"]
    boundary = content_type.split("boundary=")[1] if "boundary=" in content_type else ""
    expected_type = f"multipart/form-data; boundary={boundary}"
    if content_type != expected_type:
        return (
            f"Request headers['Content-Type'] is different. {content_type} "
            f"isn't equal to {expected_type}"
        )
    expected_body = _encoded(parts, boundary.encode("utf-8"))
    if body != expected_body:
        return f"Request body differs. {body!s} aren't equal {expected_body!s}"
    return ""


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
    files and fields (names, file names, content types and contents).

    A request matches when it sends the same parts in any order, or (as in responses) exactly
    the body requests would send for `files` and `data`.
    """
    where = "multipart_matcher()"
    if not files:
        raise TypeError("files argument cannot be empty")
    if not isinstance(files, Mapping):
        validation.reject(where, "files", "a dict of field name to file", files)
    if data is not None and not isinstance(data, Mapping):
        validation.reject(where, "data", "a dict or None", data)
    parts = _requests_parts(files, data)
    expected = sorted(
        ((part.name, part.filename, part.content_type, part.content) for part in parts), key=repr
    )
    prefix = "multipart/form-data doesn't match. "

    def match(request: Any, explain: bool = True) -> tuple[bool, str]:
        view = attached_view(request)
        headers = request_headers(request, view)
        body = view.content if request is view else request.body  # as sent: shown in the reason
        content_type = headers.get("Content-Type", "")
        boundary = re.search(r'boundary="?([^";]+)"?', content_type)
        received = None
        if content_type.startswith("multipart/form-data") and boundary is not None:
            received = _received_parts(to_bytes(body) or b"", boundary.group(1))
            if received == expected:
                return MATCHED
        reason = _multipart_reason(parts, headers, body)
        if not reason:
            return MATCHED  # the very bytes requests sends: responses matches them
        if not explain:
            return NO_MATCH  # the registry only asks whether: skip the text
        if boundary is None or not content_type.startswith("multipart/form-data"):
            lines = [f"Content-Type: expected multipart/form-data, got {content_type!r}"]
        elif received is None:
            lines = [f"body: not multipart with boundary {boundary.group(1)!r}"]
        else:
            names = {part[0] for part in expected} | {part[0] for part in received}
            lines = []
            for name in sorted(n for n in names if n is not None):
                want = [part[1:] for part in expected if part[0] == name]
                got = [part[1:] for part in received if part[0] == name]
                if want != got:
                    lines.append(f"part {name!r}: expected {want!r}, got {got!r}")
        return False, Mismatch(
            prefix + reason,
            subject="multipart",
            differences=lines,
            expected=expected,
            received=received,
        )

    return named("multipart_matcher", match)


__all__ = [
    "body_matcher",
    "json_params_matcher",
    "multipart_matcher",
    "urlencoded_params_matcher",
]
