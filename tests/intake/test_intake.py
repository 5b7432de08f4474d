"""Ask for help: the public form, what it stores (sealed), the bots it refuses, and the staff's triage."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from intake_fixtures import PDF_BYTES, canary, counts, form_values
from sqlalchemy import select

from casefiles.audit.models import AuditEntry
from casefiles.extensions import db
from casefiles.intake import crypto, services
from casefiles.intake.models import IntakeStatus, Submission
from casefiles.mail.models import OutboxMessage

HELP = "/en/help"  # the form's English address (the French one is /fr/help)


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"INTAKE_MIN_SECONDS": 0}


def _started(client: Any, path: str = HELP) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)


def post_help(client: Any, files: list[tuple[bytes, str]] | None = None, path: str = HELP, **overrides: Any) -> Any:
    data: dict[str, Any] = form_values(started=_started(client, path), **overrides)
    if files:
        data["files"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(path, data=data, content_type="multipart/form-data")


def _reference(response: Any) -> str:
    return re.search(r"data-reference>([A-Z0-9-]+)<", response.get_data(as_text=True)).group(1)


# --- the public form ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_form_needs_no_account_and_says_who_reads_it(client: Any, language: str) -> None:
    response = client.get(f"/{language}/help")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert 'enctype="multipart/form-data"' in page and "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    assert f'<html lang="{language}">' in page
    if language == "en":
        assert "Who will read this" in page and "encrypted" in page


def test_a_request_is_stored_sealed_and_acknowledged(client: Any) -> None:
    secret_text, secret_email = canary("text"), f"{canary('email')}@example.org"
    response = post_help(client, what_happened=secret_text, email=secret_email, files=[(PDF_BYTES, "lettre.pdf")])
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    reference = _reference(response)
    submission = db.session.scalar(select(Submission))
    assert submission.reference == reference and submission.status == "new" and len(submission.files) == 1
    assert submission.next_date == date.today() + timedelta(days=5)
    assert secret_text.encode() not in submission.sealed and secret_email.encode() not in submission.sealed
    assert b"%PDF" not in submission.files[0].sealed_content
    assert crypto.unseal_json(submission.sealed)["what_happened"] == secret_text
    message = db.session.scalar(select(OutboxMessage))
    assert message.kind == "intake_ack" and message.to_address.startswith("sealed:")
    assert secret_email not in message.to_address and reference in message.subject
    assert crypto.open_address(message.to_address) == secret_email
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "intake.submit"))
    assert entry.summary == reference and secret_text not in str(entry.changes)


def test_the_acknowledgement_reaches_the_real_address_in_the_persons_language(app: Any, client: Any) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mail"))
    from smtp_inbox import SmtpServer, text_of

    from casefiles.mail.services import deliver_due

    server = SmtpServer().start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_WORKER="off")
        reference = _reference(post_help(client, email="lea@example.org", path="/fr/help"))
        assert deliver_due()["sent"] == 1
        (message,) = server.inbox.to("lea@example.org")
        assert reference in message["Subject"] and reference in text_of(message)
        assert '<html lang="fr">' in message.get_body(preferencelist=("html",)).get_content()
    finally:
        server.stop()


def test_bad_input_is_explained_and_stores_nothing(client: Any) -> None:
    before = counts()
    response = post_help(client, email="", phone="", what_happened="", hearing_date="2026-02-30")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give an email address or a phone number" in page and "Tell us what was said or done." in page
    assert "Enter a real date as YYYY-MM-DD" in page
    assert post_help(client, consent_store="").status_code == 422
    assert counts() == before


def test_a_refused_file_refuses_the_request_and_stores_nothing(client: Any) -> None:
    before = counts()
    response = post_help(client, files=[(b"<html><script>alert(1)</script></html>", "lettre.pdf")])
    assert response.status_code == 422
    assert "lettre.pdf" in response.get_data(as_text=True)
    too_many = [(PDF_BYTES, f"f{i}.pdf") for i in range(4)]
    assert "at most 3 files" in post_help(client, files=too_many).get_data(as_text=True)
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused(app: Any, client: Any) -> None:
    app.config["INTAKE_MAX_FILE_MB"] = 1
    before = counts()
    big = PDF_BYTES + b"%" + b"x" * (1024 * 1024)
    response = post_help(client, files=[(big, "big.pdf")])
    assert response.status_code == 422 and "larger than 1 MB" in response.get_data(as_text=True)
    assert counts() == before


def test_the_old_address_leads_to_the_form_in_the_visitors_language(client: Any) -> None:
    client.set_cookie("lang", "fr")
    response = client.get("/help")
    assert response.status_code == 301 and response.headers["Location"].endswith("/fr/help")


# --- bots ---------------------------------------------------------------------------------------------------


def test_a_filled_honeypot_is_thanked_and_nothing_is_stored(client: Any) -> None:
    before = counts()
    response = post_help(client, website="https://spam.example", files=[(PDF_BYTES, "a.pdf")])
    assert response.status_code == 200 and "data-reference" not in response.get_data(as_text=True)
    assert counts() == before


def test_a_form_sent_too_fast_is_refused_and_nothing_is_stored(app: Any, client: Any) -> None:
    app.config["INTAKE_MIN_SECONDS"] = 60
    before = counts()
    response = post_help(client)
    assert response.status_code == 422
    assert "take a moment to check your answers" in response.get_data(as_text=True)
    forged = client.post(HELP, data=form_values(started="not-ours"))
    assert forged.status_code == 422
    assert counts() == before


def test_the_throttle_refuses_the_next_request_from_the_same_address(app: Any, client: Any) -> None:
    app.config["INTAKE_LIMIT_PER_ADDRESS"] = "2 per hour"
    assert post_help(client).status_code == 200
    assert post_help(client).status_code == 200
    before = counts()
    refused = post_help(client)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert counts() == before
    other = app.test_client()
    elsewhere = other.post(HELP, data=form_values(started=_started(other)), environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 200  # another address is not refused


# --- triage -------------------------------------------------------------------------------------------------


def _submit(**overrides: Any) -> Submission:
    values = form_values(**overrides)
    for name in ("hearing_date", "appeal_deadline"):
        values[name] = date.fromisoformat(values[name]) if values[name] else None
    files = overrides.pop("files", None) or []
    submission = services.submit(values=values, files=files, locale=values.get("locale", "en"))
    db.session.commit()
    return submission


def test_opening_a_request_is_audited_and_marks_it_seen(client: Any, login: Any) -> None:
    secret = canary("opened")
    submission = _submit(what_happened=secret)
    staff = login("staff")
    page = client.get(f"/staff/intake/{submission.id}").get_data(as_text=True)
    assert secret in page and submission.reference in page
    db.session.refresh(submission)
    assert submission.status == IntakeStatus.SEEN.value
    opened = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "intake.open")).all()
    assert [(e.actor_id, e.object_id) for e in opened] == [(staff.id, submission.id)]
    assert secret not in str(opened[0].changes) and secret not in opened[0].summary
    client.get(f"/staff/intake/{submission.id}")
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "intake.open")).all()) == 2


def test_a_volunteer_reads_only_the_requests_assigned_to_them(app: Any, make_user: Any, login: Any) -> None:
    from support import PASSWORD

    submission, other = _submit(), _submit()
    volunteer = make_user("volunteer")
    staff = login("staff")
    services.assign(submission, actor=staff, assignee=volunteer)
    db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": volunteer.email, "password": PASSWORD}).status_code == 302
    assert client.get(f"/staff/intake/{submission.id}").status_code == 200
    assert client.get(f"/staff/intake/{other.id}").status_code == 404
    queue = client.get("/staff/intake").get_data(as_text=True)
    assert submission.reference in queue and other.reference not in queue
    for action in ("convert", "decline", "spam", "assign"):
        assert client.post(f"/staff/intake/{submission.id}/{action}", data={"title": "x"}).status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(f"/staff/intake/{submission.id}").status_code == 302


def test_the_queue_filters_pages_and_shows_urgent_requests(client: Any, login: Any) -> None:
    urgent = _submit(hearing_date=(date.today() + timedelta(days=3)).isoformat())
    later = _submit(hearing_date=(date.today() + timedelta(days=40)).isoformat())
    spam = _submit()
    staff = login("staff")
    services.mark_spam(spam, actor=staff)
    db.session.commit()
    page = client.get("/staff/intake").get_data(as_text=True)
    assert urgent.reference in page and later.reference in page and spam.reference not in page
    row = page.split(urgent.reference, 1)[1].split("</tr>", 1)[0]
    assert "Urgent" in row and "Urgent" not in page.split(later.reference, 1)[1].split("</tr>", 1)[0]
    only_urgent = client.get("/staff/intake?urgent=1").get_data(as_text=True)
    assert urgent.reference in only_urgent and later.reference not in only_urgent
    spam_list = client.get("/staff/intake?status=spam").get_data(as_text=True)
    assert spam.reference in spam_list and urgent.reference not in spam_list
    for _ in range(26):
        _submit()
    first = client.get("/staff/intake").get_data(as_text=True)
    second = client.get("/staff/intake?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert client.get("/staff/intake?page=99999999999&status=<script>").status_code == 200
    dashboard = client.get("/staff/").get_data(as_text=True)
    assert urgent.reference in dashboard


def test_converting_fills_the_case_and_moves_the_files(client: Any, login: Any) -> None:
    import hashlib

    from casefiles.cases.models import Case
    from casefiles.documents.models import Document

    deadline = date.today() + timedelta(days=20)
    submission = _submit(
        appeal_deadline=deadline.isoformat(),
        phone="514-555-0199",
        files=[("lettre de suspension.pdf", io.BytesIO(PDF_BYTES))],
    )
    staff = login("staff")
    response = client.post(f"/staff/intake/{submission.id}/convert", data={"title": "Suspended nursing student"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    submission = db.session.get(Submission, submission.id)
    case = db.session.get(Case, submission.case_id)
    assert submission.status == "converted" and submission.files == []
    assert case.title == "Suspended nursing student" and case.institution.name == "Université Fictive"
    assert case.speech_text == "I posted about the war on my own account." and case.speech_platform == "Instagram"
    (person,) = case.people
    assert (person.legal_name, person.role_title, person.contact_email, person.contact_phone) == (
        "Amira Haddad",
        "nursing student",
        "amira@example.org",
        "514-555-0199",
    )
    assert person.contact_notes == "Email only, evenings."
    (sanction,) = case.sanctions
    assert sanction.type == "suspension" and sanction.appeal_deadline == deadline
    assert sanction.notes == "Suspended from clinical placement."
    assert {e.kind for e in case.events} == {"statement", "sanction"}
    due = {t.due_date for t in case.tasks}
    assert deadline in due and date.today() + timedelta(days=5) in due
    (document,) = db.session.scalars(select(Document).where(Document.case_id == case.id)).all()
    assert document.current.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert document.current.original_filename == "lettre de suspension.pdf"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "intake.convert"))
    assert entry.case_id == case.id and entry.actor_id == staff.id
    again = client.post(f"/staff/intake/{submission.id}/convert", data={"title": "Twice"}, follow_redirects=True)
    assert "already been decided" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Case.id))) == 1


def test_declining_sends_the_kind_reply_in_the_persons_language(client: Any, login: Any) -> None:
    submission = _submit(locale="fr", email="sami@example.org")
    submission.locale = "fr"
    db.session.commit()
    login("staff")
    client.post(f"/staff/intake/{submission.id}/decline", data={"send_reply": "y"})
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).status == "declined"
    reply = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "intake_decline"))
    assert crypto.open_address(reply.to_address) == "sami@example.org"
    assert "sami@example.org" not in reply.text_body and submission.reference in reply.subject
    assert '<html lang="fr">' in reply.html_body and "90" in reply.text_body


def test_possible_duplicates_are_shown_on_a_request(client: Any, login: Any, make_case: Any) -> None:
    same = make_case(title="Earlier case of Amira", person={"legal_name": "Haddad Amira", "category": "nurse"})
    make_case(
        title="Unrelated case",
        person={"legal_name": "Someone Else", "category": "nurse"},
        institution={"name": "Another college", "kind": "university"},
    )
    submission = _submit()
    login("staff")
    page = client.get(f"/staff/intake/{submission.id}").get_data(as_text=True)
    assert "Possible duplicates" in page and same.title in page and "Unrelated case" not in page
    lonely = _submit(person_name="Nobody Known", email="nobody@example.org", institution="")
    page = client.get(f"/staff/intake/{lonely.id}").get_data(as_text=True)
    assert "Possible duplicates" not in page


# --- retention and keys -------------------------------------------------------------------------------------


def test_declined_and_spam_requests_are_deleted_after_the_retention_time(app: Any, login: Any) -> None:
    from casefiles.db import utcnow

    staff = login("staff")
    old_declined, old_spam, recent, waiting = _submit(), _submit(), _submit(), _submit()
    secret = canary("retained")
    old_declined.sealed = crypto.seal_json({"what_happened": secret})
    services.decline(old_declined, actor=staff, send_reply=False)
    services.mark_spam(old_spam, actor=staff)
    services.mark_spam(recent, actor=staff)
    old_declined.decided_at = old_spam.decided_at = utcnow() - timedelta(days=91)
    recent.decided_at = utcnow() - timedelta(days=89)
    waiting.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    ids = (old_declined.id, old_spam.id)
    result = app.test_cli_runner().invoke(args=["intake", "purge"])
    assert result.exit_code == 0 and "2 declined or spam request(s) deleted" in result.output
    db.session.expire_all()
    left = {s.id for s in db.session.scalars(select(Submission))}
    assert left == {recent.id, waiting.id}
    deletions = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "intake.delete")).all()
    assert sorted(e.object_id for e in deletions) == sorted(ids)
    assert all(secret not in str(e.changes) + e.summary for e in deletions)
    assert app.test_cli_runner().invoke(args=["intake", "purge", "--days", "30"]).output.startswith("1 ")


def test_rotating_the_key_reencrypts_everything_and_forgets_the_old_key(app: Any, tmp_path: Any) -> None:
    from cryptography.fernet import Fernet, InvalidToken

    key_file = tmp_path / "intake.keys"
    app.config.update(INTAKE_KEYS="", INTAKE_KEY_FILE=str(key_file))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["intake", "new-key"]).exit_code == 0
    old_key = crypto.parse_keys(key_file.read_text())[0]
    secret = canary("rotated")
    submission = _submit(what_happened=secret, files=[("a.pdf", io.BytesIO(PDF_BYTES))])
    message = db.session.scalar(select(OutboxMessage))
    assert Fernet(old_key.encode()).decrypt(submission.sealed)
    result = runner.invoke(args=["intake", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "1 request(s) re-encrypted" in result.output
    keys = crypto.parse_keys(key_file.read_text())
    assert len(keys) == 1 and keys[0] != old_key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    db.session.expire_all()
    submission = db.session.get(Submission, submission.id)
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(submission.sealed)
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(submission.files[0].sealed_content)
    assert services.unsealed(submission).values["what_happened"] == secret
    assert crypto.unseal(submission.files[0].sealed_content) == PDF_BYTES
    message = db.session.get(OutboxMessage, message.id)
    assert crypto.open_address(message.to_address) == "amira@example.org"
    assert runner.invoke(args=["intake", "new-key"]).exit_code != 0  # never overwrites a key file


def test_production_refuses_to_make_up_a_key(app: Any, tmp_path: Any) -> None:
    app.config.update(INTAKE_KEYS="", INTAKE_KEY_FILE=str(tmp_path / "missing.keys"), INTAKE_CREATE_KEY=False)
    with pytest.raises(crypto.IntakeKeyError):
        crypto.seal(b"x")


def test_an_address_too_long_for_the_outbox_gets_no_message_and_no_error(app: Any) -> None:
    long_address = "a" * 180 + "@example.org"  # the form refuses it; a script calling the service may not
    submission = _submit(email=long_address)
    assert submission.id and db.session.scalar(select(OutboxMessage)) is None
