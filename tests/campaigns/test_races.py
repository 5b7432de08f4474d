"""Two people editing the same campaign, supporter count, organization or letter at once.

A saves first; B then saves the form they opened before A's save. B gets the merge view (409) with A's change
taken into the form and nothing of B's saved yet; A's value stays. B saves the merged form and both changes are
kept. Nothing along the way is a server error.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.campaigns import services as campaigns
from casefiles.campaigns.models import Campaign, SupporterSnapshot
from casefiles.extensions import db
from casefiles.letters import services as letters
from casefiles.letters.models import Letter, LetterSignatory
from casefiles.organizations import services as organizations
from casefiles.organizations.models import Organization

MERGE_NOTICE = "Someone else saved this while you were editing"


class _FormValues(HTMLParser):
    """The values a browser would post from the page's form that carries a version."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form[a["name"]] = a.get("value", "y")
            elif kind not in ("submit", "button"):
                self._form[a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form[self._textarea] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self._form[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            if self._form is not None and self._textarea:
                # The browser drops the one line break that follows <textarea>.
                text = self._form[self._textarea]
                text = text.removeprefix("\r\n") if text.startswith("\r\n") else text.removeprefix("\n")
                self._form[self._textarea] = text
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def form_values(html: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(html)
    forms = [f for f in parser.forms if "version" in f]
    assert forms, "no form with a version on the page"
    return forms[0]


@pytest.fixture
def two(app: Any, make_user: Any) -> tuple[Any, Any]:
    """Two staff members, each signed in on their own browser."""
    from conftest import AuthActions

    clients = []
    for _ in range(2):
        client = app.test_client()
        AuthActions(client, make_user)("staff")
        clients.append(client)
    return clients[0], clients[1]


def race(a: Any, b: Any, url: str, mine: dict[str, str], theirs: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A and B open the form; A saves `theirs`; B saves `mine` on the stale form. Returns B's merge page."""
    a_form = form_values(a.get(url).get_data(as_text=True))
    b_form = form_values(b.get(url).get_data(as_text=True))
    assert a_form["version"] == b_form["version"]
    saved = a.post(url, data={**a_form, **theirs})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    stale = b.post(url, data={**b_form, **mine})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409, html[:2000]
    assert MERGE_NOTICE in html
    merged = form_values(html)
    assert int(merged["version"]) > int(b_form["version"])  # the form now carries the version it was merged at
    for name, value in {**theirs, **mine}.items():
        assert merged[name] == value, name  # A's change taken in, B's draft kept
    return html, merged


def confirm(b: Any, url: str, merged: dict[str, str]) -> None:
    done = b.post(url, data=merged)
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]


def test_campaign_race(two: tuple[Any, Any]) -> None:
    a, b = two
    campaign = campaigns.create_campaign(
        actor=None, values={"title_en": "Reinstate her", "asks": "Reinstate her\nApologise", "goal": "500"}
    )
    db.session.commit()
    url = f"/staff/campaigns/{campaign.id}/edit"
    _, merged = race(a, b, url, mine={"goal": "1000"}, theirs={"title_fr": "Réintégrez-la", "status": "in_progress"})
    db.session.expire_all()
    kept = db.session.get(Campaign, campaign.id)
    assert kept.title_fr == "Réintégrez-la" and kept.status == "in_progress" and kept.goal == 500
    confirm(b, url, merged)
    db.session.expire_all()
    kept = db.session.get(Campaign, campaign.id)
    assert (kept.title_fr, kept.status, kept.goal) == ("Réintégrez-la", "in_progress", 1000)
    assert kept.asks == ["Reinstate her", "Apologise"]  # untouched fields survive both saves
    updates = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "campaign.update").order_by(AuditEntry.id)
    ).all()
    assert [sorted(e.changes) for e in updates] == [["status", "title_fr"], ["goal"]]


def test_campaign_race_on_the_same_field_asks_which_value_to_keep(two: tuple[Any, Any]) -> None:
    a, b = two
    campaign = campaigns.create_campaign(actor=None, values={"title_en": "Original"})
    db.session.commit()
    url = f"/staff/campaigns/{campaign.id}/edit"
    a_form = form_values(a.get(url).get_data(as_text=True))
    b_form = form_values(b.get(url).get_data(as_text=True))
    assert a.post(url, data={**a_form, "title_en": "A's title"}).status_code == 302
    stale = b.post(url, data={**b_form, "title_en": "B's title"})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "You both changed" in html and "A&#39;s title" in html
    merged = form_values(html)
    assert merged["title_en"] == "B's title" and merged["merge-title_en"] == "mine"
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).title_en == "A's title"
    confirm(b, url, {**merged, "merge-title_en": "theirs"})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).title_en == "A's title"


