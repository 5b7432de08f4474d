"""Public campaigns: the index (in progress and completed), a page per campaign, the campaign update, the case
page's campaigns, the API and the sitemap. Planned and cancelled campaigns never show; neither does a campaign
whose cases are all unpublished."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)

from casefiles.campaigns import services as campaigns
from casefiles.extensions import db


@pytest.fixture
def campaign_set(make_published: Any, make_case: Any, staff: Any) -> dict[str, Any]:
    case = make_published(title="Nurse suspended for a post", outcome="victory")
    hidden_case = make_case(title="Unpublished case")
    victory = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Reinstate the nurse",
            "title_fr": "Réintégrez l’infirmière",
            "description_en": "She was **reinstated** in March.",
            "description_fr": "Elle a été **réintégrée** en mars.",
            "status": "completed",
            "outcome": "victory",
            "targets": ["College of Nurses"],
            "asks": ["Lift the suspension", "Clear her record"],
            "external_url": "https://petitions.example.org/done",
            "goal": 99999,
        },
    )
    running = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Protect nurses who speak",
            "call_to_action_en": "Write to the minister.",
            "external_url": "https://petitions.example.org/speak",
            "status": "in_progress",
            "outcome": "ongoing",
        },
    )
    planned = campaigns.create_campaign(actor=staff, values={"title_en": "Planned rally", "status": "planned"})
    cancelled = campaigns.create_campaign(actor=staff, values={"title_en": "Cancelled drive", "status": "cancelled"})
    orphan = campaigns.create_campaign(
        actor=staff, values={"title_en": "Campaign of an unpublished case", "status": "in_progress"}
    )
    for campaign in (victory, running, planned, cancelled):
        campaigns.link_case(campaign, case, actor=staff)
    campaigns.link_case(orphan, hidden_case, actor=staff)
    campaigns.add_snapshot(victory, actor=staff, values={"date": date(2024, 1, 10), "count": 4000, "source": "web"})
    campaigns.add_snapshot(victory, actor=staff, values={"date": date(2024, 3, 1), "count": 11000, "source": "web"})
    campaigns.add_snapshot(
        victory, actor=staff, values={"date": date(2024, 3, 1), "count": 1000, "source": "paper drive"}
    )
    db.session.commit()
    return {
        "case": case,
        "victory": victory,
        "running": running,
        "hidden": [planned, cancelled, orphan],
    }


def test_index_lists_running_and_completed_campaigns_never_planned_ones(client: Any, campaign_set: dict) -> None:
    page = client.get("/en/campaigns")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Reinstate the nurse" in text and "Protect nurses who speak" in text
    assert text.index("Protect nurses who speak") < text.index("Reinstate the nurse")  # in progress first
    assert "12,000 supporters" in text and "Nurse suspended for a post" in text
    for hidden in ("Planned rally", "Cancelled drive", "Campaign of an unpublished case", "Unpublished case"):
        assert hidden not in text


def test_campaign_page_shows_outcome_targets_asks_chart_and_cases(client: Any, campaign_set: dict) -> None:
    victory = campaign_set["victory"]
    text = client.get(f"/en/campaigns/{victory.id}").get_data(as_text=True)
    assert "Reinstate the nurse" in text and "<strong>reinstated</strong>" in text
    assert "Victory" in text and "Completed" in text
    assert "College of Nurses" in text and "Lift the suspension" in text and "Clear her record" in text
    assert "<svg" in text and "12,000" in text and "4,000" in text
    assert "Nurse suspended for a post" in text
    # A completed campaign has nothing left to join; its private details stay inside.
    assert "petitions.example.org/done" not in text
    assert "paper drive" not in text and "99,999" not in text
    running = client.get(f"/en/campaigns/{campaign_set['running'].id}").get_data(as_text=True)
    assert "Write to the minister." in running and 'href="https://petitions.example.org/speak"' in running


def test_planned_cancelled_and_unpublished_answer_like_missing(client: Any, campaign_set: dict) -> None:
    missing = client.get("/en/campaigns/999999")
    assert missing.status_code == 404
    for campaign in campaign_set["hidden"]:
        answer = client.get(f"/en/campaigns/{campaign.id}")
        assert answer.status_code == 404
        path = f"/campaigns/{campaign.id}".encode()
        assert answer.data.replace(path, b"PATH") == missing.data.replace(b"/campaigns/999999", b"PATH")
        assert client.get(f"/api/v1/campaigns/{campaign.id}").status_code == 404


def test_updates_page_groups_victories_positive_and_ongoing(client: Any, campaign_set: dict) -> None:
    text = client.get("/en/campaigns/updates").get_data(as_text=True)
    victories = text.index('id="update-victory"')
    positive = text.index('id="update-positive"')
    ongoing = text.index('id="update-ongoing"')
    assert victories < text.index("Reinstate the nurse") < positive < ongoing < text.index("Protect nurses who speak")
    assert "12,000 supporters in all" in text and "Planned rally" not in text


def test_case_page_shows_completed_campaigns_too(client: Any, campaign_set: dict) -> None:
    slug = campaign_set["case"].public_slug
    text = client.get(f"/en/cases/{slug}").get_data(as_text=True)
    assert "Reinstate the nurse" in text and "Protect nurses who speak" in text
    assert f'href="/en/campaigns/{campaign_set["victory"].id}"' in text
    assert "Planned rally" not in text and "Cancelled drive" not in text


def test_french_pages(client: Any, campaign_set: dict) -> None:
    client.set_cookie("lang", "fr")
    text = client.get(f"/fr/campaigns/{campaign_set['victory'].id}").get_data(as_text=True)
    assert "Réintégrez l’infirmière" in text and "<strong>réintégrée</strong>" in text
    assert "12\u00a0000" in text or "12\u202f000" in text
    assert client.get("/fr/campaigns/updates").status_code == 200


def test_api_and_sitemap(client: Any, campaign_set: dict) -> None:
    items = client.get("/api/v1/campaigns").get_json()["items"]
    assert [i["title"] for i in items] == ["Protect nurses who speak", "Reinstate the nurse"]
    done = items[1]
    assert done["status"] == "completed" and done["outcome"] == "victory" and done["supporter_count"] == 12000
    over_time = [{"date": "2024-01-10", "count": 4000}, {"date": "2024-03-01", "count": 12000}]
    assert done["supporters_over_time"] == over_time
    assert done["cases"][0]["slug"] == campaign_set["case"].public_slug and done["join_url"] == ""
    one = client.get(f"/api/v1/campaigns/{campaign_set['victory'].id}")
    assert one.get_json() == done and one.headers["ETag"]
    assert "paper drive" not in one.get_data(as_text=True) and "goal" not in one.get_json()
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"/en/campaigns/{campaign_set['victory'].id}</loc>" in sitemap and "/en/campaigns/updates</loc>" in sitemap
    for campaign in campaign_set["hidden"]:
        assert f"/en/campaigns/{campaign.id}</loc>" not in sitemap


def test_unpublishing_the_case_takes_its_campaigns_off(client: Any, campaign_set: dict, staff: Any) -> None:
    from casefiles.public.services import unpublish_case

    victory = campaign_set["victory"]
    assert client.get(f"/en/campaigns/{victory.id}").status_code == 200
    unpublish_case(campaign_set["case"], actor=staff, reason="Consent withdrawn")
    db.session.commit()
    assert client.get(f"/en/campaigns/{victory.id}").status_code == 404
    assert "Reinstate the nurse" not in client.get("/en/campaigns").get_data(as_text=True)
    assert client.get("/api/v1/campaigns").get_json()["items"] == []


def test_campaigns_feed(client: Any, campaign_set: dict) -> None:
    import xml.etree.ElementTree as ET

    answer = client.get("/en/campaigns/feed.atom")
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    root = ET.fromstring(answer.data)  # noqa: S314 - our own feed
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in root.iter(f"{atom}entry")]
    assert sorted(titles) == ["Protect nurses who speak", "Reinstate the nurse"]
    summaries = " ".join(e.findtext(f"{atom}summary") for e in root.iter(f"{atom}entry"))
    assert "Victory" in summaries and "12,000 supporters" in summaries
    assert "/en/campaigns/feed.atom" in client.get("/en/campaigns").get_data(as_text=True)
