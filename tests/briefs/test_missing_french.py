"""The publish checklist names each public text that has no French yet (read from the record declarations)."""

from __future__ import annotations

from casefiles.extensions import db


def test_publish_checklist_warns_which_french_texts_are_missing(client, login, bilingual_case) -> None:
    case = bilingual_case(published=False, french_events=2)
    login("admin")
    page = client.get(f"/staff/cases/{case.id}/publish").data.decode()
    assert "2 public texts have no French yet" in page
    assert "Timeline event · Hearing held in public · What happened" in page
    case.events[-1].title_fr = "Audience publique tenue"
    case.events[-1].description_fr = "Ses appuis remplissaient la salle."
    case.public_summary_fr = ""
    db.session.commit()
    page = client.get(f"/staff/cases/{case.id}/publish").data.decode()
    assert (
        "1 public text has no French yet" in page and "Case · Nurse suspended over her posts · Public summary" in page
    )
    case.public_summary_fr = "Résumé."
    db.session.commit()
    assert "Every public text is written in French too." in client.get(f"/staff/cases/{case.id}/publish").data.decode()
