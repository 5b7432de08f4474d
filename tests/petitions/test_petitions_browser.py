"""A supporter signs in real Chromium against the live server; the confirmation email goes through a real SMTP
server on loopback; the link confirms; the count moves by one, once. axe finds nothing on the petition pages in
English and French, and nothing scrolls sideways at 320 px."""

# ruff: noqa: F811 - test arguments are fixtures
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "public"))
from petition_fixtures import confirmation_link, petition, smtp  # noqa: E402, F401
from public_fixtures import (  # noqa: E402, F401
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)

from casefiles.mail.services import deliver_due  # noqa: E402

pytestmark = pytest.mark.browser
TIME_TRAP = 3_200  # ms: the form refuses answers sent sooner than a person types (PETITION_MIN_SECONDS = 3)


def _supporters(page: Any, campaign_id: int) -> str:
    page.goto(f"/en/campaigns/{campaign_id}")
    return page.locator("dl.facts dd").nth(2).inner_text()


def _sign(page: Any, campaign_id: int, email: str, listed: bool = True) -> None:
    page.goto(f"/en/campaigns/{campaign_id}")
    page.get_by_role("link", name="Sign the petition").click()
    page.get_by_label("Your name").fill("Marie Tremblay")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Province or postal code").fill("H2X 1Y4")
    page.get_by_label("City (optional)").fill("Montréal")
    if listed:
        page.get_by_label("Show my first name and city among the signers.").check()
    page.wait_for_timeout(TIME_TRAP)
    page.get_by_role("button", name="Sign", exact=True).click()
    page.get_by_role("heading", name="Check your email").wait_for()  # the answer page, once it has loaded


def test_sign_confirm_by_email_then_the_same_email_counts_nothing(page: Any, petition: Any, smtp: Any) -> None:
    assert _supporters(page, petition.id).startswith("500")
    _sign(page, petition.id, "marie@example.org")
    assert deliver_due()["sent"] == 1
    (message,) = smtp.inbox.to("marie@example.org")
    page.goto(confirmation_link(message))
    page.get_by_role("button", name="Confirm my signature").click()
    page.get_by_role("heading", name="Thank you: your signature counts").wait_for()
    assert _supporters(page, petition.id).startswith("501")
    assert page.get_by_text("Marie (Montréal)").is_visible()
    # The same email again: the same answer, no email, no count.
    _sign(page, petition.id, "Marie@Example.org")
    assert deliver_due()["sent"] == 0 and len(smtp.inbox.messages) == 1
    assert _supporters(page, petition.id).startswith("501")
    # The link was used: it no longer confirms anything.
    page.goto(confirmation_link(message))
    assert page.get_by_role("heading", name="This link no longer works").is_visible()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_petition_pages_pass_axe_and_fit_320px(
    browser: Any, live_server: str, petition: Any, smtp: Any, language: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from casefiles.extensions import db
    from casefiles.petitions import services

    services.sign(
        petition,
        values={"name": "Luc Roy", "email": "luc@example.org", "region": "QC", "city": "Gatineau", "listed": True},
        locale=language,
        confirm_url=lambda token: f"{live_server}/{language}/petitions/confirm/{token}",
        campaign_title="Reinstate the student",
    )
    db.session.commit()
    deliver_due()
    link = confirmation_link(smtp.inbox.to("luc@example.org")[0])
    pages = {
        "campaign": f"/{language}/campaigns/{petition.id}",
        "sign": f"/{language}/campaigns/{petition.id}/sign",
        "confirm": link.replace(live_server, ""),
        "link-used": f"/{language}/petitions/confirm/no-such-link",
    }
    axe = Axe()
    for width in (1280, 320):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page = context.new_page()
        try:
            problems = {}
            for name, url in pages.items():
                page.goto(url)
                assert page.locator("html").get_attribute("lang") == language
                if width == 320:
                    widths = page.evaluate(
                        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                    )
                    assert widths[0] <= widths[1], f"{name} scrolls sideways at 320 px: {widths}"
                    continue
                results = axe.run(
                    page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
                )
                violations = results.response["violations"]
                if violations:
                    problems[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
            assert not problems, problems
            if width == 1280:  # the form's errors too
                page.goto(pages["sign"])
                page.locator("form.petition-form button[type=submit]").click()
                results = axe.run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
                assert not results.response["violations"], results.response["violations"]
        finally:
            context.close()
