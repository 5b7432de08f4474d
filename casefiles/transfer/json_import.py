"""Load an export zip (see export.py) into an empty database: every exported table, ids kept, and every stored file
checked against the manifest and the rows' SHA-256 before it is stored; all or nothing."""

from __future__ import annotations

import hashlib
import json
import secrets
import zipfile
from pathlib import Path
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Table, bindparam, func, select, text

from casefiles.audit.services import record
from casefiles.extensions import db
from casefiles.transfer import tables as plan
from casefiles.transfer.export import DATA_JSON, FORMAT, FORMAT_VERSION, MANIFEST, file_path

BATCH = 500
CHUNK = 1024 * 1024


class RestoreError(ValueError):
    """The archive cannot be loaded; `message` is translated. Nothing was changed."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def _hash_member(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def read_archive(archive: zipfile.ZipFile) -> tuple[dict[str, Any], dict[str, Any]]:
    """(manifest, data document) of an export zip, every member checked against the manifest."""
    names = set(archive.namelist())
    if MANIFEST not in names:
        raise RestoreError(_l("This is not a Casefiles export."))
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except ValueError as error:
        raise RestoreError(_l("This is not a Casefiles export.")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreError(_l("This is not a Casefiles export."))
    if manifest.get("version") != FORMAT_VERSION:
        raise RestoreError(_l("This export was made by another version of Casefiles and cannot be loaded here."))
    if manifest.get("data") != DATA_JSON:
        raise RestoreError(_l("Only the JSON export loads back; the CSV export is for spreadsheets."))
    members = manifest.get("members") or {}
    if set(members) != names - {MANIFEST}:
        raise RestoreError(_l("The archive's files do not match its manifest: it is incomplete or was altered."))
    for name, expected in members.items():
        sha, size = _hash_member(archive, name)
        if sha != expected.get("sha256") or size != expected.get("size"):
            raise RestoreError(_l("A file of the archive is damaged (its SHA-256 differs): %(name)s", name=name))
    document = json.loads(archive.read(DATA_JSON).decode("utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RestoreError(_l("This is not a Casefiles export."))
    return manifest, document


def _refuse_unless_empty() -> None:
    for table in plan.exported_tables():
        if table.name in plan.MAY_HOLD_ROWS:
            continue
        if db.session.scalar(select(func.count()).select_from(table)):
            raise RestoreError(
                _l("The database already holds data (%(table)s): load an export into an empty one.", table=table.name)
            )


def _converted(table: Table, columns: list[str], rows: list[Any]) -> list[dict[str, Any]]:
    converted = []
    for row in rows:
        if not isinstance(row, dict) or set(row) != set(columns):
            raise RestoreError(_l("The export's table %(table)s is malformed.", table=table.name))
        try:
            converted.append({name: plan.from_plain(table.c[name].type, row[name]) for name in columns})
        except (TypeError, ValueError) as error:
            raise RestoreError(
                _l(
                    "The export's table %(table)s holds a value that does not fit: %(error)s",
                    table=table.name,
                    error=str(error)[:200],
                )
            ) from error
    return converted


def _users(rows: list[dict[str, Any]]) -> dict[int, int]:
    """Accounts by email: an existing account is kept; others are created without a password (they set one
    through a password reset). Ids are kept when free. Returns old id -> new id."""
    table = db.metadata.tables[plan.USERS]
    existing = {email.lower(): uid for uid, email in db.session.execute(select(table.c.id, table.c.email))}
    taken = set(existing.values())
    mapping: dict[int, int] = {}
    later = []
    for row in rows:
        if row["email"].lower() in existing:
            mapping[row["id"]] = existing[row["email"].lower()]
            continue
        values = {**row, "password_hash": "!" + secrets.token_hex(16), "session_token": secrets.token_hex(32)}
        if row["id"] in taken:
            later.append(values)
            continue
        db.session.execute(table.insert(), [values])
        mapping[row["id"]] = row["id"]
        taken.add(row["id"])
    _reset_sequence(table)
    for values in later:
        old = values.pop("id")
        mapping[old] = db.session.execute(table.insert().returning(table.c.id), [values]).scalar_one()
    return mapping


def _reset_sequence(table: Table) -> None:
    """PostgreSQL: after rows were inserted with their ids, new rows must get ids after them."""
    if db.engine.dialect.name != "postgresql":
        return
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
        return
    sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name})
    if sequence:
        db.session.execute(
            # Names from the metadata, never from the export.
            text(f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'),  # noqa: S608
            {"s": sequence},
        )


def _check_files(archive: zipfile.ZipFile, manifest: dict, document: dict, tables: dict) -> list[dict[str, Any]]:
    """The stored files to write: every file a row names is in the archive with the SHA-256 the row records
    (unless the export found it missing or damaged already)."""
    from casefiles.documents.storage import check_key

    listed = {entry.get("path"): entry for entry in document.get("files") or []}
    missing = set(manifest.get("missing_files") or [])
    damaged = set(manifest.get("damaged_files") or [])
    members = manifest.get("members") or {}
    wanted: dict[str, dict[str, Any]] = {}
    for table in plan.exported_tables():
        for column, sha_column in plan.file_columns(table).items():
            for row in tables.get(table.name, []):
                key = row.get(column)
                if not key:
                    continue
                try:
                    check_key(key)
                except ValueError as error:
                    message = _l("The export names a stored file wrongly: %(key)s", key=str(key)[:80])
                    raise RestoreError(message) from error
                if key in missing:
                    continue
                path = file_path(key)
                if path not in listed or path not in members:
                    raise RestoreError(_l("A document file is missing from the archive: %(path)s", path=path))
                if key not in damaged and members[path]["sha256"] != row.get(sha_column):
                    raise RestoreError(_l("A document file does not match its SHA-256: %(path)s", path=path))
                wanted[key] = {"path": path, "sha256": members[path]["sha256"]}
    return list(wanted.items())


def _store_files(archive: zipfile.ZipFile, wanted: list, written: list[str]) -> None:
    from casefiles.documents.storage import get_storage

    storage = get_storage()
    for key, entry in wanted:
        if storage.exists(key):
            if storage.hash(key) == entry["sha256"]:
                continue
            raise RestoreError(_l("The document storage already holds another file named %(key)s.", key=key))
        temp = storage.temp_file()
        try:
            with archive.open(entry["path"]) as stream:
                while chunk := stream.read(CHUNK):
                    temp.write(chunk)
            if temp.sha256 != entry["sha256"]:
                raise RestoreError(_l("A document file does not match its SHA-256: %(path)s", path=entry["path"]))
            storage.put(key, temp)
            written.append(key)
        finally:
            temp.close()


def restore(source: IO[bytes] | Path, *, actor: Any, dry_run: bool = False) -> dict[str, int]:
    """Load an export zip into this (empty) database and document storage, all or nothing; commits unless dry_run.

    Returns the rows loaded per table, and "files"."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise RestoreError(_l("This is not a Casefiles export.")) from error
    written: list[str] = []
    try:
        with archive:
            manifest, document = read_archive(archive)
            counts = _load(archive, manifest, document, actor, written, dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        return counts
    except BaseException:
        db.session.rollback()
        _forget(written)
        raise


def _forget(keys: list[str]) -> None:
    from casefiles.documents.storage import get_storage

    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001, S110 (best effort: the original error matters)
            pass


def _load(archive: zipfile.ZipFile, manifest: dict, document: dict, actor: Any, written: list, dry_run: bool) -> dict:
    raw_tables = document.get("tables")
    if not isinstance(raw_tables, dict):
        raise RestoreError(_l("This is not a Casefiles export."))
    known = {t.name: t for t in plan.exported_tables()}
    unknown = sorted(set(raw_tables) - set(known))
    if unknown:
        names = ", ".join(unknown)
        raise RestoreError(_l("The export holds tables this version does not know: %(names)s", names=names))
    _refuse_unless_empty()
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, table in known.items():
        part = raw_tables.get(name) or {"columns": [], "rows": []}
        columns = part.get("columns") or []
        strange = sorted(set(columns) - set(plan.exported_columns(table)))
        if strange:
            raise RestoreError(
                _l(
                    "The export's table %(table)s has columns this version does not know: %(names)s",
                    table=name,
                    names=", ".join(strange),
                )
            )
        tables[name] = _converted(table, columns, part.get("rows") or [])
    wanted = _check_files(archive, manifest, document, tables)
    users = _users(tables.get(plan.USERS, []))
    counts: dict[str, int] = {}
    for name, table in known.items():
        if name == plan.USERS:
            counts[name] = len(tables[name])
            continue
        rows = tables[name]
        remap = plan.user_columns(table)
        for row in rows:
            for column in remap:
                if row.get(column) is not None:
                    row[column] = users.get(row[column])
        if name in plan.MAY_HOLD_ROWS and rows and db.session.scalar(select(func.count()).select_from(table)):
            rows = _merge_into(table, rows)
        later = _self_references(table, rows)
        for start in range(0, len(rows), BATCH):
            db.session.execute(table.insert(), rows[start : start + BATCH])
        for column, pairs in later.items():
            # A row may point at a row of its own table loaded after it: the pointer is set once all are in.
            db.session.execute(
                table.update()
                .where(table.c.id == bindparam("_row"))
                .values({column: bindparam("_target"), **_unchanged_stamps(table)}),
                [{"_row": row_id, "_target": target} for row_id, target in pairs],
            )
        _reset_sequence(table)
        counts[name] = len(tables[name])
    db.session.flush()
    _rebuild_search_entries()
    if not dry_run:
        _store_files(archive, wanted, written)
    counts["files"] = len(wanted)
    record(
        "import.everything",
        actor=actor,
        object_type="export",
        summary=f"{counts.get('cases', 0)} cases, {len(wanted)} files",
        changes={"cases": [None, counts.get("cases", 0)], "files": [None, len(wanted)]},
    )
    db.session.flush()
    return counts


def _self_references(table: Table, rows: list[dict[str, Any]]) -> dict[str, list[tuple[Any, Any]]]:
    """Take out of the rows every value of a column that refers to the same table (set after the insert)."""
    columns = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
    later: dict[str, list[tuple[Any, Any]]] = {}
    for column in columns:
        for row in rows:
            if row.get(column) is not None:
                later.setdefault(column, []).append((row["id"], row[column]))
                row[column] = None
    return later


def _unchanged_stamps(table: Table) -> dict[str, Any]:
    """Columns stamped on every update (updated_at) keep their loaded value."""
    return {c.name: c for c in table.columns if c.onupdate is not None}


def _merge_into(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A table the new database already has rows in: audit entries are appended (new ids, same order); a
    setting the export holds replaces the local one."""
    pk = [c.name for c in table.primary_key.columns]
    if pk == ["id"] and isinstance(table.c.id.type, Integer):
        return [{k: v for k, v in row.items() if k != "id"} for row in rows]
    keep = []
    for row in rows:
        where = [table.c[k] == row[k] for k in pk]
        if db.session.execute(select(*[table.c[k] for k in pk]).where(*where)).first():
            db.session.execute(table.update().where(*where).values(**row))
        else:
            keep.append(row)
    return keep


def _rebuild_search_entries() -> None:
    from casefiles.cases.indexing import reindex_case
    from casefiles.cases.models import Case

    for case in db.session.scalars(select(Case).order_by(Case.id)):
        reindex_case(case)
