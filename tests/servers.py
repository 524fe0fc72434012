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


class EchoHandler(QuietHandler):
    """Answers every GET with its method and path, and every POST with the body it received,
    sent with a length or in chunks: proof that a request, and all it carried, reached a real
    server."""

    def do_GET(self) -> None:  # http.server's naming
        self._answer(f"GET {self.path}".encode())

    def do_POST(self) -> None:  # http.server's naming
        if self.headers.get("Transfer-Encoding") == "chunked":
            received = b""
            while size := int(self.rfile.readline().strip(), 16):
                received += self.rfile.read(size)
                self.rfile.readline()  # the CRLF after each chunk
            self.rfile.readline()  # the CRLF after the last, empty chunk
        else:
            received = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(received)

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


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
