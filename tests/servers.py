"""The network, as tests meet it: real HTTP servers on 127.0.0.1 (passthrough, recording) and a
spy that stands in for the real send."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps the test output clean."""

    def log_message(self, format: str, *args: Any) -> None:  # http.server's name
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free port of 127.0.0.1 in a thread; yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class SpySend:
    """Stands in for the real `HTTPAdapter.send` (`real_adapter_send=`): records the URLs sent
    "to the network" and answers each with `status`."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.sent: list[str] = []

    def __call__(self, adapter: Any, request: Any, **kwargs: Any) -> requests.Response:
        self.sent.append(request.url)
        answer = requests.Response()
        answer.status_code = self.status
        answer.raw = io.BytesIO(b"")
        return answer
