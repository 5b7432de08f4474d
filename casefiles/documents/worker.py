"""Child process for the risky work on an uploaded file: parse a PDF, pull text out of PDF/DOCX/ODT, recognise
the text of scanned pages and images (Tesseract).

Run as `python -I worker.py <mime type> <path>` under CPU, memory and wall-clock limits (see extraction.py).
It prints `VALID` once the file parsed, then the text; whatever it printed before being stopped is kept.
`python -I worker.py strip-pdf <path>` writes the PDF without its metadata instead (see public_copy.py).
It imports nothing from the application, so a hostile file meets as little code as possible.
"""

from __future__ import annotations

import html
import io
import re
import sys
import zipfile

MAX_TEXT_CHARS = 500_000
MAX_XML_BYTES = 20 * 1024 * 1024
_TAG = re.compile(r"<[^>]{0,2000}>")
_BREAKS = re.compile(r"</(?:w:p|text:p|text:h)>|<(?:w:br|w:tab|text:line-break|text:tab)\b[^>]*/?>")


def _xml_text(path: str, member: str) -> str:
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        data = stream.read(MAX_XML_BYTES)  # never more than the bound, whatever the archive claims
    text = data.decode("utf-8", errors="replace")
    text = _BREAKS.sub("\n", text)
    return html.unescape(_TAG.sub("", text))


TESSERACT = "/usr/bin/tesseract"
OCR_LANGUAGES = "eng+fra"
OCR_SECONDS_PER_IMAGE = 60
MAX_OCR_IMAGES = 50
_confidences: list[float] = []


def _ocr(image: bytes) -> str:
    """Recognise the text of an image with Tesseract (English and French), reading it from standard input; the
    word confidences are kept for the summary line. Tesseract runs under this worker's limits and writes no file."""
    import os
    import subprocess  # noqa: S404 - a fixed program with fixed arguments

    if not os.path.exists(TESSERACT) or not image:
        return ""
    result = subprocess.run(  # noqa: S603
        [TESSERACT, "stdin", "stdout", "-l", OCR_LANGUAGES, "tsv"],
        input=image,
        capture_output=True,
        timeout=OCR_SECONDS_PER_IMAGE,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    lines: dict[tuple[str, str, str], list[str]] = {}
    for row in result.stdout.decode("utf-8", errors="replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != 12 or not cells[11].strip():
            continue
        try:
            confidence = float(cells[10])
        except ValueError:
            continue
        if confidence < 0:
            continue
        _confidences.append(confidence)
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(cells[11].strip())
    return "\n".join(" ".join(words) for words in lines.values())


def _page_images(page: object) -> list[bytes]:
    try:
        return [image.data for image in page.images][:MAX_OCR_IMAGES]  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an image pypdf cannot decode is simply not read
        return []


def _pdf_text(path: str) -> None:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=True)
    if len(reader.pages) < 1:
        raise ValueError("no pages")
    print("VALID", flush=True)
    written = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        if not text.strip():  # a scanned page: its text is in its pictures
            text = "\n".join(_ocr(image) for image in _page_images(page))
        sys.stdout.write(text[: MAX_TEXT_CHARS - written] + "\n\f")  # a form feed ends each page (for search)
        sys.stdout.flush()
        written += len(text) + 2
        if written >= MAX_TEXT_CHARS:
            break


def _pdf_without_metadata(path: str) -> None:
    """Write the PDF to standard output without its document information and without any XMP metadata stream
    (on the catalogue, pages, images or fonts); page content, links and attachments are left as they are."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        raise ValueError("encrypted")
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # the same PDF version as the original, not the writer's default
    info = writer._info.get_object() if getattr(writer, "_info", None) is not None else None
    if isinstance(info, DictionaryObject):
        info.clear()  # emptied as well as unlinked, so no copy of it can be written out
    writer.metadata = None  # no /Info dictionary at all: no author, creator, producer, title or dates
    for obj in writer._objects:
        target = obj.get_object() if obj is not None else None
        if not isinstance(target, DictionaryObject):
            continue
        if isinstance(target, StreamObject) and target.get("/Type") == "/Metadata":
            target.set_data(b"")
        for key in ("/Metadata", "/PieceInfo", "/LastModified"):
            target.pop(NameObject(key), None)
    # What no longer hangs from the document (the old information dictionary, the metadata streams) is dropped
    # rather than written out unreferenced (the defaults of every pypdf version that has this method).
    if hasattr(writer, "compress_identical_objects"):
        writer.compress_identical_objects()
    written = io.BytesIO()  # pypdf needs a seekable stream for the cross-reference offsets; a pipe is not one
    writer.write(written)
    sys.stdout.buffer.write(written.getbuffer())
    sys.stdout.buffer.flush()


def _image_text(path: str) -> None:
    with open(path, "rb") as stream:
        image = stream.read()
    print("VALID", flush=True)
    sys.stdout.write(_ocr(image)[:MAX_TEXT_CHARS])


def _ocr_summary() -> None:
    """A last line saying the text was recognised, with the mean confidence of its words (0-100)."""
    if _confidences:
        sys.stdout.write(f"\n\x1eOCR {sum(_confidences) / len(_confidences):.1f}\n")
        sys.stdout.flush()


def main(mime_type: str, path: str) -> int:
    if mime_type == "strip-pdf":
        _pdf_without_metadata(path)
        return 0
    if mime_type == "application/pdf":
        _pdf_text(path)
        _ocr_summary()
        return 0
    if mime_type.startswith("image/"):
        _image_text(path)
        _ocr_summary()
        return 0
    member = "word/document.xml" if mime_type.endswith("wordprocessingml.document") else "content.xml"
    text = _xml_text(path, member)
    print("VALID", flush=True)
    sys.stdout.write(text[:MAX_TEXT_CHARS])
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except Exception as error:  # noqa: BLE001 - any failure means "not a sound file"
        print(f"ERROR {type(error).__name__}", file=sys.stderr)
        sys.exit(3)
