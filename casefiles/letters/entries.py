"""Organizations asking to sign a public letter: the request waits for staff, who approve it (the letter is signed
exactly as a pasted line would sign it, duplicates caught the same way) or reject it. The contact's name and email
are for staff only and never shown publicly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from casefiles.audit.services import record
from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.letters import services
from casefiles.letters.models import ENTRY_APPROVED, ENTRY_PENDING, ENTRY_REJECTED, Letter, LetterEntry
from casefiles.organizations.models import OrganizationKind


def public_letter(letter_id: int) -> Letter | None:
    """The letter shown publicly with this id, or None (a staff-only letter looks like a missing one)."""
    if letter_id < 1 or letter_id > 2**31 - 1:
        return None
    return db.session.scalar(select(Letter).where(Letter.id == letter_id, Letter.is_public.is_(True)))


def submit_entry(letter: Letter, *, values: dict[str, Any], locale: str) -> LetterEntry:
    """Queue an organization's request to sign, for staff approval."""
    entry = LetterEntry(
        letter_id=letter.id,
        organization_name=" ".join(values["organization_name"].split()),
        contact_name=(values.get("contact_name") or "").strip(),
        contact_email=(values.get("contact_email") or "").strip().lower(),
        city=(values.get("city") or "").strip(),
        locale=locale if locale in ("en", "fr") else "en",
        status=ENTRY_PENDING,
    )
    db.session.add(entry)
    db.session.flush()
    # No contact details in the history: which letter received a request.
    record("letter.entry_submitted", actor=None, object_type="letter", object_id=letter.id)
    return entry


def pending_entries(letter: Letter) -> list[LetterEntry]:
    return list(
        db.session.scalars(
            select(LetterEntry)
            .where(LetterEntry.letter_id == letter.id, LetterEntry.status == ENTRY_PENDING)
            .order_by(LetterEntry.created_at, LetterEntry.id)
        )
    )


def pending_count(letter: Letter) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(LetterEntry)
            .where(LetterEntry.letter_id == letter.id, LetterEntry.status == ENTRY_PENDING)
        )
        or 0
    )


@dataclass
class EntryReview:
    """A pending request and what approving it would do (the staff paste's preview of its name)."""

    entry: LetterEntry
    line: services.PreviewLine


def review(letter: Letter) -> list[EntryReview]:
    """Every pending request with its preview: known organization, new one, likely duplicate of an organization
    or of an earlier request, already signed — read as one pasted list, so two requests for one organization show."""
    entries = pending_entries(letter)
    text = "\n".join(e.organization_name for e in entries)
    lines = services.preview_signatories(letter, text)
    return [EntryReview(entry, line) for entry, line in zip(entries, lines, strict=True)]


def approve(entry: LetterEntry, *, actor: Any, separate: bool = False) -> dict[str, int]:
    """Sign the letter for this organization as a pasted line would (an existing or likely-duplicate organization
    signs as itself unless `separate`); an organization that already signed is not added twice."""
    letter = db.session.get(Letter, entry.letter_id)
    result = services.add_signatories(
        letter,
        entry.organization_name,
        actor=actor,
        separate={1} if separate else None,
        kind=OrganizationKind.OTHER.value,
    )
    preview = services.preview_signatories(letter, entry.organization_name)
    entry.organization_id = preview[0].organization.id if preview and preview[0].organization else None
    _decide(entry, ENTRY_APPROVED, actor)
    return result


def reject(entry: LetterEntry, *, actor: Any) -> None:
    """Refuse the request: nothing is signed."""
    _decide(entry, ENTRY_REJECTED, actor)


def _decide(entry: LetterEntry, status: str, actor: Any) -> None:
    entry.status = status
    entry.decided_at = utcnow()
    entry.decided_by_id = getattr(actor, "id", None)
    record(
        f"letter.entry_{status}",
        actor=actor,
        object_type="letter",
        object_id=entry.letter_id,
        summary=entry.organization_name,
        changes={"organization": [None, entry.organization_name]},
    )
    db.session.flush()
