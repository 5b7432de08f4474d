"""The case list as a place to work: next deadlines beside each case, named filters kept per user, actions on
several cases at once (all or nothing, each case checked and audited), and the filtered list as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from casefiles.audit.services import record
from casefiles.auth.models import User
from casefiles.cases import policies, services
from casefiles.cases.models import Case, Task
from casefiles.cases.preferences import SavedFilter
from casefiles.cases.queries import SORTS, CaseFilters, filtered_cases, search_ids
from casefiles.extensions import db
from casefiles.fulltext.terms import parse
from casefiles.records.fields import FieldError

MAX_SAVED_FILTERS = 50
MAX_BULK = 200
CSV_BATCH = 500
# The query-string arguments a saved filter keeps (the page and anything else are dropped).
FILTER_ARGS = (
    "q",
    "status",
    "outcome",
    "priority",
    "category",
    "institution",
    "region",
    "tag",
    "mine",
    "archived",
    "sort",
    "due",
)
BULK_ACTIONS = ("assign", "tag", "dossier")


class BulkRefused(Exception):
    """A bulk action that cannot be done as a whole: nothing was changed."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


# -- next deadlines --------------------------------------------------------------------------------------------


def next_deadlines(case_ids: list[int]) -> dict[int, date]:
    """The earliest open deadline of each case (one grouped query for the page's cases)."""
    if not case_ids:
        return {}
    rows = db.session.execute(
        select(Task.case_id, func.min(Task.due_date))
        .where(Task.case_id.in_(case_ids), Task.done.is_(False))
        .group_by(Task.case_id)
    )
    return dict(rows.all())


def attach_next_deadlines(cases: list[Case]) -> None:
    """Give each listed case `next_deadline` (a date or None) for the list's column."""
    found = next_deadlines([c.id for c in cases])
    for case in cases:
        case.next_deadline = found.get(case.id)


# -- saved filters ---------------------------------------------------------------------------------------------


def filter_query(args: Any) -> str:
    """The query string a saved filter keeps: the filters only, in a stable order."""
    filters = CaseFilters.from_args(args)
    kept = {k: v for k, v in filters.as_args(page=None).items() if k in FILTER_ARGS}
    return urlencode(sorted(kept.items()))


