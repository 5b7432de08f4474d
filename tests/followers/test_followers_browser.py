"""Following by email in real Chromium against the live server, with a real SMTP server on loopback: a reader
follows a case from its page, confirms from the email, receives exactly one digest for a published update and
nothing for private edits, and unsubscribes in one click (and a mail client's RFC 8058 POST, without any CSRF token,
unsubscribes too). axe finds nothing on the new pages (following, sign-on letters, requests to sign, reminders) in
English and French, and nothing scrolls sideways at 320 px."""

# ruff: noqa: F811 - test arguments are fixtures
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from follower_fixtures import confirm_link, unsubscribe_link, url
from petition_fixtures import petition, smtp  # noqa: F401
from public_fixtures import _fresh_projection_cache, client, make_published, publish, staff  # noqa: F401
from smtp_inbox import html_of, text_of
from sqlalchemy import func, select
from support import PASSWORD

from casefiles.cases import services as case_services
from casefiles.extensions import db
from casefiles.followers.models import Follow
from casefiles.followers.services import send_digests
from casefiles.mail.services import deliver_due

pytestmark = pytest.mark.browser
TIME_TRAP = 3_200  # ms: the follow form refuses answers sent sooner than a person types (FOLLOW_MIN_SECONDS = 3)


@pytest.fixture
def case(make_published: Any) -> Any:
    return make_published(title="Teacher dismissed for a classroom debate")


@pytest.fixture
def links_to(app: Any, live_server: str) -> str:
    app.config["PUBLIC_BASE_URL"] = live_server  # digests link to the live server
    return live_server


def _digests(smtp: Any, address: str) -> list[Any]:
    return [m for m in smtp.inbox.to(address) if m["List-Unsubscribe"]]


def test_follow_confirm_one_digest_for_a_published_update_none_for_private_edits_then_unsubscribe(
    app: Any, page: Any, live_server: str, links_to: str, case: Any, smtp: Any, staff: Any
) -> None:
    page.goto(url(app, "public.case", slug=case.public_slug, lang="en"))
    page.get_by_label("Your email").fill("reader@example.org")
    page.wait_for_timeout(TIME_TRAP)
    page.get_by_role("button", name="Follow by email").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert deliver_due()["sent"] == 1
    (message,) = smtp.inbox.to("reader@example.org")
    page.goto(confirm_link(message))
    page.get_by_role("button", name="Confirm: email me the updates").click()
    page.get_by_role("heading", name="Thank you: you follow this page").wait_for()

    # Private edits: nothing.
    event = case_services.add_event(case, actor=staff, values={"date": "2024-05", "title": "Qzprivate union meeting"})
    case_services.update_case(case, actor=staff, changes={"private_notes": "Qzprivate note"})
    db.session.commit()
    case_services.update_event(event, actor=staff, values={"description": "Qzprivate minutes"})
    db.session.commit()
    assert send_digests() == 0
    db.session.commit()
    deliver_due()
    assert _digests(smtp, "reader@example.org") == []

    # A published update: one digest, however many times the digest runs.
    case_services.add_event(
        case, actor=staff, values={"date": "2024-06-03", "title": "Grievance filed by the union", "is_public": True}
    )
    db.session.commit()
    for _ in range(3):
        send_digests()
        db.session.commit()
        deliver_due()
    (digest,) = _digests(smtp, "reader@example.org")
    assert "Grievance filed by the union" in text_of(digest)
    assert "qzprivate" not in (text_of(digest) + html_of(digest)).lower()

    # The digest's link leads to the case page.
    page.goto(re.search(r"Read it: (\S+)", text_of(digest)).group(1))
    assert page.get_by_text("Grievance filed by the union").first.is_visible()

    # Unsubscribe in one click from the email's link (https in the header; the loopback server speaks http).
    link = unsubscribe_link(digest)
    page.goto(live_server + urlsplit(link).path)
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token(
    app: Any, page: Any, live_server: str, links_to: str, case: Any, smtp: Any, staff: Any
) -> None:
    from casefiles.followers import services

    services.request_follow(
        kind="case",
        target_id=case.id,
        email="client@example.org",
        locale="fr",
        title=case.title,
        confirm_url=lambda token: token,
    )
    db.session.commit()
    deliver_due()
    token = text_of(smtp.inbox.to("client@example.org")[0]).split("\n")[4].strip()
    with app.test_request_context("/"):
        assert services.confirm(token) is not None
    db.session.commit()
    case_services.add_event(case, actor=staff, values={"date": "2024-07", "title": "Hearing", "is_public": True})
    db.session.commit()
    assert send_digests() == 1
    db.session.commit()
    deliver_due()
    (digest,) = _digests(smtp, "client@example.org")
    link = unsubscribe_link(digest)
    target = live_server + urlsplit(link).path
    # The live server enforces CSRF everywhere else: a plain POST without a token is refused...
    refused = page.request.post(live_server + url(app, "reminders.preferences"), form={"enabled": "y"})
    assert refused.status in (302, 400, 403)
    # ...but the one-click POST of RFC 8058 needs only the signed token of its address.
    answer = page.request.post(target, form={"List-Unsubscribe": "One-Click"}, max_redirects=0)
    assert answer.status == 200
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0


