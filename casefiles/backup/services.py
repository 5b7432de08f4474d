"""Backups: the database (SQLite online backup API, or pg_dump) plus the documents storage folder, in one
tar.gz with a SHA-256 manifest; restore checks every hash before it replaces anything."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done safely; nothing was changed."""


@dataclass
class BackupSettings:
    """What to back up: plain values, so the CLI, the tests and a cron job call the same functions."""

    database_url: str
    storage_dir: Path | None


def settings_from_config(config: Any, instance_path: str) -> BackupSettings:
    """The database URL and the documents folder (STORAGE_DIR, or <instance>/storage)."""
    storage = config.get("STORAGE_DIR") or Path(config.get("INSTANCE_STORAGE") or instance_path) / "storage"
    return BackupSettings(database_url=config["SQLALCHEMY_DATABASE_URI"], storage_dir=Path(storage))


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def find_pg_tool(name: str) -> str:
    """pg_dump / pg_restore: the newest Debian PostgreSQL version, else the PATH."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parent.parent.name), reverse=True
    )
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    return found


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL tools; the password travels in the environment, not argv."""
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _dump_database(database_url: str, folder: Path) -> str:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            source.backup(target)  # consistent online copy, even while the app writes
        finally:
            target.close()
            source.close()
        return SQLITE_FILE
    if url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        command = [find_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
        command += ["--file", str(folder / PG_FILE), *args]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)  # noqa: S603
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
        return PG_FILE
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")


def create_backup(settings: BackupSettings, output_dir: Path) -> Path:
    """Write casefiles-backup-<UTC time>.tar.gz into output_dir and return its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archive = output_dir / f"casefiles-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="casefiles-backup-") as tmp:
        folder = Path(tmp)
        database_file = _dump_database(settings.database_url, folder)
        files: dict[str, str] = {database_file: sha256_file(folder / database_file)}
        storage_files: list[tuple[Path, str]] = []
        if settings.storage_dir and settings.storage_dir.is_dir():
            for path in sorted(settings.storage_dir.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    name = "storage/" + path.relative_to(settings.storage_dir).as_posix()
                    files[name] = sha256_file(path)
                    storage_files.append((path, name))
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "dialect": make_url(settings.database_url).get_backend_name(),
            "database_file": database_file,
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(folder / database_file, arcname=database_file)
            for path, name in storage_files:
                tar.add(path, arcname=name)
        os.chmod(partial, 0o600)  # the archive holds every private field
        partial.replace(archive)
    return archive


def _extract(archive: Path, folder: Path) -> dict[str, Any]:
    """Unpack safely (regular files only, no paths outside the folder) and check every hash."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"Unexpected entry in the archive: {member.name}")
            tar.extractall(folder, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Cannot read the archive: {error}") from error
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError("The archive has no readable manifest.") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError("Unknown backup format.")
    for name, expected in manifest["files"].items():
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file():
            raise BackupError(f"Missing file in the archive: {name}")
        if sha256_file(path) != expected:
            raise BackupError(f"SHA-256 mismatch for {name}: the archive is damaged or was altered.")
    return manifest


def verify_backup(archive: Path) -> dict[str, Any]:
    """Check an archive without restoring it; returns its manifest."""
    with tempfile.TemporaryDirectory(prefix="casefiles-verify-") as tmp:
        return _extract(archive, Path(tmp))


def _restore_database(settings: BackupSettings, manifest: dict[str, Any], folder: Path) -> None:
    url = make_url(settings.database_url)
    dialect = url.get_backend_name()
    if dialect != manifest["dialect"]:
        raise BackupError(f"This backup is of a {manifest['dialect']} database; the app uses {dialect}.")
    source_file = folder / manifest["database_file"]
    if dialect == "sqlite":
        source = sqlite3.connect(source_file)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            source.backup(target)  # replaces every page of the live database file
        finally:
            target.close()
            source.close()
        return
    args, env = _pg_args(url)
    command = [find_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    command += ["--single-transaction", "--exit-on-error", *args, str(source_file)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")


def _restore_storage(settings: BackupSettings, folder: Path) -> None:
    """Swap the storage folder for the archived one; the old folder is removed only after the swap."""
    if settings.storage_dir is None:
        return
    restored = folder / "storage"
    target = settings.storage_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=target.parent))
    incoming = staging / "storage"
    if restored.is_dir():
        shutil.copytree(restored, incoming)
    else:
        incoming.mkdir()
    previous = staging / "previous"
    if target.exists():
        target.replace(previous)
    incoming.replace(target)
    shutil.rmtree(staging, ignore_errors=True)


def restore_backup(settings: BackupSettings, archive: Path) -> dict[str, Any]:
    """Replace the database and the storage folder with the archive's, after checking every hash.
    The caller must close its own database connections first (the CLI disposes the engine)."""
    with tempfile.TemporaryDirectory(prefix="casefiles-restore-") as tmp:
        folder = Path(tmp)
        manifest = _extract(archive, folder)
        _restore_database(settings, manifest, folder)
        _restore_storage(settings, folder)
    return manifest
