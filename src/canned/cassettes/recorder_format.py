"""responses' recorder structure: `dump_data`, the default-header stripping, binary bodies in
base64, secrets redacted as a cassette's are. The file is written by `formats.write_atomically`.
Imports no HTTP client.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import IO, Any, Final

from canned._core.routes import BaseResponse
from canned.cassettes.formats import is_form_type, is_json_type
from canned.cassettes.redaction import Redactor, find_secrets
from canned.errors import CassetteError

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


def route_data(
    route: BaseResponse, redactor: Redactor, *, keep_headers: bool = False
) -> dict[str, Any]:
    """One route as a recorded entry, secrets redacted as a cassette's are (a whole Set-Cookie
    value, as responses' recorder format has it); bytes that are not text go in base64."""
    body = getattr(route, "body", "")
    headers = getattr(route, "headers", None) or {}
    entry: dict[str, Any] = {
        "method": route.method,
        "url": redactor.text_with_parameters(str(route.url)),
        "status": getattr(route, "status", 200),
        "headers": {
            name: redactor.taken(value)
            if name.lower() == "set-cookie"  # repeats joined with ", ": no value can be kept
            else redactor.header_value(name, value)
            for name, value in headers.items()
        },
        "content_type": route.content_type,
        "auto_calculate_content_length": getattr(route, "auto_calculate_content_length", False),
    }
    if isinstance(body, bytes):
        raw = body
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            entry["body_base64"] = base64.b64encode(raw).decode("ascii")
    if isinstance(body, str):
        entry["body"] = redacted_text(redactor, body, route.content_type)
    elif "body_base64" not in entry:
        entry["body"] = body
    entry = {key: value for key, value in entry.items() if value is not None}
    if not keep_headers:
        drop_default_headers(entry)
    elif not entry.get("headers"):
        entry.pop("headers", None)
    return entry


def redacted_text(redactor: Redactor, text: str, content_type: str | None) -> str:
    """A text body with its secret fields redacted: JSON fields at any depth (the text is
    written again only when a field was), form fields in place."""
    if is_json_type(content_type):
        try:
            data = json.loads(text)
        except ValueError:
            return text
        redacted = redactor.fields(data)
        return text if redacted == data else json.dumps(redacted)
    if is_form_type(content_type):
        return redactor.form(text)
    return text


def dump_data(routes: Iterable[BaseResponse], *, keep_headers: bool = False) -> dict[str, Any]:
    """responses' recorder document for `routes`, secrets redacted.

    Raises:
        CassetteError: a value redacted as a secret appears in it anyway.
    """
    redactor = Redactor()
    data = {
        "responses": [
            {"response": route_data(route, redactor, keep_headers=keep_headers)} for route in routes
        ]
    }
    places = find_secrets(data, redactor.secrets)
    if places:
        raise CassetteError(
            f"recorded routes not written: a value received as a secret appears at "
            f"{', '.join(places)}"
        )
    return data


def yaml_dump(data: dict[str, Any], file: IO[bytes]) -> None:
    import yaml

    yaml.safe_dump(data, file, encoding="utf-8", allow_unicode=True)
