"""Real cases as they happen: several sanctioning bodies, outcomes per sanction, harms, legal proceedings with
hearings, groups, roles, and deadlines that stop being overdue once a case is resolved — entered through the
forms, in English and in French."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casefiles.cases.models import Case, Event, Harm, Proceeding, Sanction, Task
from casefiles.extensions import db
from casefiles.institutions.models import Institution

CASE_FORM = {
    "title": "Councillor removed from caucus",
    "status": "active",
    "outcome": "ongoing",
    "priority": "normal",
    "institution_name": "Université Fictive",
    "institution_kind": "university",
    "institution_region": "Québec",
    "institution_country": "Canada",
    "speech_text": "",
    "speech_date": "",
    "public_summary": "A fictional summary.",
    "private_notes": "",
    "tags": "",
}


def _speak(client, language: str) -> None:
    client.get(f"/language/{language}?next=/")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_sanctions_from_several_bodies_each_with_its_outcome(client, login, make_case, language):
    case = make_case()
    login("staff")
    _speak(client, language)
    r = client.post(
        f"/staff/cases/{case.id}/sanctions/new",
        data={
            "type": "detention",
            "institution_name": "Ministère fictif de l'Intérieur",
            "imposed_by": "The minister",
            "date": "2024-02",
            "duration": "six months",
            "outcome": "overturned",
            "outcome_date": "2024-05-03",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    detention = next(s for s in case.sanctions if s.type == "detention")
    assert detention.institution.name == "Ministère fictif de l'Intérieur"  # a new body is recorded
    assert detention.outcome == "overturned" and detention.outcome_when.iso() == "2024-05-03"
    first = next(s for s in case.sanctions if s.type == "suspension")
    assert first.institution.name == "Université Fictive"  # by default, the case's institution
    assert {i.name for i in case.institutions} == {"Université Fictive", "Ministère fictif de l'Intérieur"}
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Ministère fictif de l&#39;Intérieur" in html and "The minister" in html
    assert f'lang="{language}"' in html
    # The list filtered by either institution finds the case.
    for institution in case.institutions:
        listing = client.get(f"/staff/cases?institution={institution.id}").get_data(as_text=True)
        assert case.title in listing
    # A refused outcome changes nothing and says why.
    r = client.post(
        f"/staff/cases/{case.id}/sanctions/{detention.id}/edit",
        data={"type": "detention", "outcome": "forgotten", "version": detention.version},
    )
    assert r.status_code == 200
    db.session.expire_all()
    assert db.session.get(Sanction, detention.id).outcome == "overturned"


@pytest.mark.parametrize(
    "kind",
    [
        "deportation",
        "residency_revoked",
        "travel_ban",
        "training_penalty",
        "blacklisting",
        "professional_complaint",
        "detention",
    ],
)
def test_every_new_sanction_type_is_accepted(client, login, make_case, kind):
    case = make_case()
    login("staff")
    r = client.post(f"/staff/cases/{case.id}/sanctions/new", data={"type": kind, "outcome": "pending"})
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).where(Sanction.type == kind)) == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_harm_entered_through_its_form(client, login, make_case, language):
    case = make_case()
    login("staff")
    _speak(client, language)
    r = client.post(
        f"/staff/cases/{case.id}/harms/new",
        data={
            "type": "doxxing",
            "source": "Anonymous accounts",
            "start_date": "2023-11",
            "end_date": "2024-01-15",
            "description": "Her home address was posted.",
            "description_fr": "Son adresse a été publiée.",
            "notes": "Police report filed, private",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    harm = db.session.scalars(select(Harm)).one()
    assert harm.type == "doxxing" and harm.started.iso() == "2023-11" and harm.ended.iso() == "2024-01-15"
    assert harm.description_fr == "Son adresse a été publiée." and not harm.is_public
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Anonymous accounts" in html and "Her home address was posted." in html
    # An end before the start is refused with the field's message; nothing changes.
    r = client.post(
        f"/staff/cases/{case.id}/harms/{harm.id}/edit",
        data={"type": "doxxing", "start_date": "2024-02", "end_date": "2024-01-01", "version": harm.version},
    )
    assert r.status_code == 200
    db.session.expire_all()
    assert db.session.get(Harm, harm.id).started.iso() == "2023-11"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_proceeding_with_its_hearings_and_events(client, login, make_case, language):
    case = make_case()
    other = make_case()
    login("staff")
    _speak(client, language)
    r = client.post(
        f"/staff/cases/{case.id}/proceedings/new",
        data={
            "kind": "lawsuit",
            "brought_by": "The college",
            "court": "Ontario Superior Court of Justice",
            "file_number": "CV-24-000123",
            "parties": "College v. Dr. Fictive",
            "counsel": "Fictive Law LLP",
            "amount_claimed": "$1.5 million",
            "status": "ongoing",
            "filed_date": "2024-01",
            "decision": "",
            "decision_date": "",
            "notes": "Strategy is private",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    proceeding = db.session.scalars(select(Proceeding)).one()
    form = client.get(f"/staff/cases/{case.id}/tasks/new?proceeding={proceeding.id}").get_data(as_text=True)
    assert f'<option selected value="{proceeding.id}">' in form or f'value="{proceeding.id}" selected' in form
    for day in ("2024-03-04", "2024-06-10"):
        r = client.post(
            f"/staff/cases/{case.id}/tasks/new",
            data={"title": f"Hearing {day}", "due_date": day, "owner_id": "", "proceeding_id": proceeding.id},
        )
        assert r.status_code == 302, r.get_data(as_text=True)
    r = client.post(
        f"/staff/cases/{case.id}/events/new",
        data={
            "kind": "lawsuit",
            "date": "2024-01-20",
            "title": "Statement of claim served",
            "proceeding_id": proceeding.id,
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    proceeding = db.session.get(Proceeding, proceeding.id)
    assert [t.due_date for t in proceeding.hearings] == [date(2024, 3, 4), date(2024, 6, 10)]
    assert db.session.scalars(select(Event).where(Event.proceeding_id == proceeding.id)).one().case_id == case.id
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "CV-24-000123" in html and "Ontario Superior Court of Justice" in html and "$1.5 million" in html
    assert "Hearing 2024-06-10" in html
    # Another case cannot point at this proceeding.
    r = client.post(
        f"/staff/cases/{other.id}/events/new",
        data={"kind": "other", "date": "2024-01-20", "title": "x", "proceeding_id": proceeding.id},
    )
    assert r.status_code == 200
    assert _count(Event) == 1
    # Removing the proceeding removes its hearings (its events stay on the timeline).
    r = client.post(
        f"/staff/cases/{case.id}/proceedings/{proceeding.id}/delete",
        data={"confirm": "1", "version": proceeding.version},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert _count(Proceeding) == 0 and _count(Task) == 0
    assert db.session.scalars(select(Event)).one().proceeding_id is None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_group_case_with_a_role_and_an_outcome_date(client, login, make_case, language):
    case = make_case()
    login("staff")
    _speak(client, language)
    r = client.post(
        f"/staff/cases/{case.id}/edit",
        data={
            **CASE_FORM,
            "outcome": "victory",
            "outcome_date": "2024-04",
            "group_name": "Eleven activists arrested together",
            "group_name_fr": "Onze militants arrêtés ensemble",
            "headcount": "11",
            "version": case.version,
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    person = case.people[0]
    r = client.post(
        f"/staff/cases/{case.id}/people/{person.id}/edit",
        data={
            "legal_name": person.legal_name,
            "name_consent": "none",
            "category": "student",
            "role_title": "Nursing student",
            "version": person.version,
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.headcount == 11 and case.group_name_fr == "Onze militants arrêtés ensemble"
    assert case.outcome_when.iso() == "2024-04" and case.people[0].role_title == "Nursing student"
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Eleven activists arrested together" in html and "Nursing student" in html
    r = client.post(f"/staff/cases/{case.id}/edit", data={**CASE_FORM, "headcount": "0", "version": case.version})
    assert r.status_code == 200
    db.session.expire_all()
    assert db.session.get(Case, case.id).headcount == 11


def test_deadlines_of_a_resolved_or_closed_case_are_not_overdue(client, login, make_case):
    from casefiles.cases import services

    past = date.today() - timedelta(days=10)
    case = make_case(sanction={"type": "suspension", "appeal_deadline": past})
    user = login("staff")
    services.update_case(case, actor=None, changes={"assignee_ids": [user.id]})
    db.session.commit()
    assert "Overdue" in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Overdue" in client.get("/staff/").get_data(as_text=True)
    for status in ("resolved", "closed"):
        services.update_case(case, actor=None, changes={"status": status})
        db.session.commit()
        assert "Overdue" not in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
        assert "Overdue" not in client.get("/staff/").get_data(as_text=True)
    assert db.session.scalars(select(Institution)).first() is not None
