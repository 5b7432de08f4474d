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


OCR_TIMEOUT_SECONDS = 300  # scanned pages are read by Tesseract, about a second or two each
OCR_CPU_SECONDS = 280
_OCR_MARK = "\n\x1eOCR "


@dataclass
class Extracted:
    valid: bool
    text: str
    truncated: bool
    # The mean confidence (0-100) of the words recognised from scanned pages or images; None when none was.
    ocr_confidence: float | None = None


def _recognised(text: str) -> tuple[str, float | None]:
    """The text without the worker's last line about recognised text, and the confidence it gave."""
    at = text.rfind(_OCR_MARK)
    if at < 0:
        return text, None
    try:
        return text[:at], float(text[at + len(_OCR_MARK) :].strip())
    except ValueError:
        return text[:at], None


def _limits(cpu_seconds: int = CPU_SECONDS) -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _run_worker(mime_type: str, path: Path) -> Extracted:
    reads_scans = mime_type == PDF or mime_type.startswith("image/")
    cpu_seconds = OCR_CPU_SECONDS if reads_scans else CPU_SECONDS
    process = subprocess.Popen(  # noqa: S603 - fixed interpreter and script, our own arguments
        [sys.executable, "-I", str(WORKER), mime_type, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        preexec_fn=lambda: _limits(cpu_seconds),  # noqa: PLW1509 - limits must apply before the worker starts
        close_fds=True,
    )
    try:
        out, _ = process.communicate(timeout=OCR_TIMEOUT_SECONDS if reads_scans else TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    text = out.decode("utf-8", errors="replace")
    valid = text.startswith("VALID\n")
    body, confidence = _recognised(text[len("VALID\n") :] if valid else "")
    return Extracted(valid, body[:MAX_TEXT_CHARS], len(body) > MAX_TEXT_CHARS, confidence)


def extract(mime_type: str, path: Path) -> Extracted:
    """Check the file parses (PDF) and pull its text (PDF, DOCX, ODT, TXT); scanned pages and images are read
    by Tesseract when it is installed."""
    if mime_type == TXT:
        # Decoded as it is read, one character past the bound: never the bytes of four times the bound at once.
        with path.open(encoding="utf-8-sig", errors="ignore", newline="") as stream:
            text = stream.read(MAX_TEXT_CHARS + 1)
        return Extracted(True, text[:MAX_TEXT_CHARS], len(text) > MAX_TEXT_CHARS)
    if mime_type in (PDF, DOCX, ODT) or mime_type.startswith("image/"):
        return _run_worker(mime_type, path)
    return Extracted(True, "", False)
