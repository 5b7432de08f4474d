"""Export everything, load it into another, empty database, and compare the two databases table by table.

Every column of every table is filled with a distinct, non-default value generated from the metadata and the record
declarations, so a new field, column or table is round-trip tested the day it is added; a column whose type the
generator does not know fails the test. Documents get real stored files, compared byte for byte after loading.
Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL selects it (the second run of the suite).
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    select,
    text,
)
from sqlalchemy.engine import make_url

from casefiles import create_app
from casefiles.extensions import db
from casefiles.records.fields import ENUM, LINES
from casefiles.records.registry import records
from casefiles.transfer import tables as plan
from casefiles.transfer.export import MANIFEST, export_csv_zip, export_zip
from casefiles.transfer.json_import import RestoreError, restore

ROWS = 2
# What an export leaves out, written here independently of casefiles/transfer/tables.py: every other column of every
# other table must come back identical.
NOT_EXPORTED_TABLES = {
    "user_sessions",
    "recovery_codes",
    "account_links",
    "login_throttle",
    "outbox_messages",
    "search_entries",
    "dossier_jobs",
    "public_pages",
    "public_stamps",
    "intake_submissions",  # sealed with the site's own key: the database backup carries them, an export does not
    "intake_files",
}
NOT_EXPORTED_COLUMNS = {
    "users": {"password_hash", "session_token", "totp_secret", "totp_last_step", "totp_enabled_at", "last_login_at"},
    "petition_signatures": {"token_hash"},
    "follows": {"token_hash"},
}
# Imported by the loading itself, not part of what was exported.
OWN_AUDIT_ACTIONS = {"import.everything"}


# -- a second, empty database of the same kind ---------------------------------------------------------------------


def _scratch_postgres(base: str) -> Iterator[str]:
    url = make_url(base)
    name = re.sub(r"[^a-z0-9_]", "_", f"casefiles_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_app(app: Any, tmp_path: Path) -> Iterator[Any]:
    """Another installation of the same kind of database (SQLite, or PostgreSQL in the second run), empty."""
    if db.engine.dialect.name == "postgresql":
        urls: Iterator[str] = _scratch_postgres(os.environ["TEST_DATABASE_URL"])
    else:
        urls = iter([f"sqlite:///{tmp_path / 'restored.db'}"])
    url = next(urls)
    other = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_STORAGE": str(tmp_path / "restored")})
    with other.app_context():
        db.create_all()
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    for _ in urls:  # drops the scratch PostgreSQL database
        pass


# -- every column of every table, filled --------------------------------------------------------------------------


class Filler:
    """Distinct, non-default values for every column of every table, parents before children."""

    def __init__(self) -> None:
        self.counter = 0
        self.keys: dict[str, list[dict[str, Any]]] = {}  # table -> each row's values
        self.files: dict[str, bytes] = {}  # storage key -> bytes
        self.secrets: list[str] = []
        self.narrow: set[tuple[str, str]] = set()  # columns with fewer non-default values than rows (booleans...)
        self.declared: dict[str, dict[str, Any]] = {}
        for rec in records():
            table = getattr(rec.model, "__table__", None)
            if table is not None:
                self.declared.setdefault(table.name, {}).update({f.name: f for f in rec.fields})

    def number(self) -> int:
        self.counter += 1
        return self.counter

    def fill(self) -> None:
        for table in plan.metadata_tables():
            rows = [self.row(table, i) for i in range(ROWS)]
            own = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
            db.session.execute(table.insert(), [{**row, **dict.fromkeys(own)} for row in rows])
            for column in own:  # pointers to rows of the same table, once they all exist
                db.session.execute(
                    table.update()
                    .where(table.c.id == bindparam("_row"))
                    .values({column: bindparam("_target"), **{c.name: c for c in table.columns if c.onupdate}}),
                    [{"_row": row["id"], "_target": row[column]} for row in rows],
                )
            self.keys[table.name] = rows
        db.session.commit()

    def row(self, table: Table, i: int) -> dict[str, Any]:
        values: dict[str, Any] = {}
        files = plan.file_columns(table)
        shas = {sha: key for key, sha in files.items()}
        for column in table.columns:
            if column.name in shas:
                continue  # set with its file
            if column.name in files:
                values[column.name], values[files[column.name]] = self.stored_file(table, column.name, i)
                continue
            values[column.name] = self.value(table, column, i)
            if column.name in NOT_EXPORTED_COLUMNS.get(table.name, set()) or table.name in NOT_EXPORTED_TABLES:
                if isinstance(values[column.name], str) and len(values[column.name]) >= 8:
                    self.secrets.append(values[column.name])
        return values

    def stored_file(self, table: Table, column: str, i: int) -> tuple[str, str]:
        import hashlib
        import secrets

        from casefiles.documents.storage import get_storage

        storage = get_storage()
        key = secrets.token_hex(16)
        data = f"{table.name}.{column} {i} – fichier «{self.number()}»\n".encode() + bytes(range(256)) * (i + 1)
        temp = storage.temp_file()
        temp.write(data)
        storage.put(key, temp)
        self.files[key] = data
        return key, hashlib.sha256(data).hexdigest()

    def _default(self, column: Any) -> Any:
        default = column.default
        return default.arg if default is not None and default.is_scalar else None

    def _partner_precision(self, table: Table, name: str) -> str | None:
        """A partial date is two columns, X (a date) and X_precision."""
        if name.endswith("_precision") and name[: -len("_precision")] in table.c:
            return "date_of"
        if f"{name}_precision" in table.c:
            return "precision_of"
        return None

    def value(self, table: Table, column: Any, i: int) -> Any:
        name, kind = column.name, column.type
        field = self.declared.get(table.name, {}).get(name)
        foreign = list(column.foreign_keys)
        if foreign:
            target = foreign[0].column
            if target.table is table:  # a row pointing at another of its table (a merged case at the kept one)
                return 11 + (i + 1) % ROWS  # the first row points at a later one: the loader must cope
            return self.keys[target.table.name][i][target.name]
        if column.primary_key and isinstance(kind, Integer):
            return 11 + i  # ids are kept, and are not the ones a fresh database would give
        partial = self._partner_precision(table, name)
        if partial == "date_of":
            return ("month", "year")[i % 2]
        if partial == "precision_of":
            return date(2000 + self.number(), 3, 1) if i % 2 == 0 else date(2000 + self.number(), 1, 1)
        if field is not None and field.kind == ENUM:
            members = [m.value for m in field.enum if m.value != self._default(column)]
            if len(members) < ROWS:
                self.narrow.add((table.name, name))
            return members[i % len(members)]
        if isinstance(kind, Boolean):
            self.narrow.add((table.name, name))
            return not self._default(column)
        if isinstance(kind, Integer | BigInteger):
            if name.endswith("_id") and f"{name[:-3]}s" in self.keys:  # an id without a foreign key
                return self.keys[f"{name[:-3]}s"][i]["id"]
            return 100 + self.number()
        if isinstance(kind, Float):
            return 0.5 + self.number()
        if isinstance(kind, DateTime):
            return datetime(2021, 1 + i, 2, 3, 4, self.number() % 60, 123456 + i, tzinfo=UTC)
        if isinstance(kind, Date):
            return date(2022, 1 + i, 1 + self.number() % 28)
        if isinstance(kind, JSON):
            if field is not None and field.kind == LINES:
                return [f"{table.name}.{name} {self.number()} «é»", "deuxième"]
            return {f"{table.name}.{name}": [self.number(), "é", None, True]}
        if isinstance(kind, LargeBinary):
            return f"{table.name}.{name} {self.number()} «é»".encode() + bytes(range(256))
        if isinstance(kind, String | Text):
            length = kind.length or 10_000
            full = f"{table.name}.{name} {self.number()} «é» – ok"
            return full if len(full) <= length else f"é{self.counter}{table.name}{name}"[:length]
        pytest.fail(f"The round-trip test cannot fill {table.name}.{name} ({kind!r}): teach Filler.value this type.")


# -- reading a database back ---------------------------------------------------------------------------------------


def _compared_tables() -> list[Table]:
    return [t for t in plan.metadata_tables() if t.name not in NOT_EXPORTED_TABLES]


def _rows(table: Table) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if c.name not in NOT_EXPORTED_COLUMNS.get(table.name, set())]
    rows = [dict(r) for r in db.session.execute(select(*columns).order_by(*table.primary_key.columns)).mappings()]
    if table.name == "audit_entries":
        rows = [r for r in rows if r["action"] not in OWN_AUDIT_ACTIONS]
    return rows


def _database() -> dict[str, list[dict[str, Any]]]:
    return {table.name: _rows(table) for table in _compared_tables()}


def _snapshots() -> dict[str, list[dict[str, Any]]]:
    """Every declared record's plain values, as the declarations read them."""
    found = {}
    for rec in records():
        pk = list(rec.model.__table__.primary_key.columns)
        found[rec.name] = [rec.snapshot(obj) for obj in db.session.scalars(select(rec.model).order_by(*pk))]
    return found


