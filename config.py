"""Configuration classes: development (default), testing and production."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CASEFILES_INSTANCE", BASE_DIR / "instance"))

_PLACEHOLDER_SECRETS = {"", "dev", "change-me", "development-only-not-secret"}


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Config:
    """Settings shared by every environment; values come from the environment where it matters."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url(INSTANCE_DIR / "casefiles.db")
    # hide_parameters: database errors (and their logged tracebacks) never carry the values of private fields.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    INSTANCE_PATH = str(INSTANCE_DIR)
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "America/Toronto"
    LANGUAGES = ("en", "fr")
    ORGANIZATION_NAME = os.environ.get("CASEFILES_ORG_NAME", "Casefiles")
    ORGANIZATION_CONTACT = os.environ.get("CASEFILES_ORG_CONTACT", "")
    CASES_PER_PAGE = 25
    MAX_CONTENT_LENGTH = int(os.environ.get("CASEFILES_MAX_UPLOAD_MB", "50")) * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    PREFERRED_URL_SCHEME = "http"
    HSTS = False
    TESTING = False
    DEBUG = False

    @classmethod
    def validate(cls) -> None:
        """Refuse settings that would be unsafe in this environment."""


class DevelopmentConfig(Config):
    """Local development on the embedded SQLite database."""


class TestingConfig(Config):
    """The test suite: SQLite in a temporary file unless TEST_DATABASE_URL selects PostgreSQL."""

    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105 - test fixture, never deployed
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    """Production: PostgreSQL, secure cookies, HSTS; refuses to start without a real SECRET_KEY."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"
    HSTS = True

    @classmethod
    def validate(cls) -> None:
        """Production must have a long, real secret key."""
        key = os.environ.get("SECRET_KEY", "")
        if key in _PLACEHOLDER_SECRETS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production "
                '(python -c "import secrets; print(secrets.token_hex(32))").'
            )
        cls.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
