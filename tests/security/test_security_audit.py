"""The administrators' audit viewer (filters, pagination, CSV) and the log canary: logs never hold private values."""

from __future__ import annotations

import csv
import io
import logging
import threading
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar

from support import PASSWORD
from werkzeug.serving import make_server

from casefiles.audit.models import AuditEntry
from casefiles.audit.services import record
from casefiles.extensions import db


def test_audit_viewer_is_for_admins_only(client, login) -> None:
    login("staff")
    assert client.get("/staff/audit/").status_code == 403
    assert client.get("/staff/audit/export.csv").status_code == 403


def test_audit_viewer_filters_paginates_and_exports(client, login, make_case, make_user) -> None:
    admin = login("admin")
    other = make_user("staff")
    first = make_case(title="First case")
    second = make_case(title="Second case")
    old = record("case.update", actor=other, object_type="case", object_id=first.id, case_id=first.id, summary="=cmd")
    old.created_at = datetime(2020, 1, 15, 12, tzinfo=UTC)
    for n in range(60):
        record("case.note", actor=admin, object_type="case", object_id=second.id, case_id=second.id, summary=f"n{n}")
    db.session.commit()

    page = client.get("/staff/audit/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Page 1 of" in html and page.headers["Cache-Control"] == "no-store"
    # Entries are told apart by who, what and on which object: summaries (which may name people) are never shown.
    assert "=cmd" not in html and "n59" not in html
    by_person = client.get("/staff/audit/", query_string={"actor": other.id}).get_data(as_text=True)
    assert "<code>case.update</code>" in by_person and "<code>case.note</code>" not in by_person
    by_case = client.get("/staff/audit/", query_string={"case": first.id}).get_data(as_text=True)
    assert "<code>case.update</code>" in by_case and "<code>case.note</code>" not in by_case
    by_action = client.get("/staff/audit/", query_string={"action": "case.note", "page": 2}).get_data(as_text=True)
    assert "<code>case.note</code>" in by_action and "<code>case.update</code>" not in by_action
    dated = client.get("/staff/audit/", query_string={"since": "2020-01-01", "until": "2020-01-31"})
    assert "case.update</code>" in dated.get_data(as_text=True) and "case.note</code>" not in dated.get_data(
        as_text=True
    )
    # malformed filters are ignored, never a 500
    for junk in ({"actor": "x'"}, {"since": "2020-99-99"}, {"page": "-3"}, {"case": "1 OR 1=1"}, {"page": "99999"}):
        assert client.get("/staff/audit/", query_string=junk).status_code == 200
    empty = client.get("/staff/audit/", query_string={"action": "nothing.like.this"}).get_data(as_text=True)
    assert "No audit entries match" in empty

    export = client.get("/staff/audit/export.csv", query_string={"case": first.id})
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert {r["case_id"] for r in rows} == {str(first.id)}
    manual = next(r for r in rows if r["action"] == "case.update")
    assert "summary" not in manual and "=cmd" not in export.get_data(as_text=True)
    assert manual["actor_email"] == other.email and manual["time_utc"].startswith("2020-01-15T12:00:00")
    assert manual["object_type"] == "case" and manual["object_id"] == str(first.id)
    assert (
        client.get("/staff/audit/export.csv", query_string={"since": "2999-01-01"}).get_data(as_text=True).count("\n")
        == 1
    )


def test_audit_export_never_holds_private_values(client, login, make_case) -> None:
    login("admin")
    case = make_case(private_notes="first private note")
    from casefiles.cases import services

    services.update_case(case, actor=None, changes={"private_notes": "CANARY-PRIVATE-NOTE"}, expected_version=None)
    db.session.commit()
    body = client.get("/staff/audit/export.csv").get_data(as_text=True)
    assert "private_notes" in body and "CANARY-PRIVATE-NOTE" not in body
    assert "CANARY-PRIVATE-NOTE" not in client.get("/staff/audit/").get_data(as_text=True)


CANARIES = {
    "private_notes": "CANARY-NOTES-7f3a",
    "contact_email": "canary-mail-7f3a@example.org",
    "contact_phone": "+1 555 0107 7f3a",
    "contact_notes": "CANARY-CONTACT-7f3a",
    "legal_name": "Canary Legalname 7f3a",
}


def test_logs_hold_no_private_values(app, caplog, make_user, make_case) -> None:
    """Edit a case through a real HTTP server on loopback with canaries in the private fields, including a
    failed save and a server error, and capture every log record (werkzeug access log, app, libraries)."""
    user = make_user("admin")
    case = make_case()
    person = case.people[0]
    app.config["PROPAGATE_EXCEPTIONS"] = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    caplog.set_level(logging.DEBUG, logger="werkzeug")
    caplog.set_level(logging.DEBUG, logger=app.logger.name)
    caplog.set_level(logging.INFO)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())

    def post(path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with opener.open(base + path, data=body, timeout=10) as response:  # noqa: S310 - loopback test server
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        # a failed sign-in with a canary as the password, then the real one
        assert post("/login", {"email": user.email, "password": CANARIES["private_notes"]}) == 200
        assert post("/login", {"email": user.email, "password": PASSWORD}) == 302
        db.session.expire_all()
        version = db.session.get(type(case), case.id).version
        edit = {
            "title": "Canary edit",
            "status": "active",
            "outcome": "ongoing",
            "priority": "normal",
            "institution_name": "Université Fictive",
            "institution_kind": "university",
            "institution_country": "Canada",
            "private_notes": CANARIES["private_notes"],
            "version": version,
        }
        assert post(f"/staff/cases/{case.id}/edit", edit) == 302
        # a stale save (conflict) with the canaries still in the draft
        assert post(f"/staff/cases/{case.id}/edit", {**edit, "title": "Another title", "version": version}) == 409
        person_form = {
            "legal_name": CANARIES["legal_name"],
            "name_consent": "none",
            "category": "student",
            "contact_email": CANARIES["contact_email"],
            "contact_phone": CANARIES["contact_phone"],
            "contact_notes": CANARIES["contact_notes"],
        }
        assert post(f"/staff/cases/{case.id}/people/{person.id}/edit", person_form) in (200, 302)
        # an invalid save (bad email) with canaries in the other fields
        assert post(f"/staff/cases/{case.id}/people/{person.id}/edit", {**person_form, "contact_email": "x"}) == 200
    finally:
        server.shutdown()
        thread.join(5)
    db.session.expire_all()
    assert db.session.get(type(case), case.id).private_notes == CANARIES["private_notes"]
    assert any(r.name == "werkzeug" for r in caplog.records), "the access log was not captured"
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for field, canary in CANARIES.items():
        assert canary.lower() not in text.lower(), f"{field} leaked into the logs"
    # the audit trail saw the changes (values are only in the protected audit table)
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("%update%")).count() >= 1


def test_database_error_logs_hold_no_values(app, client, caplog) -> None:
    """An unexpected database error is logged with its traceback, but without the bound values."""
    from sqlalchemy import text

    from casefiles.authz import public

    private_value = "-".join(["CANARY", "DB", "91b"])  # not spelled in the source lines a traceback shows

    @public
    def failing_save() -> str:
        db.session.execute(text("INSERT INTO no_such_table (secret) VALUES (:secret)"), {"secret": private_value})
        return "unreachable"

    app.add_url_rule("/__failing_save", "failing_save", failing_save)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    caplog.set_level(logging.DEBUG, logger=app.logger.name)
    response = client.get("/__failing_save")
    assert response.status_code == 500
    assert "CANARY-DB-91b" not in response.get_data(as_text=True)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "no_such_table" in logged  # the error itself is logged ...
    assert "CANARY-DB-91b" not in logged  # ... without the value
