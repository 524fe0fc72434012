"""Secrets out of recorded files: which names carry credentials, and replacing their values.

Owns the default lists (secret headers, query parameters and body fields), the placeholder that
replaces a secret (`REDACTED`), `Redactor` (the defaults plus a cassette's `redact=` and `keep=`
rules, applied to one interaction's data, collecting every value it took out) and `find_secrets`,
the scan of a whole document for any of those values. Imports nothing of canned but `errors`.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, Union
from urllib.parse import unquote, unquote_plus

REDACTED: Final = "REDACTED"

# Headers whose whole value is a credential (names compared in lower case).
SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey",
     "x-auth-token", "x-csrf-token", "x-xsrf-token", "x-amz-security-token",
     "x-goog-api-key", "private-token", "x-access-token"}
)  # fmt: skip
# Any other header whose name says it carries one.
SECRET_HEADER_WORDS: Final = re.compile(r"token|secret|api[-_]?key|password|signature", re.I)
# Query parameters and JSON or form fields (lower case, `-` read as `_`).
SECRET_NAMES: Final = frozenset(
    {"token", "access_token", "refresh_token", "id_token", "api_key", "apikey", "key",
     "private_token", "api_token", "auth_token", "oauth_token", "client_secret", "password",
     "passwd", "secret", "secret_key", "signature", "sig", "session_token", "x_api_key"}
)  # fmt: skip
# AWS and Google signing parameters: every X-Amz-* and X-Goog-* query parameter.
SECRET_PREFIXES: Final = ("x_amz_", "x_goog_")
# Headers whose value holds URLs, whose secret query parameters are redacted in place.
URL_HEADERS: Final = frozenset({"location", "content-location", "link", "refresh"})
# `name=value` of a query string inside any text (a URL, a Link header, a Refresh header).
QUERY_PARAMETER: Final = re.compile(r"(?<=[?&;])([^=&#\s;<>\"']+)=([^&#\s;<>\"']*)")
# A secret shorter than this is not looked for in the written file ("1" would be everywhere).
SCANNED_LENGTH: Final = 6

Rule = Union[str, "re.Pattern[str]", Callable[[dict[str, Any]], Any]]


def normal_name(name: str) -> str:
    """A parameter or field name as the lists hold it: lower case, `-` as `_`."""
    return name.strip().lower().replace("-", "_")


def is_secret_header(name: str) -> bool:
    """Whether the default rules redact header `name` (any case)."""
    return name.lower() in SECRET_HEADERS or SECRET_HEADER_WORDS.search(name) is not None


def is_secret_name(name: str) -> bool:
    """Whether the default rules redact a query parameter or body field called `name`."""
    normal = normal_name(name)
    return normal in SECRET_NAMES or normal.startswith(SECRET_PREFIXES)


def redact_url(url: str) -> str:
    """The URL with the values of secret query parameters replaced by `REDACTED`."""
    return Redactor().text_with_parameters(url)


class Redactor:
    """The default rules plus a cassette's own: `redact` adds names (headers, query parameters
    and body fields, any case), compiled regexes (each match in any URL, header value or body
    is replaced) and callables (given each interaction's data, already redacted; they change it
    in place or return a new one); `keep` names what the defaults must leave as it is.

    `secrets` collects every value taken out, so the written file can be scanned for them.
    """

    def __init__(self, redact: Iterable[Rule] = (), keep: Iterable[str] = ()) -> None:
        rules = list(redact)
        self.names = frozenset(normal_name(r) for r in rules if isinstance(r, str))
        self.patterns = [r for r in rules if isinstance(r, re.Pattern)]
        self.callables = [r for r in rules if callable(r) and not isinstance(r, re.Pattern)]
        self.kept = frozenset(normal_name(name) for name in keep)
        self.secrets: set[str] = set()

    # -- what is secret ----------------------------------------------------------------------

    def is_secret_header(self, name: str) -> bool:
        normal = normal_name(name)
        if normal in self.kept:
            return False
        return normal in self.names or is_secret_header(name)

    def is_secret_name(self, name: str) -> bool:
        normal = normal_name(name)
        if normal in self.kept:
            return False
        return normal in self.names or is_secret_name(name)

    def taken(self, value: str) -> str:
        """Remember `value` (and its parts a server may echo) as a secret; `REDACTED`."""
        if value and value != REDACTED:
            self.secrets.add(value)
            parts = value.split(None, 1)  # "Bearer abc": the credential alone too
            if len(parts) == 2:
                self.secrets.add(parts[1].strip())
                if parts[0].lower() == "basic":
                    self._add_basic(parts[1].strip())
        return REDACTED

    def _add_basic(self, encoded: str) -> None:
        try:
            user_password = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return
        self.secrets.add(user_password)
        self.secrets.add(user_password.partition(":")[2])

    # -- redacting ---------------------------------------------------------------------------

    def text_with_parameters(self, text: str) -> str:
        """`text` (a URL, or a header holding URLs) with secret query values redacted in place;
        the rest of it is kept byte for byte."""

        def replace(found: re.Match[str]) -> str:
            name, value = found.group(1), found.group(2)
            if not value or value == REDACTED or not self.is_secret_name(unquote_plus(name)):
                return found.group(0)
            self.taken(value)
            self.taken(unquote_plus(value))
            return f"{name}={REDACTED}"

        return QUERY_PARAMETER.sub(replace, text) if "=" in text else text

    def header_value(self, name: str, value: str) -> str:
        """One header's value as it is written."""
        lowered = name.lower()
        if lowered == "set-cookie" and normal_name(name) not in self.kept:
            return self.set_cookie(value)
        if lowered == "cookie" and normal_name(name) not in self.kept:
            for part in value.split(";"):  # each cookie's value is a secret of its own
                self.taken(part.partition("=")[2].strip())
        if self.is_secret_header(name):
            return self.taken(value)
        if lowered in URL_HEADERS:
            return self.text_with_parameters(value)
        return value

    def set_cookie(self, value: str) -> str:
        """A Set-Cookie value with only the cookie's value redacted: its name and attributes
        stay, so a replayed cookie lands in the jar under its name."""
        cookie, separator, attributes = value.partition(";")
        name, equals, secret = cookie.partition("=")
        if not equals or not secret.strip():
            return value
        self.taken(secret.strip().strip('"'))
        return f"{name}={REDACTED}{separator}{attributes}"

    def fields(self, data: Any) -> Any:
        """JSON data with the values of secret fields redacted, at any depth."""
        if isinstance(data, dict):
            redacted = {}
            for key, value in data.items():
                if isinstance(key, str) and self.is_secret_name(key) and value is not None:
                    for secret in scalars(value):
                        self.taken(secret)
                    redacted[key] = REDACTED
                else:
                    redacted[key] = self.fields(value)
            return redacted
        if isinstance(data, list):
            return [self.fields(item) for item in data]
        return data

    def form(self, text: str) -> str:
        """A form body (`a=1&password=x`) with secret fields redacted in place."""
        return self.text_with_parameters("&" + text)[1:]

    def patterns_in(self, text: str) -> str:
        """`text` with every match of the user's regexes redacted."""
        for pattern in self.patterns:

            def replace(found: re.Match[str]) -> str:
                return self.taken(found.group(0))

            text = pattern.sub(replace, text)
        return text

    def message(self, message: dict[str, Any], *, is_form: bool) -> None:
        """Redact one request or response of an interaction's data, in place."""
        if "url" in message:
            message["url"] = self.patterns_in(self.text_with_parameters(message["url"]))
        headers = message.get("headers") or {}
        for name, value in list(headers.items()):
            if isinstance(value, list):
                headers[name] = [self.patterns_in(self.header_value(name, v)) for v in value]
            else:
                headers[name] = self.patterns_in(self.header_value(name, value))
        if "json" in message:
            message["json"] = self.fields(message["json"])
            if self.patterns:
                text = self.patterns_in(json.dumps(message["json"]))
                message["json"] = json.loads(text)
        elif "body" in message:
            body = self.form(message["body"]) if is_form else message["body"]
            message["body"] = self.patterns_in(body)
        elif "chunks" in message:
            message["chunks"] = self.chunks(message["chunks"])

    def chunks(self, chunks: list[Any]) -> list[Any]:
        """A chunked answer's chunks, redacted line by line across them (JSON lines, and
        server-sent events' `data:` lines, by their fields; every line by the user's regexes),
        or as one JSON document when their text is one. A chunk boundary inside a line that
        changed moves to the end of that line; a binary chunk (`{base64: ...}`) is kept as it
        is and only scanned."""
        kept: list[Any] = []
        for is_text, run in itertools.groupby(chunks, key=lambda chunk: isinstance(chunk, str)):
            pieces = list(run)
            kept.extend(rechunked(pieces, self.text_line) if is_text else pieces)
        return kept

    def text_line(self, line: str) -> str:
        """One line of a chunked answer (or its whole text, a JSON document), redacted: JSON
        (alone, or a server-sent event's `data:` field) rewritten only when a field changed."""
        text = line.strip()
        lead = line[: len(line) - len(line.lstrip())]
        field = "data:" if text.startswith("data:") else ""
        try:
            data = json.loads(text[len(field) :])
        except ValueError:
            data = None
        if isinstance(data, (dict, list)):
            redacted = self.fields(data)
            if redacted != data:
                rest = text[len(field) :]
                gap = rest[: len(rest) - len(rest.lstrip())]
                trail = line[len(lead) + len(text) :]
                line = f"{lead}{field}{gap}{json.dumps(redacted)}{trail}"
        return self.patterns_in(line)

    def interaction(self, data: dict[str, Any], *, request_form: bool, response_form: bool) -> Any:
        """One interaction's data (`{"request": ..., "response": ...}`), redacted."""
        self.message(data["request"], is_form=request_form)
        self.message(data["response"], is_form=response_form)
        for rule in self.callables:
            changed = rule(data)
            if changed is not None:
                data = changed
        return data


