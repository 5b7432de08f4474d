"""The demo showcase shows the records of real cases: a second sanctioning body, a public harm, a legal proceeding
with its hearings, and a group — on the staff side and, where public, on the public pages in both languages."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

from typing import Any

from public_fixtures import _fresh_projection_cache, client  # noqa: F401 - pytest fixtures
from sqlalchemy import select

from casefiles.extensions import db


def test_the_showcase_shows_harms_proceedings_groups_and_several_bodies(app: Any, client: Any) -> None:
    from casefiles.cases.models import Case

    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    cases = {c.title: c for c in db.session.scalars(select(Case))}
    nurse = cases["Nurse suspended for a post about hospital wait times"]
    professor = cases["Professor disciplined over a lecture on academic freedom"]
    assert len({i.name for i in nurse.institutions}) == 2
    assert professor.proceedings[0].file_number == "ARB-DEMO-17" and len(professor.proceedings[0].hearings) == 2
    english = client.get(f"/en/cases/{nurse.public_slug}").get_data(as_text=True)
    assert "Doxxing" in english and "Police report" not in english
    english = client.get(f"/en/cases/{professor.public_slug}").get_data(as_text=True)
    assert "ARB-DEMO-17" in english and "Cabinet Exemple" not in english
    client.get("/language/fr?next=/")
    french = client.get(f"/fr/cases/{professor.public_slug}").get_data(as_text=True)
    assert "L’arbitre a ordonné le retrait" in french
    student = next(c for c in cases.values() if c.group_name)
    assert "3 " in client.get(f"/en/cases/{student.public_slug}").get_data(as_text=True)