def _stored(keys: list[str]) -> dict[str, bytes]:
    from casefiles.documents.storage import get_storage

    storage = get_storage()
    out = {}
    for key in keys:
        with storage.open(key) as stream:
            out[key] = stream.read()
    return out


# -- the tests -----------------------------------------------------------------------------------------------------


def test_every_column_of_every_table_survives_export_and_loading(app: Any, empty_app: Any, tmp_path: Path) -> None:
    filler = Filler()
    filler.fill()
    before = _database()
    for name, rows in before.items():  # the filling itself: every exported column holds distinct, non-default data
        if name in ("public_stamps", "public_pages"):
            continue  # markers of public changes: the audit entries written by the filling move them too
        table = db.metadata.tables[name]
        assert len(rows) == ROWS, name
        for column in rows[0]:
            values = [r[column] for r in rows]
            assert None not in values, f"{name}.{column} was left empty"
            if (name, column) not in filler.narrow:
                assert len({json.dumps(v, sort_keys=True, default=str) for v in values}) == ROWS, f"{name}.{column}"
    declared_before = _snapshots()
    assert filler.files

    archive = tmp_path / "export.zip"
    result = app.test_cli_runner().invoke(args=["export", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    content = zipfile.ZipFile(archive)
    everything = b"".join(content.read(n) for n in content.namelist())
    for secret in filler.secrets:
        assert secret.encode() not in everything, "a secret was exported"
    manifest = json.loads(content.read(MANIFEST))
    assert {f"files/{key}" for key in filler.files} <= set(manifest["members"])

    with empty_app.app_context():
        result = empty_app.test_cli_runner().invoke(args=["import-all", str(archive)])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        after = _database()
        declared_after = _snapshots()
        files_after = _stored(list(filler.files))
        assert db.session.scalar(select(db.metadata.tables["search_entries"].c.terms).limit(1))

    for table in _compared_tables():
        assert after[table.name] == before[table.name], f"the table {table.name} differs after loading"
    assert declared_after == declared_before
    assert files_after == filler.files  # byte for byte


def test_loading_checks_every_file_and_loads_nothing_when_one_is_damaged(
    app: Any, empty_app: Any, make_case: Any
) -> None:
    filler = Filler()
    filler.fill()
    data, summary = export_zip()
    assert summary.files == len(filler.files)
    original = zipfile.ZipFile(io.BytesIO(data))
    damaged = io.BytesIO()
    victim = f"files/{next(iter(filler.files))}"
    with zipfile.ZipFile(damaged, "w") as out:
        for name in original.namelist():
            body = original.read(name)
            out.writestr(name, body[:-1] + b"!" if name == victim else body)
    with empty_app.app_context():
        with pytest.raises(RestoreError):
            restore(io.BytesIO(damaged.getvalue()), actor=None)
        assert not db.session.scalar(select(db.metadata.tables["cases"].c.id).limit(1))
        # The sound archive loads, but not a second time: the database is no longer empty.
        restore(io.BytesIO(data), actor=None)
        with pytest.raises(RestoreError):
            restore(io.BytesIO(data), actor=None)


def test_loading_into_a_database_that_has_cases_is_refused(app: Any, make_case: Any) -> None:
    make_case()
    data, _ = export_zip()
    with pytest.raises(RestoreError):
        restore(io.BytesIO(data), actor=None)


def test_csv_export_has_one_file_per_table_and_no_secrets(app: Any, make_user: Any, make_case: Any) -> None:
    import csv

    make_case(title="Étudiante suspendue", tags=["campus"])
    user = make_user("staff")
    archive = zipfile.ZipFile(io.BytesIO(export_csv_zip()))
    tables = {n for n in archive.namelist() if n.endswith(".csv")}
    assert tables == {f"{t.name}.csv" for t in plan.exported_tables()}
    assert not {f"{name}.csv" for name in plan.SECRET_TABLES} & tables
    users = list(csv.DictReader(io.StringIO(archive.read("users.csv").decode("utf-8-sig"))))
    assert [u["email"] for u in users] == [user.email]
    assert "password_hash" not in users[0] and "session_token" not in users[0]
    cases = list(csv.DictReader(io.StringIO(archive.read("cases.csv").decode("utf-8-sig"))))
    assert cases[0]["title"] == "Étudiante suspendue" and "title_fr" in cases[0] and "featured" in cases[0]
    manifest = json.loads(archive.read(MANIFEST))
    assert set(manifest["members"]) == set(archive.namelist()) - {MANIFEST}


def test_every_declared_field_is_a_column_of_an_exported_table() -> None:
    """Fields read from a column are exported as that column; the others (tags, assignees, an institution's
    name) are computed from exported tables, and the round trip above compares their values."""
    exported = {t.name for t in plan.exported_tables()}
    for name, info in plan.record_tables().items():
        assert info["table"] in exported, name
        for field in info["fields"]:
            rec = next(r for r in records() if r.name == name)
            if rec.field(field["name"]).getter is None:
                assert field["columns"], f"{name}.{field['name']} is not a column of {info['table']}"


def test_an_administrator_loads_an_export_from_the_export_page(app: Any, empty_app: Any) -> None:
    from support import PASSWORD

    from casefiles.auth.services import create_user
    from casefiles.authz import Role

    filler = Filler()
    filler.fill()
    data, _ = export_zip()
    before = _database()
    with empty_app.app_context():
        admin = create_user(actor=None, email="admin@example.org", password=PASSWORD, role=Role.ADMIN, name="Admin")
        db.session.commit()
        client = empty_app.test_client()
        assert client.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
        assert client.get("/staff/import-all").status_code == 200
        unconfirmed = client.post("/staff/import-all", data={"file": (io.BytesIO(data), "export.zip")})
        assert unconfirmed.status_code == 200 and not db.session.scalar(select(db.metadata.tables["cases"].c.id))
        response = client.post("/staff/import-all", data={"file": (io.BytesIO(data), "export.zip"), "confirm": "y"})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        db.session.expire_all()
        after = _database()
        emails = {row["email"] for row in after["users"]}
        assert emails == {"admin@example.org"} | {row["email"] for row in before["users"]}
        assert after["cases"] == before["cases"]
        assert _stored(list(filler.files)) == filler.files
        again = client.post("/staff/import-all", data={"file": (io.BytesIO(data), "export.zip"), "confirm": "y"})
        assert again.status_code == 422


def test_no_exported_column_looks_like_a_secret() -> None:
    """A new column named like a secret must be placed deliberately: left out in casefiles/transfer/tables.py,
    or allowed here (a public document link is meant to keep working after a move)."""
    allowed = {"documents.public_token"}
    suspicious = {
        f"{table.name}.{column}"
        for table in plan.exported_tables()
        for column in plan.exported_columns(table)
        if re.search(r"password|secret|token|hash|otp|session", column) and not column.endswith("sha256")
    }
    assert suspicious <= allowed, suspicious - allowed