def rechunked(chunks: list[str], rewrite: Callable[[str], str]) -> list[str]:
    """Text `chunks` with each line of their joined text (or the whole text, when it is one
    JSON document) passed through `rewrite`, cut again where they were cut: within a line
    that changed, at its end. Chunks left empty are dropped."""
    joined = "".join(chunks)
    cuts: list[int] = list(itertools.accumulate(len(chunk) for chunk in chunks))[:-1]
    try:
        json.loads(joined)
        lines = [joined]
    except ValueError:
        lines = joined.splitlines(keepends=True)
    written: list[str] = []
    moved: list[int] = []
    start = length = 0
    for line in lines:
        end = start + len(line)
        new = rewrite(line)
        while cuts and cuts[0] < end:
            at = cuts.pop(0)
            moved.append(length + (at - start if new == line or at == start else len(new)))
        written.append(new)
        start, length = end, length + len(new)
    text = "".join(written)
    edges = [0, *moved, len(text)]
    pieces = (text[left:right] for left, right in zip(edges, edges[1:]))
    return [piece for piece in pieces if piece]


def scalars(value: Any) -> Iterator[str]:
    """Every scalar inside JSON data, as text."""
    if isinstance(value, dict):
        for item in value.values():
            yield from scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from scalars(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def _strings(data: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string of a document's data with where it sits (`interactions[2].response.body`);
    a base64 body is decoded first, so a secret inside it is found too."""
    if isinstance(data, dict):
        for key, value in data.items():
            inner = f"{where}.{key}" if where else str(key)
            if key == "body_base64" and isinstance(value, str):
                yield inner, _decoded(value)
            elif key == "chunks" and isinstance(value, list):
                yield inner, str(key)
                yield from _chunk_strings(value, inner)
            else:
                yield inner, str(key)
                yield from _strings(value, inner)
    elif isinstance(data, list):
        for number, item in enumerate(data):
            yield from _strings(item, f"{where}[{number}]")
    elif data is not None:
        yield where, str(data)


def _decoded(value: str) -> str:
    """A base64 value's bytes as text (Latin-1: any byte reads), or the value itself when it
    is not base64."""
    try:
        return base64.b64decode(value).decode("latin-1")
    except (binascii.Error, ValueError):
        return value


def _chunk_strings(chunks: list[Any], where: str) -> Iterator[tuple[str, str]]:
    """Each chunk's text (a binary one's bytes decoded), then all of them joined, where a
    secret cut in two by a chunk boundary is whole."""
    texts = []
    for number, chunk in enumerate(chunks):
        text = _decoded(str(chunk.get("base64"))) if isinstance(chunk, dict) else str(chunk)
        texts.append(text)
        yield f"{where}[{number}]", text
    if len(texts) > 1:
        yield where, "".join(texts)


def find_secrets(data: Any, secrets: Iterable[str]) -> list[str]:
    """Where in `data` a secret appears (as sent, or percent-decoded), one place per line; a
    secret found in a chunk is not named again for the chunks joined."""
    wanted = sorted({s for s in secrets if len(s) >= SCANNED_LENGTH and s != REDACTED}, key=len)
    if not wanted:
        return []
    places: list[str] = []
    for where, text in _strings(data, ""):
        readings = {text, unquote(text), unquote_plus(text)}
        named = bool(places) and places[-1].startswith(f"{where}[")  # in one of its chunks
        if not named and any(secret in reading for secret in wanted for reading in readings):
            places.append(where)
    return places
