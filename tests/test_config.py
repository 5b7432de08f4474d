"""Configuration: production refuses to start without a real SECRET_KEY and sets secure cookies; SQLite
connections enforce foreign keys, use WAL, wait for locks and overwrite deleted data; every environment variable
is checked at start (unknown, misspelt, ignored or unusable ones stop the app by name) and the documented names
all work; behind trusted proxies, the client's address and https links are right."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from casefiles import create_app
from casefiles.extensions import db
from config import SETTINGS, ProductionConfig, SettingsError


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """Undo what ProductionConfig.validate() stores on the class; keep the database in a temporary folder."""
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", ProductionConfig.SECRET_KEY)
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}", "INSTANCE_STORAGE": str(tmp_path)}


@pytest.mark.parametrize(
    "key",
    [None, "", "dev", "change-me", "development-only-not-secret", "short-but-random-Zx81", "a" * 31],
    ids=["unset", "empty", "dev", "change-me", "development-default", "short", "31-chars"],
)
def test_production_refuses_to_start_without_a_real_secret_key(
    monkeypatch: pytest.MonkeyPatch, production_env: dict[str, Any], key: str | None
) -> None:
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", production_env)


def test_production_starts_with_a_long_random_key_and_secure_cookies(
    monkeypatch: pytest.MonkeyPatch, production_env: dict[str, Any]
) -> None:
    key = secrets.token_hex(32)
    assert len(key) == 64
    monkeypatch.setenv("SECRET_KEY", key)
    app = create_app("production", production_env)
    assert app.config["SECRET_KEY"] == key
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert not app.debug and not app.testing
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/login", base_url="https://localhost")
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 200
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("__Host-session="), cookie
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie, cookie
    assert "Domain=" not in cookie
    assert "max-age" in response.headers.get("Strict-Transport-Security", "")


def test_development_and_testing_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    assert create_app("development", {"SQLALCHEMY_DATABASE_URI": url}).config["SECRET_KEY"]
    assert create_app("testing", {"SQLALCHEMY_DATABASE_URI": url}).testing


def test_sqlite_connections_are_configured(tmp_path: Path) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pragmas.db'}"})
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert conn.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
                assert conn.execute(text("PRAGMA busy_timeout")).scalar() > 0
                assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
                # Foreign keys are really enforced, not only switched on.
                conn.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
                conn.execute(
                    text("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))")
                )
                with pytest.raises(Exception, match="FOREIGN KEY"):
                    conn.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 42)"))
        finally:
            db.engine.dispose()


# --- Settings from the environment: checked at start, the documented names all work ---------------------------

ROOT = Path(__file__).resolve().parent.parent


def _dev(tmp_path: Path) -> dict[str, Any]:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.db'}", "INSTANCE_STORAGE": str(tmp_path)}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "CASEFILES_STORAGE_BAKEND",
            "s3",
            r"CASEFILES_STORAGE_BAKEND is not a Casefiles setting\. "
            r"Did you mean CASEFILES_STORAGE_BACKEND\?",
        ),
        ("CASEFILES_TRUSTED_PROXY", "1", r"Did you mean CASEFILES_TRUSTED_PROXIES\?"),
        ("CASEFILES_ORGNAME", "x", r"Did you mean CASEFILES_ORG_NAME\?"),
        ("CASEFILES_COLOUR", "blue", r"CASEFILES_COLOUR is not a Casefiles setting\.$"),
        (
            "STORAGE_BACKEND",
            "s3",
            r"STORAGE_BACKEND is not read by Casefiles; the setting is CASEFILES_STORAGE_BACKEND",
        ),
        ("MAIL_SERVER", "smtp.example.org", r"the setting is CASEFILES_MAIL_SERVER"),
        ("RATELIMIT_STORAGE_URI", "redis://x", r"RATELIMIT_STORAGE_URI is not read by Casefiles; use REDIS_URL"),
        ("CASEFILES_MAX_UPLOAD_MB", "lots", r"CASEFILES_MAX_UPLOAD_MB='lots' cannot be used: expected a whole number"),
        ("CASEFILES_TRUSTED_PROXIES", "-1", r"CASEFILES_TRUSTED_PROXIES='-1' cannot be used"),
        ("CASEFILES_STORAGE_BACKEND", "disk", r"expected local or s3"),
        ("CASEFILES_STORAGE_BACKEND", "s3", r"CASEFILES_STORAGE_BACKEND=s3 needs CASEFILES_S3_BUCKET"),
        ("CASEFILES_ENV", "staging", r"expected development or testing or production"),
    ],
)
@pytest.mark.parametrize("environment", ["development", "production", "testing"])
def test_a_wrong_setting_stops_the_app_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environment: str, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", ProductionConfig.SECRET_KEY)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=re.compile(expected, re.MULTILINE)) as refused:
        create_app(environment, _dev(tmp_path))
    assert "docs/deploy.md" in str(refused.value)


def test_every_wrong_setting_is_named_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CASEFILES_ORG_NAM", "x")
    monkeypatch.setenv("STORAGE_DIR", "/srv/files")
    with pytest.raises(SettingsError) as refused:
        create_app("development", _dev(tmp_path))
    assert "CASEFILES_ORG_NAM" in str(refused.value) and "CASEFILES_STORAGE_DIR" in str(refused.value)


def _documented_names() -> set[str]:
    """Every environment variable named in backticks in the README and docs/ (`NAME` or `NAME=value`)."""
    names: set[str] = set()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for name in re.findall(r"`([A-Z][A-Z0-9_]*[A-Z0-9])(?:=[^`]*)?`", path.read_text(encoding="utf-8")):
            if name.startswith("CASEFILES_") or name in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}:
                names.add(name)
    return names


def test_the_documented_names_are_the_settings() -> None:
    known = {setting.env for setting in SETTINGS}
    documented = _documented_names()
    assert documented - known == set(), "documented but not read"
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert {name for name in known if f"`{name}`" not in deploy} == set(), "read but not in docs/deploy.md"


SAMPLE_VALUES = {
    "SECRET_KEY": "k" * 40,
    "DATABASE_URL": "sqlite:///{tmp}/from-env.db",
    "CASEFILES_DB_POOL_SIZE": "12",
    "CASEFILES_DB_MAX_OVERFLOW": "3",
    "REDIS_URL": "redis://127.0.0.1:6390/2",
    "CASEFILES_ORG_NAME": "Fictional Liberties Union",
    "CASEFILES_ORG_CONTACT": "help@example.org",
    "CASEFILES_ORG_LOGO": "{tmp}/logo.png",
    "CASEFILES_TIME_ZONE": "America/Vancouver",
    "CASEFILES_MAX_UPLOAD_MB": "7",
    "CASEFILES_TRUSTED_PROXIES": "2",
    "CASEFILES_BASE_URL": "https://cases.example.org",
    "CASEFILES_PUBLIC_BASE_URL": "https://www.example.org",
    "CASEFILES_STORAGE_BACKEND": "s3",
    "CASEFILES_STORAGE_DIR": "{tmp}/files",
    "CASEFILES_S3_BUCKET": "fictional-bucket",
    "CASEFILES_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "CASEFILES_S3_REGION": "ca-central-1",
    "CASEFILES_S3_PREFIX": "docs/",
    "CASEFILES_MAIL_SERVER": "smtp.example.org",
    "CASEFILES_MAIL_PORT": "587",
    "CASEFILES_MAIL_USE_TLS": "true",
    "CASEFILES_MAIL_USERNAME": "casefiles",
    "CASEFILES_MAIL_PASSWORD": "mail-password",
    "CASEFILES_MAIL_DEFAULT_SENDER": "casefiles@example.org",
    "CASEFILES_MAIL_MAX_ATTEMPTS": "8",
    "CASEFILES_PETITION_LIMIT_PER_ADDRESS": "50 per hour",
    "CASEFILES_PETITION_MIN_SECONDS": "2",
    "CASEFILES_INTAKE_KEYS": "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk=,KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK=",  # noqa: E501
    "CASEFILES_INTAKE_KEY_FILE": "{tmp}/intake.keys",
    "CASEFILES_INTAKE_RETENTION_DAYS": "30",
    "CASEFILES_INTAKE_LIMIT_PER_ADDRESS": "3 per hour",
    "CASEFILES_INTAKE_MIN_SECONDS": "4",
    "CASEFILES_BRIEF_WORKERS": "3",
    "CASEFILES_EVIDENCE_MAX_MB": "4",
    "CASEFILES_EVIDENCE_FETCH_SECONDS": "15",
    "CASEFILES_EVIDENCE_MAX_REDIRECTS": "3",
    "CASEFILES_EVIDENCE_WORKERS": "2",
    "CASEFILES_BRIEF_STORAGE": "{tmp}/briefs",
    "CASEFILES_BRIEF_TIMEOUT_SECONDS": "31",
    "CASEFILES_BRIEF_MEMORY_LIMIT_MB": "1025",
    "CASEFILES_BRIEF_DOSSIER_TIMEOUT_SECONDS": "601",
    "CASEFILES_BRIEF_DOSSIER_MEMORY_LIMIT_MB": "2049",
}


def test_every_setting_reaches_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from casefiles.documents.storage import build_storage
    from casefiles.documents.storage.s3 import S3Storage

    for name, value in SAMPLE_VALUES.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    app = create_app("development")
    expected = {
        setting.key: setting.read(os.environ[setting.env])
        for setting in SETTINGS
        if setting.key and setting.env in os.environ
    }
    assert {setting.env for setting in SETTINGS if setting.key} <= set(SAMPLE_VALUES), "a setting has no sample"
    for key, value in expected.items():
        assert app.config[key] == value, key
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/from-env.db"
    assert app.config["MAX_CONTENT_LENGTH"] == 7 * 1024 * 1024
    assert app.config["MAIL_USE_TLS"] is True and app.config["MAIL_PORT"] == 587
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 12  # 8 threads per worker need ~17 connections
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["max_overflow"] == 3
    storage = build_storage(app)  # STORAGE_BACKEND=s3 in the environment is no longer silently ignored
    assert isinstance(storage, S3Storage) and storage.bucket == "fictional-bucket" and storage.prefix == "docs/"


def test_testing_never_takes_its_database_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://someone@production.example/casefiles")
    monkeypatch.setenv("CASEFILES_ORG_NAME", "From the environment")
    app = create_app("testing")
    assert "production.example" not in app.config["SQLALCHEMY_DATABASE_URI"]
    assert app.config["ORGANIZATION_NAME"] == "Casefiles"


def test_config_is_importable_wherever_the_app_runs(tmp_path: Path) -> None:
    """`config` belongs to the installed distribution: a worker started outside the checkout still finds it."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    found = subprocess.run(
        [sys.executable, "-c", "import config, casefiles; print(config.__file__); print(config.SETTINGS[0].env)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == [str(ROOT / "config.py"), "CASEFILES_ENV"]
    with open(ROOT / "pyproject.toml", "rb") as handle:
        assert "config" in tomllib.load(handle)["tool"]["setuptools"]["py-modules"]


# --- Behind trusted proxies ---------------------------------------------------------------------------------


def _proxied(app: Any, path: str, forwarded_for: str = "203.0.113.5") -> Any:
    return app.test_client().get(
        path,
        headers={
            "X-Forwarded-For": forwarded_for,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "cases.example.org",
        },
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )


@pytest.mark.parametrize("path", ["/sitemap.xml", "/en/feed.atom", "/api/v1/openapi.json", "/robots.txt"])
def test_behind_one_trusted_proxy_links_are_https_on_the_public_host(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, path: str
) -> None:
    monkeypatch.setenv("CASEFILES_TRUSTED_PROXIES", "1")
    app = create_app("development", _dev(tmp_path))
    with app.app_context():
        db.create_all()
        try:
            body = _proxied(app, path).get_data(as_text=True)
        finally:
            db.session.remove()
            db.engine.dispose()
    assert "https://cases.example.org/" in body
    assert "http://localhost" not in body and "http://cases.example.org" not in body


def test_the_client_address_is_the_one_the_trusted_proxy_saw(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from flask import request

    seen: list[tuple[str, str]] = []
    for proxies, expected in (("0", "127.0.0.1"), ("1", "203.0.113.5"), ("2", "198.51.100.1")):
        monkeypatch.setenv("CASEFILES_TRUSTED_PROXIES", proxies)
        app = create_app("development", _dev(tmp_path))
        app.before_request(lambda: seen.append((request.remote_addr, request.scheme)) and None)
        _proxied(app, "/healthz", forwarded_for="198.51.100.1, 203.0.113.5")
        assert seen[-1][0] == expected, proxies
    # Without a trusted proxy, X-Forwarded-Proto is ignored too; with two, one value is not enough to believe.
    assert [scheme for _address, scheme in seen] == ["http", "https", "http"]
