"""Public institution pages: the published cases at an institution with their outcomes; unpublished cases never
show, and an institution without a published case answers like a missing one."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

from typing import Any

from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)


def test_institution_page_lists_its_published_cases_with_outcomes(
    client: Any, make_published: Any, make_case: Any
) -> None:
    college = {"name": "College of Nurses", "kind": "regulator", "region": "Ontario"}
    won = make_published(title="Nurse reinstated", outcome="victory", institution=college)
    make_published(title="Nurse still suspended", outcome="ongoing", institution=college)
    make_case(title="Unpublished nurse case", institution=college)
    make_published(title="Elsewhere", institution={"name": "Other University", "kind": "university"})
    institution_id = won.institution_id
    page = client.get(f"/en/institutions/{institution_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "College of Nurses" in text and "Nurse reinstated" in text and "Nurse still suspended" in text
    assert "Victory: 1 case" in text and "Ongoing: 1 case" in text
    assert "Unpublished nurse case" not in text and "Elsewhere" not in text
    client.set_cookie("lang", "fr")
    assert client.get(f"/en/institutions/{institution_id}").status_code == 200
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"/en/institutions/{institution_id}</loc>" in sitemap


def test_institution_without_published_case_answers_like_missing(client: Any, make_case: Any) -> None:
    hidden = make_case(title="Private", institution={"name": "Quiet School Board", "kind": "school_board"})
    missing = client.get("/en/institutions/999999")
    answer = client.get(f"/en/institutions/{hidden.institution_id}")
    assert answer.status_code == missing.status_code == 404
    assert "Quiet School Board" not in answer.get_data(as_text=True)
