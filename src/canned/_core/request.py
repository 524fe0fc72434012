"""The request view: one outgoing request, whatever client sent it, parsed at most once.

Owns: `Request` (method, URL parts, case-insensitive headers, the body as sent (`content`, bytes)
and as requests gives it (`body`), the client's native object) and `view_of`, which finds the view
behind the object that matchers and callbacks receive. Must not import an HTTP client; adapters
build views with `Request(...)`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any, Final
from urllib.parse import urlsplit

from canned._core import urls

VIEW_ATTRIBUTE: Final = "_canned_request"
NOT_JSON: Final = object()
# requests gives a form body (`data={...}`) as text, every other body as bytes.
FORM_TYPE: Final = "application/x-www-form-urlencoded"


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive headers that keep the names as they were sent."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in (items or {}).items():
            self._items[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def to_bytes(body: object) -> bytes | None:
    """A request body as bytes: str is UTF-8 encoded, None stays None."""
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"request body must be bytes or str after reading, got {type(body).__name__}")


def is_form(content_type: str | None) -> bool:
    """Whether a Content-Type names a form body (`application/x-www-form-urlencoded`)."""
    return content_type is not None and content_type.split(";", 1)[0].strip().lower() == FORM_TYPE


class Request:
    """One outgoing request as every matcher, route and diagnosis sees it.

    Built once per intercepted call by an adapter, from the bytes the client sends (`body=`, kept
    as `content`). Everything derived (URL parts, query, JSON, the requests-shaped `body`) is
    parsed on first use and cached, so ten matchers that read the query parse it once.

    A callback written for requests reads this view unchanged when another client sent the
    request: `method`, `url`, `path_url`, `headers`, `body`, `params` and `req_kwargs` are what
    requests' `PreparedRequest` (with responses' `params` and `req_kwargs`) holds for the same call.
    """

    # The answering mock's scenario states, set while it looks for the route (`state=` routes
    # read them); None for a view no mock is asking about.
    scenarios: Any = None

    def __init__(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        *,
        native: Any = None,
        req_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        self.method: Final = method.upper()
        self.url: Final = url
        # Adapters pass their client's own case-insensitive headers as they are; a dict (a
        # hand-made request, or a caller's OrderedDict) is wrapped so that lookups ignore case.
        self.headers: Final[Mapping[str, str]] = (
            Headers(headers) if headers is None or isinstance(headers, dict) else headers
        )
        self.content: Final = body  # bytes as sent; what matchers read
        self.native: Final = native
        self.req_kwargs: Final = (
            req_kwargs if isinstance(req_kwargs, dict) else dict(req_kwargs or {})
        )

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"

    @property
    def shape(self) -> Any:
        """What callbacks, matchers and the call log get: the native request when it carries
        this view (requests' `PreparedRequest`), else this view itself."""
        native = self.native
        if native is not None and getattr(native, VIEW_ATTRIBUTE, None) is self:
            return native
        return self

    @cached_property
    def body(self) -> str | bytes | None:
        """The body as requests gives it for the same call: a form body (`data={...}`) as text,
        any other as bytes, None when there is none. Matchers read `content`, always bytes."""
        content = self.content
        if content is None or not is_form(self.headers.get("Content-Type")):
            return content
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:  # not text: requests would have had bytes too
            return content

    @cached_property
    def path_url(self) -> str:
        """The path and `?query` the request line carries, as requests' `PreparedRequest.path_url`:
        "/" for an empty path, no fragment."""
        parts = urlsplit(self.url)
        path = parts.path or "/"
        return f"{path}?{parts.query}" if parts.query else path

    @cached_property
    def parsed_url(self) -> urls.ParsedURL:
        return urls.parse_url(self.url)

    @property
    def parsed_url_is_valid(self) -> bool:
        try:
            self.parsed_url  # noqa: B018  # parsing is the check
        except ValueError:
            return False
        return True

    @property
    def key(self) -> urls.URLKey:
        return self.parsed_url.key

    @property
    def query(self) -> str:
        return self.parsed_url.query

    @property
    def fragment(self) -> str:
        return self.parsed_url.fragment

    @cached_property
    def query_pairs(self) -> list[tuple[str, str]]:
        query = self.query
        return urls.query_pairs(query) if query else []

    @cached_property
    def params(self) -> dict[str, str | list[str]]:
        """The query as `{key: value}`, `{key: [values]}` for repeated keys (every value kept)."""
        if not self.query:
            return {}  # most requests have none: nothing to split
        return urls.group_pairs(self.query_pairs)

    @cached_property
    def text(self) -> str | None:
        """The body decoded as UTF-8 (gzip-compressed bodies are decompressed first)."""
        content = self.content
        if content is None:
            return None
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            import gzip

            try:
                return gzip.decompress(content).decode("utf-8")
            except (OSError, EOFError, UnicodeDecodeError):
                return None

    @cached_property
    def parsed_json(self) -> Any:
        """The body parsed as JSON (an empty body is `{}`), or `NOT_JSON`; parsed once, for
        every matcher that asks."""
        text = self.text
        if text is None:
            return NOT_JSON
        if text == "":
            return {}
        try:
            return json.loads(text)
        except ValueError:
            return NOT_JSON

    @property
    def json(self) -> Any:
        """The body parsed as JSON (an empty body is `{}`).

        Raises:
            ValueError: the body is not JSON.
        """
        if self.parsed_json is NOT_JSON:
            raise ValueError("request body is not JSON")
        return self.parsed_json


def attached_view(shape: Any) -> Request | None:
    """The view canned made of `shape`: the one an adapter attached, or `shape` itself when it
    is a view; None for any other object (a test's stand-in), which has none."""
    view = getattr(shape, VIEW_ATTRIBUTE, None)
    if type(view) is Request:  # the usual case first: every matcher of every route asks
        return view
    if isinstance(shape, Request):
        return shape
    return view if isinstance(view, Request) else None


def view_of(shape: Any) -> Request:
    """The `Request` behind what a matcher receives.

    For requests the shape is the `PreparedRequest` itself, carrying its view in one attribute; a
    view passes through; any other object with `method`, `url`, `headers` and `body` (a test's
    hand-made request, say) gets a fresh view.
    """
    view = attached_view(shape)
    if view is not None:
        return view
    headers = getattr(shape, "headers", None) or {}
    return Request(
        getattr(shape, "method", None) or "GET",
        str(shape.url),
        Headers(dict(headers)),
        to_bytes(getattr(shape, "body", None)),
        native=shape,
        req_kwargs=getattr(shape, "req_kwargs", None),
    )


def attach_request(error: BaseException, request: Request) -> None:
    """Give a raised exception the request it answers, unless it has one (responses sets it on
    some exceptions only; canned on every one it raises): the client's own request object, or
    canned's view of it for a client that has none (urllib3)."""
    native = request.native if request.native is not None else request
    try:
        current = getattr(error, "request", None)
    except RuntimeError:  # httpx errors raise until their request is set
        current = None
    if current is None:
        # an exception type with __slots__ cannot carry it; it is raised as it is
        with contextlib.suppress(AttributeError):
            error.request = native  # type: ignore[attr-defined]  # exceptions take attributes
