"""Real Chromium: an anonymous person asks for help in French with a file, JavaScript off; staff find the request
in the queue, read it and make it a case; the case holds everything, the file with its SHA-256. Every intake page
passes axe in English and French and nothing scrolls sideways at 320 px."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from intake_fixtures import PDF_BYTES, canary
from sqlalchemy import select
from support import PASSWORD

from casefiles.extensions import db

pytestmark = pytest.mark.browser
TIME_TRAP = 5_300  # ms: INTAKE_MIN_SECONDS is 5 by default
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _url(app: Any, endpoint: str, **values: Any) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(endpoint, **values)


def _sign_in(page: Any, user: Any) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/staff/"))


def _fill_request(page: Any, values: dict[str, str], files: list[dict] | None = None) -> None:
    page.locator("input[name=for_whom][value=someone_else]").check()
    for name, value in values.items():
        if name in ("sanction_type",):
            page.select_option(f"#{name}", value)
        elif name in ("when", "sanction_date") and page.locator(f"#{name}-month").count():
            year, month, day = (value.split("-") + ["", ""])[:3]  # the date typed in its parts
            page.fill(f"[name='{name}-year']", year)
            page.select_option(f"#{name}-month", month.lstrip("0"))
            page.fill(f"#{name}-day", day.lstrip("0"))
        else:
            page.fill(f"#{name}", value)
    if files:
        page.set_input_files("#files", files=files)
    page.check("#consent_contact")
    page.check("#consent_store")


def test_a_request_in_french_with_a_file_becomes_a_complete_case(
    app: Any, browser: Any, live_server: str, make_user: Any
) -> None:
    from casefiles.cases.models import Case
    from casefiles.documents.models import Document
    from casefiles.intake.models import Submission

    story = canary("story")
    hearing = date.today() + timedelta(days=6)
    deadline = date.today() + timedelta(days=25)
    person = {
        "person_name": "Camille Bélanger",
        "helper_name": "Julie Bélanger",
        "person_role": "enseignante au secondaire",
        "what_happened": f"Elle a parlé de la guerre en classe. {story}",
        "where": "En classe",
        "when": "2026-09",
        "institution": "Centre de services scolaire Fictif",
        "sanction_type": "suspension",
        "sanction_details": "Suspendue sans salaire pour trois semaines.",
        "sanction_date": "2026-10-15",
        "hearing_date": hearing.isoformat(),
        "appeal_deadline": deadline.isoformat(),
        "other_dates": "Rencontre syndicale le mois prochain",
        "email": "camille@example.org",
        "phone": "438-555-0142",
        "safe_contact": "Texto seulement, le soir",
    }
    # Without JavaScript: the form needs none.
    anonymous = browser.new_context(
        base_url=live_server, locale="fr-CA", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    anonymous.add_cookies([{"name": "lang", "value": "fr", "url": live_server}])
    try:
        page = anonymous.new_page()
        page.goto(_url(app, "public_intake.ask", lang="fr"))
        assert page.locator("html").get_attribute("lang") == "fr"
        _fill_request(
            page,
            person,
            files=[{"name": "lettre de suspension.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
        )
        page.wait_for_timeout(TIME_TRAP)
        page.locator("form.intake-form button[type=submit]").click()
        reference = page.locator("[data-reference]").inner_text()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    finally:
        anonymous.close()

    db.session.expire_all()
    submission = db.session.scalar(select(Submission).where(Submission.reference == reference))
    assert submission.locale == "fr" and submission.status == "new" and len(submission.files) == 1
    assert story.encode() not in submission.sealed

    staff = make_user("staff")
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        _sign_in(page, staff)
        page.goto(_url(app, "intake.queue"))
        row = page.locator("tr", has_text=reference)
        assert row.locator(".badge-overdue").count() == 1  # urgent: the hearing is within 14 days
        row.get_by_role("link", name=reference).click()
        page.get_by_text(story).wait_for()
        assert page.get_by_text(hashlib.sha256(PDF_BYTES).hexdigest()).is_visible()
        assert page.locator("#title").input_value() == "Camille Bélanger — Centre de services scolaire Fictif"
        page.fill("#title", "Enseignante suspendue pour un cours")
        page.get_by_role("button", name="Open the case").click()
        page.wait_for_url(re.compile(r"/staff/cases/\d+"))
        case_id = int(re.search(r"/staff/cases/(\d+)", page.url).group(1))
        assert page.get_by_role("heading", name="Enseignante suspendue pour un cours").is_visible()
    finally:
        context.close()

    db.session.expire_all()
    case = db.session.get(Case, case_id)
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "converted" and submission.case_id == case.id and submission.files == []
    assert story in case.speech_text and case.speech_platform == "En classe" and case.speech_date.month == 9
    assert case.institution.name == "Centre de services scolaire Fictif"
    assert "Julie Bélanger" in case.private_notes and "Rencontre syndicale" in case.private_notes
    (who,) = case.people
    assert (who.legal_name, who.role_title, who.contact_email, who.contact_phone, who.contact_notes) == (
        "Camille Bélanger",
        "enseignante au secondaire",
        "camille@example.org",
        "438-555-0142",
        "Texto seulement, le soir",
    )
    (sanction,) = case.sanctions
    assert (sanction.type, sanction.date, sanction.appeal_deadline) == ("suspension", date(2026, 10, 15), deadline)
    assert sanction.notes == "Suspendue sans salaire pour trois semaines."
    assert sorted((e.kind, e.date) for e in case.events) == [
        ("sanction", date(2026, 10, 15)),
        ("statement", date(2026, 9, 1)),
    ]
    assert {t.due_date for t in case.tasks} == {hearing, deadline}
    (document,) = db.session.scalars(select(Document).where(Document.case_id == case.id)).all()
    assert document.current.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert document.current.original_filename == "lettre de suspension.pdf"


def _check(axe: Any, page: Any, name: str, language: str, width: int, problems: dict) -> None:
    """The page speaks its language; at 320 px nothing scrolls sideways, at full width axe finds nothing."""
    assert page.locator("html").get_attribute("lang") == language, name
    if width == 320:
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{name} scrolls sideways at 320 px: {widths}"
        return
    violations = axe.run(page, options={"runOnly": AXE_RULES}).response["violations"]
    if violations:
        problems[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_intake_pages_pass_axe_and_fit_320px(
    app: Any, browser: Any, live_server: str, make_user: Any, language: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from casefiles.intake import services

    submission = services.submit(
        values={
            "for_whom": "someone_else",
            "person_name": "Ahmad Qureshi-Lavoie",
            "helper_name": "Nadia",
            "what_happened": "Un texte assez long pour remplir plusieurs lignes.\n\nEt un deuxième paragraphe.",
            "institution": "Université Fictive",
            "sanction_type": "termination",
            "sanction_date": "2026-11",
            "hearing_date": date.today() + timedelta(days=2),
            "email": "ahmad.qureshi-lavoie.tres-long@example.org",
            "safe_contact": "Courriel seulement",
            "consent_contact": True,
            "consent_store": True,
        },
        files=[("preuve-capture-ecran-tres-longue.pdf", io.BytesIO(PDF_BYTES))],
        locale=language,
    )
    db.session.commit()
    staff = make_user("staff")
    public_pages = {"ask": _url(app, "public_intake.ask", lang=language)}
    staff_pages = {
        "queue": _url(app, "intake.queue"),
        "detail": _url(app, "intake.detail", submission_id=submission.id),
        "dashboard": _url(app, "cases.dashboard"),
    }
    axe = Axe()
    for width in (1280, 320):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page = context.new_page()
        try:
            problems: dict[str, Any] = {}
            for name, url in public_pages.items():
                page.goto(url)
                _check(axe, page, name, language, width, problems)
            with page.expect_navigation(wait_until="load"):  # the answer's page, styled, before it is measured
                page.locator("form.intake-form button[type=submit]").click()  # empty: the errors
            _check(axe, page, "ask-errors", language, width, problems)
            _fill_request(page, {"person_name": "Test", "what_happened": "Texte", "email": "t@example.org"})
            page.wait_for_timeout(TIME_TRAP)
            page.locator("form.intake-form button[type=submit]").click()
            page.locator("[data-reference]").wait_for()
            _check(axe, page, "thanks", language, width, problems)
            context.clear_cookies()
            context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
            _sign_in(page, staff)
            for name, url in staff_pages.items():
                page.goto(url)
                _check(axe, page, name, language, width, problems)
            assert not problems, problems
        finally:
            context.close()
