"""Organization settings in the admin interface, used by the briefs: name in both languages, a checked logo,
the contact block and the page size."""

from __future__ import annotations

import io

from PIL import Image

from .conftest import pdf_reader, pdf_text


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 300), (11, 79, 138)).save(out, format="PNG")
    return out.getvalue()


def test_administrator_sets_the_organization_and_briefs_use_it(client, login, bilingual_case) -> None:
    case = bilingual_case()
    login("staff")
    assert client.get("/staff/organization").status_code == 403
    login.logout()
    login("admin")
    page = client.get("/staff/organization")
    assert page.status_code == 200 and b"Letter" in page.data
    response = client.post(
        "/staff/organization",
        data={
            "name_en": "Speech Rights Canada",
            "name_fr": "Droits de parole Canada",
            "address": "10 Main Street\nOttawa ON K1A 0A1",
            "phone": "613-555-0100",
            "email": "info@example.org",
            "website": "https://example.org",
            "page_size": "a4",
            "logo": (io.BytesIO(_png()), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    english = client.get(f"/staff/cases/{case.id}/briefs/onepager/en.pdf").data
    french = client.get(f"/staff/cases/{case.id}/briefs/onepager/fr.pdf").data
    text_en, text_fr = pdf_text(english), pdf_text(french)
    assert "Speech Rights Canada" in text_en and "Droits de parole Canada" in text_fr
    assert "Droits de parole Canada" not in text_en
    for detail in ("10 Main Street", "613-555-0100", "info@example.org", "https://example.org"):
        assert detail in text_en
    assert round(float(pdf_reader(english).pages[0].mediabox.height) / 72 * 25.4) == 297  # A4
    images = [img for page in pdf_reader(english).pages for img in page.images]
    assert any(img.image.size[0] <= 600 and img.image.size[1] <= 200 for img in images)  # the re-encoded logo


def test_a_logo_that_is_not_an_image_is_refused_and_letter_is_the_default(client, login, bilingual_case) -> None:
    case = bilingual_case()
    login("admin")
    response = client.post(
        "/staff/organization",
        data={"page_size": "letter", "logo": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert b"not accepted" in response.data
    pdf = client.get(f"/staff/cases/{case.id}/briefs/legal/en.pdf").data
    assert round(float(pdf_reader(pdf).pages[0].mediabox.height) / 72 * 25.4) == 279  # Letter
