"""How the history shows a field and its values: translated field names, enum labels, dates in the locale."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from casefiles.dates import PartialDate, PartialDateError
from casefiles.enums import CaseStatus, EventKind, NameConsent, Outcome, PersonCategory, Priority, SanctionType

FIELD_LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "status": _l("Status"),
    "outcome": _l("Outcome"),
    "priority": _l("Priority"),
    "institution_id": _l("Institution"),
    "speech_text": _l("What was said or done"),
    "speech_platform": _l("Where"),
    "speech_url": _l("Link to the speech"),
    "speech_date": _l("When"),
    "public_summary": _l("Public summary"),
    "private_notes": _l("Private notes"),
    "tags": _l("Tags"),
    "assignees": _l("Assigned volunteers"),
    "archived": _l("Archived"),
    "legal_name": _l("Legal name"),
    "name_consent": _l("Name shown publicly"),
    "pseudonym": _l("Pseudonym"),
    "pronouns": _l("Pronouns"),
    "category": _l("Category"),
    "contact_email": _l("Private email"),
    "contact_phone": _l("Private phone"),
    "contact_notes": _l("Private contact notes"),
    "type": _l("Type"),
    "imposed_by": _l("Imposed by"),
    "date": _l("Date"),
    "duration": _l("Duration"),
    "appeal_deadline": _l("Appeal deadline"),
    "notes": _l("Notes"),
    "kind": _l("Kind"),
    "description": _l("Details"),
    "is_public": _l("Public"),
    "due_date": _l("Due date"),
    "owner_id": _l("Owner"),
    "done": _l("Done"),
    "reference": _l("Reference"),
    # Publication (casefiles.public.services)
    "published": _l("Published"),
    "public_slug": _l("Public address"),
    "checklist": _l("Review checklist"),
    "reason": _l("Reason"),
    "title_fr": _l("Title (French)"),
    "public_summary_fr": _l("Public summary (French)"),
    "featured": _l("Featured on the home page"),
    "note": _l("Correction note"),
    "note_fr": _l("Correction note (French)"),
    # Campaigns (casefiles.campaigns.services)
    "campaigns": _l("Campaigns"),
    "cases": _l("Cases"),
    # Documents (casefiles.documents.services)
    "file": _l("File"),
    "sha256": _l("SHA-256 fingerprint"),
    "size": _l("Size"),
    "visibility": _l("Visibility"),
    "version": _l("Version"),
    "source_url": _l("Source address"),
    "captured_at": _l("Captured on"),
}

ENUM_BY_FIELD = {
    "status": CaseStatus,
    "outcome": Outcome,
    "priority": Priority,
    "name_consent": NameConsent,
    "category": PersonCategory,
    "type": SanctionType,
    "kind": EventKind,
}
VALUE_LABELS: dict[str, dict[str, Any]] = {
    "visibility": {"public": _l("Public"), "private": _l("Private")},
}
PARTIAL_DATE_FIELDS = {"speech_date", "date"}
EXACT_DATE_FIELDS = {"due_date", "appeal_deadline"}


def _declared(name: str, object_type: str | None) -> Any:
    """The declared field of that record type (None for bookkeeping such as publication or files)."""
    from casefiles.records.registry import REGISTRY

    rec = REGISTRY.get(object_type or "")
    return rec.by_name.get(name) if rec is not None else None


def field_label(name: str, object_type: str | None = None) -> str:
    """The translated name of a recorded field: the record's declaration first, then the history's own names."""
    declared = _declared(name, object_type)
    if declared is not None:
        return str(declared.label)
    return str(FIELD_LABELS.get(name, name.replace("_", " ").capitalize()))


def display_value(name: str, value: Any, object_type: str | None = None) -> Any:
    """A recorded value as a person reads it (enumerations by their label); unknown values are shown as stored."""
    if value is None or value == "":
        return value
    declared = _declared(name, object_type)
    if declared is not None:
        return declared.display(value)
    if name in VALUE_LABELS and isinstance(value, str) and value in VALUE_LABELS[name]:
        return str(VALUE_LABELS[name][value])
    enum = ENUM_BY_FIELD.get(name)
    if enum is not None:
        member = enum.coerce(value)
        return member.label if member else value
    if name in PARTIAL_DATE_FIELDS and isinstance(value, str):
        try:
            partial = PartialDate.parse(value)
        except PartialDateError:
            return value
        return partial.display() if partial else value
    if name in EXACT_DATE_FIELDS and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value), "long")
        except ValueError:
            return value
    if name == "owner_id" and isinstance(value, int):
        from casefiles.auth.models import User
        from casefiles.extensions import db

        user = db.session.get(User, value)
        return user.display_name if user else value
    return value


def brief_line(entry: Any) -> str:
    """A printed brief as one readable line: "Printed the French one-pager"."""
    from casefiles.briefs.kinds import KIND_LABELS

    changes = entry.changes or {}
    kind, language = changes.get("type"), changes.get("language")
    if isinstance(kind, list):  # entries written as field diffs
        kind = kind[-1]
    if isinstance(language, list):
        language = language[-1]
    brief = KIND_LABELS.get(kind)
    if brief is None:
        return str(_l("printed a brief"))
    if language == "fr":
        return str(_l("printed the French %(brief)s", brief=str(brief).lower()))
    return str(_l("printed the English %(brief)s", brief=str(brief).lower()))
