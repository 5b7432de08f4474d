"""The case list as a place to work: priority and next-deadline columns and filters, saved filters per user, bulk
actions (all or nothing, each case checked, each change audited), the CSV of the filtered list; and the dashboard's
deadlines: mine for everyone over a remembered window, overdue ones listed with days late, charts that click
through to the filtered list."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.cases import services as case_services
from casefiles.cases.models import Case
from casefiles.cases.preferences import DashboardPreference, SavedFilter
from casefiles.extensions import db

TODAY = date.today()


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/staff/cases/\d+">([^<]+)</a>', html)


def _csv(response: Any) -> list[dict[str, str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def _task(case: Case, days: int, title: str = "Deadline", owner: Any = None) -> Any:
    task = case_services.add_task(
        case,
        actor=None,
        values={"title": title, "due_date": TODAY + timedelta(days=days), **({"owner_id": owner.id} if owner else {})},
    )
    db.session.commit()
    return task


def test_priority_and_next_deadline_columns_and_filters(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    urgent = make_case(title="Urgent one", priority="urgent", sanction={})
    calm = make_case(title="Calm one", sanction={})
    _task(urgent, 20)
    _task(urgent, 5, "Sooner")
    _task(calm, -3, "Missed")
    html = client.get("/staff/cases").get_data(as_text=True)
    assert "Next deadline" in html and "Priority" in html
    soon = (TODAY + timedelta(days=5)).isoformat()
    assert f'datetime="{soon}"' in html  # the earliest open deadline, not the later one
    calm_row = html[html.index("Calm one") :].split("</tr>")[0]
    assert "Overdue" in calm_row and "Overdue" not in html[html.index("Urgent one") :].split("</tr>")[0]
    assert _titles(client.get("/staff/cases?priority=urgent").get_data(as_text=True)) == ["Urgent one"]
    assert _titles(client.get("/staff/cases?due=7").get_data(as_text=True)) == ["Urgent one"]
    assert _titles(client.get("/staff/cases?due=overdue").get_data(as_text=True)) == ["Calm one"]
    assert sorted(_titles(client.get("/staff/cases?due=30").get_data(as_text=True))) == ["Urgent one"]
    # Unknown values are dropped, never an error.
    assert client.get("/staff/cases?due=12&priority=zzz").status_code == 200


def test_saved_filters_belong_to_their_user(app: Any, client: Any, login: Any, make_user: Any, make_case: Any) -> None:
    me = login("staff")
    make_case(title="Tagged", tags=["appeal"], sanction={})
    make_case(title="Other", sanction={})
    response = client.post(
        "/staff/cases/saved-filters", data={"name": " Appeals  to watch ", "query": "tag=appeal&page=3"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/cases?tag=appeal")
    saved = db.session.scalars(select(SavedFilter)).one()
    assert (saved.user_id, saved.name, saved.query) == (me.id, "Appeals to watch", "tag=appeal")
    html = client.get("/staff/cases").get_data(as_text=True)
    assert 'href="/staff/cases?tag=appeal"' in html and "Appeals to watch" in html
    assert _titles(client.get("/staff/cases?tag=appeal").get_data(as_text=True)) == ["Tagged"]
    # The same name again replaces; an empty name is refused and nothing changes.
    client.post("/staff/cases/saved-filters", data={"name": "Appeals to watch", "query": "status=active"})
    assert db.session.scalars(select(SavedFilter.query)).all() == ["status=active"]
    refused = client.post(
        "/staff/cases/saved-filters", data={"name": "  ", "query": "status=closed"}, follow_redirects=True
    )
    assert "Give the filter a name." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SavedFilter)) == 1
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "saved_filter.save"))
        == 2
    )
    # Someone else neither sees nor deletes it.
    other = app.test_client()
    stranger = make_user("staff")
    from support import PASSWORD

    other.post("/login", data={"email": stranger.email, "password": PASSWORD})
    assert "Appeals to watch" not in other.get("/staff/cases").get_data(as_text=True)
    assert other.post(f"/staff/cases/saved-filters/{saved.id}/delete").status_code == 404
    assert client.post(f"/staff/cases/saved-filters/{saved.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SavedFilter)) == 0


def test_bulk_tag_is_all_or_nothing(client: Any, login: Any, make_case: Any) -> None:
    volunteer = login("volunteer")
    mine_a = make_case(title="Mine A", assignees=[volunteer], sanction={})
    mine_b = make_case(title="Mine B", assignees=[volunteer], sanction={})
    theirs = make_case(title="Not mine", sanction={})
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    refused = client.post(
        "/staff/cases/bulk",
        data={"action": "tag", "tag": "Hearing soon", "case": [mine_a.id, mine_b.id, theirs.id]},
        follow_redirects=True,
    )
    assert f"You may not change {theirs.reference}. Nothing was changed." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [t.name for t in db.session.get(Case, mine_a.id).tags] == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    done = client.post(
        "/staff/cases/bulk", data={"action": "tag", "tag": "Hearing soon", "case": [mine_a.id, mine_b.id]}
    )
    assert done.status_code == 302
    db.session.expire_all()
    for case_id in (mine_a.id, mine_b.id):
        assert [t.name for t in db.session.get(Case, case_id).tags] == ["hearing soon"]
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.case_id == case_id, AuditEntry.action == "case.update")
            )
            == 1
        )
    # A volunteer may not assign, nor build dossiers; nothing changes.
    assert "Only staff assign cases." in client.post(
        "/staff/cases/bulk",
        data={"action": "assign", "assignee": volunteer.id, "case": [mine_a.id]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Only staff build dossiers." in client.post(
        "/staff/cases/bulk", data={"action": "dossier", "case": [mine_a.id]}, follow_redirects=True
    ).get_data(as_text=True)
    # Bad input: no case, an unknown action, a case that does not exist.
    for data in (
        {"action": "tag", "tag": "x"},
        {"action": "explode", "case": [mine_a.id]},
        {"action": "tag", "tag": "x", "case": ["99999"]},
    ):
        page = client.post("/staff/cases/bulk", data=data, follow_redirects=True)
        assert page.status_code == 200
    db.session.expire_all()
    assert [t.name for t in db.session.get(Case, mine_a.id).tags] == ["hearing soon"]


def test_bulk_assign_and_dossier_by_staff(client: Any, login: Any, make_user: Any, make_case: Any) -> None:
    login("staff")
    helper = make_user("volunteer", name="Helper Person")
    one, two = make_case(title="One", sanction={}), make_case(title="Two", sanction={})
    response = client.post(
        "/staff/cases/bulk",
        data={"action": "assign", "assignee": helper.id, "case": [one.id, two.id], "back": "status=active"},
    )
    assert response.headers["Location"].endswith("/staff/cases?status=active")
    db.session.expire_all()
    assert [u.id for u in db.session.get(Case, one.id).assignees] == [helper.id]
    assert [u.id for u in db.session.get(Case, two.id).assignees] == [helper.id]
    dossier = client.post("/staff/cases/bulk", data={"action": "dossier", "case": [one.id, two.id]})
    assert dossier.status_code == 302
    assert f"case={one.id}" in dossier.headers["Location"] and f"case={two.id}" in dossier.headers["Location"]
    assert "/staff/dossiers/new?" in dossier.headers["Location"]


def test_csv_of_the_filtered_list(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    hit = make_case(
        title='=HYPERLINK("http://evil.example")',
        status="active",
        tags=["appeal"],
        priority="high",
        person={"legal_name": "+Zoé Lefèvre", "category": "student"},
        sanction={},
    )
    _task(hit, 4)
    make_case(title="Closed one", status="closed", tags=["appeal"], sanction={})
    make_case(title="Active untagged", status="active", sanction={})
    response = client.get("/staff/cases/export.csv?status=active&tag=appeal&page=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _csv(response)
    assert [r["Reference"] for r in rows] == [hit.reference]
    row = rows[0]
    assert row["Title"].startswith("'=") and row["People"].startswith("'+")
    assert row["Priority"] == "High" and row["Next deadline"] == (TODAY + timedelta(days=4)).isoformat()
    assert row["Tags"] == "appeal"
    for query, expected in (
        ("priority=high", 1),
        ("due=7", 1),
        ("due=overdue", 0),
        ("q=Lefèvre", 1),
        ("", 3),
        ("mine=1", 0),
    ):
        assert len(_csv(client.get(f"/staff/cases/export.csv?{query}"))) == expected, query


def test_csv_shows_a_volunteer_only_their_cases(client: Any, login: Any, make_case: Any) -> None:
    volunteer = login("volunteer")
    make_case(title="Assigned", assignees=[volunteer], sanction={})
    make_case(title="Someone else's", sanction={})
    assert [r["Title"] for r in _csv(client.get("/staff/cases/export.csv"))] == ["Assigned"]


def test_dashboard_my_deadlines_window_is_remembered(client: Any, login: Any, make_user: Any, make_case: Any) -> None:
    volunteer = login("volunteer")
    mine = make_case(title="My case", assignees=[volunteer], sanction={})
    other = make_case(title="Other case", sanction={})
    _task(mine, 15, "Fifteen days out")
    _task(mine, -3, "Three days missed")
    _task(other, 2, "Owned by me elsewhere", owner=volunteer)
    _task(other, 1, "Not mine at all")
    html = client.get("/staff/").get_data(as_text=True)
    assert "My deadlines" in html
    assert "Fifteen days out" not in html  # the default window is 14 days
    assert "3 days late" in html and "Three days missed" in html
    assert "Not mine at all" not in html and "team-deadlines-title" not in html
    assert client.post("/staff/dashboard/window", data={"window": "30"}).status_code == 302
    assert db.session.get(DashboardPreference, volunteer.id).deadline_window_days == 30
    html = client.get("/staff/").get_data(as_text=True)
    assert "Fifteen days out" in html and "Due in the next 30 days" in html
    assert '<option value="30" selected>' in html
    refused = client.post("/staff/dashboard/window", data={"window": "12"}, follow_redirects=True)
    assert "Choose 7, 14, 30 or 90 days." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DashboardPreference, volunteer.id).deadline_window_days == 30
    # Overdue ones are a list with days late, not red text; the charts open the filtered list.
    assert "badge-overdue" not in html and 'class="overdue"' not in html
    assert 'href="/staff/cases?status=active"' in html


def test_staff_see_everyone_s_deadlines_too(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    case = make_case(title="Unassigned", sanction={})
    _task(case, 1, "Team deadline")
    html = client.get("/staff/").get_data(as_text=True)
    assert "team-deadlines-title" in html and html.count("Team deadline") == 1
    mine = html[html.index('id="my-deadlines"') : html.index('id="team-deadlines-title"')]
    assert "Team deadline" not in mine  # listed once, with the team's
