"""Configuration: defaults per environment (development, testing, production), and the environment variables
that change them, each checked when the app starts (docs/deploy.md lists them)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CASEFILES_INSTANCE", BASE_DIR / "instance"))

_PLACEHOLDER_SECRETS = {"", "dev", "change-me", "development-only-not-secret"}


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class SettingsError(RuntimeError):
    """The environment holds a setting Casefiles would ignore or cannot use: the app refuses to start."""


def _text(value: str) -> str:
    return value


def _whole_number(value: str) -> int:
    number = int(value.strip())
    if number < 0:
        raise ValueError
    return number


def _positive(value: str) -> int:
    number = _whole_number(value)
    if number < 1:
        raise ValueError
    return number


def _megabytes(value: str) -> int:
    return _positive(value) * 1024 * 1024


def _time_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError from None
    return name


def _fernet_keys(value: str) -> str:
    import re

    keys = [k for k in re.split(r"[,\s]+", value) if k]
    if not keys or not all(re.fullmatch(r"[A-Za-z0-9_-]{43}=", k) for k in keys):
        raise ValueError
    return ",".join(keys)


def _yes_no(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError


@dataclass(frozen=True)
class Setting:
    """One environment variable: the config key it sets (None: read where it is used), how it is read."""

    env: str
    key: str | None
    parse: Callable[[str], Any] = _text
    expects: str = ""
    choices: tuple[str, ...] = ()
    bare_name_refused: bool = True  # the name without CASEFILES_ would be a mistake worth stopping for

    def read(self, raw: str) -> Any:
        """The value for app.config; ValueError with what was expected if it cannot be used."""
        if self.choices:
            value = raw.strip().lower()
            if value not in self.choices:
                raise ValueError(" or ".join(self.choices))
            return value
        try:
            return self.parse(raw)
        except ValueError:
            raise ValueError(self.expects or "another value") from None


SETTINGS: tuple[Setting, ...] = (
    Setting("CASEFILES_ENV", None, choices=("development", "testing", "production"), bare_name_refused=False),
    Setting("CASEFILES_INSTANCE", None, bare_name_refused=False),  # read at import: the default database's folder
    Setting("SECRET_KEY", "SECRET_KEY"),
    Setting("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
    Setting("CASEFILES_DB_POOL_SIZE", "DATABASE_POOL_SIZE", _positive, "a whole number of connections"),
    Setting("CASEFILES_DB_MAX_OVERFLOW", "DATABASE_MAX_OVERFLOW", _whole_number, "a whole number of connections"),
    Setting("REDIS_URL", "REDIS_URL"),
    Setting("CASEFILES_ORG_NAME", "ORGANIZATION_NAME"),
    Setting("CASEFILES_ORG_CONTACT", "ORGANIZATION_CONTACT"),
    Setting("CASEFILES_ORG_LOGO", "ORGANIZATION_LOGO"),
    Setting("CASEFILES_TIME_ZONE", "BABEL_DEFAULT_TIMEZONE", _time_zone, "a time zone name such as America/Toronto"),
    Setting("CASEFILES_MAX_UPLOAD_MB", "MAX_CONTENT_LENGTH", _megabytes, "a whole number of megabytes"),
    Setting("CASEFILES_TRUSTED_PROXIES", "TRUSTED_PROXIES", _whole_number, "the number of proxies in front, e.g. 1"),
    Setting("CASEFILES_BASE_URL", "BASE_URL"),
    Setting("CASEFILES_PUBLIC_BASE_URL", "PUBLIC_BASE_URL"),
    Setting("CASEFILES_STORAGE_BACKEND", "STORAGE_BACKEND", choices=("local", "s3")),
    Setting("CASEFILES_STORAGE_DIR", "STORAGE_DIR"),
    Setting("CASEFILES_S3_BUCKET", "S3_BUCKET"),
    Setting("CASEFILES_S3_ENDPOINT_URL", "S3_ENDPOINT_URL"),
    Setting("CASEFILES_S3_REGION", "S3_REGION"),
    Setting("CASEFILES_S3_PREFIX", "S3_PREFIX"),
    Setting("CASEFILES_MAIL_SERVER", "MAIL_SERVER"),
    Setting("CASEFILES_MAIL_PORT", "MAIL_PORT", _positive, "a port number"),
    Setting("CASEFILES_MAIL_USE_TLS", "MAIL_USE_TLS", _yes_no, "true or false"),
    Setting("CASEFILES_MAIL_USERNAME", "MAIL_USERNAME"),
    Setting("CASEFILES_MAIL_PASSWORD", "MAIL_PASSWORD"),
    Setting("CASEFILES_MAIL_DEFAULT_SENDER", "MAIL_DEFAULT_SENDER"),
    Setting("CASEFILES_MAIL_MAX_ATTEMPTS", "MAIL_MAX_ATTEMPTS", _positive, "a whole number of attempts"),
    Setting("CASEFILES_PETITION_LIMIT_PER_ADDRESS", "PETITION_LIMIT_PER_ADDRESS"),
    Setting("CASEFILES_PETITION_MIN_SECONDS", "PETITION_MIN_SECONDS", _whole_number, "a whole number of seconds"),
    # Evidence capture; loopback stays refused whatever the environment says (only the tests may allow it).
    Setting("CASEFILES_EVIDENCE_MAX_MB", "EVIDENCE_MAX_BYTES", _megabytes, "a whole number of megabytes"),
    Setting("CASEFILES_EVIDENCE_FETCH_SECONDS", "EVIDENCE_FETCH_SECONDS", _positive, "a whole number of seconds"),
    Setting("CASEFILES_EVIDENCE_MAX_REDIRECTS", "EVIDENCE_MAX_REDIRECTS", _whole_number, "a whole number"),
    Setting("CASEFILES_EVIDENCE_WORKERS", "EVIDENCE_WORKERS", _positive, "a whole number of threads"),
    Setting("CASEFILES_INTAKE_KEYS", "INTAKE_KEYS", _fernet_keys, "Fernet keys (44 characters each), commas between"),
    Setting("CASEFILES_INTAKE_KEY_FILE", "INTAKE_KEY_FILE"),
    Setting("CASEFILES_INTAKE_RETENTION_DAYS", "INTAKE_RETENTION_DAYS", _positive, "a whole number of days"),
    Setting("CASEFILES_INTAKE_LIMIT_PER_ADDRESS", "INTAKE_LIMIT_PER_ADDRESS"),
    Setting("CASEFILES_INTAKE_MIN_SECONDS", "INTAKE_MIN_SECONDS", _whole_number, "a whole number of seconds"),
    Setting("CASEFILES_BRIEF_WORKERS", "BRIEF_WORKERS", _positive, "a whole number of threads"),
    Setting("CASEFILES_BRIEF_STORAGE", "BRIEF_STORAGE"),
    Setting("CASEFILES_BRIEF_TIMEOUT_SECONDS", "BRIEF_TIMEOUT_SECONDS", _positive, "a whole number of seconds"),
    Setting("CASEFILES_BRIEF_MEMORY_LIMIT_MB", "BRIEF_MEMORY_LIMIT_MB", _positive, "a whole number of megabytes"),
    Setting(
        "CASEFILES_BRIEF_DOSSIER_TIMEOUT_SECONDS",
        "BRIEF_DOSSIER_TIMEOUT_SECONDS",
        _positive,
        "a whole number of seconds",
    ),
    Setting(
        "CASEFILES_BRIEF_DOSSIER_MEMORY_LIMIT_MB",
        "BRIEF_DOSSIER_MEMORY_LIMIT_MB",
        _positive,
        "a whole number of megabytes",
    ),
    Setting("CASEFILES_PDF_START_METHOD", None, choices=("fork", "forkserver", "spawn")),  # read by briefs.rendering
)
PREFIX = "CASEFILES_"
# Names that look like ours but are read by nobody: older documentation spelled them this way.
_IGNORED = {
    "RATELIMIT_STORAGE_URI": "REDIS_URL (login throttling counts in Redis when it is set, else in the database)"
}


def _problems(environ: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    by_env = {setting.env: setting for setting in SETTINGS}
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name in sorted(environ):
        if name in by_env:
            setting = by_env[name]
            try:
                value = setting.read(environ[name])
            except ValueError as error:
                problems.append(f"{name}={environ[name]!r} cannot be used: expected {error}.")
                continue
            if setting.key:
                values[setting.key] = value
        elif name.startswith(PREFIX):
            # Compared without the prefix every name shares, or any two names would look alike.
            stripped = {env.removeprefix(PREFIX): env for env in by_env}
            close = difflib.get_close_matches(name.removeprefix(PREFIX), stripped, n=1, cutoff=0.6)
            hint = f" Did you mean {stripped[close[0]]}?" if close else ""
            problems.append(f"{name} is not a Casefiles setting.{hint}")
        elif name in _IGNORED:
            problems.append(f"{name} is not read by Casefiles; use {_IGNORED[name]}.")
        else:
            for setting in SETTINGS:
                if setting.bare_name_refused and setting.env.startswith(PREFIX) and name == setting.env[len(PREFIX) :]:
                    problems.append(f"{name} is not read by Casefiles; the setting is {setting.env}.")
    if values.get("STORAGE_BACKEND") == "s3" and not values.get("S3_BUCKET"):
        problems.append("CASEFILES_STORAGE_BACKEND=s3 needs CASEFILES_S3_BUCKET.")
    return values, problems


def settings_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The config values the environment sets. SettingsError, naming every variable at fault, if one is unknown
    (with the closest known name), would be ignored, or has a value that cannot be used."""
    values, problems = _problems(os.environ if environ is None else environ)
    if problems:
        raise SettingsError(
            "Casefiles will not start until these settings are corrected (docs/deploy.md lists them all):\n  "
            + "\n  ".join(problems)
        )
    return values


