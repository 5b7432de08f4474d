"""Briefs in the reader's language, read back from real PDFs: French texts in French briefs and none of the English,
an English fallback tagged lang="en" in the PDF structure, English briefs without French spacing, and a one-pager
that fills its one page (Letter and A4), is a watermarked draft until the case is published, and never shows a
planned campaign."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from casefiles.extensions import db

from .conftest import ENGLISH, FRENCH, PLANNED_ASK, conftest_skip_or_fail, pdf_reader, pdf_text


def _brief(client: Any, case: Any, kind: str, lang: str) -> bytes:
    response = client.get(f"/staff/cases/{case.id}/briefs/{kind}/{lang}.pdf")
    assert response.status_code == 200, response.data[:300]
    return response.data


def _flat(text: str) -> str:
    """Text with every kind of space collapsed (a line break may fall anywhere in a sentence)."""
    return " ".join(text.split())


def _texts(language: dict[str, Any], events: bool = True) -> list[str]:
    found = [language["title"], language["summary"], *language["asks"]]
    if events:
        found += [t for pair in language["events"] for t in pair]
    return found


@pytest.mark.parametrize("kind", ["legal", "public", "onepager"])
def test_french_briefs_carry_the_french_texts_and_none_of_the_english(client, login, bilingual_case, kind) -> None:
    case = bilingual_case()
    login("staff")
    text = _flat(pdf_text(_brief(client, case, kind, "fr")))
    # The one-pager lists event titles only (the details are on the public page it links to).
    with_details = kind != "onepager"
    for french in _texts(FRENCH, events=False) + [t for t, _ in FRENCH["events"]]:
        assert _flat(french) in text, french
    if with_details:
        for _, details in FRENCH["events"]:
            assert _flat(details) in text, details
    for english in _texts(ENGLISH) + [ENGLISH["institution"]]:
        assert english not in text, english
    assert "Québec" in text  # the province, named in French


@pytest.mark.parametrize("kind", ["legal", "public", "onepager"])
def test_english_briefs_carry_no_french_spacing(client, login, make_case, kind) -> None:
    from casefiles.public.services import ReviewChecklist, publish_case

    case = make_case(
        title="Teacher fired: a test case",
        public_summary="She appealed; at the hearing the board said: « no »! Why?",
        person={"legal_name": "Ann Lee", "category": "teacher", "name_consent": "full_name"},
    )
    staff = login("staff")
    publish_case(case, actor=staff, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
    db.session.commit()
    text = pdf_text(_brief(client, case, kind, "en"))
    assert "Teacher fired: a test case" in text
    for spaced in ("\u00a0:", "\u202f:", "\u00a0;", "\u202f;", "\u202f!", "\u00a0!", "\u202f?", "\u00a0?", "«\u00a0"):
        assert spaced not in text, repr(spaced)


def test_french_brief_follows_french_typography_with_no_space_before_exclamation(client, login, bilingual_case) -> None:
    case = bilingual_case()
    case.public_summary_fr = "Elle a fait appel ; le comité a dit : « non » ! Pourquoi ?"
    db.session.commit()
    login("staff")
    text = pdf_text(_brief(client, case, "legal", "fr"))
    assert "Elle a fait appel; le comité a dit\u00a0: «\u00a0non\u00a0»! Pourquoi?" in text


def _struct_languages(pdf: bytes) -> list[str]:
    """Every /Lang set on an element of the PDF structure tree."""
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not hasattr(node, "get"):
            return
        if "/Lang" in node:
            found.append(str(node["/Lang"]))
        if "/K" in node:
            walk(node["/K"])

    walk(pdf_reader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.parametrize("kind", ["legal", "public", "onepager"])
def test_an_english_fallback_is_tagged_lang_en_in_the_pdf_structure(client, login, bilingual_case, kind) -> None:
    case = bilingual_case(french_events=2)  # the third event has no French
    login("staff")
    pdf = _brief(client, case, kind, "fr")
    text = _flat(pdf_text(pdf))
    assert ENGLISH["events"][2][0] in text and FRENCH["events"][0][0] in text
    assert "en" in _struct_languages(pdf)
    complete = bilingual_case(french_events=3)
    assert "en" not in _struct_languages(_brief(client, complete, kind, "fr"))


def _lowest_text_fraction(pdf: bytes) -> float:
    """How far down the page the lowest line of body text sits (0 = top, 1 = bottom), page footer excluded."""
    import re

    try:
        out = subprocess.run(
            ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
    except FileNotFoundError:
        conftest_skip_or_fail("pdftotext (poppler-utils) is not installed")
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out).group(1))
    footer_top = height - 20 / 25.4 * 72  # the bottom page margin holds the page number and the name
    lows = [float(m) for m in re.findall(r'yMax="([\d.]+)"', out)]
    return max(y for y in lows if y < footer_top) / height


@pytest.mark.parametrize("page_size", ["letter", "a4"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_one_pager_fills_two_thirds_of_one_page(client, login, bilingual_case, page_size, lang) -> None:
    from casefiles.briefs.organization import update_details

    case = bilingual_case()
    staff = login("staff")
    update_details(
        actor=staff,
        changes={"name_en": "Speech Rights Canada", "address": "10 Main St\nOttawa ON", "page_size": page_size},
    )
    db.session.commit()
    pdf = _brief(client, case, "onepager", lang)
    reader = pdf_reader(pdf)
    assert len(reader.pages) == 1
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == (216 if page_size == "letter" else 210)
    assert _lowest_text_fraction(pdf) >= 2 / 3
    assert "Speech Rights Canada" in pdf_text(pdf) and "10 Main St" in pdf_text(pdf)


def test_unpublished_one_pager_is_a_watermarked_draft_and_a_planned_campaign_never_appears(
    client, login, bilingual_case
) -> None:
    login("staff")
    draft = bilingual_case(published=False)
    for lang in ("en", "fr"):
        text = _flat(pdf_text(_brief(client, draft, "onepager", lang)))
        assert "Draft — not for distribution" in text or "Ébauche — ne pas diffuser" in text
        assert PLANNED_ASK not in text and "Planned rally" not in text
    published = bilingual_case(published=True)
    for lang in ("en", "fr"):
        text = _flat(pdf_text(_brief(client, published, "onepager", lang)))
        assert "Draft" not in text and "Ébauche" not in text
        assert PLANNED_ASK not in text
    public = _flat(pdf_text(_brief(client, published, "public", "en")))
    assert PLANNED_ASK not in public and ENGLISH["asks"][0] in public
