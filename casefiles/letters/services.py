"""The verbs of sign-on letters: write the letter, preview a pasted signatory list, add the signatories."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.letters.models import Letter, LetterSignatory
from casefiles.organizations.models import Organization, OrganizationKind, loose_key, organization_key
from casefiles.organizations.services import organizations_by_key
from casefiles.records import editing

MAX_PASTE_LINES = 5000


def create_letter(*, actor: Any, values: dict[str, Any]) -> Letter:
    """Write a new sign-on letter."""
    return editing.create(Letter, actor=actor, values=values, title="", addressee="", body_en="", body_fr="")


def update_letter(
    letter: Letter, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Edit the letter; refused (StaleRecord) if someone saved it since the edit began."""
    return editing.update(letter, actor=actor, changes=changes, expected_version=expected_version)


def delete_letter(letter: Letter, *, actor: Any, expected_version: int | None = None) -> None:
    """Delete a letter and its signatures (the organizations stay)."""
    editing.delete(letter, actor=actor, expected_version=expected_version)


# -- pasted signatory lists ------------------------------------------------------------------------


class LineStatus(enum.Enum):
    EXISTING = "existing"  # matches an organization we know
    NEW = "new"  # a new organization will be created
    LIKELY_DUPLICATE = "likely"  # looks like an existing organization or an earlier line, spelled differently
    REPEATED = "repeated"  # the same name appears earlier in the paste
    ALREADY_SIGNED = "signed"  # that organization already signed this letter
    TOO_LONG = "too_long"  # refused


@dataclass
class PreviewLine:
    """What will happen to one pasted line."""

    number: int
    name: str
    status: LineStatus
    organization: Organization | None = None  # the match (existing, already signed, likely duplicate of)
    same_as_line: int | None = None  # the earlier line it repeats or resembles
    separate: bool = False  # staff chose to keep a likely duplicate as its own organization

    @property
    def will_sign(self) -> bool:
        return self.status in (LineStatus.EXISTING, LineStatus.NEW, LineStatus.LIKELY_DUPLICATE)


def paste_lines(text: str) -> list[tuple[int, str]]:
    """(line number, name) for every non-blank line; bullets and outer spaces removed, the name kept as written."""
    lines = []
    for number, raw in enumerate((text or "").splitlines()[:MAX_PASTE_LINES], start=1):
        name = " ".join(raw.split())
        name = name.lstrip("•·*▪-–— \t").strip() if name[:1] in "•·*▪-–—" else name
        if name:
            lines.append((number, name))
    return lines


def preview_signatories(letter: Letter, text: str, separate: set[int] | None = None) -> list[PreviewLine]:
    """Match each pasted line against existing organizations and earlier lines; nothing is saved."""
    separate = separate or set()
    lines = paste_lines(text)
    exact = organizations_by_key(name for _, name in lines)
    signed_ids = {s.organization_id for s in letter.signatories}
    loose_existing: dict[str, Organization] = {}
    for org in db.session.scalars(select(Organization).order_by(Organization.id)):
        loose_existing.setdefault(loose_key(org.name), org)
    seen_exact: dict[str, int] = {}
    seen_loose: dict[str, int] = {}
    preview: list[PreviewLine] = []
    for number, name in lines:
        key, loose = organization_key(name), loose_key(name)
        if len(name) > 300:
            preview.append(PreviewLine(number, name, LineStatus.TOO_LONG))
            continue
        if key in seen_exact:
            preview.append(PreviewLine(number, name, LineStatus.REPEATED, same_as_line=seen_exact[key]))
            continue
        seen_exact[key] = number
        org = exact.get(key)
        if org is not None:
            status = LineStatus.ALREADY_SIGNED if org.id in signed_ids else LineStatus.EXISTING
            preview.append(PreviewLine(number, name, status, organization=org))
            seen_loose.setdefault(loose, number)
            continue
        if loose in seen_loose and number not in separate:
            preview.append(PreviewLine(number, name, LineStatus.REPEATED, same_as_line=seen_loose[loose]))
            continue
        candidate = loose_existing.get(loose) if loose else None
        if candidate is not None:
            line = PreviewLine(number, name, LineStatus.LIKELY_DUPLICATE, organization=candidate)
            if number in separate:
                line.separate = True
            elif candidate.id in signed_ids:
                line.status = LineStatus.ALREADY_SIGNED
            preview.append(line)
        else:
            preview.append(PreviewLine(number, name, LineStatus.NEW))
        seen_loose.setdefault(loose, number)
    return preview


def preview_counts(preview: list[PreviewLine]) -> dict[str, int]:
    """How many lines fall in each status."""
    counts = {status.value: 0 for status in LineStatus}
    for line in preview:
        counts[line.status.value] += 1
    counts["will_sign"] = sum(1 for line in preview if line.will_sign)
    return counts


def add_signatories(
    letter: Letter, text: str, *, actor: Any, separate: set[int] | None = None, kind: str | None = None
) -> dict[str, int]:
    """Sign the letter for every pasted organization (creating the new ones), exactly as previewed."""
    from casefiles.organizations.services import create_organization

    preview = preview_signatories(letter, text, separate)
    position = max((s.position for s in letter.signatories), default=-1) + 1
    created = added = 0
    added_names: list[str] = []
    for line in preview:
        if not line.will_sign:
            continue
        org = line.organization
        if org is None or line.separate:
            org = create_organization(
                actor=actor, values={"name": line.name, "kind": kind or OrganizationKind.OTHER.value}
            )
            created += 1
        letter.signatories.append(LetterSignatory(organization=org, position=position, added_at=utcnow()))
        position += 1
        added += 1
        added_names.append(org.name)
    if added:
        letter.updated_at = utcnow()
        db.session.flush()
        counts = preview_counts(preview)
        # A pasted list is one act: one entry on the letter's history, naming who signed.
        editing.audit(
            "sign",
            letter,
            actor,
            {
                "signatories": [len(letter.signatories) - added, len(letter.signatories)],
                "organizations_created": [None, created],
                "lines_skipped": [None, counts["repeated"] + counts["signed"] + counts["too_long"]],
                "added": [None, added_names[:1000]],
            },
        )
    return {"added": added, "created": created}


def remove_signatory(signature: LetterSignatory, *, actor: Any, expected_version: int | None = None) -> None:
    """Take one organization's signature off the letter."""
    letter = signature.letter
    editing.delete(signature, actor=actor, expected_version=expected_version)
    if letter is not None:
        db.session.expire(letter, ["signatories"])