class Config:
    """Settings shared by every environment; the environment variables of SETTINGS change them at start."""

    READS_ENVIRONMENT = True
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - replaced from the environment; refused in production
    SQLALCHEMY_DATABASE_URI = _sqlite_url(INSTANCE_DIR / "casefiles.db")
    # hide_parameters: database errors (and their logged tracebacks) never carry the values of private fields.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # Database connections kept per app process (plus overflow). Each request thread holds up to two (its session,
    # and the public pages' change check, which keeps its own), so 8 threads need about 17 with the mail thread:
    # SQLAlchemy's default 5 + 10 made the ninth request wait 30 s and fail under load.
    DATABASE_POOL_SIZE = 20
    DATABASE_MAX_OVERFLOW = 10
    INSTANCE_PATH = str(INSTANCE_DIR)
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "America/Toronto"
    LANGUAGES = ("en", "fr")
    ORGANIZATION_NAME = "Casefiles"
    ORGANIZATION_CONTACT = ""
    CASES_PER_PAGE = 25
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    # Proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto/-Host/-Port are believed, no others.
    TRUSTED_PROXIES = 0
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    PREFERRED_URL_SCHEME = "http"
    HSTS = False
    # Help requests: sealed with keys kept outside the database (casefiles/intake/crypto.py). Outside production a
    # missing key file is created on first use; production needs `flask intake new-key` or CASEFILES_INTAKE_KEYS.
    INTAKE_CREATE_KEY = True
    INTAKE_RETENTION_DAYS = 90
    TESTING = False
    DEBUG = False

    @classmethod
    def validate(cls) -> None:
        """Refuse settings that would be unsafe in this environment."""


class DevelopmentConfig(Config):
    """Local development on the embedded SQLite database."""


class TestingConfig(Config):
    """The test suite: SQLite in a temporary file unless TEST_DATABASE_URL selects PostgreSQL.

    It never takes values from the environment (a DATABASE_URL there must not become the tests' database);
    the names are still checked."""

    READS_ENVIRONMENT = False
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105 - test fixture, never deployed
    INTAKE_KEYS = "-l32_gZnYKFgxJP7EGsYW9viXrTsmxCvQTQbIEbHoe8="  # test fixture, never deployed: shared by every test app
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    """Production: PostgreSQL, secure cookies, HSTS; refuses to start without a real SECRET_KEY."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    INTAKE_CREATE_KEY = False

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
