"""Scanned letters are read by Tesseract in the bounded text worker: their words are searchable and the document
page shows the recognised text with its confidence. The scan is made here: text drawn with Pillow, saved as PDF."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from casefiles.cases.queries import CaseFilters, find_cases
from casefiles.documents import services as documents
from casefiles.extensions import db
from tests.conftest import skip_or_fail

LETTER = [
    "Madame la directrice,",
    "L'élève a été suspendue pour une caricature",
    "publiée dans le journal étudiant.",
    "Nous demandons sa réintégration immédiate.",
]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def scanned_pdf(lines: list[str]) -> bytes:
    """A one-page PDF holding only a picture of the lines, as a scanner makes it (no text layer)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 40) if FONT.exists() else ImageFont.load_default(size=40)
    image = Image.new("L", (1700, 900), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((100, 100 + i * 70), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    if not shutil.which("tesseract"):
        skip_or_fail("Tesseract is missing (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra)")


def test_a_word_of_a_scanned_french_letter_is_found_and_shown_as_recognised(
    client: Any, login: Any, make_case: Any
) -> None:
    pdf = scanned_pdf(LETTER)
    from pypdf import PdfReader

    assert not (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").strip()  # really only a picture
    user = login("staff")
    case = make_case(title="Scanned", private_notes="Nothing typed about it.")
    (document,) = documents.upload_documents(
        case, actor=user, files=[("lettre.pdf", io.BytesIO(pdf))], values={"title": "Lettre"}
    )
    db.session.commit()
    version = document.current
    assert version.ocr_confidence is not None and version.ocr_confidence > 60
    for q in ["caricature", "caricatures", "réintégration", "journal étudiant"]:
        page = find_cases(user, CaseFilters.from_args({"q": q}))
        assert [c.title for c in page.items] == ["Scanned"], q
    html = client.get("/staff/cases?q=caricature").get_data(as_text=True)
    assert "Document “Lettre”, version 1, page 1:" in html
    assert "<mark>caricature</mark>" in html
    detail = client.get(f"/staff/documents/{document.id}").get_data(as_text=True)
    assert "Recognised text of version 1 (confidence:" in detail
    assert "suspendue pour une caricature" in detail


def test_a_scanned_image_is_read_too(login: Any, make_case: Any) -> None:
    from PIL import Image

    pdf_page = scanned_pdf(["Grievance filed against the dean."])
    from pypdf import PdfReader

    image = PdfReader(io.BytesIO(pdf_page)).pages[0].images[0].image
    png = io.BytesIO()
    Image.Image.save(image, png, format="PNG")
    user = login("staff")
    case = make_case(title="Photo")
    documents.upload_documents(case, actor=user, files=[("photo.png", io.BytesIO(png.getvalue()))], values={})
    db.session.commit()
    assert [c.title for c in find_cases(user, CaseFilters.from_args({"q": "grievances dean"})).items] == ["Photo"]
