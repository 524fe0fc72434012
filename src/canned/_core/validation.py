"""Every bad-argument message, in one shape.

Owns: the checks that reject bad input where it is given (at `add`, not at request time) and the
text of their errors: `TypeError("add(): status must be an int from 0 to 999, got '200' (str)")`.
Imports nothing from the rest of canned.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, NoReturn


def class_call(cls: type) -> str:
    """How errors name a constructor call: `ClassName()`."""
    return f"{cls.__name__}()"


def shown(value: Any) -> str:
    """A value as error messages show it: its repr (shortened) and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def reject(
    where: str, name: str, expected: str, value: Any, *, error: type = TypeError
) -> NoReturn:
    raise error(f"{where}: {name} must be {expected}, got {shown(value)}")


def check_method(where: str, method: Any) -> str:
    if not isinstance(method, str) or not method.strip():
        reject(where, "method", "an HTTP method string such as 'GET'", method)
    return method.strip().upper()


def reject_url(where: str, url: Any) -> NoReturn:
    """Refuse a route URL that no request could match: not a string (a compiled regex is
    matched, not parsed), or a string that is not an absolute URL."""
    if not isinstance(url, str):
        reject(where, "url", "a URL string or a compiled regex", url)
    reject(where, "url", "an absolute URL such as 'https://api.test/path'", url, error=ValueError)


def check_status(where: str, status: Any) -> int:
    if isinstance(status, bool) or not isinstance(status, int):
        reject(where, "status", "an int from 0 to 999", status)
    if not 0 <= status <= 999:
        reject(where, "status", "an int from 0 to 999", status, error=ValueError)
    return status


def check_json(where: str, value: Any) -> str:
    """Serialise `json=` now, so an unserialisable value fails at registration."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{where}: json must be serialisable to JSON, got {shown(value)}: {exc}"
        ) from exc


def check_headers(where: str, headers: Any) -> tuple[tuple[str, str], ...]:
    """A mapping or a list of (name, value) pairs, as header pairs in order."""
    if headers is None:
        return ()
    items: Any
    if isinstance(headers, Mapping):
        items = headers.items()
    elif isinstance(headers, (list, tuple)):
        items = headers
    else:
        reject(where, "headers", "a dict or a list of (name, value) pairs", headers)
    pairs = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2) and not (
            isinstance(item, list) and len(item) == 2
        ):
            reject(where, "headers", "a dict or a list of (name, value) pairs", headers)
        name, value = item
        if not isinstance(name, str) or not name.strip():
            reject(where, "headers", "pairs whose names are non-empty strings", name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, (str, bytes)):
            reject(where, f"headers[{name!r}]", "a str", value)
        pairs.append((name, value.decode("latin-1") if isinstance(value, bytes) else value))
    return tuple(pairs)


def check_callable(where: str, name: str, value: Any) -> None:
    if not callable(value):
        reject(where, name, "callable", value)


def check_matchers(where: str, match: Any) -> tuple[Any, ...]:
    if isinstance(match, (str, bytes)) or not hasattr(match, "__iter__"):
        reject(where, "match", "a list or tuple of matchers", match)
    matchers = tuple(match)
    for matcher in matchers:
        if not callable(matcher):
            reject(where, "each matcher in match", "callable (request) -> (bool, str)", matcher)
    return matchers


def check_no_positional(where: str, args: tuple[Any, ...]) -> None:
    """responses drops stray positional arguments silently; canned refuses them: a stray value
    is a mistake."""
    if args:
        raise TypeError(
            f"{where}: takes method, url, body and adding_headers positionally; pass the rest "
            f"by keyword, got extra positional {', '.join(shown(a) for a in args)}"
        )


def check_bool(where: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        reject(where, name, "True or False", value)
    return value


def check_prefix(where: str, prefix: Any) -> str | re.Pattern[str]:
    if not isinstance(prefix, (str, re.Pattern)) or prefix == "":
        reject(where, "prefix", "a non-empty URL prefix string or a compiled regex", prefix)
    return prefix


def check_count(where: str, name: str, value: Any, least: int = 0) -> int:
    """A count: an int from `least` up (not a bool)."""
    if type(value) is not int or value < least:
        error = ValueError if type(value) is int else TypeError
        reject(where, name, f"an int from {least} up", value, error=error)
    return int(value)  # checked to be an int


def check_seconds(where: str, name: str, value: Any) -> float:
    """A duration: a number of seconds from 0 up (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        reject(where, name, "a number of seconds from 0 up, or a (low, high) range", value)
    if not 0 <= value < math.inf:  # infinity is no answer ever: no client can wait for it
        reject(where, name, "a finite number of seconds from 0 up", value, error=ValueError)
    return float(value)


def check_name(where: str, name: str, value: Any) -> str:
    """A scenario or state name: a non-empty str."""
    if not isinstance(value, str) or not value:
        reject(where, name, "a non-empty str", value)
    return value
