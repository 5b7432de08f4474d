"""HTML to tagged PDF with WeasyPrint: a locked URL fetcher, and a child process bounded in time and memory.

Security (SECURITY.md #23): the only resources a brief may load are the files bundled under
casefiles/static/pdf (through the ``casefiles-pdf:`` scheme or the app's /static/pdf/ path) and ``data:``
URLs. Every other URL (file://, http(s)://, loopback...) is refused before any request is made; the same
fetcher serves the document and every stylesheet.

Robustness (#24): rendering happens in a child process with an address-space limit and a wall-clock
timeout, so a pathological brief is stopped and the web process stays up.
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import re
import resource
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ASSET_DIR = Path(__file__).resolve().parent.parent / "static" / "pdf"
ASSET_SCHEME = "casefiles-pdf"
STATIC_PREFIX = "/static/pdf/"
PDF_VARIANT = "pdf/ua-1"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 1024
MEDIA_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
}


class RenderError(Exception):
    """The PDF could not be produced; ``reason`` is "timeout", "memory" or "error"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@lru_cache(maxsize=1)
def _locked_fetcher_class() -> type:
    """The fetcher class, made on first use: WeasyPrint is imported when a PDF is rendered, never when a web
    worker starts."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LockedURLFetcher(URLFetcher):
        """Serves bundled assets and data: URLs; refuses everything else without opening a connection."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", ASSET_SCHEME}, allow_redirects=False, fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            """Return the bundled file or the data: payload; raise ValueError for anything else."""
            if url.startswith("data:"):
                return _data_url(url)
            path = bundled_asset(url)
            if path is None:
                self.refused.append(url[:200])
                raise ValueError(f"Refused by the locked URL fetcher: {url[:200]}")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": MEDIA_TYPES.get(path.suffix, "")})

    return LockedURLFetcher


def __getattr__(name: str) -> Any:
    if name == "LockedURLFetcher":
        return _locked_fetcher_class()
    raise AttributeError(name)


def bundled_asset(url: str) -> Path | None:
    """The file under casefiles/static/pdf that this URL names, or None (never escapes the folder)."""
    if url.startswith(f"{ASSET_SCHEME}:"):
        relative = url[len(ASSET_SCHEME) + 1 :]
    else:
        parts = urlsplit(url)
        # Only a bare path on our static folder: no scheme, no host (so never a network request).
        if parts.scheme or parts.netloc or not parts.path.startswith(STATIC_PREFIX):
            return None
        relative = parts.path[len(STATIC_PREFIX) :]
    relative = unquote(relative.split("?", 1)[0].split("#", 1)[0]).lstrip("/")
    if not relative:
        return None
    candidate = (ASSET_DIR / relative).resolve()
    if not candidate.is_relative_to(ASSET_DIR) or not candidate.is_file():
        return None
    return candidate


_DATA_RE = re.compile(r"^data:([^,;]*)((?:;[^,;]*)*?)(;base64)?,(.*)$", re.DOTALL)


def _data_url(url: str) -> Any:
    from weasyprint.urls import URLFetcherResponse

    match = _DATA_RE.match(url)
    if not match:
        raise ValueError("Malformed data: URL")
    media_type, _params, is_base64, payload = match.groups()
    body = base64.b64decode(payload) if is_base64 else unquote(payload).encode("utf-8")
    return URLFetcherResponse(url[:64], body, {"Content-Type": media_type or "text/plain"})


def asset_url(name: str) -> str:
    """The URL a template uses for a bundled asset."""
    return f"{ASSET_SCHEME}:{name}"


# -- rendering ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderLimits:
    """Bounds of one rendering: seconds of wall-clock time, megabytes of extra address space."""

    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB


def _tag_languages() -> None:
    """Give a structure element the /Lang of its HTML element's lang attribute (PDF/UA 7.2).

    WeasyPrint tags the document's language only; a passage in the other language (an English text with no
    French twin in a French brief) must be tagged too, so a screen reader reads it with the right voice.
    """
    from weasyprint.pdf import tags

    if getattr(tags, "_casefiles_languages", False):
        return
    build = tags._build_box_tree

    def build_with_languages(box, parent, pdf, *args):  # noqa: ANN001, ANN202
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and getattr(box, "element_tag", None) != "html" else None
        for struct in build(box, parent, pdf, *args):
            if lang and "Lang" not in struct:
                import pydyf

                struct["Lang"] = pydyf.String(lang)
            yield struct

    tags._build_box_tree = build_with_languages
    tags._casefiles_languages = True


def render_pdf_inline(html: str) -> bytes:
    """Render in this process (the child calls this; tests of the fetcher may too)."""
    from weasyprint import HTML

    _tag_languages()
    fetcher = _locked_fetcher_class()()
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, uncompressed_pdf=False)


def _memory_now() -> tuple[int, int]:
    """(address space, writable data) of this process in bytes, from /proc/self/status."""
    sizes = {"VmSize": 0, "VmData": 0}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in sizes:
                    sizes[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return sizes["VmSize"], sizes["VmData"]


def _limit_memory(memory_mb: int) -> None:
    """Allow this much more memory than the child already holds.

    RLIMIT_DATA counts the private writable memory actually committed (so malloc arenas that a threaded parent
    reserved do not hide the growth); RLIMIT_AS bounds the whole address space as a backstop.
    """
    extra = memory_mb * 1024 * 1024
    address_space, data = _memory_now()
    if data:
        resource.setrlimit(resource.RLIMIT_DATA, (data + extra, data + extra))
    if address_space:
        resource.setrlimit(resource.RLIMIT_AS, (address_space + 2 * extra, address_space + 2 * extra))


def _child(html: str, memory_mb: int, conn) -> None:  # noqa: ANN001
    try:
        if memory_mb > 0:
            _limit_memory(memory_mb)
        pdf = render_pdf_inline(html)
        conn.send(("ok", pdf))
    except MemoryError:
        conn.send(("memory", ""))
    except BaseException as error:  # noqa: BLE001 - everything must reach the parent as a message
        conn.send(("memory" if "memory" in str(error).lower() else "error", f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


def _context() -> multiprocessing.context.BaseContext:
    method = os.environ.get("CASEFILES_PDF_START_METHOD", "fork")
    return multiprocessing.get_context(method)


def render_pdf(html: str, limits: RenderLimits | None = None) -> bytes:
    """Render HTML to a tagged PDF in a child process; RenderError if it fails, runs out of time or memory."""
    limits = limits or RenderLimits()
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(html, limits.memory_mb, sender), daemon=True)
    process.start()
    sender.close()
    deadline = time.monotonic() + limits.timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RenderError("timeout", f"stopped after {limits.timeout:g} s")
            if receiver.poll(min(remaining, 0.5)):
                try:
                    status, payload = receiver.recv()
                except EOFError as error:
                    raise RenderError("memory", "the renderer stopped") from error
                break
            if not process.is_alive() and not receiver.poll(0):
                code = process.exitcode
                # Killed by the kernel (out of memory) or crashed before it could answer.
                raise RenderError("memory" if code in (-9, -11, -6) else "error", f"renderer exit code {code}")
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        process.close() if process.exitcode is not None else None
    if status != "ok":
        raise RenderError(status, payload)
    return payload