def test_supporter_count_race(two: tuple[Any, Any]) -> None:
    a, b = two
    campaign = campaigns.create_campaign(actor=None, values={"title_en": "Petition"})
    snap = campaigns.add_snapshot(campaign, actor=None, values={"date": date(2024, 1, 5), "count": 100})
    db.session.commit()
    url = f"/staff/campaigns/{campaign.id}/snapshots/{snap.id}/edit"
    page = a.get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
    assert url in page  # the count is corrected from the campaign page
    _, merged = race(a, b, url, mine={"source": "Paper drive"}, theirs={"count": "150"})
    db.session.expire_all()
    kept = db.session.get(SupporterSnapshot, snap.id)
    assert kept.count == 150 and kept.source == ""
    confirm(b, url, merged)
    db.session.expire_all()
    kept = db.session.get(SupporterSnapshot, snap.id)
    assert (kept.count, kept.source, kept.date) == (150, "Paper drive", date(2024, 1, 5))
    assert campaigns.latest_count(db.session.get(Campaign, campaign.id)) == (150, date(2024, 1, 5))
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "snapshot", AuditEntry.action == "snapshot.update")
    ).all()
    assert sorted(e.object_version for e in entries) == [2, 3]


def test_supporter_count_removed_after_someone_corrected_it_is_refused(two: tuple[Any, Any]) -> None:
    a, b = two
    campaign = campaigns.create_campaign(actor=None, values={"title_en": "Petition"})
    snap = campaigns.add_snapshot(campaign, actor=None, values={"date": date(2024, 1, 5), "count": 100})
    db.session.commit()
    shown = snap.version
    url = f"/staff/campaigns/{campaign.id}/snapshots/{snap.id}/edit"
    a_form = form_values(a.get(url).get_data(as_text=True))
    assert a.post(url, data={**a_form, "count": "120"}).status_code == 302
    refused = b.post(
        f"/staff/campaigns/{campaign.id}/snapshots/{snap.id}/delete",
        data={"confirm": "1", "version": str(shown)},
        follow_redirects=True,
    )
    assert refused.status_code == 200 and "Someone changed this since you opened it" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SupporterSnapshot, snap.id).count == 120


def test_organization_race(two: tuple[Any, Any]) -> None:
    a, b = two
    org = organizations.create_organization(actor=None, values={"name": "Clinique juridique – Est", "kind": "ngo"})
    db.session.commit()
    url = f"/staff/organizations/{org.id}/edit"
    _, merged = race(a, b, url, mine={"province": "Québec"}, theirs={"city": "Montréal", "kind": "legal_clinic"})
    db.session.expire_all()
    kept = db.session.get(Organization, org.id)
    assert (kept.city, kept.kind, kept.province) == ("Montréal", "legal_clinic", "")
    confirm(b, url, merged)
    db.session.expire_all()
    kept = db.session.get(Organization, org.id)
    assert (kept.name, kept.city, kept.kind, kept.province) == (
        "Clinique juridique – Est",
        "Montréal",
        "legal_clinic",
        "Québec",
    )


def test_organization_renamed_by_both(two: tuple[Any, Any]) -> None:
    """A renames; B's stale rename is a conflict to resolve, and B's name, held by another organization, is then
    refused on its field: never a 500."""
    a, b = two
    org = organizations.create_organization(actor=None, values={"name": "Collectif Nord"})
    organizations.create_organization(actor=None, values={"name": "Collectif Sud"})
    db.session.commit()
    url = f"/staff/organizations/{org.id}/edit"
    a_form = form_values(a.get(url).get_data(as_text=True))
    b_form = form_values(b.get(url).get_data(as_text=True))
    assert a.post(url, data={**a_form, "name": "Le Collectif Nord"}).status_code == 302
    stale = b.post(url, data={**b_form, "name": "collectif sud"})
    assert stale.status_code == 409 and "You both changed" in stale.get_data(as_text=True)
    refused = b.post(url, data=form_values(stale.get_data(as_text=True)))
    assert refused.status_code == 200 and "already exists" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Le Collectif Nord"


