"""Text of a document for the case search, pulled out under time and size bounds.

PDF parsing and office-document text extraction run in a child process with a CPU limit, an address-space
limit and a wall-clock timeout; only the first MAX_TEXT_CHARS characters are kept. A zip bomb is refused
before this point (detection.py), and even a lying archive is read only up to a fixed number of bytes.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from casefiles.documents.detection import DOCX, ODT, PDF, TXT

WORKER = Path(__file__).with_name("worker.py")
MAX_TEXT_CHARS = 500_000
TIMEOUT_SECONDS = 20
CPU_SECONDS = 15
MEMORY_BYTES = 768 * 1024 * 1024


@dataclass
class Extracted:
    valid: bool
    text: str
    truncated: bool


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _run_worker(mime_type: str, path: Path) -> Extracted:
    process = subprocess.Popen(  # noqa: S603 - fixed interpreter and script, our own arguments
        [sys.executable, "-I", str(WORKER), mime_type, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        preexec_fn=_limits,  # noqa: PLW1509 - limits must apply before the worker starts
        close_fds=True,
    )
    try:
        out, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    text = out.decode("utf-8", errors="replace")
    valid = text.startswith("VALID\n")
    body = text[len("VALID\n") :] if valid else ""
    return Extracted(valid=valid, text=body[:MAX_TEXT_CHARS], truncated=len(body) > MAX_TEXT_CHARS)


def extract(mime_type: str, path: Path) -> Extracted:
    """Check the file parses (PDF) and pull its text (PDF, DOCX, ODT, TXT); images have no text."""
    if mime_type == TXT:
        with path.open("rb") as stream:
            data = stream.read(MAX_TEXT_CHARS * 4 + 1)
        text = data.decode("utf-8", errors="ignore").lstrip("\ufeff")
        return Extracted(True, text[:MAX_TEXT_CHARS], len(text) > MAX_TEXT_CHARS)
    if mime_type in (PDF, DOCX, ODT):
        return _run_worker(mime_type, path)
    return Extracted(True, "", False)
