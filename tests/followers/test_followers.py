"""Following a case or a campaign by email: double opt-in through a real SMTP server on loopback; a digest for what
is published (a public event, a correction, an approved revision) exactly once, nothing for private edits; one-click
unsubscribe (RFC 8058) with a signed token and no CSRF token; honeypot, time trap and throttle."""

# ruff: noqa: F811 - test arguments are fixtures
from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from follower_fixtures import STARTED, confirm_link, unsubscribe_link, url
from petition_fixtures import petition, smtp  # noqa: F401
from public_fixtures import _fresh_projection_cache, client, make_published, publish, staff  # noqa: F401
from smtp_inbox import html_of, text_of
from sqlalchemy import func, select

from casefiles.cases import services as case_services
from casefiles.extensions import db
from casefiles.followers.models import Follow
from casefiles.followers.services import send_digests
from casefiles.mail.services import deliver_due


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"FOLLOW_MIN_SECONDS": 0}


@pytest.fixture
def case(make_published: Any) -> Any:
    return make_published(title="Nurse suspended for a post")


def _follow(app: Any, client: Any, page_path: str, action: str, email: str, **extra: Any) -> Any:
    page = client.get(page_path)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f'action="{action}"' in body
    data = {"email": email, "started": STARTED.search(body).group(1), **extra}
    return client.post(action, data=data)


def _follow_case(app: Any, client: Any, case: Any, email: str, lang: str = "en") -> Any:
    page = url(app, "public.case", slug=case.public_slug, lang=lang)
    action = url(app, "followers.follow_case", slug=case.public_slug, lang=lang)
    return _follow(app, client, page, action, email)


def _confirmed_follower(app: Any, client: Any, case: Any, smtp: Any, email: str, lang: str = "en") -> Any:
    answer = _follow_case(app, client, case, email, lang)
    assert answer.status_code == 200
    assert deliver_due()["sent"] == 1
    (message,) = smtp.inbox.to(email)
    path = urlsplit(confirm_link(message)).path
    assert client.get(path).status_code == 200  # a GET only asks
    assert db.session.scalar(select(Follow.confirmed_at).where(Follow.email == email)) is None
    confirmed = client.post(path)
    assert confirmed.status_code == 200
    smtp.inbox.messages.clear()
    return db.session.scalar(select(Follow).where(Follow.email == email))


def test_one_digest_for_a_public_event_and_none_for_private_edits(
    app: Any, client: Any, case: Any, smtp: Any, staff: Any
) -> None:
    follow = _confirmed_follower(app, client, case, smtp, "reader@example.org")
    assert follow.confirmed_at is not None
    assert send_digests() == 0  # what the page showed when they confirmed is not news

    # Private edits: a private event, private notes, a deadline, a private event's text.
    private = case_services.add_event(case, actor=staff, values={"date": "2024-01", "title": "Call with counsel"})
    case_services.update_case(case, actor=staff, changes={"private_notes": "Counsel thinks the appeal is strong."})
    case_services.add_task(case, actor=staff, values={"title": "File the appeal", "due_date": date(2030, 1, 5)})
    db.session.commit()
    case_services.update_event(private, actor=staff, values={"title": "Second call with counsel"})
    db.session.commit()
    assert send_digests() == 0
    db.session.commit()
    assert deliver_due()["sent"] == 0 and smtp.inbox.messages == []

    # A published update: exactly one digest, however often the digest runs.
    case_services.add_event(
        case, actor=staff, values={"date": "2024-02-14", "title": "Hearing set before the college", "is_public": True}
    )
    db.session.commit()
    assert send_digests() == 1
    db.session.commit()
    assert send_digests() == 0
    db.session.commit()
    assert deliver_due()["sent"] == 1
    (digest,) = smtp.inbox.to("reader@example.org")
    assert "Nurse suspended for a post" in digest["Subject"]
    assert "Hearing set before the college" in text_of(digest) and "Hearing set before the college" in html_of(digest)
    assert "Call with counsel" not in text_of(digest) + html_of(digest)
    assert "Suspended by the college" not in text_of(digest)  # already known when they confirmed
    unsubscribe_link(digest)


def test_a_correction_and_an_approved_revision_each_send_one_digest(
    app: Any, client: Any, case: Any, smtp: Any, staff: Any, make_user: Any
) -> None:
    from casefiles.public.services import add_correction
    from casefiles.records.approval import approve
    from casefiles.records.models import PendingRevision

    _confirmed_follower(app, client, case, smtp, "reader@example.org")
    add_correction(case, actor=staff, note="The date of the suspension was 14 November, not 4 November.")
    db.session.commit()
    assert send_digests() == 1
    db.session.commit()
    deliver_due()
    (digest,) = smtp.inbox.to("reader@example.org")
    assert "14 November, not 4 November" in text_of(digest)

    # A volunteer's public change waits for review: nothing to tell until staff approve it.
    volunteer = make_user("volunteer")
    case.assignees.append(volunteer)
    db.session.commit()
    case_services.update_case(case, actor=volunteer, changes={"title": "Nurse reinstated after a post"})
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PendingRevision)) == 1
    assert send_digests() == 0
    db.session.commit()
    revision = db.session.scalars(select(PendingRevision)).one()
    approve(revision, actor=staff)
    db.session.commit()
    assert send_digests() == 1
    db.session.commit()
    deliver_due()
    assert "Nurse reinstated after a post" in smtp.inbox.to("reader@example.org")[-1]["Subject"]


