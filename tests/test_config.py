"""Configuration: production refuses to start without a real SECRET_KEY and sets secure cookies; SQLite
connections enforce foreign keys, use WAL, wait for locks and overwrite deleted data."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from casefiles import create_app
from casefiles.extensions import db
from config import ProductionConfig


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