def _sign_in(page: Any, user: Any) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/"))


@pytest.fixture
def new_pages(app: Any, live_server: str, links_to: str, case: Any, petition: Any, smtp: Any, staff: Any) -> Any:
    """Every new page (public and staff), by name -> path, with the data that fills them."""
    from casefiles.followers import services
    from casefiles.letters import entries
    from casefiles.letters import services as letters
    from casefiles.organizations import services as organizations

    organizations.create_organization(actor=staff, values={"name": "Ligue des droits et libertés"})
    letter = letters.create_letter(
        actor=staff,
        values={
            "title": "Open letter on academic freedom",
            "addressee": "Minister of Education",
            "body_en": "We, the undersigned organizations, ask you to protect free expression.",
            "body_fr": "Nous, organisations signataires, vous demandons de protéger la liberté d’expression.",
            "is_public": True,
        },
    )
    letters.add_signatories(letter, "Amnesty International Canada\nCanadian Civil Liberties Association", actor=staff)
    entries.submit_entry(
        letter,
        values={
            "organization_name": "La Ligue des droits et libertes",
            "contact_name": "Ana",
            "contact_email": "ana@example.org",
        },
        locale="fr",
    )
    services.request_follow(
        kind="case",
        target_id=case.id,
        email="axe@example.org",
        locale="en",
        title=case.title,
        confirm_url=lambda token: f"{live_server}/confirm/{token}",
    )
    db.session.commit()
    deliver_due()
    token = text_of(smtp.inbox.to("axe@example.org")[0]).split("\n")[4].strip().rsplit("/", 1)[-1]
    follow = db.session.scalars(select(Follow)).one()
    with app.test_request_context("/"):
        unsubscribe = urlsplit(
            services.https_url("followers.unsubscribe", token=services.unsubscribe_token(follow))
        ).path

    def pages(lang: str) -> dict[str, str]:
        return {
            "case with follow form": url(app, "public.case", slug=case.public_slug, lang=lang),
            "campaign with follow form": url(app, "public_campaigns.campaign", campaign_id=petition.id, lang=lang),
            "follow a case": url(app, "followers.follow_case", slug=case.public_slug, lang=lang),
            "follow a campaign": url(app, "followers.follow_campaign", campaign_id=petition.id, lang=lang),
            "confirm following": url(app, "followers.confirm", token=token, lang=lang),
            "link used": url(app, "followers.confirm", token="no-such-link", lang=lang),
            "unsubscribe": unsubscribe,
            "letters": url(app, "public_letters.index", lang=lang),
            "letter": url(app, "public_letters.letter", letter_id=letter.id, lang=lang),
            "add your organization": url(app, "public_letters.sign", letter_id=letter.id, lang=lang),
        }

    staff_pages = {
        "requests to sign": url(app, "letter_entries.index", letter_id=letter.id),
        "reminders": url(app, "reminders.preferences"),
    }
    return pages, staff_pages


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}


def _check(page: Any, axe: Any, name: str, width: int) -> list[Any]:
    if width == 320:
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{name} scrolls sideways at 320 px: {widths}"
        return []
    violations = axe.run(page, options=RULES).response["violations"]
    return [(name, v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_new_pages_pass_axe_and_fit_320px(
    browser: Any, live_server: str, new_pages: Any, staff: Any, language: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    pages, staff_pages = new_pages
    axe = Axe()
    for width in (1280, 320):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page = context.new_page()
        try:
            problems: list[Any] = []
            for name, path in pages(language).items():
                page.goto(path)
                assert page.locator("html").get_attribute("lang") == language, name
                problems += _check(page, axe, name, width)
            # The forms with their errors, and their answers.
            page.goto(pages(language)["follow a case"])
            _submit(page, "form.follow-form button[type=submit]")
            problems += _check(page, axe, "follow form with errors", width)
            page.goto(pages(language)["add your organization"])
            _submit(page, "form.letter-form button[type=submit]")
            problems += _check(page, axe, "letter form with errors", width)
            page.goto(pages(language)["case with follow form"])
            page.locator("form.follow-form input[type=email]").fill("someone@example.org")
            page.wait_for_timeout(TIME_TRAP)
            _submit(page, "form.follow-form button[type=submit]")
            problems += _check(page, axe, "check your email", width)
            page.goto(pages(language)["add your organization"])
            page.locator("#organization_name").fill("Réseau québécois")
            page.locator("#contact_name").fill("Ana Roy")
            page.locator("#contact_email").fill("ana@example.org")
            page.wait_for_timeout(TIME_TRAP)
            _submit(page, "form.letter-form button[type=submit]")
            problems += _check(page, axe, "request sent", width)
            page.goto(pages(language)["unsubscribe"])
            if page.locator("main form button[type=submit]").count():  # the first width unsubscribes for good
                _submit(page, "main form button[type=submit]")
            problems += _check(page, axe, "unsubscribed", width)
            _sign_in(page, staff)
            for name, path in staff_pages.items():
                page.goto(path)
                problems += _check(page, axe, name, width)
            assert not problems, problems
        finally:
            context.close()
