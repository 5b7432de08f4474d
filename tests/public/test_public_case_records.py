"""A published case shows its public harms, legal proceedings and group, in English and French, on its page and in
the JSON API; a group none of whose members may be named reads “11 activists”, never “name withheld” eleven times."""

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

from casefiles.cases import services
from casefiles.extensions import db
from casefiles.people import services as people_services


def _group_case(make_case: Any, publish: Any, staff: Any) -> Any:
    case = make_case(
        title="Activists arrested together",
        group_name="Eleven activists arrested in Montréal",
        group_name_fr="Onze militants arrêtés à Montréal",
        headcount=11,
        person={"legal_name": "Unnamed One", "name_consent": "none", "category": "activist"},
    )
    people_services.add_person(
        case, actor=staff, values={"legal_name": "Unnamed Two", "name_consent": "none", "category": "activist"}
    )
    services.add_harm(
        case,
        actor=staff,
        values={
            "type": "smear_campaign",
            "source": "A national tabloid",
            "start_date": "2023-11",
            "description": "Front-page stories called them traitors.",
            "description_fr": "Des articles en une les ont traités de traîtres.",
            "is_public": True,
        },
    )
    services.add_harm(case, actor=staff, values={"type": "threats", "source": "Not for the public"})
    services.add_proceeding(
        case,
        actor=staff,
        values={
            "kind": "judicial_review",
            "brought_by": "The activists",
            "court": "Federal Court",
            "file_number": "T-1234-24",
            "amount_claimed": "",
            "status": "decided",
            "decision": "The review was **granted**.",
            "decision_fr": "Le contrôle judiciaire a été **accueilli**.",
            "decision_date": "2024-06-03",
            "counsel": "Private counsel name",
            "is_public": True,
        },
    )
    db.session.commit()
    return publish(case)


def test_public_page_shows_group_harms_and_proceedings_in_both_languages(client, make_case, publish, staff):
    case = _group_case(make_case, publish, staff)
    html = client.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    assert "Eleven activists arrested in Montréal" in html and "11 activists" in html
    assert "Name withheld" not in html and "Unnamed" not in html
    assert "Smear campaign" in html and "A national tabloid" in html and "called them traitors" in html
    assert "Federal Court" in html and "T-1234-24" in html and "<strong>granted</strong>" in html
    assert "Not for the public" not in html and "Private counsel name" not in html
    client.get("/language/fr?next=/")
    html = client.get(f"/fr/cases/{case.public_slug}").get_data(as_text=True)
    assert "Onze militants arrêtés à Montréal" in html and "traités de traîtres" in html
    assert "<strong>accueilli</strong>" in html


def test_public_api_carries_the_public_records(client, make_case, publish, staff):
    case = _group_case(make_case, publish, staff)
    data = client.get(f"/api/v1/cases/{case.public_slug}").get_json()
    body = data.get("case", data)
    assert [h["kind"] for h in body["harms"]] == ["smear_campaign"]
    assert body["proceedings"][0]["file_number"] == "T-1234-24"
    assert "counsel" not in body["proceedings"][0] and "notes" not in body["proceedings"][0]
    assert body["group"]["headcount"] == 11
