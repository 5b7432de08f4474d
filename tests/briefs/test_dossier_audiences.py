"""Dossiers by audience, read back from real PDFs: a public dossier (public briefs of published cases), an advocacy
pack (one-pagers) and a legal dossier (confidential), each in French with the French texts only; built from a
filtered case list; the dossier page lists its cases."""

from __future__ import annotations

from typing import Any

import pytest

from casefiles.extensions import db

from .conftest import CANARY, ENGLISH, FRENCH, PLANNED_ASK, pdf_reader, pdf_text
from .test_bilingual import _flat
from .test_dossiers import _wait


def _build(client: Any, audience: str, language: str, case_ids: list[int], title: str = "") -> tuple[str, dict]:
    response = client.post(
        "/staff/dossiers/new",
        data={"audience": audience, "language": language, "institution_id": "0", "case_ids": case_ids, "title": title},
    )
    assert response.status_code == 302, response.data[:400]
    job_url = response.headers["Location"]
    status = _wait(client, job_url)
    assert status["status"] == "done", status
    return job_url, status


@pytest.mark.parametrize("audience", ["public", "advocacy", "legal"])
def test_each_dossier_kind_in_french_carries_the_french_texts_and_none_of_the_english(
    client, login, bilingual_case, audience
) -> None:
    case = bilingual_case()
    login("staff")
    job_url, status = _build(client, audience, "fr", [case.id])
    pdf = client.get(status["download"]).data
    text = _flat(pdf_text(pdf))
    expected = [FRENCH["title"], *FRENCH["asks"], *(t for t, _ in FRENCH["events"])]
    if audience != "advocacy":  # a one-pager lists event titles; the others their details and the summary too
        expected += [FRENCH["summary"], *(d for _, d in FRENCH["events"])]
    for french in expected:
        assert _flat(french) in text, (audience, french)
    for english in [ENGLISH["title"], ENGLISH["summary"], *ENGLISH["asks"], *(t for e in ENGLISH["events"] for t in e)]:
        assert english not in text, (audience, english)
    assert PLANNED_ASK not in text or audience == "legal"  # the legal dossier is the whole file
    confidential = "Confidentiel" in text
    assert confidential == (audience == "legal")
    assert (CANARY in text) is False
    page = client.get(job_url).data.decode()
    assert case.reference in page and ">Cases in this dossier<" in page.replace("Dossiers de ce cahier", "")


def test_public_dossier_and_advocacy_pack_hold_published_cases_only(client, login, bilingual_case, rich_case) -> None:
    published = bilingual_case()
    unpublished = rich_case(events=2, title="Unpublished case never handed out")
    login("staff")
    for audience in ("public", "advocacy"):
        job_url, status = _build(client, audience, "en", [published.id, unpublished.id])
        text = _flat(pdf_text(client.get(status["download"]).data))
        assert ENGLISH["title"] in text
        assert "Unpublished case never handed out" not in text and CANARY not in text
        assert status["total"] == 1
    refused = client.post(
        "/staff/dossiers/new",
        data={"audience": "public", "language": "en", "institution_id": "0", "case_ids": [unpublished.id]},
    )
    assert refused.status_code == 422 and b"published cases only" in refused.data


def test_an_advocacy_pack_has_one_page_per_case(client, login, bilingual_case) -> None:
    cases = [bilingual_case() for _ in range(3)]
    login("staff")
    _, status = _build(client, "advocacy", "en", [c.id for c in cases], title="Advocacy day")
    pages = len(pdf_reader(client.get(status["download"]).data).pages)
    assert pages == 1 + len(cases)  # the contents, then one one-pager each


def test_a_filtered_case_list_preselects_its_cases_in_a_new_dossier(client, login, make_case) -> None:
    wanted = make_case(title="Filter match one", outcome="victory")
    other = make_case(title="Filter miss", outcome="setback")
    login("staff")
    listing = client.get("/staff/cases?outcome=victory").data.decode()
    assert "/staff/dossiers/new?outcome=victory" in listing and "Build a dossier from these cases" in listing
    form = client.get("/staff/dossiers/new?outcome=victory").data.decode()
    import re

    ticked = {
        int(m)
        for m in re.findall(r'<input[^>]*checked[^>]*value="(\d+)"|<input[^>]*value="(\d+)"[^>]*checked', form)
        for m in m
        if m
    }
    assert wanted.id in ticked and other.id not in ticked
    db.session.rollback()
