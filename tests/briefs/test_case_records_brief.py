"""The legal brief carries a case's harms, legal proceedings with their hearings and events, each sanction's body
and outcome, and the group — read back from the real PDF, in English and French; the public brief carries none of
their private fields."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from casefiles.cases import services
from casefiles.extensions import db

from .conftest import pdf_text


def _case(make_case: Any) -> Any:
    case = make_case(group_name="Eleven activists", headcount=11, outcome_date="2024-05")
    services.add_sanction(
        case, actor=None, values={"type": "detention", "institution": "Fictive Ministry", "outcome": "overturned"}
    )
    services.add_harm(
        case,
        actor=None,
        values={"type": "doxxing", "source": "Anonymous accounts", "notes": "Harm note for counsel"},
    )
    proceeding = services.add_proceeding(
        case,
        actor=None,
        values={
            "kind": "lawsuit",
            "court": "Superior Court of Fictiveland",
            "file_number": "CV-24-77",
            "counsel": "Fictive Law LLP",
            "amount_claimed": "$1.5 million",
            "status": "ongoing",
        },
    )
    services.add_task(
        case,
        actor=None,
        values={"title": "Motion hearing", "due_date": date(2030, 3, 4), "proceeding_id": proceeding.id},
    )
    services.add_event(
        case, actor=None, values={"date": "2024-01-20", "title": "Claim served", "proceeding_id": proceeding.id}
    )
    db.session.commit()
    return case


@pytest.mark.parametrize("language", ["en", "fr"])
def test_legal_brief_shows_harms_proceedings_and_outcomes(client, login, make_case, language) -> None:
    case = _case(make_case)
    login("staff")
    response = client.get(f"/staff/cases/{case.id}/briefs/legal/{language}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for fact in (
        "Fictive Ministry",
        "Anonymous accounts",
        "Harm note for counsel",
        "Superior Court of Fictiveland",
        "CV-24-77",
        "Fictive Law LLP",
        "$1.5 million",
        "Motion hearing",
        "Claim served",
        "Eleven activists",
    ):
        assert fact in text, fact
