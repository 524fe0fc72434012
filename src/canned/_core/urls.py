"""Every URL-matching rule of canned, and nowhere else.

Owns: normalising a URL into the key that exact routes are indexed by, splitting the query into
pairs, the punycode/percent-encoding rules, which paths a `/`-ending route answers beneath it,
and responses' passthrough-prefix rule. Must not import an HTTP client: normalisation is
done with the standard library so that the same rules serve every adapter.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final, NamedTuple
from urllib.parse import parse_qsl, quote, urlsplit

from canned._core import validation

DEFAULT_PORTS: Final = {"http": 80, "https": 443, "ws": 80, "wss": 443}

# RFC 3986 unreserved characters: "%41" and "A" are the same URL, so escapes of these are decoded.
_UNRESERVED: Final = frozenset(string.ascii_letters + string.digits + "-._~")
# The characters a path may hold as they are, with nothing to encode or normalise.
_PLAIN_PATH_CHARS: Final = r"[A-Za-z0-9/:@!$&'()*+,;=._~-]"
_PLAIN_PATH: Final = re.compile(_PLAIN_PATH_CHARS + r"*\Z")
# scheme://host[:port]/path?query#fragment with an ASCII host, a plain path and no tab or line
# break: what nearly every URL is, split by one match; anything else goes through urlsplit
# (which gives the same parts, control characters escaped).
_SIMPLE_URL: Final = re.compile(
    r"([A-Za-z][A-Za-z0-9+.-]*)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?"
    rf"(/{_PLAIN_PATH_CHARS}*)?(?:\?([^#\t\n\r]*))?(?:#([^\t\n\r]*))?\Z"
)
_CONTROL_ESCAPES: Final = {ord(char): f"%{ord(char):02X}" for char in "\t\n\r"}
_ESCAPE: Final = re.compile(r"%([0-9A-Fa-f]{2})")
# Characters a path keeps as they are; the rest is percent-encoded, as requests does.
_PATH_SAFE: Final = "/%:@!$&'()*+,;=-._~"


class URLKey(NamedTuple):
    """A URL without query and fragment, normalised so that equal URLs give equal keys."""

    scheme: str
    host: str
    port: int | None
    path: str

    def __str__(self) -> str:
        """The key written as a URL (the diagnosis compares two keys as text)."""
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{self.host}{port}{self.path}"

    def with_path(self, path: str) -> URLKey:
        return self._replace(path=path)


class ParsedURL(NamedTuple):
    """A URL split once: the key that exact routes are indexed by, the raw query and fragment."""

    key: URLKey
    query: str
    fragment: str


def _normalise_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: "/a/./b/../c" is "/a/c", as clients send it."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == ".":
            continue
        if segment == "..":
            if len(kept) > 1:
                kept.pop()
            continue
        kept.append(segment)
    result = "/".join(kept)
    if path.endswith(("/.", "/..")):
        result += "/"
    return result or "/"


def normalise_path(path: str) -> str:
    """Percent-encode a path the way clients send it, with equivalent spellings made equal:
    escapes of unreserved characters decoded, other escapes upper-cased, dot segments removed."""
    if _PLAIN_PATH.match(path) and "/." not in path:
        return path or "/"  # nothing to encode or normalise: the common case, kept fast
    encoded = quote(path, safe=_PATH_SAFE)
    normalised = _ESCAPE.sub(_normalise_escape, encoded)
    if "/." in normalised:
        normalised = remove_dot_segments(normalised)
    return normalised or "/"


def normalise_host(host: str) -> str:
    """Lower-case a host and punycode it when it is not ASCII."""
    host = host.lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(host, safe="")


_tuple_new: Final = tuple.__new__


def _parse_url_uncached(url: str) -> ParsedURL:
    """Split and normalise `url`; a default port is dropped and an empty path becomes "/".

    Raises:
        ValueError: the URL has no scheme or host, or a port that is not a number.
    """
    simple = _SIMPLE_URL.match(url)
    if simple is not None:
        scheme, host, port_text, path, query, fragment = simple.groups()
        scheme = scheme.lower()
        port = int(port_text) if port_text else None
        if port is not None:
            if port > 65535:
                raise ValueError("Port out of range 0-65535")  # urlsplit's own words
            if DEFAULT_PORTS.get(scheme) == port:
                port = None
        if path is None:
            path = "/"
        elif "/." in path:
            path = remove_dot_segments(path)
        # tuple.__new__ makes the NamedTuples without a Python-level call: this runs for every
        # URL not seen before. The host is ASCII here (the pattern says so): lower-cased only.
        key = _tuple_new(URLKey, (scheme, host.lower(), port, path))
        return _tuple_new(ParsedURL, (key, query or "", fragment or ""))
    if "\t" in url or "\n" in url or "\r" in url:
        url = url.translate(_CONTROL_ESCAPES)  # urlsplit would drop them; clients escape them
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme or not parts.netloc or not parts.hostname:  # "http://:8080/" has no host
        raise ValueError(f"{url!r} is not an absolute URL (scheme://host/path)")
    host = normalise_host(parts.hostname)
    if ":" in host:  # an IPv6 literal keeps its brackets, as it is written in a URL
        host = f"[{host}]"
    port = parts.port  # raises ValueError for a port that is not a number
    if port is not None and DEFAULT_PORTS.get(scheme) == port:
        port = None
    key = URLKey(scheme, host, port, normalise_path(parts.path))
    return ParsedURL(key, parts.query, parts.fragment)


# Cached: a suite registers and asks for the same few URLs over and over, test after test. The
# logic stays an undecorated function above, so that mutation testing reaches it (mutmut does not
# mutate a decorated function); `parse_url` itself is only the cache around it.
parse_url: Final = lru_cache(maxsize=4096)(_parse_url_uncached)


def with_default_path(url: str) -> str:
    """Give a URL without a path the path "/" (responses does the same at registration)."""
    scheme_end = url.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else 0
    slash = url.find("/", start)
    if slash >= 0 and "?" not in url[start:slash] and "#" not in url[start:slash]:
        return url  # the common case: a path follows the host
    # No slash before the query or fragment: the path is empty, and "/" goes where it ends.
    end = len(url)
    for stop in "?#":
        found = url.find(stop, start)
        if found >= 0:
            end = min(end, found)
    return url[:end] + "/" + url[end:]


def query_pairs(query: str) -> list[tuple[str, str]]:
    """The query's (key, value) pairs in order, blank values kept."""
    return parse_qsl(query, keep_blank_values=True)


