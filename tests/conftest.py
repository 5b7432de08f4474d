"""Shared fixtures: a real database per test run (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set),
emptied after every test; the client; login(role); factories."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from support import ARTIFACTS, FIXTURES, IN_CI, PASSWORD, redis_url, skip_or_fail  # noqa: F401 (re-exported; redis_url is a fixture)

from casefiles import create_app
from casefiles.extensions import db


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url(tmp_root: Path) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_root / f'test-{_worker()}.db'}"
    url = make_url(base)
    name = re.sub(r"[^a-z0-9_]", "_", f"{url.database or 'casefiles'}_{_worker()}".lower())
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="casefiles-tests-") as root:
        yield Path(root)


@pytest.fixture(scope="session")
def database_url(tmp_root: Path) -> str:
    return _database_url(tmp_root)


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_root: Path) -> Iterator[None]:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_all_tables() -> None:
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        if db.session.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Override per test module to change configuration."""
    return {}


@pytest.fixture
def app(_schema: None, database_url: str, tmp_root: Path, app_overrides: dict[str, Any]) -> Iterator[Any]:
    instance = tmp_root / f"instance-{_worker()}"
    instance.mkdir(exist_ok=True)
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_STORAGE": str(instance)}
    config.update(app_overrides)
    app = create_app("testing", config)

    @app.teardown_request
    def _forget_cached_csrf_token(_error: BaseException | None) -> None:
        # Requests reuse this fixture's app context, so `g` outlives each request; Flask-WTF caches the CSRF
        # token there, which would go stale when the session changes (e.g. at login) with CSRF enabled.
        from flask import g

        g.pop("csrf_token", None)

    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def make_user(app: Any) -> Callable[..., Any]:
    """make_user(role="volunteer", email=None, name="") -> User (committed)."""
    from casefiles.auth.services import create_user
    from casefiles.authz import Role

    counter = {"n": 0}

    def _make(role: str = "volunteer", email: str | None = None, name: str = "", password: str = PASSWORD) -> Any:
        counter["n"] += 1
        user = create_user(
            actor=None,
            email=email or f"{role}{counter['n']}@example.org",
            password=password,
            role=Role(role),
            name=name or f"{role.title()} {counter['n']}",
        )
        db.session.commit()
        return user

    return _make


class AuthActions:
    """login(role) signs a test client in as a new user of that role (flaskr's AuthActions)."""

    def __init__(self, client: Any, make_user: Callable[..., Any]) -> None:
        self.client = client
        self.make_user = make_user

    def __call__(self, role: str = "staff", **kwargs: Any) -> Any:
        user = self.make_user(role, **kwargs)
        self.as_user(user)
        return user

    def as_user(self, user: Any, password: str = PASSWORD) -> Any:
        response = self.client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return response

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def login(client: Any, make_user: Callable[..., Any]) -> AuthActions:
    return AuthActions(client, make_user)


@pytest.fixture
def make_case(app: Any) -> Callable[..., Any]:
    """make_case(**overrides) -> Case with one person and one sanction (committed)."""
    from casefiles.cases import services
    from casefiles.dates import PartialDate

    counter = {"n": 0}

    def _make(
        person: dict | None = None, sanction: dict | None = None, assignees: list | None = None, **values: Any
    ) -> Any:
        counter["n"] += 1
        base = {
            "title": f"Case {counter['n']}",
            "status": "active",
            "outcome": "ongoing",
            "public_summary": "A fictional summary.",
            "private_notes": "A fictional private note.",
            "institution": {"name": "Université Fictive", "kind": "university", "region": "Québec"},
        }
        base.update(values)
        if assignees is not None:
            base["assignee_ids"] = [u.id for u in assignees]
        case = services.create_case(
            actor=None,
            values=base,
            person=person if person is not None else {"legal_name": f"Person {counter['n']}", "category": "student"},
            sanction=sanction
            if sanction is not None
            else {"type": "suspension", "date": PartialDate.parse("2023-11-14")},
        )
        db.session.commit()
        return case

    return _make


# --- Real browser: a live server on a free port and headless Chromium (mark tests @pytest.mark.browser) ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def _live_server_url(_schema: None, database_url: str, tmp_root: Path) -> Iterator[str]:
    """One threaded WSGI server per test run on the same database as the `app` fixture, with CSRF enforced."""
    import threading

    from werkzeug.serving import make_server

    instance = tmp_root / f"instance-{_worker()}"
    instance.mkdir(exist_ok=True)
    live_app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_STORAGE": str(instance), "WTF_CSRF_ENABLED": True},
    )
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with live_app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(app: Any, _live_server_url: str) -> str:
    """Base URL of a live server that sees what tests commit through `app` (tables are emptied after the test)."""
    return _live_server_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright, shared by the whole run."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python package is missing (pip install playwright)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means the tool is unusable here
        playwright.stop()
        skip_or_fail(f"Chromium did not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser context and page per test (English, desktop size); base_url is the live server."""
    context = browser.new_context(base_url=live_server, locale="en-CA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()
