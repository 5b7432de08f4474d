"""Publishing: only staff, only after the review checklist; unpublishing and consent withdrawal act at once."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

from typing import Any

import pytest
from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)
from sqlalchemy import select

from casefiles.audit.models import AuditEntry
from casefiles.cases import services as case_services
from casefiles.extensions import db
from casefiles.people import services as people_services
from casefiles.public import services
from casefiles.public.projection import public_case


def _actions(case: Any) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)))


def test_publish_gives_random_slug_and_is_audited(make_case: Any, staff: Any) -> None:
    case = make_case()
    assert public_case(case, "en") is None
    services.publish_case(case, actor=staff, checklist=services.ReviewChecklist(True, True))
    db.session.commit()
    assert case.published and case.published_at is not None
    assert case.public_slug and not case.public_slug.isdigit() and len(case.public_slug) >= 12
    assert "case.publish" in _actions(case)
    projection = public_case(case, "en")
    assert projection is not None and projection.slug == case.public_slug


def test_checklist_refusals_say_what_is_missing(make_case: Any, staff: Any) -> None:
    case = make_case(public_summary="")
    with pytest.raises(services.PublishError) as caught:
        services.publish_case(case, actor=staff, checklist=services.ReviewChecklist(False, False))
    fields = {f for f, _ in caught.value.problems}
    assert fields == {"public_summary", "consent_recorded", "no_private_data"}
    db.session.rollback()
    assert not case.published and case.public_slug is None


def test_volunteer_cannot_publish(make_case: Any, make_user: Any) -> None:
    case = make_case()
    volunteer = make_user("volunteer")
    with pytest.raises(services.PublishError):
        services.publish_case(case, actor=volunteer, checklist=services.ReviewChecklist(True, True))
    db.session.rollback()
    assert not case.published


def test_unpublish_keeps_the_address(make_published: Any, staff: Any, publish: Any) -> None:
    case = make_published()
    slug = case.public_slug
    services.unpublish_case(case, actor=staff)
    db.session.commit()
    assert public_case(case, "en") is None
    assert "case.unpublish" in _actions(case)
    publish(case)
    assert case.public_slug == slug


def test_consent_withdrawal_unpublishes_at_once(make_published: Any, staff: Any, client: Any) -> None:
    case = make_published()
    assert client.get(f"/en/cases/{case.public_slug}").status_code == 200
    people_services.update_person(case.people[0], actor=staff, values={"name_consent": "none"})
    db.session.commit()
    assert not case.published
    assert client.get(f"/en/cases/{case.public_slug}").status_code == 404
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.unpublish")).all()
    assert entries and entries[-1].changes["reason"] == [None, "consent_withdrawn"]


def test_withdraw_consent_service(make_published: Any, staff: Any) -> None:
    case = make_published()
    services.withdraw_consent(case.people[0], actor=staff)
    db.session.commit()
    assert case.people[0].name_consent == "none" and not case.published


def test_archived_case_is_not_public(make_published: Any, staff: Any) -> None:
    case = make_published()
    case_services.archive_case(case, actor=staff)
    db.session.commit()
    assert public_case(case, "en") is None


def test_french_content_with_fallback(make_published: Any, staff: Any) -> None:
    case = make_published(title="Nurse suspended", public_summary="She was *suspended*.")
    fr = public_case(case, "fr")
    assert fr.title == "Nurse suspended" and fr.title_language == "en"
    services.update_public_content(
        case, actor=staff, values={"title_fr": "Infirmière suspendue", "public_summary_fr": "Elle a été *suspendue*."}
    )
    db.session.commit()
    fr = public_case(case, "fr")
    assert fr.title == "Infirmière suspendue" and fr.title_language == "fr"
    assert "<em>suspendue</em>" in str(fr.summary_html)
    assert public_case(case, "en").title == "Nurse suspended"


def test_correction_note_is_shown_and_audited(make_published: Any, staff: Any, client: Any) -> None:
    case = make_published()
    services.update_public_content(
        case,
        actor=staff,
        values={"title": "Corrected title"},
        correction={"note": "The date of the hearing was wrong."},
    )
    db.session.commit()
    page = client.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    assert "The date of the hearing was wrong." in page and "Corrected title" in page
    assert "correction.create" in _actions(case)


def test_staff_publish_page_flow(make_case: Any, login: Any, client: Any) -> None:
    case = make_case()
    login("staff")
    detail = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Publish…" in detail
    page = client.get(f"/staff/cases/{case.id}/publish")
    assert page.status_code == 200 and "Review checklist" in page.get_data(as_text=True)
    refused = client.post(f"/staff/cases/{case.id}/publish", data={"consent_recorded": "y"})
    assert refused.status_code == 200
    assert "Confirm that no private information appears" in refused.get_data(as_text=True)
    db.session.refresh(case)
    assert not case.published
    done = client.post(f"/staff/cases/{case.id}/publish", data={"consent_recorded": "y", "no_private_data": "y"})
    assert done.status_code == 302
    db.session.refresh(case)
    assert case.published
    detail = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Unpublish" in detail
    assert client.post(f"/staff/cases/{case.id}/unpublish", data={"reason": "asked"}).status_code == 302
    db.session.refresh(case)
    assert not case.published


def test_volunteer_sees_no_publish_control_and_is_refused(make_case: Any, login: Any, client: Any) -> None:
    user = login("volunteer")
    case = make_case(assignees=[user])
    assert "Publish…" not in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/staff/cases/{case.id}/publish").status_code == 403
    checklist = {"consent_recorded": "y", "no_private_data": "y"}
    assert client.post(f"/staff/cases/{case.id}/publish", data=checklist).status_code == 403
    db.session.refresh(case)
    assert not case.published


def test_public_content_form_rejects_empty_title(make_published: Any, login: Any, client: Any) -> None:
    case = make_published(title="Kept title")
    login("staff")
    response = client.post(f"/staff/cases/{case.id}/public-content", data={"title": "", "title_fr": "x"})
    assert response.status_code == 200 and "Give the case a title." in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.title == "Kept title" and case.title_fr == ""
