"""Export of everything: a zip holding the data (one JSON document, or one CSV file per table), the stored file of
every document version, and a manifest with the SHA-256 of each member; see docs/import-export.md.

What is exported is read from the metadata and the record declarations (casefiles/transfer/tables.py): every
column of every table, except secrets (passwords, sessions, second factors, one-time links, throttling counters)
and data rebuilt from the rest (search entries, generated dossiers).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, func, select

from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.letters.models import Letter
from casefiles.transfer import tables as plan

FORMAT = "casefiles-export"
FORMAT_VERSION = 2
DATA_JSON = "export.json"
MANIFEST = "manifest.json"
FILES_FOLDER = "files"
BATCH = 1000
CHUNK = 1024 * 1024


@dataclass
class ExportSummary:
    """What an export wrote: rows per table, files, and files the storage could not give back."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    missing_files: list[str] = field(default_factory=list)
    damaged_files: list[str] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return self.rows.get("cases", 0)


def file_path(key: str) -> str:
    """Where a stored file sits in the archive (the JSON refers to it by this path)."""
    return f"{FILES_FOLDER}/{key}"


def table_rows(table: Table) -> Any:
    """Every row of a table, exported columns only, in primary-key order, read in batches."""
    columns = [table.c[name] for name in plan.exported_columns(table)]
    order = list(table.primary_key.columns)
    stmt = select(*columns).order_by(*order)
    offset = 0
    while True:
        batch = db.session.execute(stmt.limit(BATCH).offset(offset)).mappings().all()
        if not batch:
            return
        yield from batch
        offset += len(batch)


def _stored_files() -> list[dict[str, Any]]:
    """Every stored file the exported rows name: table, row, column, key and the SHA-256 the row records."""
    found = []
    for table in plan.exported_tables():
        keys = plan.file_columns(table)
        if not keys:
            continue
        pk = [c.name for c in table.primary_key.columns]
        for row in table_rows(table):
            for column, sha_column in keys.items():
                if row[column]:
                    found.append(
                        {
                            "path": file_path(row[column]),
                            "table": table.name,
                            "row": {k: row[k] for k in pk},
                            "column": column,
                            "key": row[column],
                            "sha256": row[sha_column],
                        }
                    )
    return found


class _HashingWriter:
    """Writes a zip member while hashing it."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.name = name
        self._stream = archive.open(name, "w", force_zip64=True)
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: str | bytes) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self._digest.update(raw)
        self.size += len(raw)
        self._stream.write(raw)

    def close(self) -> dict[str, Any]:
        self._stream.close()
        return {"sha256": self._digest.hexdigest(), "size": self.size}


def _write_json(archive: zipfile.ZipFile, files: list[dict[str, Any]], summary: ExportSummary) -> dict[str, Any]:
    out = _HashingWriter(archive, DATA_JSON)
    head = {"format": FORMAT, "version": FORMAT_VERSION, "exported_at": utcnow().isoformat()}
    out.write("{\n")
    for key, value in head.items():
        out.write(f"{json.dumps(key)}: {json.dumps(value)},\n")
    out.write(f'"records": {json.dumps(plan.record_tables(), ensure_ascii=False)},\n')
    out.write('"tables": {')
    for number, table in enumerate(plan.exported_tables()):
        columns = plan.exported_columns(table)
        types = {name: table.c[name].type for name in columns}
        out.write(("," if number else "") + f'\n{json.dumps(table.name)}: {{"columns": {json.dumps(columns)}, ')
        out.write('"rows": [')
        count = 0
        for row in table_rows(table):
            plain = {name: plan.to_plain(types[name], row[name]) for name in columns}
            out.write(("," if count else "") + "\n" + json.dumps(plain, ensure_ascii=False, sort_keys=False))
            count += 1
        out.write("]}")
        summary.rows[table.name] = count
    out.write("\n},\n")
    out.write(f'"files": {json.dumps(files, ensure_ascii=False)}\n}}\n')
    return out.close()


def _csv_bytes(table: Table) -> tuple[bytes, int]:
    columns = plan.exported_columns(table)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in table_rows(table):
        writer.writerow([plan.to_cell(table.c[name].type, row[name]) for name in columns])
        count += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


def write_export(target: IO[bytes] | Path, fmt: str = "json") -> ExportSummary:
    """Write the export zip (fmt "json": export.json; "csv": one <table>.csv per table) into a file or stream."""
    from casefiles.documents.storage import get_storage

    if fmt not in ("json", "csv"):
        raise ValueError(fmt)
    summary = ExportSummary()
    members: dict[str, dict[str, Any]] = {}
    files = _stored_files()
    storage = get_storage()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        written: set[str] = set()
        for entry in files:
            if entry["path"] in written:
                continue
            try:
                stream = storage.open(entry["key"])
            except (FileNotFoundError, ValueError):
                summary.missing_files.append(entry["key"])
                continue
            out = _HashingWriter(archive, entry["path"])
            with stream:
                while chunk := stream.read(CHUNK):
                    out.write(chunk)
            members[entry["path"]] = out.close()
            if members[entry["path"]]["sha256"] != entry["sha256"]:
                summary.damaged_files.append(entry["key"])
            written.add(entry["path"])
        summary.files = len(written)
        kept = [e for e in files if e["path"] in written]
        if fmt == "json":
            members[DATA_JSON] = _write_json(archive, kept, summary)
        else:
            for table in plan.exported_tables():
                data, count = _csv_bytes(table)
                name = f"{table.name}.csv"
                archive.writestr(name, data)
                members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                summary.rows[table.name] = count
            data = json.dumps(kept, ensure_ascii=False, indent=1).encode("utf-8")
            archive.writestr("files.json", data)
            members["files.json"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "data": DATA_JSON if fmt == "json" else "csv",
            "exported_at": utcnow().isoformat(),
            "members": members,
            "missing_files": summary.missing_files,
            "damaged_files": summary.damaged_files,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return summary


def export_zip(fmt: str = "json") -> tuple[bytes, ExportSummary]:
    """The export zip in memory (tests, small databases); the CLI and the view write to a temporary file."""
    buffer = io.BytesIO()
    summary = write_export(buffer, fmt)
    return buffer.getvalue(), summary


def export_csv_zip() -> bytes:
    """The export with one CSV file per table (UTF-8 with BOM, opens in spreadsheets)."""
    return export_zip("csv")[0]


def row_counts() -> dict[str, int]:
    """Rows per exported table (what an export would hold)."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) or 0 for t in plan.exported_tables()}


# -- one letter's signatories ---------------------------------------------------------------------------------------


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ("yes" if v is True else "no" if v is False else "" if v is None else v) for k, v in row.items()}
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def signatories_csv(letter: Letter) -> bytes:
    """The signatory list of one letter, in signing order."""
    rows = [
        {
            "position": i + 1,
            "organization": s.organization.name,
            "kind": s.organization.kind_enum.label,
            "city": s.organization.city,
            "province": s.organization.province,
            "website": s.organization.website,
        }
        for i, s in enumerate(letter.signatories)
    ]
    return _csv(rows, ["position", "organization", "kind", "city", "province", "website"])
