"""A small HTTP server of the tests, on 127.0.0.1 only: pages, redirects, an oversize page, a slow page, and
redirects towards private addresses. It remembers every path asked for, so a test can prove what was not."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Message du recteur</title>
<link rel="stylesheet" href="/style.css">
<style>@import url("http://127.0.0.1:{port}/imported.css"); body {{ font-family: serif; }}</style>
<script>document.write("script text must not be kept")</script>
</head><body>
<h1>Communiqué</h1>
<p>L'étudiante a été suspendue pour une publication sur les réseaux sociaux.</p>
<p>Capture de preuve numéro 4217.</p>
<img src="http://127.0.0.1:{port}/tracker.png" alt="">
<img src="file:///etc/passwd" alt="">
<link rel="attachment" href="/attached.txt">
</body></html>
"""


class Handler(BaseHTTPRequestHandler):
    server_version = "LoopbackTest/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        port = self.server.server_address[1]
        if self.path == "/page":
            self._send(200, PAGE.format(port=port).encode("utf-8"), X_Served_By="loopback")
        elif self.path == "/redirect":
            self._send(302, b"", Location="/page")
        elif self.path == "/loop":
            self._send(302, b"", Location="/loop")
        elif self.path == "/to-private":
            self._send(302, b"", Location="http://10.20.30.40/secret")
        elif self.path == "/to-metadata":
            self._send(301, b"", Location="http://169.254.169.254/latest/meta-data/")
        elif self.path == "/big":
            # No length announced: the limit must hold while reading, not only on the header.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65_000 + b"</p>"
            try:
                for _ in range(100):  # about 6.5 MB
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif self.path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(60):  # one byte every half second: each read is quick, the whole is not
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
        elif self.path == "/plain":
            self._send(200, "Déclaration en texte brut.\n".encode(), "text/plain; charset=utf-8")
        else:
            self._send(404, b"<!doctype html><title>Not found</title><p>Not found</p>")


@contextmanager
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    """(base URL, paths asked for) of a server on 127.0.0.1 for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.requests  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
