"""In real headless Chromium: the dossier page follows the background build and offers the download (CSP intact)."""

from __future__ import annotations

import re

import pytest
from support import PASSWORD

pytestmark = pytest.mark.browser


def test_dossier_progress_updates_without_reloading(page, make_user, make_case) -> None:  # noqa: ANN001
    staff = make_user("staff", name="Dana Staff")
    first = make_case(title="Browser dossier one")
    make_case(title="Browser dossier two")
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.goto("/login")
    page.fill("#email", staff.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))

    page.goto(f"/staff/cases/{first.id}")
    page.get_by_role("link", name="Briefs (PDF)").click()
    page.get_by_role("link", name=re.compile("Put this case in a dossier")).click()
    page.wait_for_url(re.compile(r"/staff/dossiers/new"))
    assert page.get_by_label(re.compile("Browser dossier one")).is_checked()
    page.get_by_label(re.compile("Browser dossier two")).check()
    page.fill("#title", "Advocacy day")
    page.get_by_label("Who is it for?").select_option("legal")  # the cases are not published
    page.get_by_role("button", name="Build the dossier").click()
    page.wait_for_url(re.compile(r"/staff/dossiers/\d+$"))
    url = page.url
    download = page.get_by_role("link", name="Download the dossier (PDF)")
    download.wait_for(state="visible", timeout=60_000)
    assert page.url == url  # the script updated the page in place
    assert page.locator("#dossier-bar").get_attribute("value") == "100"
    assert not page.locator("#dossier-refresh").is_visible()
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == "Advocacy-day-en.pdf"
    assert not [p for p in problems if "Content Security Policy" in p], problems
