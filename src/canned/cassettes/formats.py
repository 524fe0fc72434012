"""Building the recorded data from routes, and writing it to a file atomically.

Owns `dump_data` (responses' `_dump` structure), the default-header stripping (names in any
case), binary bodies (base64 when not UTF-8 text) and `write_atomically`. YAML is imported only
when written.
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, Final

from canned._core.routes import BaseResponse
from canned.cassettes.redaction import redact_headers, redact_url

DEFAULT_HEADERS: Final = frozenset(
    {"content-length", "content-type", "date", "server", "connection", "content-encoding"}
)


def remove_default_headers(data: Any) -> Any:
    """Same as responses: in a recorded document (`{"responses": [{"response": {...}}, ...]}`),
    drop from each entry the headers a server adds by itself, and `headers` when it ends up empty;
    changes `data` in place and returns it; anything but a dict is returned unchanged.
    Differs: header names are compared ignoring case (responses keeps `content-length`), and an
    entry without `headers` is skipped (responses raises `KeyError`)."""
    if isinstance(data, dict):
        for item in data["responses"]:
            drop_default_headers(item["response"])
    return data


def drop_default_headers(entry: dict[str, Any]) -> dict[str, Any]:
    """In one recorded entry, drop the headers a server adds by itself, whatever their case, and
    `headers` when it ends up empty."""
    headers = entry.get("headers")
    if headers:
        kept = {
            name: value for name, value in headers.items() if name.lower() not in DEFAULT_HEADERS
        }
        if kept:
            entry["headers"] = kept
        else:
            del entry["headers"]
    elif "headers" in entry:
        del entry["headers"]
    return entry


def route_data(route: BaseResponse, *, keep_headers: bool = False) -> dict[str, Any]:
    """One route as a recorded entry, secrets redacted; bytes that are not text go in base64."""
    body = getattr(route, "body", "")
    entry: dict[str, Any] = {
        "method": route.method,
        "url": redact_url(str(route.url)),
        "status": getattr(route, "status", 200),
        "headers": redact_headers(dict(getattr(route, "headers", None) or {})),
        "content_type": route.content_type,
        "auto_calculate_content_length": getattr(route, "auto_calculate_content_length", False),
    }
    if isinstance(body, bytes):
        try:
            entry["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            entry["body_base64"] = base64.b64encode(body).decode("ascii")
    else:
        entry["body"] = body
    entry = {key: value for key, value in entry.items() if value is not None}
    if not keep_headers:
        drop_default_headers(entry)
    elif not entry.get("headers"):
        entry.pop("headers", None)
    return entry


def dump_data(routes: Iterable[BaseResponse], *, keep_headers: bool = False) -> dict[str, Any]:
    return {"responses": [{"response": route_data(r, keep_headers=keep_headers)} for r in routes]}


def write_atomically(
    path: str | bytes | os.PathLike[Any], write: Callable[[IO[bytes]], None]
) -> None:
    """Write through `write` into a temporary file beside `path`, then move it into place, so a
    reader never sees half a file and a failed write leaves the old file whole. `path` may be
    bytes, as `open` allows."""
    target = Path(os.fsdecode(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def yaml_dump(data: dict[str, Any], file: IO[bytes]) -> None:
    import yaml

    yaml.safe_dump(data, file, encoding="utf-8", allow_unicode=True)
