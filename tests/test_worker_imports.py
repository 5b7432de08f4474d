"""A web worker starts small: importing the WSGI app loads none of the heavy libraries (PDF, images, S3,
migrations), and does no hashing; each is imported when first used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["weasyprint", "PIL", "pypdf", "boto3", "botocore", "alembic", "flask_migrate", "fontTools", "pydyf"]


def _import_wsgi_and_report(tmp_path: Path) -> dict:
    """Import `wsgi` in a fresh interpreter (as gunicorn does) and report what it loaded."""
    probe = (
        "import json, sys\n"
        "import argon2\n"
        "hashed = []\n"
        "original = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda self, *a, **k: hashed.append(1) or original(self, *a, **k)\n"
        "import wsgi\n"
        "import gc\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'loaded': loaded, 'hashes': len(hashed), 'frozen': gc.get_freeze_count()}))\n"
    )
    env = {"CASEFILES_INSTANCE": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_wsgi_loads_no_heavy_library_and_hashes_nothing(tmp_path: Path) -> None:
    report = _import_wsgi_and_report(tmp_path)
    assert report["loaded"] == [], f"imported at the start of a web worker: {report['loaded']}"
    assert report["hashes"] == 0, "a password hash is computed at import time"


def test_what_starting_made_is_set_aside_from_the_garbage_collector(tmp_path: Path) -> None:
    """Full collections walked every object of the started app, 60-80 ms inside one request in fifty."""
    assert _import_wsgi_and_report(tmp_path)["frozen"] > 50_000


def test_the_db_commands_still_load_migrations_when_used(tmp_path: Path) -> None:
    env = {"CASEFILES_INSTANCE": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]
    listed = subprocess.run([*flask, "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and "upgrade" in listed.stdout, listed.stderr
    upgraded = subprocess.run([*flask, "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    current = subprocess.run([*flask, "current"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "(head)" in current.stdout, current.stdout + current.stderr[-2000:]
