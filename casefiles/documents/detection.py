"""Decide a file's type from its content (libmagic) and check its structure against the allowlist.

The allowlist (see docs/documents.md): PDF, PNG, JPEG, WebP, GIF, Word (DOCX), OpenDocument text (ODT) and
plain UTF-8 text. Everything else is refused, SVG and HTML included. The name a file arrives with is never
trusted: a web page named `.pdf` is HTML and is refused.
"""

from __future__ import annotations

import codecs
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
GIF = "image/gif"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TXT = "text/plain"

EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp", GIF: "gif", DOCX: "docx", ODT: "odt", TXT: "txt"}
IMAGES = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP", GIF: "GIF"}
TYPE_LABELS = {
    PDF: "PDF",
    PNG: "PNG",
    JPEG: "JPEG",
    WEBP: "WebP",
    GIF: "GIF",
    DOCX: "Word (DOCX)",
    ODT: "OpenDocument (ODT)",
    TXT: _l("plain text"),
}

# An office document is a zip: bounded in entries and in what it would expand to, whatever it claims.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_IMAGE_PIXELS = 80_000_000


class UploadRefused(ValueError):
    """The file is not accepted; the message says why, in words a volunteer understands."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Detected:
    mime_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.mime_type]

    @property
    def label(self) -> str:
        return str(TYPE_LABELS[self.mime_type])

    @property
    def is_image(self) -> bool:
        return self.mime_type in IMAGES


def accepted_types_text() -> str:
    return ", ".join(str(label) for label in TYPE_LABELS.values())


SNIFF_BYTES = 256 * 1024


def sniff(path: Path) -> str:
    """libmagic's MIME type of the file's first bytes (asked of the file itself, libmagic reads up to 7 MB of it
    into memory)."""
    import magic

    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    return magic.from_buffer(head, mime=True)


def detect(path: Path, size: int) -> Detected:
    """The file's type if it is on the allowlist and structurally sound; UploadRefused otherwise."""
    if size == 0:
        raise UploadRefused(_l("The file is empty."))
    sniffed = sniff(path)
    if sniffed in ("application/zip", DOCX, ODT, "application/octet-stream") and zipfile.is_zipfile(path):
        return Detected(_check_office(path))
    if sniffed == PDF:
        _check_pdf_header(path)
        return Detected(PDF)  # the full parse runs in the bounded worker (see extraction.py)
    if sniffed in IMAGES:
        _check_image(path, sniffed)
        return Detected(sniffed)
    if sniffed in (TXT, "text/csv"):  # libmagic calls some plain prose with commas "CSV"
        _check_text(path)
        return Detected(TXT)
    if sniffed in ("image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", "application/xml"):
        raise UploadRefused(_l("Web pages and SVG drawings are not accepted, whatever their name."))
    raise UploadRefused(
        _l(
            "This kind of file is not accepted (it looks like %(type)s). Accepted: %(accepted)s.",
            type=sniffed,
            accepted=accepted_types_text(),
        )
    )


def _check_pdf_header(path: Path) -> None:
    with path.open("rb") as stream:
        if not stream.read(1024).lstrip().startswith(b"%PDF-"):
            raise UploadRefused(_l("This PDF is damaged or incomplete."))


def _check_image(path: Path, mime_type: str) -> None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(path) as image:
            if image.format != IMAGES[mime_type]:
                raise UploadRefused(_l("This image is damaged or not what it claims to be."))
            image.verify()
        with Image.open(path) as image:
            image.load()  # verify() does not decode the pixels; a cut-off image only fails here
    except UploadRefused:
        raise
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds of errors on hostile input
        raise UploadRefused(_l("This image is damaged or not what it claims to be.")) from error


def _check_text(path: Path) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1024 * 1024):
                if b"\x00" in chunk:
                    raise UploadRefused(_l("This text file contains binary data."))
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise UploadRefused(_l("Text files must be in UTF-8 (save the file again as UTF-8).")) from error


def _check_office(path: Path) -> str:
    """DOCX or ODT: a sane zip whose total expanded size is bounded (a zip bomb is refused unopened)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise UploadRefused(_l("This document holds too many parts to be safe to open."))
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if total > MAX_ZIP_UNCOMPRESSED or total / packed > MAX_ZIP_RATIO:
                raise UploadRefused(
                    _l("This document would expand to an unsafe size when opened (a “zip bomb”); it was refused.")
                )
            names = {info.filename for info in infos}
            if any(name.startswith("/") or ".." in name.split("/") for name in names):
                raise UploadRefused(_l("This document is damaged or not what it claims to be."))
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "mimetype" in names and "content.xml" in names:
                if archive.read("mimetype")[:100].strip() == ODT.encode():
                    return ODT
    except zipfile.BadZipFile as error:
        raise UploadRefused(_l("This document is damaged or not what it claims to be.")) from error
    raise UploadRefused(_l("Archives are not accepted. Accepted: %(accepted)s.", accepted=accepted_types_text()))


def safe_filename(name: str | None, max_length: int = 150) -> str:
    """A file name fit to show and to offer for download: last path part only, no control or direction
    characters, no leading dots, bounded length; "document" when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = " ".join(name.split()).strip(" .")
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_length - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:max_length]
    return name or "document"


def download_name(original: str, detected_mime: str) -> str:
    """The name a download is offered under: the sanitised stem with the extension of the detected type."""
    stem = safe_filename(original).rsplit(".", 1)[0] if "." in safe_filename(original) else safe_filename(original)
    return f"{stem or 'document'}.{EXTENSIONS.get(detected_mime, 'bin')}"
