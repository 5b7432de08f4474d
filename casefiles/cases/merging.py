"""Merge a duplicate case into the case kept: everything that hangs off the duplicate moves, nothing is lost.

What moves is read from the schema: every table with a foreign key to a case (people, sanctions, harms,
proceedings, events, tasks, documents with all their versions, campaign and partner links, tags, assignments,
pending reviews, corrections, and whatever later records point at a case). A link the kept case already has (the
same tag, the same campaign) is not doubled. Each moved record keeps its own history, gets one "moved" entry
through the record kernel, and its version moves on, so an edit opened before the merge is refused like any stale
save. The duplicate itself is archived with everything it said, marked merged into the kept case; if it was
published, its public address sends readers to the kept case's public page while that one is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Table, UniqueConstraint, and_, exists, func, select, update

from casefiles.cases.models import Case
from casefiles.db import Base, utcnow
from casefiles.extensions import db
from casefiles.records import editing
from casefiles.records.fields import FieldError
from casefiles.records.registry import records

# Rebuilt for both cases after the move rather than moved: they are computed from the case's words.
DERIVED = {"search_entries"}
# How many merges a public address may follow (a case merged into one later merged again).
MAX_HOPS = 8

# What the confirmation page calls each kind of row that moves (plural: it counts them).
LABELS: dict[str, Any] = {
    "people": _l("People"),
    "sanctions": _l("Sanctions"),
    "harms": _l("Harms"),
    "proceedings": _l("Legal proceedings"),
    "events": _l("Timeline events"),
    "tasks": _l("Deadlines and tasks"),
    "documents": _l("Documents"),
    "document_versions": _l("Document versions (files)"),
    "case_campaigns": _l("Campaign links"),
    "case_partners": _l("Partner organizations"),
    "case_tags": _l("Tags"),
    "case_assignments": _l("Assigned volunteers"),
    "pending_revisions": _l("Changes waiting for review"),
    "case_corrections": _l("Public corrections"),
    "audit_entries": _l("History entries (shown in the kept case's history)"),
}


class MergeError(FieldError):
    """A merge that cannot be done (the same case twice, a case already merged)."""

    def __init__(self, message: Any) -> None:
        super().__init__(None, message)


@dataclass
class Moving:
    """One kind of row that moves, and how many."""

    table: str
    label: Any
    count: int


@dataclass
class MergePlan:
    """What merging `merged` into `keep` will move, for the confirmation page."""

    keep: Case
    merged: Case
    moving: list[Moving] = field(default_factory=list)

    # Supporter counts recorded on the duplicate's campaigns: they stay with their campaigns, which move with it.
    supporter_counts: int = 0

    @property
    def total(self) -> int:
        return sum(m.count for m in self.moving)


def case_links() -> list[tuple[Table, Column]]:
    """Every (table, column) that points at a case, except the cases table itself and derived search data."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name == Case.__tablename__ or table.name in DERIVED:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Case.__tablename__ and fk.column.name == "id":
                found.append((table, fk.parent))
    return found


def _label(table: Table) -> Any:
    if table.name in LABELS:
        return LABELS[table.name]
    for rec in records():
        if getattr(rec.model, "__table__", None) is table:
            return rec.label
    return table.name.replace("_", " ").capitalize()


def _children_of_documents(case_id: int) -> int:
    from casefiles.documents.models import Document, DocumentVersion

    return db.session.scalar(
        select(func.count()).select_from(DocumentVersion).join(Document).where(Document.case_id == case_id)
    )


def counts(case_id: int) -> dict[str, int]:
    """How many rows of each kind hang off a case (every table pointing at cases, and document versions)."""
    from casefiles.audit.models import AuditEntry

    found: dict[str, int] = {}
    for table, column in case_links():
        found[table.name] = found.get(table.name, 0) + db.session.scalar(
            select(func.count()).select_from(table).where(column == case_id)
        )
    found["document_versions"] = _children_of_documents(case_id)
    found["audit_entries"] = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == case_id)
    )
    return found


def plan_merge(keep: Case, merged: Case) -> MergePlan:
    """What will move: every non-empty kind of row of the duplicate."""
    from casefiles.campaigns.models import SupporterSnapshot, case_campaigns

    plan = MergePlan(keep, merged)
    plan.supporter_counts = db.session.scalar(
        select(func.count())
        .select_from(SupporterSnapshot)
        .where(
            SupporterSnapshot.campaign_id.in_(
                select(case_campaigns.c.campaign_id).where(case_campaigns.c.case_id == merged.id)
            )
        )
    )
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for name, count in counts(merged.id).items():
        if count:
            table = tables.get(name)
            plan.moving.append(Moving(name, _label(table) if table is not None else LABELS.get(name, name), count))
    return plan


def _unique_sets(table: Table, column: Column) -> list[list[Column]]:
    """The unique column sets of the table that contain the case column (a link can exist only once)."""
    sets = []
    if column in table.primary_key.columns.values():
        sets.append(list(table.primary_key.columns))
    for constraint in table.constraints:
        cols = list(getattr(constraint, "columns", []))
        if isinstance(constraint, UniqueConstraint) and column in cols:
            sets.append(cols)
    for index in table.indexes:
        if index.unique and column in list(index.columns):
            sets.append(list(index.columns))
    return [s for s in sets if len(s) > 1]


