"""The case list and the dashboard in real headless Chromium: a saved filter and bulk actions done through the
pages, then axe-core on the case list, the dashboard and the merge pages in English and French (no violation),
and nothing scrolling sideways at 320 px."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from support import ARTIFACTS, PASSWORD

from casefiles.cases import services as case_services
from casefiles.cases.models import Case
from casefiles.extensions import db

pytestmark = pytest.mark.browser
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _sign_in(page: Any, user: Any) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/staff/"))


@pytest.fixture
def worklist(make_user: Any, make_case: Any) -> dict[str, Any]:
    staff = make_user("staff", name="Robin Staff")
    helper = make_user("volunteer", name="Alex Helper")
    today = date.today()
    first = make_case(
        title="Nursing student suspended over a post",
        status="active",
        priority="urgent",
        assignees=[staff],
        person={"legal_name": "Zoé Lefèvre", "contact_email": "zoe@example.org", "category": "student"},
    )
    second = make_case(
        title="Teacher reprimanded for a letter",
        status="active",
        person={"legal_name": "Lefevre Zoe", "category": "teacher"},
    )
    make_case(
        title="Professor investigated", status="closed", person={"legal_name": "Sam Roy", "category": "professor"}
    )
    case_services.add_task(
        first, actor=None, values={"title": "File the appeal", "due_date": today + timedelta(days=5)}
    )
    case_services.add_task(first, actor=None, values={"title": "Call counsel", "due_date": today - timedelta(days=4)})
    case_services.add_task(second, actor=None, values={"title": "Hearing", "due_date": today + timedelta(days=40)})
    db.session.commit()
    return {"staff": staff, "helper": helper, "first": first, "second": second}


def test_saved_filter_and_bulk_actions_through_the_pages(page: Any, worklist: dict[str, Any]) -> None:
    first, second, helper = worklist["first"], worklist["second"], worklist["helper"]
    _sign_in(page, worklist["staff"])
    page.goto("/staff/cases")
    page.select_option("#status", "active")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"status=active"))
    assert page.locator("table.cases-table tbody tr").count() == 2
    page.fill("#filter-name", "Active ones")
    page.get_by_role("button", name="Save filter").click()
    page.wait_for_url(re.compile(r"/staff/cases\?status=active$"))
    assert page.get_by_text("Filter “Active ones” saved.").is_visible()
    page.goto("/staff/cases")
    page.get_by_role("link", name="Active ones").click()
    page.wait_for_url(re.compile(r"status=active"))
    assert page.locator("table.cases-table tbody tr").count() == 2

    # Tick both cases (by their labelled checkboxes), add a tag, then assign them.
    page.get_by_label(f"Select {first.reference}").check()
    page.get_by_label(f"Select {second.reference}").check()
    page.fill("#bulk-tag", "Appeal Watch")
    page.get_by_role("button", name="Add the tag").click()
    page.wait_for_url(re.compile(r"status=active"))
    assert page.get_by_text("2 cases tagged.").is_visible()
    assert page.locator("table.cases-table .tag", has_text="appeal watch").count() == 2
    page.get_by_role("link", name="Select every case on this page").click()
    page.select_option("#bulk-assignee", str(helper.id))
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("2 cases assigned.").wait_for()
    db.session.expire_all()
    for case_id in (first.id, second.id):
        case = db.session.get(Case, case_id)
        assert "appeal watch" in [t.name for t in case.tags]
        assert helper.id in [u.id for u in case.assignees]

    # The dashboard: the overdue deadline with its days late, the chart opening the filtered list.
    page.goto("/staff/")
    assert page.get_by_role("region", name="My deadlines").get_by_text("4 days late").is_visible()
    page.select_option("#deadline-window", "90")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_text("Hearing").count() >= 1
    page.get_by_role("link", name="Closed").first.click()
    page.wait_for_url(re.compile(r"/staff/cases\?status=closed$"))
    assert page.locator("table.cases-table tbody tr").count() == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_axe_and_320px_on_the_list_dashboard_and_merge_pages(
    browser: Any, live_server: str, worklist: dict[str, Any], language: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from casefiles.cases import worklist as worklist_services

    worklist_services.save_filter(worklist["staff"], name="Urgent", query="priority=urgent")
    db.session.commit()
    first, second = worklist["first"], worklist["second"]
    pages = {
        "case-list": "/staff/cases?status=active",
        "case-list-selected": "/staff/cases?select=page",
        "dashboard": "/staff/",
        "case-with-duplicates": f"/staff/cases/{first.id}",
        "merge-start": f"/staff/cases/{first.id}/merge",
        "merge-confirm": f"/staff/cases/merge?keep={first.id}&merged={second.id}",
    }
    axe = Axe()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, Any] = {}
    for width in (1280, 320):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page = context.new_page()
        try:
            _sign_in(page, worklist["staff"])
            for name, url in pages.items():
                page.goto(url)
                assert page.locator("html").get_attribute("lang") == language
                if width == 1280:
                    results = axe.run(page, options={"runOnly": AXE_RULES})
                    violations = results.response["violations"]
                    if violations:
                        problems[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
                else:
                    sizes = page.evaluate(
                        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                    )
                    if sizes[0] > sizes[1]:
                        problems[f"{name}-320"] = f"scrolls sideways: {sizes}"
                page.screenshot(path=str(ARTIFACTS / f"worklist-{name}-{language}-{width}.png"), full_page=True)
        finally:
            context.close()
    assert not problems, problems