def test_a_french_follower_gets_french_mail(app: Any, client: Any, case: Any, smtp: Any, staff: Any) -> None:
    answer = _follow_case(app, client, case, "lectrice@example.org", lang="fr")
    assert answer.status_code == 200 and 'lang="fr"' in answer.get_data(as_text=True)
    deliver_due()
    (message,) = smtp.inbox.to("lectrice@example.org")
    client.post(urlsplit(confirm_link(message)).path)
    smtp.inbox.messages.clear()
    assert db.session.scalar(select(Follow.locale)) == "fr"
    case_services.add_event(
        case,
        actor=staff,
        values={"date": "2024-03", "title": "Appeal filed", "is_public": True, "title_fr": "Appel déposé"},
    )
    db.session.commit()
    send_digests()
    db.session.commit()
    deliver_due()
    (digest,) = smtp.inbox.to("lectrice@example.org")
    # The follower's language: the French text of the event, its date written in French, the French page.
    assert "mars 2024 — Appel déposé" in text_of(digest) and "Appeal filed" not in text_of(digest)
    assert url(app, "public.case", slug=case.public_slug, lang="fr") in text_of(digest)
    assert 'lang="fr"' in html_of(digest)


def test_one_click_unsubscribe_needs_the_signed_token_only(
    app: Any, client: Any, case: Any, smtp: Any, staff: Any
) -> None:
    _confirmed_follower(app, client, case, smtp, "reader@example.org")
    _confirmed_follower(app, client, case, smtp, "other@example.org")
    case_services.add_event(case, actor=staff, values={"date": "2024-04", "title": "Rally", "is_public": True})
    db.session.commit()
    assert send_digests() == 2
    db.session.commit()
    deliver_due()
    link = unsubscribe_link(smtp.inbox.to("reader@example.org")[0])
    path = urlsplit(link).path
    # A GET (a link scanner) changes nothing; a forged or altered token is refused and changes nothing.
    assert client.get(path).status_code == 200
    assert client.post(path[:-3] + "abc", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.post("/follow/unsubscribe/not-a-token", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 2
    # The mail client's one-click POST (RFC 8058): the address is gone, the other follower stays.
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert db.session.scalars(select(Follow.email)).all() == ["other@example.org"]
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # again: still fine


def test_robots_and_bad_input_store_nothing(app: Any, client: Any, case: Any, smtp: Any) -> None:
    page = url(app, "public.case", slug=case.public_slug, lang="en")
    action = url(app, "followers.follow_case", slug=case.public_slug, lang="en")
    assert _follow(app, client, page, action, "robot@example.org", website="http://spam.example").status_code == 200
    assert client.post(action, data={"email": "forged@example.org", "started": "forged"}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0
    for lang, message in (("en", "Enter a valid email address."), ("fr", "adresse")):
        page = url(app, "public.case", slug=case.public_slug, lang=lang)
        action = url(app, "followers.follow_case", slug=case.public_slug, lang=lang)
        answer = _follow(app, client, page, action, "not an email")
        assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    # A stamp made for another page is refused like a robot's.
    other = url(app, "followers.follow_case", slug="another-case", lang="en")
    assert client.post(other, data={"email": "x@example.org"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0 and deliver_due()["sent"] == 0


def test_following_a_campaign(app: Any, client: Any, petition: Any, smtp: Any, staff: Any) -> None:
    from casefiles.campaigns import services as campaigns
    from casefiles.petitions import services as petitions

    page = url(app, "public_campaigns.campaign", campaign_id=petition.id, lang="en")
    action = url(app, "followers.follow_campaign", campaign_id=petition.id, lang="en")
    assert _follow(app, client, page, action, "fan@example.org").status_code == 200
    deliver_due()
    client.post(urlsplit(confirm_link(smtp.inbox.to("fan@example.org")[0])).path)
    smtp.inbox.messages.clear()
    # A confirmed signature moves the live count: not a digest.
    petitions.sign(
        petition,
        values={"name": "Luc Roy", "email": "luc@example.org", "region": "QC"},
        locale="en",
        confirm_url=lambda token: token,
        campaign_title="x",
    )
    db.session.commit()
    signature_token = smtp.inbox.messages  # unused: confirm through the service
    from casefiles.petitions.models import PetitionSignature

    signature = db.session.scalars(select(PetitionSignature)).one()
    signature.confirmed_at = signature.created_at
    db.session.commit()
    assert send_digests() == 0 and signature_token is not None
    # The campaign is won: one digest.
    campaigns.update_campaign(petition, actor=staff, changes={"status": "completed", "outcome": "victory"})
    db.session.commit()
    assert send_digests() == 1
    db.session.commit()
    deliver_due()
    digest = [m for m in smtp.inbox.to("fan@example.org") if "Reinstate the student" in m["Subject"]]
    assert len(digest) == 1 and "Victory" in text_of(digest[0])
