"""A legal volunteer's evening in real headless Chromium: add a harm and a legal proceeding with a hearing through
the forms, then the case page passes axe-core and fits a 320 px screen, in English and French."""

from __future__ import annotations

import re

import pytest
from support import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "fr"])
def test_harm_proceeding_and_hearing_through_the_forms(browser, live_server, make_user, make_case, language) -> None:  # noqa: ANN001
    from axe_playwright_python.sync_playwright import Axe

    staff = make_user("staff")
    case = make_case()
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = context.new_page()
    try:
        page.goto("/login")
        page.fill("#email", staff.email)
        page.fill("#password", PASSWORD)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"/staff/"))
        page.goto(f"/staff/cases/{case.id}/harms/new")
        page.select_option("#type", "doxxing")
        page.fill("#source", "Anonymous accounts")
        page.fill("#start_date", "2024")  # dates are typed in parts: year, month by name, day
        page.select_option("#start_date-month", "3")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"/staff/cases/\d+(#.*)?$"))
        page.goto(f"/staff/cases/{case.id}/proceedings/new")
        page.select_option("#kind", "judicial_review")
        page.fill("#court", "Divisional Court")
        page.fill("#file_number", "DC-24-0042")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"/staff/cases/\d+(#.*)?$"))
        page.locator("#proceedings a[href*='tasks/new']").first.click()
        page.fill("#title", "Hearing on the merits")
        page.fill("#due_date", "2030")
        page.select_option("#due_date-month", "6")
        page.fill("#due_date-day", "10")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"/staff/cases/\d+(#.*)?$"))
        assert "Hearing on the merits" in page.locator("#proceedings").inner_text()
        assert "Anonymous accounts" in page.locator("#harms").inner_text()
        results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
        assert not violations, violations
        page.set_viewport_size({"width": 320, "height": 800})
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
    finally:
        context.close()