def test_letter_race(two: tuple[Any, Any]) -> None:
    a, b = two
    campaign = campaigns.create_campaign(actor=None, values={"title_en": "Petition"})
    letter = letters.create_letter(actor=None, values={"title": "Open letter", "body_en": "We ask…"})
    db.session.commit()
    url = f"/staff/letters/{letter.id}/edit"
    _, merged = race(
        a,
        b,
        url,
        # The date is typed in its three parts, as in the browser.
        mine={
            "body_fr": "Nous demandons…",
            "letter_date-year": "2024",
            "letter_date-month": "2",
            "letter_date-day": "1",
        },
        theirs={"addressee": "Minister of Justice", "campaign_id": str(campaign.id)},
    )
    db.session.expire_all()
    kept = db.session.get(Letter, letter.id)
    assert (kept.addressee, kept.campaign_id, kept.body_fr) == ("Minister of Justice", campaign.id, "")
    confirm(b, url, merged)
    db.session.expire_all()
    kept = db.session.get(Letter, letter.id)
    assert (kept.addressee, kept.campaign_id, kept.body_fr, kept.letter_date, kept.body_en) == (
        "Minister of Justice",
        campaign.id,
        "Nous demandons…",
        date(2024, 2, 1),
        "We ask…",
    )


def test_letter_signed_while_its_text_is_edited(two: tuple[Any, Any]) -> None:
    """Signatures added meanwhile touch no field of the form: the text saves without a merge."""
    a, b = two
    letter = letters.create_letter(actor=None, values={"title": "Open letter"})
    db.session.commit()
    url = f"/staff/letters/{letter.id}/edit"
    b_form = form_values(b.get(url).get_data(as_text=True))
    signed = a.post(f"/staff/letters/{letter.id}/signatories", data={"names": "Mosquée de l’Est", "kind": "mosque"})
    assert signed.status_code == 302
    assert b.post(url, data={**b_form, "addressee": "Premier"}).status_code == 302
    db.session.expire_all()
    kept = db.session.get(Letter, letter.id)
    assert kept.addressee == "Premier" and [s.organization.name for s in kept.signatories] == ["Mosquée de l’Est"]


def test_signature_removed_by_both(two: tuple[Any, Any]) -> None:
    """Signatures are added and removed, never edited: two removals of the same one end in one removal."""
    a, b = two
    letter = letters.create_letter(actor=None, values={"title": "Open letter"})
    letters.add_signatories(letter, "Mosquée de l’Est\nÉglise unie", actor=None)
    db.session.commit()
    signature = letter.signatories[0]
    page = a.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    shown = re.search(rf'signatories/{signature.id}/delete".*?name="version" value="(\d+)"', page, re.S)
    assert shown is not None
    data = {"confirm": "1", "version": shown.group(1)}
    url = f"/staff/letters/{letter.id}/signatories/{signature.id}/delete"
    assert a.post(url, data=data).status_code == 302
    assert b.post(url, data=data).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count(LetterSignatory.id))) == 1
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "signatory.delete")).one()
    assert entry.changes["organization"] == ["Mosquée de l’Est", None]


def test_letter_deleted_after_someone_edited_it_is_refused(two: tuple[Any, Any]) -> None:
    a, b = two
    letter = letters.create_letter(actor=None, values={"title": "Open letter"})
    db.session.commit()
    confirm_page = form_values(b.get(f"/staff/letters/{letter.id}/delete").get_data(as_text=True))
    a_form = form_values(a.get(f"/staff/letters/{letter.id}/edit").get_data(as_text=True))
    assert a.post(f"/staff/letters/{letter.id}/edit", data={**a_form, "title": "Open letter (v2)"}).status_code == 302
    refused = b.post(f"/staff/letters/{letter.id}/delete", data=confirm_page)
    assert refused.status_code == 200 and "Someone changed this since you opened it" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).title == "Open letter (v2)"
    again = form_values(refused.get_data(as_text=True))
    assert b.post(f"/staff/letters/{letter.id}/delete", data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Letter, letter.id) is None
