"""The copy of a file the public downloads: the same content without the metadata that names people.

Images are re-encoded (previews.make_public_image). A PDF is rewritten without its document information
dictionary and its XMP metadata streams; that parse runs in the bounded worker, like text extraction (a hostile
PDF meets pypdf only there). Word (DOCX) and OpenDocument (ODT) files get their properties parts replaced by
empty ones and the authors of comments and tracked changes blanked; every other part is copied unchanged.
Plain text carries no metadata and is served as it is. No copy, no public download: public_file() refuses.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import IO

from casefiles.documents import extraction
from casefiles.documents.detection import DOCX, IMAGES, MAX_ZIP_UNCOMPRESSED, ODT, PDF, TXT
from casefiles.documents.previews import make_public_image
from casefiles.documents.storage import HashingTempFile

_CHUNK = 1024 * 1024

# Office property parts, replaced whole by empty ones (core: author, last modified by, title, subject, keywords,
# description...; app: company, manager, template, editing time; custom: anything a template added).
_EMPTY_DOCX_PARTS = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
    ),
}
_EMPTY_ODT_PARTS = {
    "meta.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta/></office:document-meta>'
    ),
}
# Who wrote a comment or a tracked change (Word: w:author / w:initials attributes, and the people part; ODT:
# dc:creator inside annotations and change records). The text itself is left alone.
_DOCX_PEOPLE = re.compile(rb'(\b(?:w|w15):(?:author|initials|userId|providerId)=)"[^"]*"')
_ODT_CREATOR = re.compile(rb"(<dc:creator(?:\s[^>]*)?>)[^<]*(</dc:creator>)")


def needs_public_copy(mime_type: str) -> bool:
    """Every accepted type but plain text can carry metadata, so the public gets a cleaned copy of it."""
    return mime_type != TXT


def make_public_copy(mime_type: str, source: Path, out: HashingTempFile) -> bool:
    """Write the metadata-free public copy of the file into `out`; False when none could be made."""
    if mime_type in IMAGES:
        return make_public_image(mime_type, source, out)
    if mime_type == PDF:
        return _strip_pdf(source, out)
    if mime_type == DOCX:
        return _rewrite_zip(source, out, _EMPTY_DOCX_PARTS, _docx_part)
    if mime_type == ODT:
        return _rewrite_zip(source, out, _EMPTY_ODT_PARTS, _odt_part)
    return False


def _docx_part(name: str, data: bytes) -> bytes:
    if name.startswith("word/") and name.endswith(".xml"):
        return _DOCX_PEOPLE.sub(rb'\1""', data)
    return data


def _odt_part(name: str, data: bytes) -> bytes:
    if name in ("content.xml", "styles.xml"):
        return _ODT_CREATOR.sub(rb"\1\2", data)
    return data


def _rewrite_zip(source: Path, out: HashingTempFile, empty_parts: dict[str, bytes], clean_part: object) -> bool:
    """Copy the archive part by part, in order and with each part's compression (an ODT's `mimetype` stays first
    and stored), replacing the property parts and cleaning the XML parts that name people. Written to a scratch
    file first: zipfile seeks back over what it wrote, and `out` hashes its bytes as they are written."""
    with tempfile.TemporaryFile(dir=out.path.parent) as scratch:
        if not _copy_parts(source, scratch, empty_parts, clean_part):
            return False
        scratch.seek(0)
        shutil.copyfileobj(scratch, out, _CHUNK)
    return True


def _copy_parts(source: Path, scratch: IO[bytes], empty_parts: dict[str, bytes], clean_part: object) -> bool:
    budget = MAX_ZIP_UNCOMPRESSED  # the upload check bounds the archive already; this bounds what we expand
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(scratch, "w") as copy:
        for info in archive.infolist():
            target = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            target.compress_type = info.compress_type
            target.external_attr = info.external_attr
            if info.filename in empty_parts:
                copy.writestr(target, empty_parts[info.filename])
                continue
            if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
                with archive.open(info) as stream:
                    data = stream.read(budget + 1)
                budget -= len(data)
                if budget < 0:
                    return False
                copy.writestr(target, clean_part(info.filename, data))  # type: ignore[operator]
                continue
            with archive.open(info) as stream, copy.open(target, "w") as sink:
                copied = 0
                while chunk := stream.read(_CHUNK):
                    copied += len(chunk)
                    if copied > budget:
                        return False
                    sink.write(chunk)
                budget -= copied
    return True


def _strip_pdf(source: Path, out: IO[bytes]) -> bool:
    """The worker writes the rewritten PDF to its standard output, under the same limits as text extraction."""
    process = subprocess.Popen(  # noqa: S603 - fixed interpreter and script, our own arguments
        [sys.executable, "-I", str(extraction.WORKER), "strip-pdf", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        preexec_fn=extraction._limits,  # noqa: PLW1509 - limits must apply before the worker starts
        close_fds=True,
    )
    timer = threading.Timer(extraction.TIMEOUT_SECONDS, process.kill)
    timer.start()
    try:
        if process.stdout is None:  # never: stdout is a pipe
            return False
        shutil.copyfileobj(process.stdout, out, _CHUNK)
        return process.wait() == 0
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
