"""Backup drill: back up, wipe, restore, and find every row and every file hash equal (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select
from support import skip_or_fail

from casefiles.audit.models import AuditEntry
from casefiles.backup import services
from casefiles.extensions import db


def _storage(app) -> Path:
    return services.settings_from_config(app.config, app.instance_path).storage_dir


def _snapshot_rows() -> dict[str, list[tuple]]:
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name == "public_stamps":
            continue  # markers of public changes: the restore moves them on purpose, so no stale page is served
        result = db.session.execute(select(table)).all()
        rows[table.name] = sorted((tuple(repr(v) for v in row) for row in result), key=repr)
    return rows


def _snapshot_files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _need_tools() -> None:
    if db.engine.dialect.name == "postgresql":
        try:
            services.find_pg_tool("pg_dump")
            services.find_pg_tool("pg_restore")
        except services.BackupError as error:
            skip_or_fail(str(error))


@pytest.fixture
def filled(app, make_case, make_user, tmp_path):
    _need_tools()
    make_user("admin", name="Admin Éloïse")
    for n in range(3):
        make_case(title=f"Drill case {n}", private_notes=f"Private note {n} — «accents» 🙂")
    storage = _storage(app)
    if storage.exists():
        import shutil

        shutil.rmtree(storage)
    (storage / "ab" / "cd").mkdir(parents=True)
    (storage / "ab" / "cd" / "letter.pdf").write_bytes(b"%PDF-1.4 fictional" + bytes(range(256)) * 40)
    (storage / "photo.jpg").write_bytes(bytes(reversed(range(256))) * 100)
    (storage / "empty.txt").write_bytes(b"")
    return storage


def test_backup_wipe_restore_drill(app, filled, tmp_path) -> None:
    rows_before = _snapshot_rows()
    files_before = _snapshot_files(filled)
    assert sum(len(r) for r in rows_before.values()) > 10 and len(files_before) == 3
    runner = app.test_cli_runner()

    created = runner.invoke(args=["backup", "create", "--output", str(tmp_path / "backups")])
    assert created.exit_code == 0, created.output
    archive = Path(created.output.strip().splitlines()[-1])
    assert archive.is_file() and oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert set(manifest["files"]) >= {f"storage/{name}" for name in files_before}
    verified = runner.invoke(args=["backup", "verify", str(archive)])
    assert verified.exit_code == 0 and "OK" in verified.output

    # wipe: every table dropped, every document deleted
    db.session.remove()
    db.drop_all()
    import shutil

    shutil.rmtree(filled)
    db.session.remove()

    restored = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    rows_after = _snapshot_rows()
    restore_entries = [r for r in rows_after["audit_entries"] if "'backup.restore'" in r]
    assert len(restore_entries) == 1
    rows_after["audit_entries"] = [r for r in rows_after["audit_entries"] if r not in restore_entries]
    assert rows_after == rows_before
    assert _snapshot_files(filled) == files_before
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "backup.restore")).one()


def test_damaged_archive_is_refused_and_changes_nothing(app, filled, tmp_path) -> None:
    settings = services.settings_from_config(app.config, app.instance_path)
    archive = services.create_backup(settings, tmp_path)
    rows_before = _snapshot_rows()
    files_before = _snapshot_files(filled)
    # rebuild the archive with one document altered but the original manifest
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "storage/photo.jpg":
                data = b"tampered" + data[8:]
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(damaged), "--yes"])
    assert result.exit_code != 0 and "SHA-256 mismatch" in result.output
    db.session.remove()
    assert _snapshot_rows() == rows_before and _snapshot_files(filled) == files_before


def test_archive_with_path_traversal_is_refused(app, filled, tmp_path) -> None:
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        payload = b"{}"
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    with pytest.raises(services.BackupError):
        services.verify_backup(evil)
    assert not (tmp_path.parent / "escaped.txt").exists()
