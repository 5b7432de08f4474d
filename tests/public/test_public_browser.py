"""Every public page in real headless Chromium, in English and French: axe-core finds no violation, a keyboard-only
walk reaches every control with a visible focus, nothing scrolls sideways at 320 px; a screenshot of each page."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)

from casefiles.extensions import db

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), "
    "textarea:not([disabled]), [tabindex]:not([tabindex='-1'])"
)

_FOCUS_INFO = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  if (!el.dataset.walkId) el.dataset.walkId = String(Math.random());
  return {id: el.dataset.walkId, tag: el.tagName, text: (el.innerText || el.value || el.name || '').slice(0, 40),
          visible: outline || shadow};
}"""

_CONTROLS = """(selector) => Array.from(document.querySelectorAll(selector)).filter(el => {
  const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
}).map(el => { if (!el.dataset.walkId) el.dataset.walkId = String(Math.random()); return el.dataset.walkId; })"""


@pytest.fixture
def public_pages(make_published: Any, staff: Any) -> dict[str, str]:
    from casefiles.public.services import update_public_content

    case = make_published(
        title="Nursing student suspended over a social-media post about working conditions",
        public_summary=(
            "In **November 2023**, the college suspended her for a post describing understaffed night shifts.\n\n"
            "- The post named no patient.\n- The college called it *unprofessional*.\n\n"
            "[Read the statement](https://example.org/statement)"
        ),
        outcome="positive",
        person={"legal_name": "Jeanne-Marie Tremblay", "name_consent": "initials", "category": "student"},
        events=[
            {"date": "2023-11", "title": "Suspended for one term", "is_public": True, "kind": "sanction"},
            {"date": "2024-02-20", "title": "Appeal hearing", "is_public": True, "kind": "hearing"},
        ],
    )
    update_public_content(
        case,
        actor=staff,
        values={"featured": True, "title_fr": "Étudiante infirmière suspendue pour une publication"},
        correction={"note": "An earlier version gave the wrong month for the hearing."},
    )
    make_published(title="Teacher reprimanded for a letter to a newspaper", outcome="victory")
    from datetime import date

    from casefiles.campaigns import services as campaigns

    won = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Reinstate the nursing student",
            "title_fr": "Réintégrez l’étudiante infirmière",
            "description_en": "The college **lifted** the suspension.",
            "status": "completed",
            "outcome": "victory",
            "targets": ["College of Nurses"],
            "asks": ["Lift the suspension"],
        },
    )
    running = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Protect students who speak",
            "call_to_action_en": "Write to the minister.",
            "external_url": "https://petitions.example.org/speak",
            "status": "in_progress",
        },
    )
    for campaign in (won, running):
        campaigns.link_case(campaign, case, actor=staff)
    for day, count in ((date(2024, 1, 5), 1200), (date(2024, 2, 5), 8000), (date(2024, 3, 5), 12000)):
        campaigns.add_snapshot(won, actor=staff, values={"date": day, "count": count})
    db.session.commit()
    slug = case.public_slug
    return {
        "home": "/en/",
        "index": "/en/cases",
        "search-empty": "/en/cases?q=nothingmatchesthis",
        "case": f"/en/cases/{slug}",
        "not-found": "/en/cases/no-such-case",
        "campaigns": "/en/campaigns",
        "campaign": f"/en/campaigns/{won.id}",
        "campaign-running": f"/en/campaigns/{running.id}",
        "campaign-updates": "/en/campaigns/updates",
        "institution": f"/en/institutions/{case.institution_id}",
    }


def _set_language(page: Any, live_server: str, language: str) -> None:
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_axe_finds_no_violation_and_screenshots(page: Any, live_server: str, public_pages: dict, language: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    _set_language(page, live_server, language)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, url in public_pages.items():
        page.goto(url.replace("/en/", f"/{language}/", 1))
        assert page.locator("html").get_attribute("lang") == language
        results = axe.run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]})
        violations = results.response["violations"]
        if violations:
            problems[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        page.screenshot(path=str(ARTIFACTS / f"public-{name}-{language}.png"), full_page=True)
    assert not problems, problems
    # Fonts, scripts and styles are our own: no request ever leaves for another host.
    assert requested and all(url.startswith((live_server, "data:")) for url in requested), requested


@pytest.mark.parametrize("language", ["en", "fr"])
def test_nothing_scrolls_sideways_at_320px(browser: Any, live_server: str, public_pages: dict, language: str) -> None:
    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 640})
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = context.new_page()
    try:
        for name, url in public_pages.items():
            page.goto(url.replace("/en/", f"/{language}/", 1))
            widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"{name} scrolls sideways at 320 px: {widths}"
            page.screenshot(path=str(ARTIFACTS / f"public-{name}-{language}-320.png"), full_page=True)
    finally:
        context.close()


def test_keyboard_walk_reaches_every_control_with_visible_focus(page: Any, public_pages: dict) -> None:
    for name, url in public_pages.items():
        page.goto(url)
        controls = set(page.evaluate(_CONTROLS, FOCUSABLE))
        reached: dict[str, dict] = {}
        for _ in range(len(controls) + 10):
            page.keyboard.press("Tab")
            info = page.evaluate(_FOCUS_INFO)
            if info is None:
                continue
            if info["id"] in reached:
                break
            reached[info["id"]] = info
        missing = controls - set(reached)
        assert not missing, f"{name}: {len(missing)} controls never reached by Tab"
        invisible = [i for i in reached.values() if not i["visible"]]
        assert not invisible, f"{name}: focus not visible on {invisible[:3]}"
