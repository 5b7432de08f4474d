"""What "export everything" holds, read from the metadata and the record declarations.

Every table of the metadata is exported, every column of it, unless it is named below as a secret or as derived
data. A new table or column is therefore exported (and round-trip tested) without any change here; only a new
secret has to be added to the lists. The record declarations name the tables that hold each record type.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Table
from sqlalchemy.sql.type_api import TypeEngine

import casefiles.models  # noqa: F401 (every model, so the metadata is complete)
from casefiles.db import Base
from casefiles.records.registry import records

# Tables that hold secrets or counters of the running site: never exported.
SECRET_TABLES = {
    "user_sessions": "signed-in browsers (session ids)",
    "recovery_codes": "second-factor recovery codes",
    "account_links": "one-time invitation and password-reset links",
    "login_throttle": "counters of failed sign-ins",
    "outbox_messages": "outgoing mail of the running site (confirmation and unsubscribe links)",
    # Sealed with the site's own intake key, useless elsewhere; the database backup carries them.
    "intake_submissions": "confidential help requests (encrypted with the intake key)",
    "intake_files": "the help requests' evidence files (encrypted with the intake key)",
}
# Tables computed from others: rebuilt after a restore (search entries) or made again on request (dossiers).
DERIVED_TABLES = {
    "search_entries": "full-text search entries, rebuilt from the cases and their documents",
    "dossier_jobs": "generated dossiers, made again on request",
    "public_pages": "rendered public pages, made again on request",
    "public_stamps": "markers of public changes, moved again by the next change",
}
# Accounts travel by email, name and role; their passwords, sessions and second factors stay behind.
SECRET_COLUMNS = {
    "users": {"password_hash", "session_token", "totp_secret", "totp_last_step", "totp_enabled_at", "last_login_at"},
    # A pending confirmation link's secret (hashed): a moved site asks the signer to sign again.
    "petition_signatures": {"token_hash"},
    "follows": {"token_hash"},
}
# Columns naming a stored file, with the column holding its SHA-256; the files travel in the archive.
FILE_COLUMNS = {
    "document_versions": {"storage_key": "sha256", "preview_key": "preview_sha256", "public_key": "public_sha256"},
    "evidence": {"body_key": "sha256", "warc_key": "warc_sha256", "text_key": "text_sha256"},
}
# Tables a fresh installation may already have rows in (the administrator who loads the export, their sign-in's
# audit entries, settings): an export still loads; accounts are matched by email, audit entries appended.
MAY_HOLD_ROWS = {"users", "audit_entries", "settings"}
USERS = "users"


def metadata_tables() -> list[Table]:
    """Every table, parents before children."""
    return list(Base.metadata.sorted_tables)


def exported_tables() -> list[Table]:
    """The tables an export holds, parents before children."""
    return [t for t in metadata_tables() if t.name not in SECRET_TABLES and t.name not in DERIVED_TABLES]


def exported_columns(table: Table) -> list[str]:
    """The columns of a table an export holds, in the table's order."""
    hidden = SECRET_COLUMNS.get(table.name, set())
    return [c.name for c in table.columns if c.name not in hidden]


def file_columns(table: Table) -> dict[str, str]:
    return FILE_COLUMNS.get(table.name, {})


def user_columns(table: Table) -> list[str]:
    """Columns referring to an account (remapped when the accounts get other ids on loading)."""
    return [c.name for c in table.columns if any(fk.column.table.name == USERS for fk in c.foreign_keys)]


def record_tables() -> dict[str, dict[str, Any]]:
    """For each declared record type: its table and its declared fields (with the columns holding each)."""
    found: dict[str, dict[str, Any]] = {}
    for rec in records():
        table = getattr(rec.model, "__table__", None)
        if table is None:
            continue
        fields = []
        for f in rec.fields:
            columns = [n for n in (f.name, f"{f.name}_precision") if n in table.c]
            fields.append({"name": f.name, "kind": f.kind, "columns": columns, "export": f.export})
        found[rec.name] = {"table": table.name, "fields": fields}
    return found


# -- values as JSON -------------------------------------------------------------------------------------------------


def _is(column_type: TypeEngine, kind: type) -> bool:
    return isinstance(column_type, kind)


def to_plain(column_type: TypeEngine, value: Any) -> Any:
    """A column's value as JSON holds it (dates and times as ISO text)."""
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def from_plain(column_type: TypeEngine, value: Any) -> Any:
    """The value to store for a JSON value of an export; ValueError when it does not fit the column."""
    if value is None or _is(column_type, JSON):
        return value
    if _is(column_type, DateTime):
        return datetime.fromisoformat(value)
    if _is(column_type, Date):
        return date.fromisoformat(value)
    if _is(column_type, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"not a boolean: {value!r}")
        return value
    if _is(column_type, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"not a whole number: {value!r}")
        return value
    if _is(column_type, Float):
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"not text: {value!r}")
    return value


def to_cell(column_type: TypeEngine, value: Any) -> str:
    """A column's value in a CSV cell (JSON columns as JSON text)."""
    if value is None:
        return ""
    if _is(column_type, JSON):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    plain = to_plain(column_type, value)
    return str(plain)
