"""Casefiles: one trustworthy case file per person punished for what they said."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config, settings_from_environment

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type[Config] | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application. No I/O beyond reading configuration; no migrations; never exits.

    config.SettingsError if an environment variable is unknown, misspelt, would be ignored or cannot be used."""
    environment = settings_from_environment()
    if config is None:
        config = os.environ.get("CASEFILES_ENV", "development")
    config_class = CONFIGS[config] if isinstance(config, str) else config
    config_class.validate()

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        instance_path=config_class.INSTANCE_PATH,
    )
    app.config.from_object(config_class)
    if config_class.READS_ENVIRONMENT:
        app.config.update(environment)
    if overrides:
        app.config.update(overrides)
    _ensure_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    _size_pool(app)

    from casefiles import web
    from casefiles.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        locale_selector=web.select_locale,
        default_translation_directories=str(ROOT / "casefiles" / "translations"),
    )
    web.init_app(app)
    from casefiles import security

    security.init_app(app)
    _register_models()
    _register_blueprints(app)
    _register_cli(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies (nginx: 1), believe their X-Forwarded-* headers: the client's address (for
    throttling and the audit), https and the public host (for links in feeds, sitemap and API). Outermost, so
    the public pages' cache already sees the corrected scheme and host."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)


def _size_pool(app: Flask) -> None:
    """The connection pool's size from DATABASE_POOL_SIZE / DATABASE_MAX_OVERFLOW (an in-memory SQLite database
    has a single connection and no pool to size)."""
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    if url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url:
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_size", int(app.config.get("DATABASE_POOL_SIZE", 20)))
    options.setdefault("max_overflow", int(app.config.get("DATABASE_MAX_OVERFLOW", 10)))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _ensure_sqlite_folder(url: str) -> None:
    """The embedded database's folder must exist before SQLite can create the file (the one I/O here)."""
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _register_models() -> None:
    """Import every model so the metadata is complete (migrations, create_all)."""
    import casefiles.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from casefiles.audit.views import bp as audit_bp
    from casefiles.auth import links_views, twofactor_views  # noqa: F401 (their routes)
    from casefiles.auth import views as auth_views  # noqa: F401 (its routes)
    from casefiles.auth.blueprint import bp as auth_bp
    from casefiles.cases import merge_views, parts_views  # noqa: F401 (their routes)
    from casefiles.cases import views as case_views  # noqa: F401 (its routes)
    from casefiles.cases.blueprint import bp as cases_bp
    from casefiles.institutions.views import bp as institutions_bp
    from casefiles.web import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(audit_bp, url_prefix="/staff/audit")
    app.register_blueprint(cases_bp, url_prefix="/staff")
    app.register_blueprint(institutions_bp, url_prefix="/staff/institutions")
    from casefiles.campaigns.views import bp as campaigns_bp
    from casefiles.letters.views import bp as letters_bp
    from casefiles.organizations.views import bp as organizations_bp
    from casefiles.transfer import case_files_views  # noqa: F401 (its routes join the transfer blueprint)
    from casefiles.transfer.views import bp as transfer_bp

    app.register_blueprint(campaigns_bp, url_prefix="/staff/campaigns")
    app.register_blueprint(organizations_bp, url_prefix="/staff/organizations")
    app.register_blueprint(letters_bp, url_prefix="/staff/letters")
    from casefiles.letters.entry_views import bp as letter_entries_bp

    app.register_blueprint(letter_entries_bp, url_prefix="/staff/letters")
    app.register_blueprint(transfer_bp, url_prefix="/staff")
    from casefiles.briefs.views import bp as briefs_bp

    app.register_blueprint(briefs_bp, url_prefix="/staff")
    from casefiles.public.api import bp as public_api_bp
    from casefiles.public.campaign_views import bp as public_campaigns_bp
    from casefiles.public.review_views import bp as review_bp
    from casefiles.public.staff_views import bp as publishing_bp
    from casefiles.public.views import bp as public_bp
    from casefiles.public.views import root_bp as public_root_bp

    app.register_blueprint(public_bp)  # under /en/ and /fr/ (casefiles.public.language)
    app.register_blueprint(public_root_bp)
    app.register_blueprint(public_api_bp, url_prefix="/api/v1")
    app.register_blueprint(public_campaigns_bp)
    from casefiles.public.institution_views import bp as public_institutions_bp

    app.register_blueprint(public_institutions_bp)
    from casefiles.petitions.views import bp as petitions_bp

    app.register_blueprint(petitions_bp)
    from casefiles.reminders.views import bp as reminders_bp

    app.register_blueprint(reminders_bp)
    from casefiles.followers.views import bp as followers_bp
    from casefiles.letters.public_views import bp as public_letters_bp

    app.register_blueprint(followers_bp)  # public pages under /en/ and /fr/; one-click unsubscribe at the root
    app.register_blueprint(public_letters_bp)  # under /en/ and /fr/
    app.register_blueprint(publishing_bp, url_prefix="/staff/cases")
    app.register_blueprint(review_bp, url_prefix="/staff/cases")
    from casefiles.documents.views import bp as documents_bp

    app.register_blueprint(documents_bp)  # its routes carry their own /staff/... and public /documents/... paths
    from casefiles.intake.views import bp as intake_bp
    from casefiles.intake.views import public_bp as public_intake_bp

    app.register_blueprint(intake_bp)  # the staff queue under /staff/intake
    app.register_blueprint(public_intake_bp)  # the public form, /en/help and /fr/help
    from casefiles.evidence.views import bp as evidence_bp

    app.register_blueprint(evidence_bp, url_prefix="/staff")


def _register_cli(app: Flask) -> None:
    from casefiles.auth.cli import users_cli
    from casefiles.backup.cli import backup_cli
    from casefiles.demo import demo_cli
    from casefiles.i18n import translations_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(demo_cli)
    from casefiles.briefs.cli import briefs_cli

    app.cli.add_command(briefs_cli)
    app.cli.add_command(translations_cli)
    from casefiles.transfer import case_files_cli  # noqa: F401 (its command joins the cases group)
    from casefiles.transfer.cli import register_cli as register_transfer_cli

    register_transfer_cli(app)
    from casefiles.documents.cli import storage_cli

    app.cli.add_command(storage_cli)
    from casefiles.petitions.cli import mail_cli, petitions_cli

    app.cli.add_command(petitions_cli)
    app.cli.add_command(mail_cli)
    from casefiles.followers.cli import followers_cli
    from casefiles.reminders.cli import reminders_cli

    app.cli.add_command(followers_cli)
    app.cli.add_command(reminders_cli)
    from casefiles.fulltext.cli import search_cli

    app.cli.add_command(search_cli)
    from casefiles.intake.cli import intake_cli

    app.cli.add_command(intake_cli)
