"""Campaigns: supporter counts, chart, links to cases, versions and history, pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from casefiles.audit.models import AuditEntry
from casefiles.campaigns import services
from casefiles.campaigns.chart import supporters_chart
from casefiles.campaigns.models import Campaign
from casefiles.extensions import db
from casefiles.records.editing import StaleRecord
from casefiles.records.fields import FieldError


@pytest.fixture
def campaign(app: Any, make_user: Any) -> Campaign:
    staff = make_user("staff")
    made = services.create_campaign(
        actor=staff,
        values={
            "title_en": "Reinstate Dr. Haddad",
            "title_fr": "Réintégrez la Dre Haddad",
            "kind": "petition",
            "status": "in_progress",
            "targets": "Minister of Health\nCollège des médecins",
            "asks": "Reinstate her\nClear her record\nApologise",
            "start_date": "2023-11",
            "goal": "20,000",
        },
    )
    db.session.commit()
    return made


def test_latest_count_adds_up_every_source_and_growth(campaign: Campaign) -> None:
    assert services.latest_count(campaign) is None and services.growth(campaign) is None
    services.add_snapshot(campaign, actor=None, values={"date": date(2023, 11, 20), "count": 1200, "source": "Web"})
    services.add_snapshot(campaign, actor=None, values={"date": "2023-12-01", "count": "12,000", "source": "Web"})
    services.add_snapshot(
        campaign, actor=None, values={"date": date(2023, 12, 5), "count": 850, "source": "Paper", "channel": "paper"}
    )
    db.session.commit()
    assert services.latest_count(campaign) == (12_850, date(2023, 12, 5))
    assert services.growth(campaign) == 850
    assert services.totals_over_time(campaign) == [
        (date(2023, 11, 20), 1200),
        (date(2023, 12, 1), 12_000),
        (date(2023, 12, 5), 12_850),
    ]
    chart = supporters_chart(services.totals_over_time(campaign), campaign.goal)
    assert chart is not None and len(chart.points) == 3
    assert chart.points[0].x < chart.points[-1].x and chart.points[0].y > chart.points[-1].y
    assert chart.goal_y is not None and chart.goal_y < chart.points[-1].y  # the goal is above the latest count


def test_bad_values_are_refused_with_the_field_named(campaign: Campaign) -> None:
    with pytest.raises(FieldError) as error:
        services.add_snapshot(campaign, actor=None, values={"date": "yesterday", "count": 5})
    assert error.value.field == "date"
    with pytest.raises(FieldError) as error:
        services.add_snapshot(campaign, actor=None, values={"date": "2024-01-01", "count": -5})
    assert error.value.field == "count"
    with pytest.raises(FieldError) as error:
        services.update_campaign(campaign, actor=None, changes={"end_date": "2023-01"})
    assert error.value.field == "end_date"
    db.session.rollback()
    other = services.create_campaign(actor=None, values={"title_en": "Other", "external_ref": "C-1"})
    db.session.commit()
    with pytest.raises(FieldError) as error:
        services.update_campaign(campaign, actor=None, changes={"external_ref": "C-1"})
    assert error.value.field == "external_ref"
    db.session.rollback()
    with pytest.raises(FieldError) as error:
        services.create_campaign(actor=None, values={"title_en": "", "title_fr": ""})
    assert error.value.field == "title_en"
    db.session.rollback()
    assert other.external_ref == "C-1" and campaign.external_ref is None


def test_every_change_moves_the_version_and_is_audited(campaign: Campaign, make_case: Any) -> None:
    version = campaign.version
    services.update_campaign(campaign, actor=None, changes={"outcome": "victory"}, expected_version=version)
    db.session.commit()
    assert campaign.version == version + 1
    with pytest.raises(StaleRecord):
        services.update_campaign(campaign, actor=None, changes={"outcome": "setback"}, expected_version=version)
    services.add_snapshot(campaign, actor=None, values={"date": "2024-01-01", "count": 10})
    case = make_case()
    services.link_case(campaign, case, actor=None)
    db.session.commit()
    assert campaign.version == version + 3
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    for action in ("campaign.create", "campaign.update", "snapshot.create", "campaign.link_case", "case.link_campaign"):
        assert action in actions
    update = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "campaign.update")).one()
    assert update.changes == {"outcome": ["ongoing", "victory"]}
    # the audit keeps the version the change made
    assert update.object_type == "campaign" and update.object_version == version + 1
    count = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "snapshot.create")).one()
    assert count.object_type == "snapshot" and count.changes["count"] == [None, 10]


def test_many_to_many_with_cases(campaign: Campaign, make_case: Any) -> None:
    first, second = make_case(), make_case()
    other = services.create_campaign(actor=None, values={"title_fr": "Rassemblement", "kind": "event"})
    services.link_case(campaign, first, actor=None)
    services.link_case(campaign, second, actor=None)
    services.link_case(other, first, actor=None)
    assert services.link_case(other, first, actor=None) is False
    db.session.commit()
    assert [c.id for c in services.campaigns_for_case(first)] == [other.id, campaign.id]
    assert services.campaigns_for_case(second) == [campaign]
    services.unlink_case(campaign, second, actor=None)
    db.session.commit()
    assert services.campaigns_for_case(second) == []


def test_campaign_pages(campaign: Campaign, client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    response = client.post(
        "/staff/campaigns/new",
        data={"title_en": "Email your MP", "kind": "email", "status": "planned", "outcome": "ongoing", "goal": ""},
    )
    assert response.status_code == 302
    response = client.post(
        f"/staff/campaigns/{campaign.id}/snapshots", data={"date": "2023-12-01", "count": "12000", "channel": "online"}
    )
    assert response.status_code == 302
    client.post(f"/staff/campaigns/{campaign.id}/snapshots", data={"date": "2023-11-01", "count": "800"})
    bad = client.post(f"/staff/campaigns/{campaign.id}/snapshots", data={"date": "2023-13-01", "count": "x"})
    assert bad.status_code == 400 and 'id="count-error"' in bad.get_data(as_text=True)
    case = make_case(external_ref="AB-7")
    assert client.post(f"/staff/campaigns/{campaign.id}/cases", data={"reference": "AB-7"}).status_code == 302

    html = client.get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
    assert "<svg" in html and "<polyline" in html and 'role="img"' in html
    assert "The figures as a table" in html  # the text alternative to the chart
    assert "12,000" in html and "Goal: 20,000" in html
    assert "<ol><li>Reinstate her</li><li>Clear her record</li><li>Apologise</li></ol>" in html
    assert "AB-7" in html
    assert 'style="' not in html and "<script>" not in html

    listing = client.get("/staff/campaigns/").get_data(as_text=True)
    assert "Reinstate Dr. Haddad" in listing and "12,000" in listing and "+11,200" in listing
    case_page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Reinstate Dr. Haddad" in case_page

    edit = client.get(f"/staff/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert "Collège des médecins" in edit
    db.session.expire_all()
    shown = db.session.get(Campaign, campaign.id).version
    # Changes that touch none of the form's fields (counts, links) save over without a merge ...
    services.link_case(db.session.get(Campaign, campaign.id), make_case(), actor=None)
    db.session.commit()
    # ... a change to a field of the form opens the merge view.
    services.update_campaign(db.session.get(Campaign, campaign.id), actor=None, changes={"title_en": "Theirs"})
    db.session.commit()
    stale = client.post(
        f"/staff/campaigns/{campaign.id}/edit",
        data={
            "title_en": "Changed",
            "kind": "petition",
            "status": "planned",
            "outcome": "ongoing",
            "version": str(shown),
        },
    )
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Someone else saved this while you were editing" in html
    assert 'value="Changed"' in html  # the draft is kept

    confirm = client.get(f"/staff/campaigns/{campaign.id}/delete")
    assert confirm.status_code == 200 and "Delete this campaign?" in confirm.get_data(as_text=True)
    db.session.expire_all()
    shown = db.session.get(Campaign, campaign.id).version
    stale_delete = client.post(
        f"/staff/campaigns/{campaign.id}/delete", data={"confirm": "1", "version": str(shown - 1)}
    )
    assert stale_delete.status_code == 200 and "Someone changed this since you opened it" in stale_delete.get_data(
        as_text=True
    )
    assert db.session.get(Campaign, campaign.id) is not None
    deleted = client.post(f"/staff/campaigns/{campaign.id}/delete", data={"confirm": "1", "version": str(shown)})
    assert deleted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id) is None


def test_french_page_shows_the_french_title(campaign: Campaign, client: Any, login: Any) -> None:
    login("staff")
    client.set_cookie("lang", "fr")
    html = client.get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Réintégrez la Dre Haddad" in html


def test_empty_list_and_volunteer_refused(app: Any, client: Any, login: Any) -> None:
    login("staff")
    assert "No campaign yet" in client.get("/staff/campaigns/").get_data(as_text=True)
    client.post("/logout")
    login("volunteer")
    assert client.get("/staff/campaigns/").status_code == 403


def test_case_page_panel_shows_what_the_case_view_passes(campaign: Campaign, make_case: Any, app: Any) -> None:
    from flask import render_template

    from casefiles.organizations.services import create_organization, set_case_partners

    case = make_case()
    services.link_case(campaign, case, actor=None)
    org = create_organization(actor=None, values={"name": "Clinique juridique – Est"})
    set_case_partners(case, [org], actor=None)
    db.session.commit()
    from casefiles.campaigns.views import case_campaign_context

    context = case_campaign_context(case)
    assert set(context) == {"case_campaigns", "case_partners", "case_partners_form"}
    assert context["case_campaigns"] == [campaign] and context["case_partners"] == [org]
    assert context["case_partners_form"].names.data == "Clinique juridique – Est"
    with app.test_request_context():
        html = render_template("campaigns/_case_campaigns.html", case=case, **context)
    assert "Reinstate Dr. Haddad" in html and "Clinique juridique – Est" in html
    assert "not part of any campaign" not in html
