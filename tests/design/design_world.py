"""Demo-like data for the page crawl: the demo cases and showcase of `flask demo load`, plus what a crawl needs to
reach every page (an admin who can sign in, a pending public revision, a correction, a dossier, account links),
and one example value for every URL argument."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, text
from support import PASSWORD

from casefiles.extensions import db

ADMIN_EMAIL = "design.admin@example.org"


@dataclass
class World:
    """One example value per URL argument name, and per endpoint where arguments must agree (a version of
    that document, a snapshot of that campaign)."""

    by_name: dict[str, Any]
    by_endpoint: dict[str, dict[str, Any]] = field(default_factory=dict)
    admin_email: str = ADMIN_EMAIL
    password: str = PASSWORD


def seed_world() -> World:
    """Fill the (empty) database through the services, as `flask demo load` does, and commit."""
    from casefiles import demo
    from casefiles.auth import services as accounts
    from casefiles.authz import Role
    from casefiles.briefs.dossiers import request_dossier
    from casefiles.campaigns.models import Campaign, SupporterSnapshot
    from casefiles.cases import services as cases
    from casefiles.cases.models import Case
    from casefiles.documents.models import Document, DocumentVersion
    from casefiles.evidence import services as evidence
    from casefiles.letters import services as letters
    from casefiles.letters.models import Letter
    from casefiles.organizations.models import Organization
    from casefiles.public.models import CaseCorrection
    from casefiles.public.services import update_public_content
    from casefiles.records.models import PendingRevision

    demo.load_demo(6)
    demo.load_showcase()
    db.session.flush()
    admin = accounts.create_user(
        actor=None, email=ADMIN_EMAIL, password=PASSWORD, role=Role.ADMIN, name="Dominique Administratrice-Démo"
    )
    volunteer = accounts.create_user(
        actor=None, email="design.volunteer@example.org", password=PASSWORD, role=Role.VOLUNTEER, name="Lee Bénévole"
    )
    # The richest case: published, with documents, legal records and campaigns (the nurse of the showcase).
    case = db.session.scalars(
        select(Case).join(Document, Document.case_id == Case.id).where(Case.published.is_(True)).order_by(Case.id)
    ).first()
    cases.update_case(case, actor=admin, changes={"assignee_ids": [admin.id, volunteer.id]})
    cases.add_task(
        case,
        actor=admin,
        values={"title": "File the appeal before the deadline", "due_date": date.today() + timedelta(days=9)},
    )
    cases.add_task(
        case,
        actor=admin,
        values={"title": "Call the union representative", "due_date": date.today() - timedelta(days=3)},
    )
    update_public_content(
        case, actor=admin, values={}, correction={"note": "An earlier version gave the wrong month for the hearing."}
    )
    # A volunteer's change to a public text of a published case waits for review: the revision page.
    cases.update_case(case, actor=volunteer, changes={"title": case.title + " (updated by a volunteer)"})
    db.session.flush()
    revision = db.session.scalars(select(PendingRevision).order_by(PendingRevision.id)).first()
    job = request_dossier(actor=admin, case_ids=[case.id], language="en", title="Advocacy day: the nurse")
    letter = db.session.scalars(select(Letter).order_by(Letter.id)).first()
    letters.update_letter(letter, actor=admin, changes={"is_public": True})
    submission = _help_request()
    document_evidence = evidence.mark_as_evidence(
        db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)).first(),
        actor=admin,
        values={
            "captured_at": "2026-11-14T09:30",
            "captured_zone": "America/Toronto",
            "source_url": "https://example.org/post",
        },
    )
    _link, invite_token = accounts.create_invite(actor=admin, email="new.person@example.org", role=Role.VOLUNTEER)
    _link, reset_token = accounts.create_reset(volunteer, actor=admin)
    db.session.commit()

    document = db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)).first()
    version = db.session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == document.id).order_by(DocumentVersion.id)
    ).first()
    campaign = db.session.scalars(select(Campaign).order_by(Campaign.id)).first()
    snapshot = db.session.scalars(
        select(SupporterSnapshot).where(SupporterSnapshot.campaign_id == campaign.id).order_by(SupporterSnapshot.id)
    ).first()
    correction = db.session.scalars(select(CaseCorrection).where(CaseCorrection.case_id == case.id)).first()
    # One record of each part of a case, with its own case (the showcase spreads harms and proceedings over cases).
    parts = {}
    for kind in ("people", "sanctions", "harms", "proceedings", "events", "tasks"):
        owner = next((c for c in db.session.scalars(select(Case).order_by(Case.id)) if getattr(c, kind)), None)
        if owner is not None:
            parts[kind] = {"case_id": owner.id, "item_id": getattr(owner, kind)[0].id}
    other = db.session.scalars(select(Case).where(Case.id != case.id).order_by(Case.id)).first()
    by_name: dict[str, Any] = {
        "case_id": case.id,
        "slug": case.public_slug,
        "document_id": document.id,
        "version_id": version.id,
        "campaign_id": campaign.id,
        "snapshot_id": snapshot.id,
        "institution_id": case.institution_id,
        "letter_id": letter.id,
        "organization_id": db.session.scalar(select(Organization.id).order_by(Organization.id)),
        "user_id": volunteer.id,
        "job_id": job.id,
        "revision_id": revision.id if revision else None,
        "correction_id": correction.id if correction else None,
        "token": "no-such-token",
        "evidence_id": document_evidence.id,
        "submission_id": submission.id,
        "file_id": submission.files[0].id,
        "kind": "legal",
        "filename": "css/casefiles.css",
    }
    by_endpoint = {
        "auth.accept_invite": {"token": invite_token},
        "auth.accept_reset": {"token": reset_token},
        "documents.public_download": {"token": document.public_token}
        if getattr(document, "public_token", None)
        else {},
        "cases.merge_confirm": {"keep": case.id, "merged": other.id},  # query arguments
        "_parts": parts,
    }
    return World(by_name=by_name, by_endpoint=by_endpoint)


def _help_request() -> Any:
    """A help request through the public form's service, with one file, as a person would send it."""
    from io import BytesIO

    from casefiles.intake import services as intake

    values = {
        "for_whom": "myself",
        "person_name": "Amira Exemple",
        "person_role": "nursing student",
        "what_happened": "I posted about working conditions on my own account; the college suspended me.",
        "where": "Instagram",
        "when": "2026-10",
        "institution": "Université Fictive de Montréal",
        "sanction_type": "suspension",
        "sanction_details": "Suspended from clinical placement.",
        "sanction_date": "2026-11-02",
        "hearing_date": date.today() + timedelta(days=5),
        "appeal_deadline": None,
        "other_dates": "",
        "email": "amira@example.org",
        "phone": "",
        "safe_contact": "Email only, evenings.",
        "consent_contact": True,
        "consent_store": True,
        "website": "",
    }
    letter = BytesIO(b"Decision of the fictional college: suspended from placement.\n")
    return intake.submit(values=values, files=[("decision.txt", letter)], locale="fr")


def empty_all_tables() -> None:
    """Leave the database as the other tests expect it: every table empty (as tests/conftest.py does)."""
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        if db.session.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()
