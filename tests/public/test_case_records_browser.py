"""A public case page with a group, a harm and a legal proceeding, in real headless Chromium, in English and
French: axe-core finds no violation and nothing scrolls sideways at 320 px."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

from typing import Any

import pytest
from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)
from test_public_case_records import _group_case

pytestmark = pytest.mark.browser


@pytest.fixture
def records_page(make_case: Any, publish: Any, staff: Any) -> str:
    return f"/en/cases/{_group_case(make_case, publish, staff).public_slug}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_case_page_with_records_passes_axe_and_fits_320px(
    browser: Any, live_server: str, records_page: str, language: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    for width in (1280, 320):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page = context.new_page()
        try:
            page.goto(records_page.replace("/en/", f"/{language}/", 1))
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("#proceedings").count() == 1 and page.locator("#harms").count() == 1
            results = Axe().run(
                page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
            )
            violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
            assert not violations, violations
            widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"scrolls sideways at {width} px: {widths}"
        finally:
            context.close()
