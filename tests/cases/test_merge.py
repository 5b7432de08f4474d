"""Merging a duplicate case into the kept case: every record that hangs off it is counted before and after and
nothing is lost (documents with every version and file, campaign links with their supporter counts, people,
sanctions, harms, proceedings, events, tasks, tags, assignments, history); stale pages are refused; the public
address of a merged published case leads to the kept case's public page, or answers like a missing page."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.campaigns import services as campaigns
from casefiles.campaigns.models import SupporterSnapshot
from casefiles.cases import services as case_services
from casefiles.cases.merging import MergeError, case_links, counts, merge_cases, public_redirect_slug
from casefiles.cases.models import Case
from casefiles.db import Base
from casefiles.documents import services as documents
from casefiles.documents.models import DocumentVersion
from casefiles.documents.storage import get_storage
from casefiles.extensions import db
from casefiles.organizations import services as organizations
from casefiles.people import services as people_services
from casefiles.public import services as public_services
from casefiles.records.editing import StaleRecord


def _text(words: str) -> bytes:
    return f"A letter about the case: {words}.".encode()


def _read(key: str) -> bytes:
    with get_storage().open(key) as stream:
        return stream.read()


def _rows(case_id: int) -> dict[str, list[tuple]]:
    """Every row pointing at the case, per table, as tuples of all its columns except the case column."""
    found: dict[str, list[tuple]] = {}
    for table, column in case_links():
        others = [c for c in table.c if c is not column and c.name not in ("version", "updated_at")]
        found[table.name] = sorted(
            tuple(str(v) for v in row) for row in db.session.execute(select(*others).where(column == case_id))
        )
    return found


@pytest.fixture
def two_cases(make_case: Any, make_user: Any) -> dict[str, Any]:
    staff = make_user("staff")
    helper, other_helper = make_user("volunteer"), make_user("volunteer")
    keep = make_case(
        title="Kept case",
        tags=["shared", "kept-only"],
        assignees=[helper],
        person={"legal_name": "Zoé Lefèvre", "contact_email": "zoe@example.org", "category": "student"},
    )
    merged = make_case(
        title="Duplicate case",
        tags=["shared", "merged-only"],
        assignees=[helper, other_helper],
        person={"legal_name": "Lefevre Zoe", "contact_phone": "514 555 0101", "category": "student"},
        sanction={"type": "suspension", "date": "2023-11-20", "appeal_deadline": date(2030, 1, 10)},
    )
    people_services.add_person(merged, actor=staff, values={"legal_name": "Witness Person", "category": "other"})
    case_services.add_harm(merged, actor=staff, values={"type": "threats", "source": "Anonymous accounts"})
    proceeding = case_services.add_proceeding(merged, actor=staff, values={"kind": "lawsuit", "court": "Superior"})
    case_services.add_event(merged, actor=staff, values={"date": "2023-11", "title": "Meeting", "is_public": True})
    case_services.add_event(
        merged, actor=staff, values={"date": "2024-02-01", "title": "Hearing", "proceeding_id": proceeding.id}
    )
    case_services.add_task(merged, actor=staff, values={"title": "Write to the dean", "due_date": date(2030, 2, 1)})
    first, second = documents.upload_documents(
        merged,
        actor=staff,
        files=[("letter.txt", io.BytesIO(_text("one"))), ("notes.txt", io.BytesIO(_text("two")))],
        values={},
    )
    documents.add_version(first, actor=staff, filename="letter-v2.txt", stream=io.BytesIO(_text("one, again")))
    documents.upload_documents(keep, actor=staff, files=[("kept.txt", io.BytesIO(_text("kept")))], values={})
    shared = campaigns.create_campaign(actor=staff, values={"title_en": "Shared campaign", "status": "in_progress"})
    only = campaigns.create_campaign(actor=staff, values={"title_en": "Merged-only campaign", "status": "in_progress"})
    campaigns.link_case(shared, keep, actor=staff)
    campaigns.link_case(shared, merged, actor=staff)
    campaigns.link_case(only, merged, actor=staff)
    campaigns.add_snapshot(shared, actor=staff, values={"date": date(2024, 1, 5), "count": 1200})
    campaigns.add_snapshot(only, actor=staff, values={"date": date(2024, 1, 6), "count": 340})
    partner = organizations.create_organization(actor=staff, values={"name": "Civil Liberties Group"})
    organizations.set_case_partners(merged, [partner], actor=staff)
    db.session.commit()
    return {"staff": staff, "keep": keep, "merged": merged, "documents": [first, second], "campaigns": [shared, only]}


# Links that both cases had before the merge: kept once (a tag, a campaign, an assignee are sets).
DOUBLED = {"case_tags": 1, "case_campaigns": 1, "case_assignments": 1}


def test_merge_moves_everything_and_loses_nothing(two_cases: dict[str, Any]) -> None:
    keep, merged, staff = two_cases["keep"], two_cases["merged"], two_cases["staff"]
    keep_id, merged_id = keep.id, merged.id
    before_keep, before_merged = _rows(keep_id), _rows(merged_id)
    counts_keep, counts_merged = counts(keep_id), counts(merged_id)
    # The fixture holds every kind of record the issue names: the test would prove nothing on empty tables.
    for name in (
        "people",
        "sanctions",
        "harms",
        "proceedings",
        "events",
        "tasks",
        "documents",
        "document_versions",
        "case_campaigns",
        "case_tags",
        "case_assignments",
        "case_partners",
        "audit_entries",
    ):
        assert counts_merged[name] > 0, name
    assert counts_merged["document_versions"] == 3
    files_before = {v.id: (v.sha256, _read(v.storage_key)) for v in db.session.scalars(select(DocumentVersion))}
    snapshots_before = sorted(db.session.execute(select(SupporterSnapshot.campaign_id, SupporterSnapshot.count)).all())
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    history_before = set(db.session.scalars(select(AuditEntry.id).where(AuditEntry.case_id.in_([keep_id, merged_id]))))
    total_rows_before = {
        t.name: db.session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
    }

    plan = merge_cases(keep=keep, merged=merged, actor=staff, keep_version=keep.version, merged_version=merged.version)
    db.session.commit()
    db.session.expire_all()

    after_keep, after_merged = _rows(keep_id), _rows(merged_id)
    for table, _column in case_links():
        name = table.name
        expected = (
            sorted(set(before_keep[name]) | set(before_merged[name]))
            if name in DOUBLED
            else sorted(before_keep[name] + before_merged[name])
        )
        assert after_keep[name] == expected, name
        assert after_merged[name] == [], name
        if name in DOUBLED:
            assert len(after_keep[name]) == len(before_keep[name]) + len(before_merged[name]) - DOUBLED[name], name
    after = counts(keep_id)
    assert after["document_versions"] == counts_keep["document_versions"] + counts_merged["document_versions"] == 4
    assert {m.table: m.count for m in plan.moving}["document_versions"] == 3
    # Every file is still there, byte for byte, with its fingerprint.
    for version in db.session.scalars(select(DocumentVersion)):
        sha, content = files_before[version.id]
        assert version.sha256 == sha
        assert _read(version.storage_key) == content
        assert hashlib.sha256(content).hexdigest() == sha
    assert (
        sorted(db.session.execute(select(SupporterSnapshot.campaign_id, SupporterSnapshot.count)).all())
        == snapshots_before
    )
    kept = db.session.get(Case, keep_id)
    assert sorted(c.title_en for c in campaigns.campaigns_for_case(kept)) == ["Merged-only campaign", "Shared campaign"]
    assert sorted(t.name for t in kept.tags) == ["kept-only", "merged-only", "shared"]
    # Nothing was deleted anywhere except the doubled links; the history only grew.
    total_rows_after = {
        t.name: db.session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
    }
    for name, count in total_rows_before.items():
        if name in ("search_entries", "audit_entries"):
            continue
        assert total_rows_after[name] == count - DOUBLED.get(name, 0), name
    assert history_before <= set(db.session.scalars(select(AuditEntry.id)))
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) > audit_before
    gone = db.session.get(Case, merged_id)
    assert gone.merged_into_id == keep_id and gone.archived_at is not None
    assert gone.title == "Duplicate case"  # its own fields stay on it
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.id.not_in(history_before))))
    assert {"case.merge", "case.merged", "person.move", "document.move", "sanction.move", "task.move"} <= actions


def test_merge_is_refused_when_either_case_changed(two_cases: dict[str, Any]) -> None:
    keep, merged, staff = two_cases["keep"], two_cases["merged"], two_cases["staff"]
    seen = merged.version
    case_services.update_case(merged, actor=staff, changes={"title": "Renamed meanwhile"})
    db.session.commit()
    before = counts(merged.id)
    with pytest.raises(StaleRecord):
        merge_cases(keep=keep, merged=merged, actor=staff, keep_version=keep.version, merged_version=seen)
    db.session.rollback()
    assert counts(merged.id) == before
    assert db.session.get(Case, merged.id).merged_into_id is None
    with pytest.raises(MergeError):
        merge_cases(keep=keep, merged=keep, actor=staff)


def test_a_record_edit_opened_before_the_merge_is_refused(two_cases: dict[str, Any]) -> None:
    keep, merged, staff = two_cases["keep"], two_cases["merged"], two_cases["staff"]
    task = merged.tasks[0]
    seen = task.version
    merge_cases(keep=keep, merged=merged, actor=staff, keep_version=keep.version, merged_version=merged.version)
    db.session.commit()
    with pytest.raises(StaleRecord):
        case_services.update_task(
            db.session.get(type(task), task.id), actor=staff, values={"title": "x"}, expected_version=seen
        )


def _login(client: Any, user: Any) -> None:
    from support import PASSWORD

    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def _hidden(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html).group(1)


def test_merge_through_the_pages(app: Any, two_cases: dict[str, Any], make_user: Any) -> None:
    keep, merged, staff = two_cases["keep"], two_cases["merged"], two_cases["staff"]
    client = app.test_client()
    _login(client, staff)
    page = client.get(f"/staff/cases/{keep.id}")
    assert "Possible duplicates" in page.get_data(as_text=True)
    assert merged.reference in page.get_data(as_text=True)
    start = client.get(f"/staff/cases/{keep.id}/merge").get_data(as_text=True)
    assert "Same person" in start
    bad = client.get(f"/staff/cases/{keep.id}/merge", query_string={"other": "CF-99999"})
    assert bad.status_code == 422 and "No case has that reference." in bad.get_data(as_text=True)
    found = client.get(f"/staff/cases/{keep.id}/merge", query_string={"other": merged.reference})
    assert found.status_code == 302
    confirm = client.get(found.headers["Location"]).get_data(as_text=True)
    assert "Document versions (files): 3" in confirm and "Campaign links: 2" in confirm
    assert "The 2 supporter counts recorded on these campaigns stay with them" in confirm
    token = _hidden(confirm, "csrf_token")
    form = {
        "csrf_token": token,
        "keep": keep.id,
        "merged": merged.id,
        "keep_version": keep.version,
        "merged_version": merged.version - 1,
    }
    stale = client.post("/staff/cases/merge", data=form)
    assert stale.status_code == 409
    assert "changed since this page was shown" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, merged.id).merged_into_id is None
    done = client.post("/staff/cases/merge", data={**form, "merged_version": merged.version})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/staff/cases/{keep.id}")
    db.session.expire_all()
    assert db.session.get(Case, merged.id).merged_into_id == keep.id
    history = client.get(f"/staff/cases/{keep.id}/history").get_data(as_text=True)
    assert "merged another case into this one" in history and "added a document" in history
    gone = client.get(f"/staff/cases/{merged.id}").get_data(as_text=True)
    assert "This case was merged into" in gone
    lost = client.get("/staff/cases/merge", follow_redirects=True)
    assert lost.status_code == 200 and "then choose “Merge…” on its page" in lost.get_data(as_text=True)
    # A volunteer, even one assigned to both cases, may not merge.
    volunteer = make_user("volunteer")
    other = app.test_client()
    _login(other, volunteer)
    assert other.get("/staff/cases/merge", query_string={"keep": keep.id, "merged": merged.id}).status_code == 403


@pytest.mark.parametrize("kept_published", [True, False])
def test_public_address_of_a_merged_case(app: Any, two_cases: dict[str, Any], kept_published: bool) -> None:
    keep, merged, staff = two_cases["keep"], two_cases["merged"], two_cases["staff"]
    checklist = public_services.ReviewChecklist(True, True)
    public_services.publish_case(merged, actor=staff, checklist=checklist)
    if kept_published:
        public_services.publish_case(keep, actor=staff, checklist=checklist)
    db.session.commit()
    old_slug = merged.public_slug
    anonymous = app.test_client()
    shown = anonymous.get(f"/cases/{old_slug}", follow_redirects=True)
    assert shown.status_code == 200
    english = shown.request.path  # the address in the reader's language
    merge_cases(keep=keep, merged=merged, actor=staff, keep_version=keep.version, merged_version=merged.version)
    db.session.commit()
    response = anonymous.get(english)
    missing = anonymous.get(english.replace(old_slug, "no-such-case-anywhere"))
    if kept_published:
        assert response.status_code == 301
        assert response.headers["Location"].endswith(english.replace(old_slug, keep.public_slug))
        assert anonymous.get(response.headers["Location"]).status_code == 200
        assert public_redirect_slug(old_slug) == keep.public_slug
    else:
        assert response.status_code == 404
        assert response.get_data() == missing.get_data().replace(b"no-such-case-anywhere", old_slug.encode())
        assert public_redirect_slug(old_slug) is None
    # Unpublishing the kept case later: the old address no longer leads anywhere.
    if kept_published:
        public_services.unpublish_case(keep, actor=staff)
        db.session.commit()
        assert anonymous.get(english).status_code == 404
