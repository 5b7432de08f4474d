"""The locked URL fetcher (SECURITY.md #23) and the time/memory bound of rendering (#24)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from casefiles.briefs.rendering import LockedURLFetcher, RenderError, RenderLimits, bundled_asset, render_pdf

from .conftest import pdf_reader, pdf_text


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    """A tiny HTTP server on 127.0.0.1 that records every request it receives."""
    hits: list[str] = []
    handler = type("Recorder", (_Recorder,), {"hits": hits})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _has_embedded_files(pdf: bytes) -> bool:
    root = pdf_reader(pdf).trailer["/Root"]
    names = root.get("/Names")
    return bool(names and "/EmbeddedFiles" in names.get_object()) or b"/EmbeddedFile" in pdf


def test_fetcher_refuses_files_network_and_escapes_but_serves_bundled_assets_and_data() -> None:
    fetcher = LockedURLFetcher()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        "casefiles-pdf:../../config.py",
        "casefiles-pdf:/etc/passwd",
        "//127.0.0.1/static/pdf/brief.css",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7
    assert b"@page" in fetcher.fetch("casefiles-pdf:brief.css").read()
    assert bundled_asset("/static/pdf/logo.svg") is not None
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.fetch("data:,hello%20there").read() == b"hello there"


def test_hostile_html_yields_no_attachment_and_no_request(loopback: tuple[str, list[str]]) -> None:
    base, hits = loopback
    html = f"""<!doctype html><html lang="en"><head><title>Hostile</title>
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="attachment" href="{base}/attach.txt">
      <link rel="stylesheet" href="{base}/evil.css">
      <link rel="stylesheet" href="casefiles-pdf:brief.css">
      <style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png"); }}
             @font-face {{ font-family: X; src: url("{base}/font.woff2"); }}</style></head>
      <body><h1>Hostile</h1><img src="file:///etc/passwd" alt="p"><img src="{base}/pixel.png" alt="l">
      <iframe src="{base}/frame"></iframe><object data="file:///etc/hostname"></object>
      <p>Body text survives.</p></body></html>"""
    pdf = render_pdf(html)
    assert "Body text survives." in pdf_text(pdf)
    assert "root:" not in pdf_text(pdf)
    assert not _has_embedded_files(pdf)
    assert hits == []


def test_timeout_stops_a_pathological_brief() -> None:
    rows = "".join(f"<tr><td>{i}</td><td>{'word ' * 30}</td></tr>" for i in range(40000))
    with pytest.raises(RenderError) as caught:
        render_pdf(f"<html><body><table>{rows}</table></body></html>", RenderLimits(timeout=1.0))
    assert caught.value.reason == "timeout"


def test_memory_limit_stops_a_pathological_brief() -> None:
    rows = "".join(f"<tr><td>{i}</td><td>{'mot ' * 30}</td></tr>" for i in range(5000))
    with pytest.raises(RenderError) as caught:
        render_pdf(f"<html><body><table>{rows}</table></body></html>", RenderLimits(timeout=60, memory_mb=20))
    assert caught.value.reason in ("memory", "error")
    # The parent process is unharmed and renders the next brief normally.
    assert "Still fine" in pdf_text(render_pdf("<html><body><p>Still fine</p></body></html>"))
