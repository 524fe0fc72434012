"""Answer headers: the pairs an answer carries, writable by name, and the default Content-Type.

Owns: `HeaderPairs` (header pairs in order, repeats kept, that also read and write by name as
responses' `HTTPHeaderDict` does) and the default Content-Type rules shared by every route kind.
Imports nothing else of canned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

# One shared header tuple per default Content-Type: most routes answer with one of a few.
_CONTENT_TYPES: dict[str, tuple[tuple[str, str], ...]] = {}


class _Unset:
    """The default of an argument that was not given (shown as `_UNSET` in signatures)."""

    def __repr__(self) -> str:
        return "_UNSET"


UNSET: Final = _Unset()


class HeaderPairs(list[tuple[str, str]]):
    """Answer headers as (name, value) pairs in order, repeated names kept, that can also be
    written by name as responses' `HTTPHeaderDict` is, so that a `get_headers` override written
    for responses (`headers = super().get_headers(); headers["X-A"] = "1"`) works unchanged.

    A name (a str) in `[]`, `in`, `del`, `get` and `pop` is looked up in any case; `h[name] = v`
    replaces every value of that name; `add` and `extend` (pairs or a mapping) append; `update`
    replaces name by name. An int or a slice indexes the list.
    """

    def _positions(self, name: str) -> list[int]:
        lowered = name.lower()
        return [i for i, (key, _) in enumerate(self) if key.lower() == lowered]

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, str):
            return super().__getitem__(key)
        lowered = key.lower()
        values = [value for name, value in self if name.lower() == lowered]
        if not values:
            raise KeyError(key)
        return ", ".join(values)

    def __setitem__(self, key: Any, value: Any) -> None:
        if not isinstance(key, str):
            super().__setitem__(key, value)
            return
        positions = self._positions(key)
        if not positions:
            self.append((key, value))
            return
        super().__setitem__(positions[0], (key, value))
        for position in reversed(positions[1:]):
            super().__delitem__(position)

    def __delitem__(self, key: Any) -> None:
        if not isinstance(key, str):
            super().__delitem__(key)
            return
        positions = self._positions(key)
        if not positions:
            raise KeyError(key)
        for position in reversed(positions):
            super().__delitem__(position)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return bool(self._positions(item))
        return super().__contains__(item)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if self._positions(name) else default

    def pop(self, key: Any = -1, default: Any = UNSET) -> Any:
        if not isinstance(key, str):
            return super().pop(key)
        if not self._positions(key):
            if default is UNSET:
                raise KeyError(key)
            return default
        value = self[key]
        del self[key]
        return value

    def add(self, name: str, value: str) -> None:
        self.append((name, value))

    def extend(self, items: Any) -> None:
        super().extend(items.items() if isinstance(items, Mapping) else items)

    def update(self, items: Any = (), **more: str) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        for name, value in [*pairs, *more.items()]:
            self[name] = value


def has_content_type(headers: Sequence[tuple[str, str]]) -> bool:
    return any(name.lower() == "content-type" for name, _ in headers)


def content_type_pair(content_type: str) -> tuple[tuple[str, str], ...]:
    """`(("Content-Type", content_type),)`, one shared tuple for each of the usual types."""
    pair = _CONTENT_TYPES.get(content_type)
    if pair is None:
        pair = (("Content-Type", content_type),)
        if len(_CONTENT_TYPES) < 64:  # a few types recur; odd ones are not kept
            _CONTENT_TYPES[content_type] = pair
    return pair


def decoded(body: bytes, content_encoding: str | None) -> bytes:
    """`body` decoded from its Content-Encoding (gzip, deflate; br when `brotli` is installed),
    as a client that decodes answers reads it; an unknown or failing encoding leaves it as is."""
    if not content_encoding or not body:
        return body
    import zlib

    for coding in reversed([part.strip().lower() for part in content_encoding.split(",")]):
        try:
            if coding in ("gzip", "x-gzip"):
                body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
            elif coding == "deflate":
                try:
                    body = zlib.decompress(body)
                except zlib.error:  # raw deflate, as some servers send it
                    body = zlib.decompress(body, -zlib.MAX_WBITS)
            elif coding == "br":
                import brotli  # type: ignore[import-not-found]  # optional

                body = brotli.decompress(body)
            elif coding != "identity":
                return body
        except (zlib.error, ImportError, OSError):
            return body
    return body
