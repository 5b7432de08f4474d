"""The keyboard-only reference task in real headless Chromium: a case with a person, an institution, a suspension
with an appeal deadline and two timeline events, entered without a mouse in at most 3 page loads and 35 presses of
Tab, both counted by the test. Then the pages of that task pass axe-core in English and French and fit 320 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from support import ARTIFACTS, PASSWORD

from casefiles.cases.models import Case
from casefiles.extensions import db

pytestmark = pytest.mark.browser

MAX_PAGE_LOADS = 3
MAX_TABS = 35
AXE_RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}


class Keyboard:
    """Every key goes through here, so the test counts what a person would press."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.tabs = 0

    def tab(self, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press("Tab")
            self.tabs += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        assert key != "Tab", "count Tab presses with tab()"
        self.page.keyboard.press(key)

    def focused(self) -> str:
        return self.page.evaluate("() => document.activeElement && document.activeElement.id")


def _sign_in(page: Any, user: Any) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(re.compile(r"/staff/"))


def test_the_reference_case_is_entered_by_keyboard_in_one_form(page: Any, make_user: Any) -> None:
    staff = make_user("staff", name="Robin Staff")
    _sign_in(page, staff)

    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
    keys = Keyboard(page)

    page.goto("/staff/cases/new")
    assert keys.focused() == "legal_name"  # the form starts where the typing starts
    keys.type("Amira Haddad")
    keys.tab()
    keys.type("n")  # Nurse
    keys.tab()
    keys.type("f")  # consent to be named: Full name
    # The pseudonym and the folded contact details are passed over.
    keys.tab(3)
    assert keys.focused() == "institution_name"
    keys.type("Université Laval")
    keys.tab(2)
    assert keys.focused() == "sanction_type"
    keys.type("s")  # Suspension
    keys.tab()
    keys.type("2024")
    keys.tab()
    keys.type("o")  # October
    keys.tab()
    keys.type("15")
    keys.tab(2)  # past the duration
    assert keys.focused() == "appeal_deadline"
    keys.type("2024")
    keys.tab()
    keys.type("n")  # November
    keys.tab()
    keys.type("5")
    for row, (year, month_key, day, kind_key, title) in enumerate(
        [("2024", "s", "20", "m", "Interview on the radio"), ("2024", "d", "2", "a", "Appeal filed")]
    ):
        keys.tab()
        assert keys.focused() == f"events-{row}-date"
        keys.type(year)
        keys.tab()
        keys.type(month_key)
        keys.tab()
        keys.type(day)
        keys.tab()
        keys.type(kind_key)
        keys.tab()
        keys.type(title)
    # The title left blank shows the title it will get (never the legal name without consent to the full name).
    expected_title = "Amira Haddad (nurse) — Suspension, Université Laval"
    assert page.get_attribute("#title", "placeholder") == expected_title
    keys.press("Enter")  # the form's first button: "Open the case"
    page.wait_for_url(re.compile(r"/staff/cases/\d+$"))
    page.wait_for_load_state("load")

    print(f"keyboard reference task: {len(loads)} page loads, {keys.tabs} Tab presses")
    assert len(loads) <= MAX_PAGE_LOADS, loads
    assert keys.tabs <= MAX_TABS

    db.session.expire_all()
    case = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
    assert case.title == expected_title
    assert [(p.legal_name, p.category, p.name_consent) for p in case.people] == [("Amira Haddad", "nurse", "full_name")]
    assert case.institution.name == "Université Laval"
    assert [(s.type, s.when.iso(), s.appeal_deadline.isoformat()) for s in case.sanctions] == [
        ("suspension", "2024-10-15", "2024-11-05")
    ]
    assert [t.due_date.isoformat() for t in case.tasks if t.is_appeal_deadline] == ["2024-11-05"]
    assert [(e.kind, e.when.iso(), e.title) for e in case.events] == [
        ("media", "2024-09-20", "Interview on the radio"),
        ("sanction", "2024-10-15", "Suspension by Université Laval"),
        ("appeal", "2024-12-02", "Appeal filed"),
    ]
    # The case page opens on its summary: the next deadline and the suspension's appeal come first.
    glance = page.locator("#at-a-glance").inner_text()
    assert "November 5, 2024" in glance and "Suspension" in glance and "Robin Staff" not in glance
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "keyboard-reference-case.png"), full_page=True)


def test_a_fourth_event_row_and_the_title_as_consent_allows(page: Any, make_user: Any) -> None:
    _sign_in(page, make_user("staff"))
    page.goto("/staff/cases/new")
    page.fill("#legal_name", "Jeanne Tremblay")
    page.select_option("#name_consent", "initials")
    page.select_option("#category", "teacher")
    assert page.get_attribute("#title", "placeholder") == "J. T. (teacher)"
    page.select_option("#name_consent", "none")
    page.fill("#institution_name", "École Fictive")
    assert page.get_attribute("#title", "placeholder") == "Teacher — École Fictive"
    for row in range(3):
        page.fill(f"#events-{row}-date", "2024")
        page.fill(f"#events-{row}-title", f"Event number {row + 1}")
    page.get_by_role("button", name="Add another event").click()
    assert page.evaluate("() => document.activeElement.id") == "events-3-date"
    assert page.locator("#events-3-date").input_value() == ""
    page.keyboard.type("2025")
    page.fill("#events-3-title", "Event number 4")
    page.get_by_role("button", name="Open the case").first.click()
    page.wait_for_url(re.compile(r"/staff/cases/\d+$"))
    db.session.expire_all()
    case = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
    assert case.title == "Teacher — École Fictive"
    assert [(e.when.iso(), e.title) for e in case.events][-1] == ("2025", "Event number 4")
    assert len(case.events) == 4


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_entry_pages_pass_axe_and_fit_320px(
    browser: Any, live_server: str, make_user: Any, make_case: Any, language: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    staff = make_user("admin")  # the audit log is the administrators'
    case = make_case()
    problems: dict[str, Any] = {}
    for width in (1280, 320):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page = context.new_page()
        try:
            _sign_in(page, staff)
            for name, url in {
                "new": "/staff/cases/new",
                "case": f"/staff/cases/{case.id}",
                "event": f"/staff/cases/{case.id}/events/new",
                "edit": f"/staff/cases/{case.id}/edit",
                "task": f"/staff/cases/{case.id}/tasks/new",
                "history": f"/staff/cases/{case.id}/history",
                "audit": "/staff/audit/",
            }.items():
                page.goto(url)
                assert page.locator("html").get_attribute("lang") == language
                page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
                if name == "event":  # a refused date, with its message
                    page.fill("#date", "23")
                    page.locator("form.case-form button[type=submit], main form button[type=submit]").first.click()
                    page.wait_for_load_state("load")
                    assert page.locator("#date[aria-invalid=true]").count() == 1
                widths = page.evaluate(
                    "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                )
                assert widths[0] <= widths[1], f"{name} scrolls sideways at {width} px in {language}: {widths}"
                if width == 1280:
                    violations = Axe().run(page, options=AXE_RULES).response["violations"]
                    if violations:
                        problems[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
                page.screenshot(path=str(ARTIFACTS / f"entry-{name}-{language}-{width}.png"), full_page=True)
        finally:
            context.close()
    assert not problems, problems
