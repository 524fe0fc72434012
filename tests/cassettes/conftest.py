"""A real server on 127.0.0.1 to record from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.servers import QuietHandler, serving

BINARY = bytes(range(256))

ANSWERS: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {
    "/text": (200, [("Content-Type", "text/plain")], b"hello"),
    "/404": (404, [("Content-Type", "text/plain"), ("x", "foo")], b"404 Not Found"),
    "/binary": (200, [("Content-Type", "application/octet-stream")], BINARY),
    "/json": (200, [("Content-Type", "application/json")], b'{"id": 1}'),
    "/cookie": (200, [("Content-Type", "text/plain"), ("Set-Cookie", "session=s3cr3t")], b"ok"),
    "/search": (200, [("Content-Type", "text/plain")], b"found"),
    "/shouting": (200, [("CONTENT-TYPE", "application/json"), ("x", "foo")], b'{"id": 1}'),
}


class RecordingHandler(QuietHandler):
    def _answer(self, with_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        status, headers, body = ANSWERS.get(path, (404, [], b""))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # http.server's naming
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # http.server's naming
        self._answer(with_body=False)


@pytest.fixture
def server() -> Iterator[str]:
    """The base URL of a fresh recording server, shut down after the test."""
    with serving(RecordingHandler) as url:
        yield url
