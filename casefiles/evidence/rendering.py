"""A readable rendering of a captured page: its text, and a PDF typeset by WeasyPrint from the captured bytes.

The PDF is made with a URL fetcher that refuses every request (stylesheets, images, fonts, attachments, even
`data:` and `file:`): nothing leaves the machine for the captured page's hosts or any other, and nothing local is
read. It is typeset in a child process bounded in time and memory, like the briefs, so a hostile page cannot take
the application down.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import re
import resource
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

MAX_TEXT_CHARS = 500_000
_SKIPPED = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "article",
    "section",
    "blockquote",
    "pre",
    "header",
    "footer",
    "title",
    "td",
    "th",
    "dd",
    "dt",
    "figcaption",
    "hr",
}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:.]{1,40})""", re.IGNORECASE)


class RenderFailed(Exception):
    """The PDF could not be made: "timeout", "memory" or "error"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@lru_cache(maxsize=1)
def _refusing_fetcher_class() -> type:
    """The fetcher class, made on first use: WeasyPrint is imported when a capture is typeset, never when a web
    worker starts."""
    from weasyprint.urls import URLFetcher

    class RefuseEverything(URLFetcher):
        """WeasyPrint's URL fetcher for captured pages: every request is refused before anything is opened."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=set(), allow_redirects=False, fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None):  # noqa: ANN201 - never returns
            self.refused.append(url[:200])
            raise ValueError(f"Refused: a captured page loads nothing ({url[:200]})")

    return RefuseEverything


def decoded_body(body: bytes, content_encoding: str, limit: int) -> bytes:
    """The body without its content encoding (gzip or deflate), never inflated past the limit."""
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(wbits=47 if encoding != "deflate" else 15)
        try:
            return inflater.decompress(body, limit)
        except zlib.error:
            return body
    return body


def charset_of(content_type: str, body: bytes) -> str:
    """The character set the headers or the page declare (UTF-8 otherwise), if Python knows it."""
    import codecs

    found = ""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset":
            found = value.strip().strip("\"'")
    if not found:
        match = _CHARSET.search(body[:4096])
        found = match.group(1).decode("ascii") if match else ""
    try:
        return codecs.lookup(found).name if found else "utf-8"
    except LookupError:
        return "utf-8"


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False
        self.size = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIPPED:
            self.skipping += 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIPPED and self.skipping:
            self.skipping -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title + data)[:500]
            return
        if self.skipping or self.size > MAX_TEXT_CHARS:
            return
        self.parts.append(data)
        self.size += len(data)


@dataclass
class PageText:
    title: str
    text: str


def page_text(markup: str, is_html: bool = True) -> PageText:
    """The readable text of a page (scripts and styles left out) and its title."""
    if not is_html:
        return PageText("", markup[:MAX_TEXT_CHARS])
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001, S110 - whatever was read before a parse error is kept
        pass
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return PageText(" ".join(parser.title.split()), cleaned[:MAX_TEXT_CHARS])


def _css_string(value: str) -> str:
    """A CSS string literal of any text (quotes, backslashes and line breaks escaped)."""
    return '"' + "".join(c if c.isalnum() or c in " .:/-_?=&#%@+,;()[]~" else f"\\{ord(c):x} " for c in value) + '"'


def footer_css(footer: str) -> str:
    return (
        "@page { size: A4; margin: 16mm 14mm 20mm 14mm;"
        f" @bottom-left {{ content: {_css_string(footer[:300])}; font-size: 7pt; color: #333; }}"
        ' @bottom-right { content: counter(page) " / " counter(pages); font-size: 7pt; } }'
    )


def render_inline(markup: str, base_url: str, footer: str) -> bytes:
    """Typeset the captured page in this process (the child calls this)."""
    from weasyprint import CSS, HTML

    fetcher = _refusing_fetcher_class()()
    document = HTML(string=markup, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=footer_css(footer), url_fetcher=fetcher)])


def text_as_html(text: str) -> str:
    """A plain-text capture as a page to typeset."""
    return f"<!doctype html><meta charset=utf-8><pre style='white-space:pre-wrap'>{html.escape(text)}</pre>"


def _child(markup: str, base_url: str, footer: str, memory_mb: int, conn) -> None:  # noqa: ANN001
    try:
        extra = memory_mb * 1024 * 1024
        # Allow this much more than the child already holds (the parent's threads reserved memory too).
        with open("/proc/self/status") as status:
            fields = (line.partition(":") for line in status)
            sizes = {k: int(v.split()[0]) * 1024 for k, _, v in fields if k in ("VmSize", "VmData")}
        if sizes.get("VmData"):
            limit = sizes["VmData"] + extra
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        if sizes.get("VmSize"):
            limit = sizes["VmSize"] + 2 * extra
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", render_inline(markup, base_url, footer)))
    except MemoryError:
        conn.send(("memory", b""))
    except BaseException:  # noqa: BLE001 - every failure reaches the parent as a message
        conn.send(("error", b""))
    finally:
        conn.close()


def render_pdf(markup: str, base_url: str, footer: str, *, seconds: float = 60.0, memory_mb: int = 768) -> bytes:
    """The PDF of a captured page, typeset in a bounded child process; RenderFailed otherwise."""
    ctx = multiprocessing.get_context(os.environ.get("CASEFILES_PDF_START_METHOD", "fork"))
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(markup, base_url, footer, memory_mb, sender), daemon=True)
    process.start()
    sender.close()
    deadline = time.monotonic() + seconds
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RenderFailed("timeout")
            if receiver.poll(min(remaining, 0.5)):
                try:
                    status, payload = receiver.recv()
                except EOFError as error:
                    raise RenderFailed("memory") from error
                break
            if not process.is_alive() and not receiver.poll(0):
                raise RenderFailed("error")
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if status != "ok":
        raise RenderFailed(status)
    return payload
