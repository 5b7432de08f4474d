"""Security headers on every response (pages, error pages, static files), no-store when signed in,
HSTS in production; `ruff` security rules clean over the package."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import skip_or_fail

from casefiles import create_app
from casefiles.authz import public

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_overrides() -> dict:
    return {"MAX_CONTENT_LENGTH": 1024}


@pytest.fixture
def crash_app(app):
    """The app with one public endpoint that fails, as an unexpected bug would."""

    @public
    def crash() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/__crash", "crash", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def _assert_security_headers(response, *, signed_in: bool) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, response.status
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert response.headers["X-Frame-Options"] == "DENY"
    if signed_in:
        assert "no-store" in response.headers.get("Cache-Control", ""), response.status


def _responses(client) -> dict[int | str, object]:
    return {
        200: client.get("/login"),
        404: client.get("/no/such/page"),
        405: client.put("/login"),
        413: client.post("/login", data={"email": "x@example.org", "password": "p" * 4000}),
        500: client.get("/__crash"),
        "static": client.get("/static/css/casefiles.css"),
    }


def test_headers_on_every_kind_of_response_anonymous(crash_app, client) -> None:
    for expected, response in _responses(client).items():
        if isinstance(expected, int):
            assert response.status_code == expected
        _assert_security_headers(response, signed_in=False)
        assert "Strict-Transport-Security" not in response.headers  # not in development/testing
    assert "boom" not in client.get("/__crash").get_data(as_text=True)  # no traceback shown


def test_headers_and_no_store_signed_in(crash_app, client, login) -> None:
    login("volunteer")
    responses = _responses(client)
    responses[403] = client.get("/staff/users")
    responses["page"] = client.get("/staff/cases")
    assert responses[403].status_code == 403 and responses["page"].status_code == 200
    for response in responses.values():
        _assert_security_headers(response, signed_in=True)


def test_hsts_in_production(monkeypatch, database_url) -> None:
    monkeypatch.setenv("SECRET_KEY", "y" * 48)
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": database_url})
    client = app.test_client()
    for path in ("/login", "/no/such/page", "/static/css/casefiles.css"):
        response = client.get(path, base_url="https://casefiles.example")
        assert "max-age=" in response.headers["Strict-Transport-Security"]
        _assert_security_headers(response, signed_in=False)


def test_ruff_security_rules_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        skip_or_fail("ruff is not installed (pip install ruff)")
    result = subprocess.run(
        [ruff, "check", "--select", "S", "--no-cache", "casefiles"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
