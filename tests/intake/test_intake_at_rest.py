"""SECURITY.md #37: a dump of the database alone reveals nothing of who asked for help. Canaries typed into a help
request (its text, the person's name, their contact details, a file) are absent from the raw SQLite file (with its
write-ahead log) and from its SQL dump, or from a pg_dump of the PostgreSQL database, while an ordinary column's
canary is found there (the dump works); the same canaries are readable by staff in the app. A backup archive
(`flask backup create`) holds neither the canaries nor the intake key."""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from intake_fixtures import canary, form_values
from sqlalchemy.engine import make_url
from support import skip_or_fail

from casefiles.extensions import db

PG_DUMP_PATHS = ("/usr/lib/postgresql/15/bin/pg_dump",)

HELP = "/en/help"  # the form's English address (the French one is /fr/help)


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"INTAKE_MIN_SECONDS": 0}


def _pg_dump() -> str:
    found = shutil.which("pg_dump") or next((p for p in PG_DUMP_PATHS if Path(p).exists()), None)
    if found is None:
        skip_or_fail("pg_dump is not installed (Debian package postgresql-client)")
    return str(found)


def dump_database() -> dict[str, bytes]:
    """Everything a backup of the database holds, as bytes, by the way it was read."""
    engine = db.engine
    url = make_url(engine.url.render_as_string(hide_password=False))
    if engine.dialect.name == "sqlite":
        path = Path(url.database)
        raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())
        connection = sqlite3.connect(path)
        try:
            text = "\n".join(connection.iterdump()).encode()
        finally:
            connection.close()
        return {"sqlite file and write-ahead log": raw, "sqlite .dump": text}
    environment = dict(os.environ, PGPASSWORD=url.password or "")
    result = subprocess.run(
        [
            _pg_dump(),
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            "--no-owner",
            url.database,
        ],
        capture_output=True,
        env=environment,
        check=True,
        timeout=120,
    )
    return {"pg_dump": result.stdout}


def _found(needle: str, dumps: dict[str, bytes]) -> list[str]:
    """Where the text appears: as it is, or hex-encoded (how a dump writes bytes)."""
    forms = (needle.encode(), needle.encode().hex().encode(), needle.upper().encode())
    return [name for name, body in dumps.items() if any(form in body for form in forms)]


def test_a_database_dump_holds_no_canary_of_a_help_request(app: Any, client: Any, login: Any, make_case: Any) -> None:
    from casefiles.intake.models import Submission

    secrets = {
        "text": canary("text"),
        "details": canary("details"),
        "name": canary("name").capitalize(),
        "helper": canary("helper").capitalize(),
        "email": f"{canary('email')}@example.org",
        "phone": canary("phone"),
        "safe": canary("safe"),
        "institution": canary("institution").capitalize(),
        "file": canary("file"),
    }
    page = client.get(HELP).get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    data = form_values(
        started=started,
        for_whom="someone_else",
        what_happened=f"What was said: {secrets['text']}",
        sanction_details=secrets["details"],
        person_name=secrets["name"],
        helper_name=secrets["helper"],
        email=secrets["email"],
        phone=secrets["phone"],
        safe_contact=secrets["safe"],
        institution=secrets["institution"],
    )
    data["files"] = [(io.BytesIO(f"Notes of the meeting: {secrets['file']}\n".encode()), "notes.txt")]
    response = client.post(HELP, data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    control = canary("control")
    make_case(title=f"Control {control}")  # an ordinary column: the dump must show it
    db.session.commit()

    dumps = dump_database()
    assert all(_found(control, {name: body}) for name, body in dumps.items()), "the dump did not read the data"
    leaks = {label: _found(value, dumps) for label, value in secrets.items()}
    assert not any(leaks.values()), leaks
    # Nor did the upload leave a plain copy behind in the file storage.
    for path in Path(app.config["INSTANCE_STORAGE"]).rglob("*"):
        if path.is_file():
            assert secrets["file"].encode() not in path.read_bytes(), path

    # The same canaries are readable by staff, in the app.
    login("staff")
    submission = db.session.scalar(db.select(Submission))
    shown = client.get(f"/staff/intake/{submission.id}").get_data(as_text=True)
    for label, value in secrets.items():
        if label != "file":
            assert value in shown, f"staff do not see the {label}"
    (item,) = submission.files
    download = client.get(f"/staff/intake/{submission.id}/files/{item.id}")
    assert download.status_code == 200 and secrets["file"].encode() in download.get_data()
    assert "attachment" in download.headers["Content-Disposition"]


def _backup_texts(archive: Path, folder: Path) -> dict[str, bytes]:
    """Every file of a backup archive, the database made readable (a PostgreSQL custom dump turned into SQL)."""
    import tarfile

    from casefiles.backup.services import PG_FILE, find_pg_tool

    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    texts = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    if (folder / PG_FILE).exists():
        result = subprocess.run(
            [find_pg_tool("pg_restore"), "--file=-", str(folder / PG_FILE)], capture_output=True, check=True
        )
        texts["database as SQL"] = result.stdout
    return texts


def test_a_backup_holds_neither_a_canary_nor_the_key(app: Any, client: Any, make_case: Any, tmp_path: Path) -> None:
    from casefiles.backup.services import create_backup, settings_from_config
    from casefiles.intake import crypto

    secrets = {"text": canary("backuptext"), "email": f"{canary('backupemail')}@example.org"}
    page = client.get(HELP).get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    data = form_values(started=started, what_happened=secrets["text"], email=secrets["email"])
    assert client.post(HELP, data=data).status_code == 200
    control = canary("backupcontrol")
    make_case(title=f"Control {control}")
    db.session.commit()
    archive = create_backup(settings_from_config(app.config, app.instance_path), tmp_path / "backups")
    texts = _backup_texts(archive, tmp_path / "extracted")
    assert any(_found(control, {name: body}) for name, body in texts.items()), "the backup did not hold the data"
    leaks = {label: _found(value, texts) for label, value in secrets.items()}
    assert not any(leaks.values()), leaks
    for key in crypto.current_keys():
        assert not _found(key, texts), "the intake key is inside the backup"
