"""Recorded data and the files that hold it: building, checking, reading and writing.

Owns the cassette document (`interaction_data`, `read_document`, `dump_document`: text
bodies as text, JSON bodies as data, binary ones in base64, a chunked answer's body as its list
of `chunks`; answers stored decoded, with their lengths corrected), and `write_atomically` (a
temporary file moved into place under a lock, keeping the old file's permissions). YAML is
imported only when a file is read or written.
Imports no HTTP client.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from canned._core.reply import is_bodiless
from canned.errors import CassetteError

if TYPE_CHECKING:
    from canned._core.reply import Reply
    from canned._core.request import Request

# -- the cassette document ------------------------------------------------------------------

VERSION: Final = 1
BODY_KEYS: Final = ("body", "json", "body_base64", "chunks")
# Answers that carry no body whatever their headers say: their Content-Length is left alone.
# Headers that describe how the answer travelled, not what it is: a recorded body is whole and
# decoded, so they go (Content-Length is set again from the body).
TRANSPORT_HEADERS: Final = frozenset({"content-encoding", "transfer-encoding"})


def is_json_type(content_type: str | None) -> bool:
    """Whether a Content-Type names JSON (`application/json`, `application/problem+json`)."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media.endswith(("/json", "+json"))


def is_form_type(content_type: str | None) -> bool:
    """Whether a Content-Type names a form (`application/x-www-form-urlencoded`)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/x-www-form-urlencoded"


def body_data(body: bytes | None, content_type: str | None) -> dict[str, Any]:
    """A body as the document keeps it: `json` (data) for a JSON body, `body` (text) for UTF-8,
    `body_base64` for anything else; nothing at all for no body."""
    if not body:
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}
    if is_json_type(content_type):
        try:
            return {"json": json.loads(text)}
        except ValueError:
            pass
    return {"body": text}


def body_bytes(message: dict[str, Any]) -> bytes:
    """The bytes of a document's body (b"" when it has none); JSON is written as Python's
    `json.dumps` writes it."""
    if "json" in message:
        return json.dumps(message["json"]).encode("utf-8")
    if "body_base64" in message:
        return base64.b64decode(message["body_base64"])
    return str(message.get("body", "")).encode("utf-8")


def headers_data(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Header pairs as a mapping in their order; a repeated name holds a list of its values."""
    headers: dict[str, Any] = {}
    for given_name, given_value in pairs:
        # plain text: a client's own string types (aiohttp's `istr`) are not YAML's
        name, value = str(given_name), str(given_value)
        if name in headers:
            held = headers[name]
            headers[name] = [*held, value] if isinstance(held, list) else [held, value]
        else:
            headers[name] = value
    return headers


def header_pairs(headers: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A document's headers as pairs, repeats in order."""
    pairs = []
    for name, value in (headers or {}).items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, str(one)))
    return pairs


def header_of(pairs: Iterable[tuple[str, str]], name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in pairs if key.lower() == lowered), None)


def whole_body(body: Any) -> bytes:
    """A recorded body as bytes: kept chunks are joined."""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    return b"".join(bytes(chunk) for chunk in body)


def body_chunks(body: Any) -> list[bytes]:
    """A recorded body as the chunks it came in (bytes are one chunk), empty ones left out."""
    chunks = [body] if isinstance(body, (bytes, bytearray)) else body
    return [bytes(chunk) for chunk in chunks if chunk]


def came_chunked(pairs: Iterable[tuple[str, str]], method: str, status: int) -> bool:
    """Whether an answer's body came in chunks (`Transfer-Encoding: chunked`); an answer with
    no body (HEAD, 1xx, 204, 304) has none to keep."""
    encoding = header_of(pairs, "Transfer-Encoding")
    if encoding is None or method == "HEAD" or is_bodiless(status):
        return False
    return "chunked" in encoding.lower()


def answer_headers(
    pairs: Iterable[tuple[str, str]],
    body: bytes,
    method: str,
    status: int,
    *,
    chunked: bool = False,
) -> list[tuple[str, str]]:
    """An answer's headers as stored: Content-Encoding and Transfer-Encoding dropped (the body
    is decoded and whole) and Content-Length set to the stored body's length, except where the
    answer has no body to measure (HEAD, 1xx, 204, 304). A `chunked` answer, stored in its
    chunks, keeps `Transfer-Encoding: chunked` in its place, and has no Content-Length."""
    pairs = list(pairs)
    if method == "HEAD" or is_bodiless(status):
        return pairs
    if chunked:
        return [
            (name, "chunked") if name.lower() == "transfer-encoding" else (name, value)
            for name, value in pairs
            if name.lower() not in ("content-encoding", "content-length")
        ]
    moved = any(name.lower() in TRANSPORT_HEADERS for name, _ in pairs)
    length = header_of(pairs, "Content-Length")
    kept = [
        (name, value)
        for name, value in pairs
        if name.lower() not in TRANSPORT_HEADERS and name.lower() != "content-length"
    ]
    if length is not None or moved:
        kept.append(("Content-Length", str(len(body))))
    return kept