def saved_filters(user: Any) -> list[SavedFilter]:
    """The user's saved filters, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id).order_by(SavedFilter.name))
    )


def save_filter(user: Any, *, name: str, query: str) -> SavedFilter:
    """Keep these filters under a name (the same name again replaces them); audited."""
    name = " ".join((name or "").split())
    if not name:
        raise FieldError("name", _l("Give the filter a name."))
    if len(name) > 80:
        raise FieldError("name", _l("Keep the name under %(max)d characters.", max=80))
    query = filter_query(dict(parse_qsl(query or "")))
    existing = db.session.scalar(select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == name))
    if existing is None:
        count = db.session.scalar(select(func.count()).select_from(SavedFilter).where(SavedFilter.user_id == user.id))
        if count >= MAX_SAVED_FILTERS:
            raise FieldError("name", _l("You keep %(max)d filters already: delete one first.", max=MAX_SAVED_FILTERS))
        existing = SavedFilter(user_id=user.id, name=name, query=query)
        db.session.add(existing)
        before = None
    else:
        before = existing.query
        existing.query = query
    db.session.flush()
    record(
        "saved_filter.save",
        actor=user,
        object_type="saved_filter",
        object_id=existing.id,
        summary=name,
        changes={"query": [before, query]},
    )
    return existing


def delete_filter(user: Any, saved: SavedFilter) -> None:
    """Forget a saved filter (only its owner may); audited."""
    if saved.user_id != getattr(user, "id", None):
        raise BulkRefused(_l("This filter is not yours."))
    record(
        "saved_filter.delete",
        actor=user,
        object_type="saved_filter",
        object_id=saved.id,
        summary=saved.name,
        changes={"query": [saved.query, None]},
    )
    db.session.delete(saved)
    db.session.flush()


# -- bulk actions ----------------------------------------------------------------------------------------------


def _chosen_cases(user: Any, case_ids: list[int]) -> list[Case]:
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        raise BulkRefused(_l("Choose at least one case."))
    if len(ids) > MAX_BULK:
        raise BulkRefused(_l("Choose at most %(max)d cases at once.", max=MAX_BULK))
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(ids)))}
    if len(cases) != len(ids):
        raise BulkRefused(_l("One of the chosen cases no longer exists. Nothing was changed."))
    return [cases[i] for i in ids]


def bulk_assign(user: Any, case_ids: list[int], assignee_id: int | None) -> list[Case]:
    """Add a team member to every chosen case; refused as a whole unless the user may assign on every one."""
    if not policies.can_assign(user):
        raise BulkRefused(_l("Only staff assign cases."))
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if assignee is None or not assignee.is_active_flag:
        raise BulkRefused(_l("Choose who to assign."))
    cases = _chosen_cases(user, case_ids)
    for case in cases:
        if not policies.can_edit(user, case):
            raise BulkRefused(_l("You may not change %(ref)s. Nothing was changed.", ref=case.reference))
    for case in cases:
        current = sorted(u.id for u in case.assignees)
        if assignee.id not in current:
            services.update_case(case, actor=user, changes={"assignee_ids": [*current, assignee.id]})
    return cases


def bulk_tag(user: Any, case_ids: list[int], tag: str) -> list[Case]:
    """Add a tag to every chosen case; refused as a whole if any case may not be changed by the user."""
    name = " ".join((tag or "").split()).lower()
    if not name:
        raise BulkRefused(_l("Type the tag to add."))
    if len(name) > 60:
        raise BulkRefused(_l("Keep the tag under %(max)d characters.", max=60))
    cases = _chosen_cases(user, case_ids)
    for case in cases:
        if not policies.can_edit(user, case):
            raise BulkRefused(_l("You may not change %(ref)s. Nothing was changed.", ref=case.reference))
    for case in cases:
        current = sorted(t.name for t in case.tags)
        if name not in current:
            services.update_case(case, actor=user, changes={"tags": [*current, name]})
    return cases


def check_dossier(user: Any, case_ids: list[int]) -> list[Case]:
    """The chosen cases, if the user may put every one of them in a dossier."""
    from casefiles.briefs import policies as brief_policies

    if not brief_policies.can_request_dossier(user):
        raise BulkRefused(_l("Only staff build dossiers."))
    cases = _chosen_cases(user, case_ids)
    for case in cases:
        if not policies.can_view(user, case):
            raise BulkRefused(_l("You may not see %(ref)s. Nothing was changed.", ref=case.reference))
    return cases


# -- CSV of the filtered list ----------------------------------------------------------------------------------


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (a formula) is neutralised, as in every export."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def csv_rows(user: Any, filters: CaseFilters) -> Iterator[list[str]]:
    """The header, then one row per case of the filtered list (every filter, in the list's order), in batches."""
    yield [
        _("Reference"),
        _("Title"),
        _("People"),
        _("Institution"),
        _("Status"),
        _("Outcome"),
        _("Priority"),
        _("Next deadline"),
        _("Tags"),
        _("Assigned"),
        _("Updated"),
    ]
    query = parse(filters.q)
    if query:
        ids = search_ids(user, filters, query)
    else:
        stmt = filtered_cases(user, filters).with_only_columns(Case.id)
        ids = list(db.session.scalars(stmt.order_by(*SORTS.get(filters.sort, SORTS["updated"]))))
    for start in range(0, len(ids), CSV_BATCH):
        batch = ids[start : start + CSV_BATCH]
        loaded = db.session.scalars(
            select(Case)
            .where(Case.id.in_(batch))
            .options(selectinload(Case.people), selectinload(Case.tags), selectinload(Case.assignees))
        ).unique()
        by_id = {c.id: c for c in loaded}
        deadlines = next_deadlines(batch)
        for case_id in batch:
            case = by_id.get(case_id)
            if case is None:
                continue
            due = deadlines.get(case_id)
            yield [
                csv_safe(v)
                for v in (
                    case.reference,
                    case.title,
                    "; ".join(p.legal_name for p in case.people),
                    case.institution.name if case.institution else "",
                    case.status_enum.label,
                    case.outcome_enum.label,
                    case.priority_enum.label,
                    due.isoformat() if due else "",
                    "; ".join(t.name for t in case.tags),
                    "; ".join(u.display_name for u in case.assignees),
                    case.updated_at.date().isoformat() if case.updated_at else "",
                )
            ]


def csv_text(user: Any, filters: CaseFilters) -> Iterator[str]:
    """The CSV, streamed a row at a time (UTF-8 with a byte-order mark so spreadsheets read the accents)."""
    yield "\ufeff"
    for row in csv_rows(user, filters):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(row)
        yield buffer.getvalue()
