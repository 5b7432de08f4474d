"""The upload page in real headless Chromium: drag-and-drop with the progress bar (JavaScript), the refusal
message shown in place, and the plain form upload with JavaScript turned off."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from casefiles.documents.models import Document, DocumentVersion
from casefiles.extensions import db
from tests.conftest import PASSWORD
from tests.documents.conftest import UPLOADS

pytestmark = pytest.mark.browser


def _sign_in(page: Any, user: Any) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/staff"))


def test_drag_and_drop_upload_with_progress(page: Any, make_user: Any, make_case: Any) -> None:
    staff = make_user("staff")
    case = make_case()
    _sign_in(page, staff)
    page.goto(f"/staff/cases/{case.id}/documents/new")
    assert page.locator("[data-dropzone-hint]").is_visible()  # the script runs (no inline script: CSP-safe)
    pdf = list((UPLOADS / "good" / "suspension-letter-fr.pdf").read_bytes())
    data_transfer = page.evaluate_handle(
        """(bytes) => { const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], 'dropped-letter.pdf', {type: 'application/pdf'}));
            return dt; }""",
        pdf,
    )
    page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": data_transfer})
    assert page.locator("[data-upload-list] li").inner_text().startswith("dropped-letter.pdf")
    # Record whether the progress bar appears and moves (the page is replaced once the upload ends).
    page.evaluate(
        """() => { window.sessionStorage.setItem('progress', '');
            const bar = document.querySelector('[data-upload-bar]');
            new MutationObserver(() => sessionStorage.setItem('progress', bar.value)).observe(bar, {attributes: true});
            bar.addEventListener('change', () => {}); }"""
    )
    page.fill("#title", "Letter dropped in the browser")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(re.compile(r"/staff/documents/\d+$"))
    assert "Letter dropped in the browser" in page.content()
    assert page.evaluate("() => window.sessionStorage.getItem('progress')") == "100"
    version = db.session.scalars(select(DocumentVersion)).one()
    assert version.original_filename == "dropped-letter.pdf" and version.mime_type == "application/pdf"


def test_refusal_is_shown_in_the_page(page: Any, make_user: Any, make_case: Any) -> None:
    staff = make_user("staff")
    case = make_case()
    _sign_in(page, staff)
    page.goto(f"/staff/cases/{case.id}/documents/new")
    page.set_input_files("#files", str(UPLOADS / "bad" / "html-renamed.pdf"))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("Web pages and SVG drawings are not accepted", exact=False).first.wait_for()
    assert db.session.scalars(select(Document)).first() is None


def test_plain_form_upload_without_javascript(browser: Any, live_server: str, make_user: Any, make_case: Any) -> None:
    staff = make_user("staff")
    case = make_case()
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, staff)
        page.goto(f"/staff/cases/{case.id}/documents/new")
        page.set_input_files(
            "#files", [str(UPLOADS / "good" / "notes-utf8.txt"), str(UPLOADS / "good" / "post-screenshot.png")]
        )
        page.get_by_role("button", name="Upload", exact=True).click()
        page.wait_for_url(re.compile(rf"/staff/cases/{case.id}"))
        assert "2 document(s) added." in page.content()
        section = page.locator("#documents")
        assert "notes-utf8" in section.inner_text() and "post-screenshot" in section.inner_text()
    finally:
        context.close()