def chunks_data(chunks: Iterable[bytes]) -> list[Any]:
    """Chunks as the document keeps them: each one text when it is UTF-8, else a mapping
    `{base64: ...}`."""
    kept: list[Any] = []
    for chunk in chunks:
        try:
            kept.append(chunk.decode("utf-8"))
        except UnicodeDecodeError:
            kept.append({"base64": base64.b64encode(chunk).decode("ascii")})
    return kept


def chunk_bytes(message: dict[str, Any]) -> tuple[bytes, ...]:
    """The bytes of each of a document's chunks, empty ones left out."""
    chunks = (
        base64.b64decode(chunk["base64"]) if isinstance(chunk, dict) else chunk.encode("utf-8")
        for chunk in message["chunks"]
    )
    return tuple(chunk for chunk in chunks if chunk)


def interaction_data(request: Request, reply: Reply) -> dict[str, Any]:
    """One real request and its answer as document data (not yet redacted). An answer that
    came in more than one chunk keeps the chunks the client read (`chunks`), decoded, each text
    or base64."""
    sent = {
        "method": str(request.method),
        "url": str(request.url),
        "headers": headers_data(request.headers.items()),
        **body_data(request.content, request.headers.get("Content-Type")),
    }
    body = whole_body(reply.body)  # decoded from its Content-Encoding by the adapter
    # one chunk is kept as a body is (JSON as data, editable), with its length
    chunked = (
        came_chunked(reply.headers, request.method, reply.status)
        and len(body_chunks(reply.body)) > 1
    )
    pairs = answer_headers(reply.headers, body, request.method, reply.status, chunked=chunked)
    answered = {"status": reply.status, "headers": headers_data(pairs)}
    if chunked:
        answered["chunks"] = chunks_data(body_chunks(reply.body))
    else:
        answered.update(body_data(body, header_of(pairs, "Content-Type")))
    return {"request": sent, "response": answered}


def content_type_of(message: dict[str, Any]) -> str | None:
    return header_of(header_pairs(message.get("headers")), "Content-Type")


# -- checking a document as it is read ----------------------------------------------------------


class Problem(Exception):
    """One field of one interaction is wrong; `read_document` names the file around it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")


def _shown(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def check_message(message: Any, field: str, required: dict[str, type]) -> None:
    """One request or response: a mapping with its `required` fields, headers and one body."""
    if not isinstance(message, dict):
        raise Problem(field, f"must be a mapping, got {_shown(message)}")
    for name, kind in required.items():
        if name not in message:
            raise Problem(f"{field}.{name}", "is missing")
        value = message[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            article = "an" if kind.__name__[0] in "aeiou" else "a"
            raise Problem(
                f"{field}.{name}", f"must be {article} {kind.__name__}, got {_shown(value)}"
            )
    headers = message.get("headers")
    if headers is not None and not isinstance(headers, dict):
        raise Problem(f"{field}.headers", f"must be a mapping, got {_shown(headers)}")
    for name, value in (headers or {}).items():
        values = value if isinstance(value, list) else [value]
        for one in values:
            if not isinstance(one, (str, int, float)) or isinstance(one, bool):
                raise Problem(f"{field}.headers.{name}", f"must be text, got {_shown(one)}")
    bodies = [key for key in BODY_KEYS if key in message]
    if len(bodies) > 1:
        raise Problem(field, f"has more than one body ({', '.join(bodies)})")
    if "body" in message and not isinstance(message["body"], str):
        raise Problem(f"{field}.body", f"must be text, got {_shown(message['body'])}")
    if "body_base64" in message:
        check_base64(message["body_base64"], f"{field}.body_base64")
    if "chunks" in message:
        check_chunks(message["chunks"], f"{field}.chunks")


def check_base64(value: Any, field: str) -> None:
    try:
        base64.b64decode(str(value), validate=True)
    except binascii.Error as error:
        raise Problem(field, f"is not base64 ({error})") from error


def check_chunks(chunks: Any, field: str) -> None:
    """A chunked answer's body: a list of chunks, each text or a mapping `{base64: ...}`."""
    if not isinstance(chunks, list):
        raise Problem(field, f"must be a list of chunks, got {_shown(chunks)}")
    for number, chunk in enumerate(chunks):
        where = f"{field}[{number}]"
        if isinstance(chunk, dict):
            if list(chunk) != ["base64"] or not isinstance(chunk["base64"], str):
                raise Problem(where, f"must be text or {{base64: <text>}}, got {_shown(chunk)}")
            check_base64(chunk["base64"], f"{where}.base64")
        elif not isinstance(chunk, str):
            raise Problem(where, f"must be text or {{base64: <text>}}, got {_shown(chunk)}")


