"""responses' `_recorder`: send requests for real and keep their answers as routes and files.

Same as `responses._recorder` (BETA there too): `Recorder`, `recorder`, `record`,
`dump_to_file`, `_dump` and `_remove_default_headers`. Differs: binary bodies round-trip
(base64 when not UTF-8 text), secrets are redacted before anything is written (as a cassette's
are, and the document is scanned for them), a compressed answer is kept decoded without its
Content-Encoding, files are written atomically, and YAML is imported only when a file is
written.
Imports no HTTP client: answers are kept through the dispatch path's recording, as a cassette's,
so every client canned answers is recorded.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from typing import IO, Any, TypeVar

from canned._compat.requests_mock import DEFAULT_TARGET, RequestsMock
from canned._core.answers import Response
from canned._core.registry import FirstMatchRegistry, OrderedRegistry
from canned._core.reply import Outcome, Reply
from canned._core.request import Request
from canned._core.routes import BaseResponse
from canned.cassettes.formats import answer_headers, whole_body, write_atomically
from canned.cassettes.recorder_format import dump_data, yaml_dump
from canned.cassettes.recorder_format import remove_default_headers as _remove_default_headers

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["Recorder", "_dump", "_remove_default_headers", "record", "recorder"]


def _dump(
    registered: Iterable[BaseResponse], destination: Any, dumper: Callable[[Any, Any], Any]
) -> None:
    """Same as responses: `dumper(data, destination)` with the recorded routes' data, e.g.
    `_dump(registered, file, tomli_w.dump)` for TOML."""
    dumper(dump_data(registered), destination)


class Recorder(RequestsMock):
    """Same as `responses._recorder.Recorder`: every request goes to the real network and its
    answer is registered as a `Response`, in order."""

    def __init__(
        self,
        *,
        target: str = DEFAULT_TARGET,
        registry: type[FirstMatchRegistry] = OrderedRegistry,
    ) -> None:
        super().__init__(target=target, registry=registry)

    def reset(self) -> None:
        """A new registry; the calls are kept (as in responses)."""
        self._registry = self._registry_class()

    def stop(self, allow_assert: bool = True) -> None:
        """Stop recording; never asserts on unfired routes."""
        super().stop(allow_assert=False)

    def handle(self, request: Request) -> Outcome:
        return Outcome("passthrough", request)

    # Every answer is kept through the dispatch path's recording, as a cassette's: any client
    # (requests, httpx, aiohttp, urllib3, urllib) is recorded, its body read for the caller too.
    is_recording = True

    def keep(self, request: Request, recorded: Reply) -> None:
        """Register the real answer as a route: final URL, status, body, headers (repeated ones
        joined with ", ", as requests shows them); the Content-Type header, whatever the case
        of its name, becomes the route's `content_type`."""
        headers: dict[str, Any] = {}
        content_type: str | None = None
        raw = whole_body(recorded.body)  # decoded from its Content-Encoding by the adapter
        # so its Content-Encoding goes and its Content-Length is the decoded body's
        for name, value in answer_headers(recorded.headers, raw, request.method, recorded.status):
            if name.lower() == "content-type":
                content_type = value
            elif name in headers:
                headers[name] = f"{headers[name]}, {value}"
            else:
                headers[name] = value
        body: str | bytes
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = raw  # not text: written as base64
        route = Response(
            method=request.method,
            url=request.url,
            body=body,
            status=recorded.status,
            headers=headers,
            content_type=content_type if content_type is not None else "text/plain",
            match_querystring=None,
        )
        self._registry.add(route)

    def dump_to_file(
        self,
        file_path: str | bytes | os.PathLike[Any],
        *,
        registered: Iterable[BaseResponse] | None = None,
        keep_headers: bool = False,
    ) -> None:
        """Same as responses: write the recorded routes (or `registered`) to `file_path` as YAML.
        Differs: written atomically, secrets redacted, and `keep_headers=True` (canned's own)
        keeps the headers a server adds by itself (Date, Server, Content-Length, ...)."""
        routes = self.get_registry().registered if registered is None else registered
        data = dump_data(routes, keep_headers=keep_headers)

        def write(file: IO[bytes]) -> None:
            yaml_dump(data, file)

        write_atomically(file_path, write)

    def record(
        self,
        *,
        file_path: str | bytes | os.PathLike[Any] = "response.yaml",
        keep_headers: bool = False,
    ) -> Callable[[F], F]:
        """Same as responses: run the decorated function recording, then write `file_path`.
        Differs: `keep_headers` is passed on to `dump_to_file`."""

        def decorate(function: F) -> F:
            @functools.wraps(function)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    result = function(*args, **kwargs)
                    self.dump_to_file(
                        file_path,
                        registered=self.get_registry().registered,
                        keep_headers=keep_headers,
                    )
                return result

            return wrapper  # type: ignore[return-value]  # same signature as function

        return decorate


recorder = Recorder()
record = recorder.record