def _drop_doubles(table: Table, column: Column, keep_id: int, merged_id: int) -> None:
    """Rows of the duplicate whose link the kept case already has (same tag, same campaign) are not doubled."""
    for unique in _unique_sets(table, column):
        others = [c for c in unique if c is not column]
        kept = table.alias("kept")
        already = exists().where(kept.c[column.name] == keep_id, *[kept.c[c.name] == c for c in others])
        db.session.execute(table.delete().where(and_(column == merged_id, already)))


def _versioned_records() -> dict[str, Any]:
    """Declared records that belong to a case, by table name."""
    found = {}
    for rec in records():
        table = getattr(rec.model, "__table__", None)
        if table is not None and "version" in table.c and table.name != Case.__tablename__:
            found[table.name] = rec
    return found


def merge_cases(
    *,
    keep: Case,
    merged: Case,
    actor: Any,
    keep_version: int | None = None,
    merged_version: int | None = None,
) -> MergePlan:
    """Move everything of `merged` into `keep`, archive `merged` as merged into it; audited. Returns what moved.

    Refused (StaleRecord) if either case changed since the confirmation page showed them.
    """
    if keep.id == merged.id:
        raise MergeError(_l("Choose two different cases."))
    if merged.merged_into_id is not None or keep.merged_into_id is not None:
        raise MergeError(_l("A case already merged into another cannot be merged again."))
    editing.check_version(keep, keep_version)
    editing.check_version(merged, merged_version)
    plan = plan_merge(keep, merged)
    declared = _versioned_records()
    moved: dict[str, list[int]] = {}
    db.session.flush()
    for table, column in case_links():
        _drop_doubles(table, column, keep.id, merged.id)
        if table.name in declared and "id" in table.c:
            moved[table.name] = list(db.session.scalars(select(table.c.id).where(column == merged.id)))
        values: dict[str, Any] = {column.name: keep.id}
        if table.name in declared:
            values["version"] = table.c.version + 1  # an edit opened before the merge is now stale
        db.session.execute(update(table).where(column == merged.id).values(**values))
    db.session.expire_all()

    for name, ids in moved.items():
        rec = declared[name]
        for obj in db.session.scalars(select(rec.model).where(rec.model.id.in_(ids))) if ids else []:
            editing.audit("move", obj, actor, {"cases": [merged.reference, keep.reference]}, rec=rec)

    was_published = merged.published
    if was_published:
        from casefiles.public.services import unpublish_case

        unpublish_case(merged, actor=actor, reason=str(_l("Merged into %(ref)s", ref=keep.reference)))
    slug_changes: dict[str, Any] = {}
    if not was_published and merged.public_slug:
        # Nothing was public there: the old address has nowhere to send anyone and is freed.
        slug_changes = {"public_slug": [merged.public_slug, None]}
        merged.public_slug = None
    merged.merged_into_id = keep.id
    archived = merged.archived_at is None
    if archived:
        merged.archived_at = utcnow()
    keep.updated_at = utcnow()
    if keep.published and plan.moving:
        keep.public_updated_at = keep.updated_at  # what moved in may show on its public page
    db.session.flush()
    summary = [f"{m.table}: {m.count}" for m in plan.moving]
    editing.audit(
        "merge",
        keep,
        actor,
        {"merged_from": [None, merged.reference], "moved": [None, summary]},
    )
    editing.audit(
        "merged",
        merged,
        actor,
        {"merged_into": [None, keep.reference], **({"archived": [False, True]} if archived else {}), **slug_changes},
    )
    from casefiles.cases.indexing import reindex_case

    reindex_case(keep)
    reindex_case(merged)
    return plan


def merged_into_chain(case: Case) -> Case:
    """The case a merged case finally went into (itself when it was never merged)."""
    current = case
    for _ in range(MAX_HOPS):
        if current.merged_into_id is None:
            return current
        target = db.session.get(Case, current.merged_into_id)
        if target is None:
            return current
        current = target
    return current


def merged_cases_of(case: Case) -> list[Case]:
    """The cases merged into this one (their history is part of this case's)."""
    return list(db.session.scalars(select(Case).where(Case.merged_into_id == case.id).order_by(Case.id)))


def history_case_ids(case: Case) -> list[int]:
    """This case and every case merged into it, at any depth: whose history the case's history shows."""
    ids, frontier = [case.id], [case.id]
    for _ in range(MAX_HOPS):
        frontier = list(db.session.scalars(select(Case.id).where(Case.merged_into_id.in_(frontier))))
        if not frontier:
            break
        ids.extend(frontier)
    return ids


def public_redirect_slug(slug: str) -> str | None:
    """The public address a merged case's old address now leads to, or None (answer as for a missing case).

    Only a case that was published when it was merged keeps its address; the kept case must be published now.
    """
    gone = db.session.scalar(select(Case).where(Case.public_slug == slug, Case.merged_into_id.is_not(None)))
    if gone is None or gone.published:
        return None
    target = merged_into_chain(gone)
    if target is gone or not target.published or not target.public_slug or target.merged_into_id is not None:
        return None
    return target.public_slug
