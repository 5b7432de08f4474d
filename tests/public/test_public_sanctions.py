"""Sanctions marked public, the public account of what was said, and a named person's role reach the public page,
the API and the public brief in the reader's language (an English fallback marked lang="en"), reviewed like every
public field; private sanctions and a sanction's private fields never do."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

import io
from typing import Any

from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)

from casefiles.cases import services
from casefiles.extensions import db
from casefiles.public import services as public_services


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _case(make_case: Any, publish: Any, staff: Any) -> Any:
    case = make_case(
        title="Human-rights defender deported",
        title_fr="Défenseuse des droits expulsée",
        public_summary="She spoke at a rally and was deported.",
        public_summary_fr="Elle a pris la parole lors d’un rassemblement et a été expulsée.",
        person={
            "legal_name": "Nadia Exemple",
            "name_consent": "full_name",
            "category": "human_rights_defender",
            "role_title": "Community organiser",
        },
        institution={"name": "Ministry of Fictional Affairs", "kind": "government", "region": "Ontario"},
    )
    public_services.update_public_content(
        case,
        actor=staff,
        values={
            "title": case.title,
            "speech_public": "She called the detention centre a disgrace.",
            "speech_public_fr": "Elle a qualifié le centre de détention de honte.",
        },
    )
    services.add_sanction(
        case,
        actor=staff,
        values={
            "type": "deportation",
            "date": "2024-03",
            "outcome": "overturned",
            "outcome_date": "2024-09-02",
            "imposed_by": "Private officer name",
            "notes": "Private sanction notes",
            "public_description": "Deported three days after the rally.",
            "public_description_fr": "Expulsée trois jours après le rassemblement.",
            "is_public": True,
        },
    )
    services.add_sanction(
        case,
        actor=staff,
        values={"type": "travel_ban", "public_description": "A travel ban nobody may read about yet."},
    )
    db.session.commit()
    return publish(case)


def test_public_page_and_api_show_public_sanctions_speech_and_role_in_both_languages(client, make_case, publish, staff):
    case = _case(make_case, publish, staff)
    html = client.get(f"/cases/{case.public_slug}", follow_redirects=True).get_data(as_text=True)
    assert "Deportation" in html and "Deported three days after the rally." in html and "Overturned" in html
    assert "She called the detention centre a disgrace." in html
    assert "Nadia Exemple, Community organiser" in html
    assert "Travel ban" not in html and "nobody may read" not in html
    assert "Private officer name" not in html and "Private sanction notes" not in html

    client.get("/language/fr?next=/")
    html = client.get(f"/cases/{case.public_slug}", follow_redirects=True).get_data(as_text=True)
    assert "Expulsée trois jours après le rassemblement." in html
    assert "Elle a qualifié le centre de détention de honte." in html
    assert "Deported three days" not in html and "a disgrace" not in html

    data = client.get(f"/api/v1/cases/{case.public_slug}", follow_redirects=True).get_json()
    body = data.get("case", data)
    assert [s["kind"] for s in body["sanctions"]] == ["deportation"]
    assert "notes" not in body["sanctions"][0] and "imposed_by" not in body["sanctions"][0]


def test_an_english_fallback_is_marked_lang_en_on_the_french_page(client, make_case, publish, staff):
    case = _case(make_case, publish, staff)
    sanction = next(s for s in case.sanctions if s.is_public)
    services.update_sanction(sanction, actor=staff, values={"public_description_fr": ""})
    db.session.commit()
    client.get("/language/fr?next=/")
    html = client.get(f"/cases/{case.public_slug}", follow_redirects=True).get_data(as_text=True)
    assert '<div class="prose" lang="en"><p>Deported three days after the rally.</p>' in html


def test_a_volunteers_change_to_a_public_sanction_waits_for_review(client, make_case, publish, staff, make_user):
    case = _case(make_case, publish, staff)
    volunteer = make_user("volunteer")
    case.assignees.append(volunteer)
    db.session.commit()
    public_one = next(s for s in case.sanctions if s.is_public)
    private_one = next(s for s in case.sanctions if not s.is_public)
    services.update_sanction(public_one, actor=volunteer, values={"public_description": "Changed by a volunteer."})
    services.update_sanction(private_one, actor=volunteer, values={"public_description": "Private draft, no review."})
    db.session.commit()
    db.session.refresh(public_one)
    db.session.refresh(private_one)
    assert public_one.public_description == "Deported three days after the rally."  # held for review
    assert private_one.public_description == "Private draft, no review."  # not shown publicly: saved at once
    html = client.get(f"/cases/{case.public_slug}", follow_redirects=True).get_data(as_text=True)
    assert "Changed by a volunteer." not in html


def test_publish_checklist_names_missing_french_of_the_new_public_texts(client, login, make_case, staff):
    case = make_case(title="Checklist case", public_summary="Summary", public_summary_fr="Résumé")
    public_services.update_public_content(
        case, actor=staff, values={"title": case.title, "speech_public": "Said something."}
    )
    services.add_sanction(
        case, actor=staff, values={"type": "suspension", "public_description": "Suspended.", "is_public": True}
    )
    db.session.commit()
    login("staff")
    html = client.get(f"/staff/cases/{case.id}/publish").get_data(as_text=True)
    missing = html.split('class="missing-french"')[1].split("</ul>")[0]
    assert "What was said, as the public page tells it" in missing
    assert "Sanction" in missing and "Public description" in missing


def test_french_public_brief_carries_the_french_sanction_and_speech(client, login, make_case, publish, staff):
    case = _case(make_case, publish, staff)
    login("staff")
    response = client.get(f"/staff/cases/{case.id}/briefs/public/fr.pdf")
    assert response.status_code == 200, response.data[:300]
    text = " ".join(pdf_text(response.data).split())
    assert "Expulsée trois jours après le rassemblement." in text
    assert "Elle a qualifié le centre de détention de honte." in text
    assert "Deported three days" not in text and "a disgrace" not in text and "nobody may read" not in text
    assert f"/fr/cases/{case.public_slug}" in text  # the printed link opens the French page


def test_the_body_of_a_public_sanction_lists_the_case_and_a_private_ones_does_not(client, make_case, publish, staff):
    from casefiles.institutions.models import Institution

    case = _case(make_case, publish, staff)
    services.add_sanction(
        case, actor=staff, values={"type": "censure", "institution": "Fictive Party", "is_public": True}
    )
    services.add_sanction(case, actor=staff, values={"type": "removal", "institution": "Secret Committee"})
    db.session.commit()
    party = db.session.query(Institution).filter_by(name="Fictive Party").one()
    secret = db.session.query(Institution).filter_by(name="Secret Committee").one()
    page = client.get(f"/institutions/{party.id}", follow_redirects=True)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Fictive Party" in html and "Human-rights defender deported" in html
    assert client.get(f"/institutions/{secret.id}", follow_redirects=True).status_code == 404
    index = client.get("/cases", follow_redirects=True).get_data(as_text=True)
    assert "Fictive Party" in index and "Secret Committee" not in index


def test_the_demo_shows_a_public_sanction_and_what_was_said_in_both_languages(app, client):
    from sqlalchemy import select

    from casefiles.cases.models import Case

    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    nurse = db.session.scalars(
        select(Case).where(Case.title == "Nurse suspended for a post about hospital wait times")
    ).one()
    html = client.get(f"/cases/{nurse.public_slug}", follow_redirects=True).get_data(as_text=True)
    assert "Suspended from her clinical placement" in html and "six-hour wait" in html
    client.get("/language/fr?next=/")
    html = client.get(f"/cases/{nurse.public_slug}", follow_redirects=True).get_data(as_text=True)
    assert "Suspendue de son stage clinique" in html and "attente de six heures" in html
