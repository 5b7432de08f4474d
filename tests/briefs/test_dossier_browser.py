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


def test_public_dossier_built_from_a_filtered_case_list(page, make_user, make_case) -> None:  # noqa: ANN001
    """Filter the case list, build a public dossier of what it shows, watch its progress, download it."""
    import io

    from pypdf import PdfReader

    from casefiles.extensions import db
    from casefiles.public.services import ReviewChecklist, publish_case

    staff = make_user("staff", name="Paz Staff")
    won = [make_case(title=f"Won case {n}", outcome="victory") for n in (1, 2)]
    lost = make_case(title="Lost case", outcome="setback")
    for case in [*won, lost]:
        publish_case(case, actor=staff, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
    db.session.commit()
    page.goto("/login")
    page.fill("#email", staff.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))

    page.goto("/staff/cases")
    page.select_option("#outcome", "victory")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"outcome=victory"))
    page.get_by_role("link", name="Build a dossier from these cases").click()
    page.wait_for_url(re.compile(r"/staff/dossiers/new\?.*outcome=victory"))
    for case in won:
        assert page.get_by_label(re.compile(case.title)).is_checked()
    assert not page.get_by_label(re.compile("Lost case")).is_checked()
    assert page.get_by_label("Who is it for?").input_value() == "public"
    page.fill("#title", "Victories")
    page.get_by_role("button", name="Build the dossier").click()
    page.wait_for_url(re.compile(r"/staff/dossiers/\d+$"))
    assert page.get_by_role("progressbar").count() == 1
    download = page.get_by_role("link", name="Download the dossier (PDF)")
    download.wait_for(state="visible", timeout=60_000)
    assert page.locator("#dossier-bar").get_attribute("value") == "100"
    listed = page.locator(".dossier-cases").inner_text()
    assert all(case.title in listed for case in won) and "Lost case" not in listed
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == "Victories-en.pdf"
    with open(info.value.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Won case 1" in text and "Won case 2" in text and "Lost case" not in text
    assert "Confidential" not in text
