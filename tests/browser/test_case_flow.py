"""The core journey in real headless Chromium: log in, open a case with a sanction, add two timeline events,
edit the case, find it by searching its notes, and read who changed what in its history."""

from __future__ import annotations

import re

import pytest
from support import ARTIFACTS, PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, user) -> None:  # noqa: ANN001
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))


def _fill_date(page, field: str, iso: str) -> None:  # noqa: ANN001
    """A date is typed in three parts: the year, the month chosen by name, the day."""
    year, month, day = ([*iso.split("-"), "", ""])[:3]
    page.fill(f"#{field}", year)
    page.select_option(f"#{field}-month", month.lstrip("0"))
    page.fill(f"#{field}-day", day.lstrip("0"))


def _add_event(page, kind: str, date: str, title: str) -> None:  # noqa: ANN001
    page.get_by_role("link", name="Add an event").click()
    page.wait_for_url(re.compile(r"/events/new$"))
    page.select_option("#kind", kind)
    _fill_date(page, "date", date)
    page.fill("#title", title)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/staff/cases/\d+(#.*)?$"))


def test_staff_member_opens_finds_and_reviews_a_case(page, make_user) -> None:  # noqa: ANN001
    staff = make_user("staff", name="Robin Staff")
    _sign_in(page, staff)

    # Open a new case with its person and a sanction (the form carries a real CSRF token).
    page.goto("/staff/cases/new")
    page.fill("#title", "Nursing student suspended over a poem")
    page.fill("#legal_name", "Alexis Tremblay-Fictif")
    page.select_option("#category", "student")
    page.fill("#institution_name", "Université Imaginaire")
    page.get_by_text("A new institution: its kind, province and country").click()
    page.select_option("#institution_kind", "university")
    page.fill("#institution_region", "Québec")
    page.get_by_text("More about the case").click()
    page.fill("#private_notes", "Met the student's counsel about the zanzibarite hearing.")
    page.select_option("#sanction_type", "suspension")
    _fill_date(page, "sanction_date", "2023-11")
    _fill_date(page, "appeal_deadline", "2023-12-15")
    page.get_by_role("button", name="Open the case").first.click()
    page.wait_for_url(re.compile(r"/staff/cases/\d+$"))
    case_url = page.url
    body = page.locator("main")
    assert "Nursing student suspended over a poem" in body.inner_text()
    assert "opened" in body.inner_text()
    assert "November 2023" in body.inner_text()  # month-only precision is kept

    # Two timeline events, entered out of order; the timeline shows them in date order.
    _add_event(page, "hearing", "2024-02-20", "Disciplinary hearing")
    _add_event(page, "appeal", "2023-12-01", "Appeal filed")
    timeline = page.locator("#timeline").inner_text()
    assert timeline.index("Appeal filed") < timeline.index("Disciplinary hearing")

    # Edit the case: the status moves from intake to active.
    page.goto(case_url + "/edit")
    page.select_option("#status", "active")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/staff/cases/\d+$"))

    # Find it by a word that only appears in its private notes, and by the person's name.
    page.goto("/staff/cases")
    page.fill("#q", "zanzibarite")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"q=zanzibarite"))
    result = page.get_by_role("link", name=re.compile("Nursing student suspended over a poem"))
    assert result.count() == 1
    page.goto("/staff/cases?q=Tremblay")
    assert page.get_by_role("link", name=re.compile("Nursing student suspended over a poem")).count() == 1
    page.goto("/staff/cases?q=nothingmatchesthis")
    assert page.get_by_role("link", name=re.compile("Nursing student suspended over a poem")).count() == 0

    # Open it from the list, then its history: who changed which field from what to what.
    page.goto("/staff/cases?q=zanzibarite")
    page.get_by_role("link", name=re.compile("Nursing student suspended over a poem")).click()
    page.wait_for_url(case_url)
    page.get_by_role("link", name="Full history").click()
    page.wait_for_url(re.compile(r"/history$"))
    history = page.locator("main").inner_text()
    assert "Robin Staff" in history
    assert "opened the case" in history
    assert history.count("added an event") == 3  # the sanction's own, and the two typed
    assert "edited the case" in history
    status_row = page.locator("table.diff tr", has_text="Status").first
    assert "Intake" in status_row.inner_text() and "Active" in status_row.inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "case-history.png"), full_page=True)
