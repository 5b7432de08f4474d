"""Case files end to end through the real app and database."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.cases.models import Case, Event, Sanction, Task
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.people.models import Person

NEW_CASE = {
    "legal_name": "Jeanne-Marie Fictive",
    "name_consent": "initials",
    "category": "nurse",
    "title": "Nursing student suspended over posts",
    "status": "intake",
    "outcome": "ongoing",
    "priority": "high",
    "institution_name": "Université Fictive de Montréal",
    "institution_kind": "university",
    "institution_region": "Québec",
    "institution_country": "Canada",
    "speech_text": "Posts about hospital staffing",
    "speech_date": "2023-11",
    "public_summary": "Suspended for **posts**.",
    "private_notes": "Private canary XYZZY",
    "sanction_type": "suspension",
    "sanction_date": "2023-11-14",
    "appeal_deadline": "2023-12-01",
    "tags": "campus, nursing",
}


def count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_case_with_person_sanction_and_appeal_deadline(client, login):
    login("volunteer")
    response = client.post("/staff/cases/new", data=NEW_CASE)
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert case.title == NEW_CASE["title"]
    assert case.people[0].public_name == "J.-M. F."
    assert case.speech_when.iso() == "2023-11"
    assert case.sanctions[0].when.iso() == "2023-11-14"
    # the appeal deadline is a task; the volunteer who opened the case is assigned
    assert [t.due_date for t in case.tasks] == [date(2023, 12, 1)]
    assert len(case.assignees) == 1
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "November 2023" in page and "November 14, 2023" in page
    assert "<strong>posts</strong>" in page
    assert {"campus", "nursing"} == {t.name for t in case.tags}


def test_bad_input_changes_nothing(client, login):
    login("staff")
    bad = [
        ({"legal_name": ""}, "Enter the person"),
        ({"sanction_date": "2023-02-30"}, "Enter a real date"),
        ({"appeal_deadline": "2023-11-01"}, "cannot be before the sanction date"),
        ({"title": "x" * 100_000}, "Keep the title under 200 characters"),
        ({"status": "bogus"}, "Not a valid choice"),
        ({"speech_url": "javascript:alert(1)"}, "Enter a full web address"),
    ]
    for change, message in bad:
        response = client.post("/staff/cases/new", data={**NEW_CASE, **change})
        assert response.status_code == 200, change
        assert message in response.get_data(as_text=True), change
        # the draft is still in the form
        assert "Posts about hospital staffing" in response.get_data(as_text=True)
    assert count(Case) == 0 and count(Person) == 0 and count(Institution) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.object_type != "user")) == 0


def test_stale_edit_is_refused_with_the_other_changes_and_the_draft_kept(client, login, make_case):
    case = make_case(title="Original title")
    login("staff")
    form = client.get(f"/staff/cases/{case.id}/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{case.version}"' in form
    stale_version = case.version
    # someone else saves first
    from casefiles.cases import services

    services.update_case(case, actor=None, changes={"title": "Changed by someone else"}, expected_version=stale_version)
    db.session.commit()
    draft = {**NEW_CASE, "title": "My draft title", "version": str(stale_version)}
    response = client.post(f"/staff/cases/{case.id}/edit", data=draft)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this while you were editing" in html
    assert "Changed by someone else" in html and "My draft title" in html  # both values, side by side
    assert 'value="My draft title"' in html  # the draft is kept
    assert 'name="merge-title"' in html
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "Changed by someone else"
    # Saving again from the merge view (the version it now carries) keeps the value the user chose.
    merged = {**draft, "version": str(db.session.get(Case, case.id).version), "merge-title": "theirs"}
    assert client.post(f"/staff/cases/{case.id}/edit", data=merged).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "Changed by someone else"


def test_history_shows_field_changes(client, login, make_case):
    case = make_case(title="Before")
    user = login("staff", name="Dana Staff")
    client.post(f"/staff/cases/{case.id}/edit", data={**NEW_CASE, "title": "After", "version": case.version})
    html = client.get(f"/staff/cases/{case.id}/history").get_data(as_text=True)
    assert "Dana Staff" in html and "Before" in html and "After" in html
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.update")).one()
    assert entry.actor_id == user.id and entry.changes["title"] == ["Before", "After"]


def test_events_in_date_order_and_partial_dates(client, login, make_case):
    case = make_case()
    login("staff")
    for title, when in [("Hearing", "2024-03-02"), ("Appeal filed", "2023-12"), ("Statement", "2024")]:
        r = client.post(
            f"/staff/cases/{case.id}/events/new",
            data={"kind": "appeal", "date": when, "title": title, "is_public": "y"},
        )
        assert r.status_code == 302
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert html.index("Appeal filed") < html.index("Statement") < html.index("Hearing")
    assert "December 2023" in html
    r = client.post(f"/staff/cases/{case.id}/events/new", data={"kind": "appeal", "date": "2024-13", "title": "x"})
    assert r.status_code == 200 and "Enter a real date" in r.get_data(as_text=True)
    assert count(Event) == 3


def test_sanction_appeal_deadline_follows_the_sanction(client, login, make_case):
    case = make_case(sanction={"type": "expulsion"})
    login("staff")
    sanction = case.sanctions[0]
    r = client.post(
        f"/staff/cases/{case.id}/sanctions/{sanction.id}/edit",
        data={"type": "expulsion", "date": "2024-01-10", "appeal_deadline": "2024-02-01"},
    )
    assert r.status_code == 302
    assert db.session.scalars(select(Task.due_date)).all() == [date(2024, 2, 1)]
    r = client.post(
        f"/staff/cases/{case.id}/sanctions/{sanction.id}/edit",
        data={"type": "expulsion", "date": "2024-01-10", "appeal_deadline": "2023-01-01"},
    )
    assert "cannot be before the sanction date" in r.get_data(as_text=True)
    client.post(f"/staff/cases/{case.id}/sanctions/{sanction.id}/delete")
    assert count(Sanction) == 0 and count(Task) == 0


def test_dashboard_deadlines_and_overdue(client, login, make_case):
    user = login("volunteer")
    case = make_case(assignees=[user], title="Mine")
    from casefiles.cases import services

    services.add_task(case, actor=None, values={"title": "Late thing", "due_date": date.today() - timedelta(days=2)})
    services.add_task(case, actor=None, values={"title": "Soon thing", "due_date": date.today() + timedelta(days=3)})
    services.add_task(case, actor=None, values={"title": "Far thing", "due_date": date.today() + timedelta(days=40)})
    db.session.commit()
    html = client.get("/staff/").get_data(as_text=True)
    assert "2 days late" in html and "Late thing" in html and "Soon thing" in html
    assert "Far thing" not in html
    assert "Mine" in html and "Cases by status" in html


def test_search_filters_sort_and_pagination(client, login, make_case, app):
    login("staff")
    make_case(
        title="Teacher tweet",
        person={"legal_name": "Émile Zéro", "category": "teacher"},
        private_notes="contains zanzibar",
    )
    make_case(title="Doctor doxxed", person={"legal_name": "Ada One", "category": "physician"}, status="intake")
    for i in range(30):
        make_case(title=f"Filler {i:02d}")
    assert "Teacher tweet" in client.get("/staff/cases?q=emile").get_data(as_text=True)
    assert "Teacher tweet" in client.get("/staff/cases?q=ZANZ*").get_data(as_text=True)
    html = client.get("/staff/cases?q=zanzibar+doctor").get_data(as_text=True)
    assert "No case matches" in html
    html = client.get("/staff/cases?category=physician").get_data(as_text=True)
    assert "Doctor doxxed" in html and "Teacher tweet" not in html
    html = client.get("/staff/cases?status=intake").get_data(as_text=True)
    assert "Doctor doxxed" in html and "Filler" not in html
    first = client.get("/staff/cases?sort=title").get_data(as_text=True)
    assert "1–25 of 32 cases" in first and "Page 1 of 2" in first
    second = client.get("/staff/cases?sort=title&page=2").get_data(as_text=True)
    assert "26–32 of 32 cases" in second
    # nonsense filters are ignored, never a 500
    assert client.get("/staff/cases?page=-3&institution=abc&sort=drop").status_code == 200


def test_archive_then_admin_only_delete_with_confirmation(client, login, make_case):
    case = make_case(title="To archive")
    login("staff")
    client.post(f"/staff/cases/{case.id}/archive")
    assert "To archive" not in client.get("/staff/cases").get_data(as_text=True)
    assert "To archive" in client.get("/staff/cases?archived=1").get_data(as_text=True)
    assert client.post(f"/staff/cases/{case.id}/delete", data={"reference": case.reference}).status_code == 403
    login.logout()
    login("admin")
    r = client.post(f"/staff/cases/{case.id}/delete", data={"reference": "wrong"})
    assert r.status_code == 200 and count(Case) == 1
    r = client.post(f"/staff/cases/{case.id}/delete", data={"reference": case.reference})
    assert r.status_code == 302 and count(Case) == 0
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.delete")).one()


def test_volunteer_sees_only_assigned_cases(client, login, make_case, make_user):
    other = make_user("volunteer")
    mine_user = login("volunteer")
    mine = make_case(title="Assigned to me", assignees=[mine_user])
    theirs = make_case(title="Someone else's", assignees=[other])
    html = client.get("/staff/cases").get_data(as_text=True)
    assert "Assigned to me" in html and "Someone else" not in html
    assert client.get(f"/staff/cases/{mine.id}").status_code == 200
    assert client.get(f"/staff/cases/{theirs.id}").status_code == 403
    assert client.get(f"/staff/cases/{theirs.id}/edit").status_code == 403
    assert client.post(f"/staff/cases/{theirs.id}/events/new", data={"title": "x", "date": "2024"}).status_code == 403


def test_mass_assignment_is_ignored(client, login, make_case):
    volunteer = login("volunteer")
    case = make_case(assignees=[volunteer])
    data = {
        **NEW_CASE,
        "version": case.version,
        "published": "1",
        "public_slug": "x",
        "created_by_id": "999",
        "assignee_ids": ["999"],
        "role": "admin",
    }
    assert client.post(f"/staff/cases/{case.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.published is False and case.public_slug is None
    assert [u.id for u in case.assignees] == [volunteer.id]
    assert volunteer.role.value == "volunteer"


def test_group_case_with_several_people(client, login, make_case):
    case = make_case()
    login("staff")
    for i in range(10):
        client.post(
            f"/staff/cases/{case.id}/people/new",
            data={"legal_name": f"Protester {i}", "category": "activist", "name_consent": "none"},
        )
    assert count(Person) == 11
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Protester 9" in html and "People" in html
