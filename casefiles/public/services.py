"""Publishing verbs: publish after a review checklist, unpublish, public content, corrections, consent withdrawal.

Services flush; callers commit. Every change writes its audit entry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.audit.services import diff, record
from casefiles.authz import can_publish
from casefiles.cases.models import Case
from casefiles.db import utcnow
from casefiles.enums import NameConsent
from casefiles.extensions import db
from casefiles.forms_common import CONTROL_CHARACTERS_MESSAGE
from casefiles.people.models import Person
from casefiles.public.models import CaseCorrection
from casefiles.text_safety import has_control_characters

PUBLIC_CONTENT_FIELDS = (
    "title",
    "title_fr",
    "public_summary",
    "public_summary_fr",
    "speech_public",
    "speech_public_fr",
    "featured",
)
MAX_TITLE = 200
MAX_TEXT = 50_000


class PublishError(ValueError):
    """The publication was refused; `problems` is a list of (field or None, translated message)."""

    def __init__(self, problems: list[tuple[str | None, Any]]) -> None:
        super().__init__("; ".join(str(m) for _, m in problems))
        self.problems = problems


@dataclass(frozen=True)
class ReviewChecklist:
    """What the reviewer confirms before a case goes public."""

    consent_recorded: bool = False
    no_private_data: bool = False


def new_public_slug() -> str:
    """A random public identifier that reveals nothing about the case."""
    return secrets.token_urlsafe(9)


def _audit(action: str, case: Case, actor: Any, changes: dict, obj: Any = None) -> None:
    record(
        action,
        actor=actor,
        object_type=type(obj).__name__.lower() if obj is not None else "case",
        object_id=obj.id if obj is not None else case.id,
        case_id=case.id,
        case_version=case.version,
        summary=case.title,
        changes=changes,
    )


def publication_problems(case: Case, checklist: ReviewChecklist) -> list[tuple[str | None, Any]]:
    """Every reason the case may not be published yet (empty when it may)."""
    problems: list[tuple[str | None, Any]] = []
    if case.archived_at is not None:
        problems.append((None, _l("An archived case cannot be published. Restore it first.")))
    if not (case.public_summary or "").strip() and not (case.public_summary_fr or "").strip():
        problems.append(("public_summary", _l("Write the public summary before publishing.")))
    if not checklist.consent_recorded:
        problems.append(("consent_recorded", _l("Confirm that each person's consent to publication is recorded.")))
    if not checklist.no_private_data:
        problems.append(("no_private_data", _l("Confirm that no private information appears in the public fields.")))
    problems.extend(private_data_in_public_fields(case))
    return problems


def _public_texts(case: Case) -> list[tuple[str, Any, str]]:
    """(field, its label, its text) of every public text of the case: titles, summaries, public events."""
    from casefiles.cases.records import CASE
    from casefiles.documents.models import Document

    texts = [(f.name, f.label, str(f.read(case) or "")) for f in CASE.public_fields if f.kind in ("text", "long_text")]
    for event in case.events:
        if event.is_public:
            label = _l("Public event “%(title)s”", title=event.title)
            texts.append((f"event-{event.id}", label, f"{event.title} {event.description}"))
    for document in db.session.scalars(select(Document).where(Document.case_id == case.id)):
        if getattr(document, "visibility", "") == "public":
            texts.append((f"document-{document.id}", _l("Public document title"), document.title or ""))
    return texts


def private_data_in_public_fields(case: Case) -> list[tuple[str | None, Any]]:
    """A public text that holds the legal name, email or phone of a person whose consent does not allow it."""
    problems: list[tuple[str | None, Any]] = []
    secrets_of_people = []
    for person in case.people:
        if person.name_consent != NameConsent.FULL_NAME.value and (person.legal_name or "").strip():
            secrets_of_people.append(person.legal_name.strip())
        secrets_of_people += [v.strip() for v in (person.contact_email, person.contact_phone) if (v or "").strip()]
    if not secrets_of_people:
        return problems
    for name, label, text in _public_texts(case):
        folded = " ".join(text.split()).casefold()
        if any(" ".join(secret.split()).casefold() in folded for secret in secrets_of_people):
            field = name if not name.startswith(("event-", "document-")) else None
            problems.append(
                (
                    field,
                    _l(
                        "“%(field)s” names a person, or gives their email or phone, although their "
                        "consent does not allow it. Remove it before publishing.",
                        field=label,
                    ),
                )
            )
    return problems


def publish_case(case: Case, *, actor: Any, checklist: ReviewChecklist) -> None:
    """Make a case public after the review checklist; it gets its random public address the first time."""
    if not can_publish(actor):
        raise PublishError([(None, _l("Only staff and administrators publish cases."))])
    problems = publication_problems(case, checklist)
    if problems:
        raise PublishError(problems)
    if case.published:
        return
    before = {"published": False, "public_slug": case.public_slug}
    if not case.public_slug:
        case.public_slug = new_public_slug()
    now = utcnow()
    case.published = True
    case.published_at = now
    case.public_updated_at = now
    db.session.flush()
    _audit(
        "case.publish",
        case,
        actor,
        {
            **diff(before, {"published": True, "public_slug": case.public_slug}),
            "checklist": [None, ["consent_recorded", "no_private_data"]],
        },
    )


def unpublish_case(case: Case, *, actor: Any, reason: str = "") -> None:
    """Take a case off the public side at once (its address stays reserved for a later republication)."""
    if actor is not None and not can_publish(actor):
        raise PublishError([(None, _l("Only staff and administrators unpublish cases."))])
    if not case.published:
        return
    case.published = False
    db.session.flush()
    changes: dict[str, Any] = {"published": [True, False]}
    if reason:
        changes["reason"] = [None, reason]
    _audit("case.unpublish", case, actor, changes)


def consent_withdrawn(person: Person, *, actor: Any) -> None:
    """A person withdrew their consent: their case leaves the public side at once."""
    case = person.case
    if case is not None and case.published:
        case.published = False
        db.session.flush()
        _audit("case.unpublish", case, actor, {"published": [True, False], "reason": [None, "consent_withdrawn"]})


def withdraw_consent(person: Person, *, actor: Any) -> None:
    """Record a withdrawn consent (no name shown at all) and unpublish the case."""
    before = person.name_consent
    if before != NameConsent.NONE.value:
        person.name_consent = NameConsent.NONE.value
        db.session.flush()
        _audit("person.update", person.case, actor, {"name_consent": [before, NameConsent.NONE.value]}, person)
    consent_withdrawn(person, actor=actor)


def update_public_content(
    case: Case,
    *,
    actor: Any,
    values: dict[str, Any],
    correction: dict | None = None,
    expected_version: int | None = None,
) -> dict:
    """Edit the public title and summary in both languages and the featured flag, with an optional correction.

    The ordinary edit path of the case: version-checked, audited, and reviewed like any public change.
    """
    from casefiles.records import editing

    changes = editing.update(
        case,
        actor=actor,
        changes={k: v for k, v in values.items() if k in PUBLIC_CONTENT_FIELDS},
        expected_version=expected_version,
    )
    if correction and ((correction.get("note") or "").strip() or (correction.get("note_fr") or "").strip()):
        add_correction(case, actor=actor, note=correction.get("note") or "", note_fr=correction.get("note_fr") or "")
    return changes


def add_correction(case: Case, *, actor: Any, note: str, note_fr: str = "") -> CaseCorrection:
    """Add a visible correction note to the case's public page."""
    note, note_fr = (note or "").strip(), (note_fr or "").strip()
    if not note and not note_fr:
        raise PublishError([("correction_note", _l("Write the correction note."))])
    if has_control_characters(note) or has_control_characters(note_fr):
        raise PublishError([("correction_note", CONTROL_CHARACTERS_MESSAGE)])
    if len(note) > 2000 or len(note_fr) > 2000:
        raise PublishError([("correction_note", _l("Keep the correction note under 2,000 characters."))])
    correction = CaseCorrection(case_id=case.id, note=note, note_fr=note_fr, created_by_id=getattr(actor, "id", None))
    db.session.add(correction)
    case.public_updated_at = utcnow()
    db.session.flush()
    _audit("correction.create", case, actor, {"note": [None, note], "note_fr": [None, note_fr]}, correction)
    return correction


def delete_correction(correction: CaseCorrection, *, actor: Any) -> None:
    """Remove a correction note from the case's public page (one typed by mistake, or holding what it should not);
    the audit entry keeps what it said, for those who may read the case's history."""
    case = db.session.get(Case, correction.case_id)
    changes = {"note": [correction.note, None], "note_fr": [correction.note_fr, None]}
    db.session.delete(correction)
    if case.published:
        case.public_updated_at = utcnow()
    db.session.flush()
    _audit("correction.delete", case, actor, changes, correction)