def group_pairs(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """`{key: value}`, or `{key: [values]}` for a key given more than once, every value kept.

    Differs from responses: repeated keys that are not next to each other keep all their values,
    in order (responses keeps the last run only).
    """
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


def parent_paths(path: str) -> list[str]:
    """The directory prefixes of `path` that a trailing-slash route may answer, longest first.

    "/users/7/posts" gives ["/users/7/", "/users/"]; the root "/" is never a prefix route.
    """
    parents = []
    end = path.rfind("/", 0, len(path) - 1 if path.endswith("/") else len(path))
    while end > 0:
        parents.append(path[: end + 1])
        end = path.rfind("/", 0, end)
    return parents


def is_prefix_route(key: URLKey) -> bool:
    """Whether a route on `key` also answers paths beneath it: its path ends in "/" (not "/")."""
    return key.path.endswith("/") and key.path != "/"


def is_beneath(got: URLKey, prefix: URLKey) -> bool:
    """Whether the request URL `got` lies beneath the `/`-ending route URL `prefix`: same scheme,
    host and port, and a path that starts with the route's."""
    return (
        is_prefix_route(prefix)
        and got.path.startswith(prefix.path)
        and got.with_path(prefix.path) == prefix
    )


def is_passthru(url: str, prefixes: Sequence[Any]) -> bool:
    """responses' prefix rule: a string prefix by `startswith`, a regex by `match`."""
    for prefix in prefixes:
        if isinstance(prefix, str):
            if url.startswith(prefix):
                return True
        elif prefix.match(url):
            return True
    return False


def clean_prefix(prefix: str | re.Pattern[str]) -> str | re.Pattern[str]:
    """A passthrough prefix as requests would send it: a unicode host punycoded and a unicode path
    percent-encoded; a regex is used as given."""
    if isinstance(prefix, re.Pattern) or prefix.isascii():
        return prefix
    parts = urlsplit(prefix)
    host = normalise_host(parts.hostname or "")
    netloc = host + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc, path=normalise_path(parts.path)).geturl()


def check_prefixes(where: str, prefixes: Any) -> tuple[str | re.Pattern[str], ...]:
    """A mock's `passthru_prefixes`: URL prefix strings or compiled regexes, cleaned."""
    if prefixes == ():
        return ()  # the default, given to nearly every mock
    if not isinstance(prefixes, (tuple, list)) or not all(
        isinstance(p, (str, re.Pattern)) and p != "" for p in prefixes
    ):
        expected = "a tuple of URL prefix strings or compiled regexes"
        validation.reject(where, "passthru_prefixes", expected, prefixes)
    return tuple(clean_prefix(p) for p in prefixes)