def check_interaction(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise Problem("interaction", f"must be a mapping, got {_shown(item)}")
    check_message(item.get("request"), "request", {"method": str, "url": str})
    if "chunks" in item["request"]:
        raise Problem("request.chunks", "is for answers only: a request's body is one piece")
    check_message(item.get("response"), "response", {"status": int})
    status = item["response"]["status"]
    if not 100 <= status <= 999:
        raise Problem("response.status", f"must be from 100 to 999, got {status!r}")
    return item


def is_json_path(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def parse_document(path: Path, text: str) -> Any:
    """The data of a document's text, YAML or JSON by the file's extension.

    Raises:
        CassetteError: the text does not parse, naming the file and where it stops.
    """
    if is_json_path(path):
        try:
            return json.loads(text)
        except ValueError as error:
            raise CassetteError(f"cassette {path}: not valid JSON: {error}") from error
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe: builds plain data only
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        raise CassetteError(f"cassette {path}: not valid YAML: {error}") from error


def read_document(path: Path) -> list[dict[str, Any]]:
    """The interactions of the cassette at `path`, checked.

    Raises:
        CassetteError: the file is missing, empty, does not parse, or an interaction lacks a
            field or has a wrong one, naming the file, the interaction (counted from 1) and the
            field.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise CassetteError(f"cassette {path}: no such file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CassetteError(f"cassette {path}: cannot be read: {error}") from error
    if not text.strip():
        raise CassetteError(f"cassette {path}: the file is empty")
    data = parse_document(path, text)
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(f"cassette {path}: expected a mapping with a list of 'interactions'")
    checked = []
    for number, item in enumerate(data["interactions"], start=1):
        try:
            checked.append(check_interaction(item))
        except Problem as problem:
            raise CassetteError(f"cassette {path}: interaction {number}: {problem}") from None
    return checked


def dump_document(path: Path, interactions: list[dict[str, Any]]) -> bytes:
    """The file's bytes for `interactions`: JSON for a `.json` path, else YAML, where text
    with line breaks is written as a block, as it reads."""
    data = {"version": VERSION, "interactions": interactions}
    if is_json_path(path):
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]  # runtime base
        pass

    def text(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    written: bytes = yaml.dump(
        data,
        Dumper=Dumper,
        encoding="utf-8",
        allow_unicode=True,
        sort_keys=False,
        width=2**16,  # a URL or a secret is never folded over two lines
    )
    return written


# -- writing a file safely --------------------------------------------------------------------


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive `flock` on a lock file beside `path` (`.name.lock`), so two processes
    (pytest-xdist workers) never write it at once. The lock file is removed by its holder; a
    waiter that finds its file removed takes a new one. Without `fcntl` (Windows) nothing is
    locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - POSIX only
        yield
        return
    lock_path = path.with_name(f".{path.name}.lock")
    while True:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                same = os.path.samestat(os.fstat(handle), os.stat(lock_path))
            except FileNotFoundError:
                same = False
            if same:
                break
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)  # its holder removed it: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock_path)
        os.close(handle)


def write_atomically(
    path: str | bytes | os.PathLike[Any], write: Callable[[IO[bytes]], None]
) -> None:
    """Write through `write` into a temporary file beside `path`, then move it into place, so a
    reader never sees half a file and a failed write leaves the old file whole, with no
    temporary file left. The file keeps an existing one's permissions; a new one gets 0666
    less the umask (0644 under the usual 022). `path` may be bytes, as `open` allows."""
    target = Path(os.fsdecode(path))
    temporary = target.with_name(
        f".{target.name}.{os.urandom(6).hex()}.tmp"
    )  # not uuid: 2 ms to import
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def write_document(path: Path, content: bytes) -> None:
    """Write a cassette's bytes to `path` atomically, under its lock; its folder is made."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(file: IO[bytes]) -> None:
        file.write(content)

    with locked(path):
        write_atomically(path, write)
