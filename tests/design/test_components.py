"""Components fixed by the design system, seen in Chromium: the upload page shows no progress bar before an upload
and styles its file button; the campaign chart spans the page and keeps its last date label inside the picture."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from support import PASSWORD

from casefiles.extensions import db

pytestmark = pytest.mark.browser


def _sign_in(page: Any, user: Any) -> None:
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def test_upload_progress_stays_hidden_until_an_upload_starts(page: Any, make_user: Any, make_case: Any) -> None:
    _sign_in(page, make_user("staff"))
    case = make_case()
    page.goto(f"/staff/cases/{case.id}/documents/new")
    progress = page.locator("[data-upload-progress]")
    assert progress.count() == 1 and not progress.is_visible()
    assert not page.get_by_text("Uploading…").is_visible()
    button = page.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('input[type=file]'), '::file-selector-button');
                   return [s.borderTopWidth, s.borderTopColor, s.fontWeight]; }"""
    )
    assert button == ["2px", "rgb(11, 83, 148)", "600"], button  # the secondary button of the design system


def test_campaign_chart_uses_the_width_and_keeps_its_last_label(page: Any, make_user: Any) -> None:
    from casefiles.campaigns import services as campaigns

    staff = make_user("staff")
    campaign = campaigns.create_campaign(
        actor=staff, values={"title_en": "Reinstate the nurse", "status": "in_progress", "goal": 15000}
    )
    for day, count in ((date(2024, 1, 5), 1200), (date(2024, 2, 5), 8000), (date(2024, 12, 30), 12000)):
        campaigns.add_snapshot(campaign, actor=staff, values={"date": day, "count": count})
    db.session.commit()
    _sign_in(page, staff)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/staff/campaigns/{campaign.id}")
        sizes = page.evaluate(
            """() => {
              const svg = document.querySelector('.supporters-chart svg');
              const main = svg.closest('figure').parentElement;  // the block the chart sits in
              const box = svg.getBoundingClientRect();
              const labels = Array.from(svg.querySelectorAll('text.axis-label')).map(t => t.getBBox());
              const viewWidth = svg.viewBox.baseVal.width;
              return {svg: box.width, main: main.clientWidth - parseFloat(getComputedStyle(main).paddingLeft)
                      - parseFloat(getComputedStyle(main).paddingRight),
                      right: Math.max(...labels.map(b => b.x + b.width)), left: Math.min(...labels.map(b => b.x)),
                      viewWidth};
            }"""
        )
        assert sizes["svg"] >= 0.95 * sizes["main"], sizes
        assert 0 <= sizes["left"] and sizes["right"] <= sizes["viewWidth"], sizes
