"""Administrators' audit viewer: filter by person, case, action and date; export CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select

from casefiles.audit.models import AuditEntry
from casefiles.auth import policies as auth_policies
from casefiles.auth.models import User
from casefiles.authz import require
from casefiles.dates import local_today, organization_zone
from casefiles.extensions import db
from casefiles.pagination import paginate, scalar_rows
from casefiles.views_common import parse_id

bp = Blueprint("audit", __name__)
PER_PAGE = 50
CSV_LIMIT = 100_000


def _int(value: str | None) -> int | None:
    return parse_id(value)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@dataclass
class AuditFilters:
    """The filters from the query string; anything malformed is ignored, never a 500."""

    actor_id: int | None = None
    case_id: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> AuditFilters:
        return cls(
            actor_id=_int(args.get("actor")),
            case_id=_int(args.get("case")),
            action=(args.get("action") or "").strip()[:60],
            since=_date(args.get("since")),
            until=_date(args.get("until")),
            page=max(1, _int(args.get("page")) or 1),
        )

    def as_args(self, **overrides: Any) -> dict[str, Any]:
        args = {
            "actor": self.actor_id or "",
            "case": self.case_id or "",
            "action": self.action,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        args.update(overrides)
        return {k: v for k, v in args.items() if v not in ("", None)}

    def query(self) -> Select:
        stmt = select(AuditEntry)
        if self.actor_id is not None:
            stmt = stmt.where(AuditEntry.actor_id == self.actor_id)
        if self.case_id is not None:
            stmt = stmt.where(AuditEntry.case_id == self.case_id)
        if self.action:
            stmt = stmt.where(AuditEntry.action == self.action)
        # Days are the organization's days: "from November 29" starts at midnight where the organization works.
        zone = organization_zone()
        if self.since:
            start = datetime.combine(self.since, time.min, tzinfo=zone).astimezone(UTC)
            stmt = stmt.where(AuditEntry.created_at >= start)
        if self.until and self.until < date.max:  # the last day there is ends nothing: no upper bound
            end = datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
            stmt = stmt.where(AuditEntry.created_at < end)
        return stmt


def _changed_fields(entry: AuditEntry) -> str:
    """Names of the changed fields only: values (which may be private) never leave through the viewer or CSV.
    Neither does an entry's summary (a case's working title, a person's name, an address typed at sign-in): the
    viewer says who, when, which action, on which object, and which fields changed."""
    return ", ".join(sorted((entry.changes or {}).keys()))


@bp.route("/")
def index() -> ResponseReturnValue:
    """Every audit entry, newest first, with filters and pagination."""
    require(auth_policies.can_manage_users(current_user))
    filters = AuditFilters.from_args(request.args)
    stmt = filters.query().order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    page = paginate(stmt, page=filters.page, per_page=PER_PAGE, rows=scalar_rows)
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    people = db.session.scalars(select(User).order_by(User.name, User.email)).all()
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        actions=actions,
        people=people,
        changed_fields=_changed_fields,
    )


@bp.route("/export.csv")
def export_csv() -> ResponseReturnValue:
    """The filtered entries as CSV (UTC times; who, action, object and changed field names, never values)."""
    require(auth_policies.can_manage_users(current_user))
    filters = AuditFilters.from_args(request.args)
    stmt = filters.query().order_by(AuditEntry.created_at.asc(), AuditEntry.id.asc()).limit(CSV_LIMIT)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["id", "time_utc", "actor_id", "actor_email", "action", "object_type", "object_id", "case_id"]
        + ["changed_fields"]
    )
    emails = {u.id: u.email for u in db.session.scalars(select(User))}
    for entry in db.session.scalars(stmt):
        created = entry.created_at if entry.created_at.tzinfo else entry.created_at.replace(tzinfo=UTC)
        writer.writerow(
            [
                entry.id,
                created.astimezone(UTC).isoformat(),
                entry.actor_id or "",
                _csv_safe(emails.get(entry.actor_id, "")),
                entry.action,
                entry.object_type,
                entry.object_id if entry.object_id is not None else "",
                entry.case_id if entry.case_id is not None else "",
                _csv_safe(_changed_fields(entry)),
            ]
        )
    filename = _("audit") + f"-{local_today().isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading = + - @ becomes text."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
