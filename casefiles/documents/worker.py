"""Child process for the risky work on an uploaded file: parse a PDF, pull text out of PDF/DOCX/ODT.

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


def _pdf_text(path: str) -> None:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=True)
    if len(reader.pages) < 1:
        raise ValueError("no pages")
    print("VALID", flush=True)
    written = 0
    for page in reader.pages:
        text = page.extract_text() or ""
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


def main(mime_type: str, path: str) -> int:
    if mime_type == "strip-pdf":
        _pdf_without_metadata(path)
        return 0
    if mime_type == "application/pdf":
        _pdf_text(path)
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
