"""How the history shows a field and its values: declared fields through their declaration, the rest by name."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Names of what the history records beside declared fields: publication, files, links, removals. A declared
# field is named by its record's declaration.
FIELD_LABELS: dict[str, Any] = {
    "archived": _l("Archived"),
    "assignees": _l("Assigned volunteers"),
    "institution_id": _l("Institution"),
    "reference": _l("Reference"),
    "published": _l("Published"),
    "public_slug": _l("Public address"),
    "checklist": _l("Review checklist"),
    "reason": _l("Reason"),
    "note": _l("Correction note"),
    "note_fr": _l("Correction note (French)"),
    "campaigns": _l("Campaigns"),
    "cases": _l("Cases"),
    "file": _l("File"),
    "sha256": _l("SHA-256 fingerprint"),
    "size": _l("Size"),
    "version": _l("Version"),
    "merged_from": _l("Merged from"),
    "merged_into": _l("Merged into"),
    "moved": _l("Moved here"),
}


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
