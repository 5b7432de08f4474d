"""Evidence pages in real headless Chromium, in English and French: a capture asked for through the case page's
form returns at once and shows its status (the live server is not allowed loopback, so its capture of the test
server is refused and says why); a capture made with loopback allowed shows its provenance; a screenshot is marked
as evidence through the form. Every page passes axe-core and fits a 320 px screen."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pytest
from PIL import Image
from support import PASSWORD

from casefiles.documents import services as documents
from casefiles.evidence import services
from casefiles.extensions import db
from tests.evidence.loopback import loopback_server

pytestmark = pytest.mark.browser


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"EVIDENCE_FETCH_ALLOW_LOOPBACK": True}  # for the capture made by the test itself, not the live server


def _check(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert not violations, (page.url, violations)
    page.set_viewport_size({"width": 320, "height": 800})
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], (page.url, widths)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("language", ["en", "fr"])
def test_evidence_pages_in_the_browser(browser, live_server, make_user, make_case, language) -> None:  # noqa: ANN001
    staff = make_user("staff")
    case = make_case()
    with loopback_server() as (base, _requests):
        captured = services.request_capture(case, actor=staff, url=f"{base}/redirect")
        db.session.commit()
        services.run_capture(captured.id)
        image = io.BytesIO()
        Image.new("RGB", (200, 120), (250, 250, 250)).save(image, format="PNG")
        (screenshot,) = documents.upload_documents(
            case, actor=staff, files=[("post.png", io.BytesIO(image.getvalue()))], values={"title": "Screenshot"}
        )
        db.session.commit()
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page = context.new_page()
        try:
            page.goto("/login")
            page.fill("#email", staff.email)
            page.fill("#password", PASSWORD)
            page.locator("main form button[type=submit]").last.click()
            page.wait_for_url(re.compile(r"/staff/"))

            page.goto(f"/staff/cases/{case.id}#evidence")
            assert "Message du recteur" in page.locator("#evidence").inner_text()
            _check(page)

            # Asked through the form: the request returns at once with the status.
            page.fill("#url", f"{base}/page")
            page.locator("#evidence form button[type=submit]").click()
            page.wait_for_url(re.compile(r"/staff/evidence/\d+$"))
            for _ in range(60):
                if page.locator(".error-message").count():
                    break
                time.sleep(0.5)
                page.reload()
            assert page.locator(".error-message").count() == 1  # loopback refused outside the tests' own app
            _check(page)

            page.goto(f"/staff/evidence/{captured.id}")
            assert captured.sha256 in page.content()
            _check(page)
            page.goto(f"/staff/documents/{captured.document_id}")
            _check(page)

            page.goto(f"/staff/documents/{screenshot.id}/evidence")
            page.fill("#source_url", "https://social.example/post/42")
            page.fill("#captured_at", "2023-11-14 09:30")
            page.select_option("#captured_zone", "America/Toronto")
            _check(page)
            page.locator("main form button[type=submit]").last.click()
            page.wait_for_url(re.compile(rf"/staff/documents/{screenshot.id}$"))
            assert "2023-11-14 09:30:00 EST (America/Toronto)" in page.content()
            _check(page)
        finally:
            context.close()
