"""Petitions on our pages: double opt-in through a real SMTP server on loopback, one count per email, a honeypot,
a time trap and a shared throttle; signers' emails and names never public; CSV export audited; unconfirmed
signatures purged after 7 days."""

# ruff: noqa: F811 - test arguments are fixtures
from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "public"))
from petition_fixtures import confirmation_link, petition, smtp  # noqa: E402, F401
from public_fixtures import (  # noqa: E402, F401
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)
from smtp_inbox import html_of, text_of  # noqa: E402
from sqlalchemy import select  # noqa: E402

from casefiles.extensions import db  # noqa: E402
from casefiles.mail.services import deliver_due  # noqa: E402
from casefiles.petitions.models import PetitionSignature  # noqa: E402


def _sign(client: Any, campaign_id: int, lang: str = "en", **values: Any) -> Any:
    page = client.get(f"/{lang}/campaigns/{campaign_id}/sign")
    assert page.status_code == 200
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    started = started or re.search(
        r'id="started" name="started" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    data = {"name": "Marie Tremblay", "email": "marie@example.org", "region": "QC", "city": "Montréal"}
    data.update({"started": started.group(1) if started else ""}, **values)
    return client.post(f"/{lang}/campaigns/{campaign_id}/sign", data=data)


def _count(client: Any, campaign_id: int) -> int:
    return client.get(f"/api/v1/campaigns/{campaign_id}").get_json()["supporter_count"]


def test_sign_confirm_by_email_counts_once(client: Any, petition: Any, smtp: Any) -> None:
    assert _count(client, petition.id) == 500
    page = client.get(f"/en/campaigns/{petition.id}").get_data(as_text=True)
    assert f'href="/en/campaigns/{petition.id}/sign"' in page
    answer = _sign(client, petition.id, listed="y", consent_updates="y")
    assert answer.status_code == 200 and "Check your email" in answer.get_data(as_text=True)
    assert _count(client, petition.id) == 500  # not confirmed yet: it does not count
    assert deliver_due()["sent"] == 1
    (message,) = smtp.inbox.to("marie@example.org")
    link = confirmation_link(message)
    assert link in html_of(message) and "Reinstate the student" in message["Subject"]
    path = urlsplit(link).path
    ask = client.get(path)
    assert ask.status_code == 200 and "Confirm my signature" in ask.get_data(as_text=True)
    assert _count(client, petition.id) == 500  # a GET (a link scanner) changes nothing
    done = client.post(path)
    assert done.status_code == 200 and "your signature counts" in done.get_data(as_text=True)
    assert _count(client, petition.id) == 501
    assert client.post(path).status_code == 404  # the link works once
    # The same email again: nothing counts, nothing is sent.
    again = _sign(client, petition.id, name="Marie T", email="MARIE@example.org ")
    assert again.status_code == 200 and "Check your email" in again.get_data(as_text=True)
    deliver_due()
    assert len(smtp.inbox.messages) == 1 and _count(client, petition.id) == 501
    public = client.get(f"/en/campaigns/{petition.id}").get_data(as_text=True)
    assert "501" in public and "Marie (Montréal)" in public
    assert "Tremblay" not in public and "marie@example.org" not in public


def test_unconfirmed_signer_gets_a_fresh_link_and_one_row(client: Any, petition: Any, smtp: Any) -> None:
    _sign(client, petition.id, email="jo@example.org")
    _sign(client, petition.id, email="jo@example.org")
    deliver_due()
    first, second = smtp.inbox.to("jo@example.org")
    assert db.session.scalar(select(PetitionSignature).where(PetitionSignature.email == "jo@example.org"))
    assert client.post(urlsplit(confirmation_link(first)).path).status_code == 404  # replaced by the second
    assert client.post(urlsplit(confirmation_link(second)).path).status_code == 200
    assert _count(client, petition.id) == 501


def test_french_signer_gets_french_mail(client: Any, petition: Any, smtp: Any) -> None:
    answer = _sign(client, petition.id, lang="fr", email="luc@example.org")
    assert answer.status_code == 200
    deliver_due()
    (message,) = smtp.inbox.to("luc@example.org")
    assert "Réintégrez l’étudiant" in message["Subject"]
    assert '<html lang="fr">' in html_of(message)  # the French text comes with the catalog's French
    assert "luc@example.org" not in text_of(message)


def test_honeypot_and_time_trap_store_nothing(app: Any, client: Any, petition: Any, smtp: Any) -> None:
    robot = _sign(client, petition.id, email="robot@example.org", website="http://spam.example")
    assert robot.status_code == 200 and "Check your email" in robot.get_data(as_text=True)
    app.config["PETITION_MIN_SECONDS"] = 60
    hasty = _sign(client, petition.id, email="hasty@example.org")
    assert hasty.status_code == 200 and "Check your email" in hasty.get_data(as_text=True)
    forged = client.post(
        f"/en/campaigns/{petition.id}/sign",
        data={"name": "A", "email": "forged@example.org", "region": "ON", "started": "forged"},
    )
    assert forged.status_code == 200
    assert db.session.scalars(select(PetitionSignature)).all() == []
    deliver_due()
    assert smtp.inbox.messages == []


def test_signing_is_throttled_per_address(app: Any, client: Any, petition: Any, smtp: Any) -> None:
    app.config["PETITION_LIMIT_PER_ADDRESS"] = "3 per hour"
    for i in range(3):
        assert _sign(client, petition.id, email=f"s{i}@example.org").status_code == 200
    refused = _sign(client, petition.id, email="s9@example.org")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert len(db.session.scalars(select(PetitionSignature)).all()) == 3


def test_bad_input_is_refused_with_messages(client: Any, petition: Any, smtp: Any) -> None:
    answer = _sign(client, petition.id, email="not an email", name="", region="")
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert "Enter a valid email address." in text and "Enter your name." in text


def test_closed_and_hidden_campaigns_take_no_signature(client: Any, petition: Any, staff: Any) -> None:
    from casefiles.campaigns import services as campaigns

    campaigns.update_campaign(petition, actor=staff, changes={"status": "completed"})
    db.session.commit()
    assert client.get(f"/en/campaigns/{petition.id}/sign").status_code == 404
    page = client.get(f"/en/campaigns/{petition.id}")
    assert page.status_code == 200 and "/sign" not in page.get_data(as_text=True)


def test_export_is_staff_only_and_audited(app: Any, client: Any, petition: Any, smtp: Any, make_user: Any) -> None:
    from support import PASSWORD

    from casefiles.audit.models import AuditEntry

    def signed_in(role: str) -> Any:
        user = make_user(role)
        browser = app.test_client()
        assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        return browser

    _sign(client, petition.id, email="=cmd@example.org", name="=HYPERLINK(1)")
    _sign(client, petition.id, email="pending@example.org")
    deliver_due()
    client.post(urlsplit(confirmation_link(smtp.inbox.to("=cmd@example.org")[0])).path)
    assert client.get(f"/staff/campaigns/{petition.id}/signatures.csv").status_code in (302, 401, 403)
    assert signed_in("volunteer").get(f"/staff/campaigns/{petition.id}/signatures.csv").status_code == 403
    staff_browser = signed_in("staff")
    assert "signatures.csv" in staff_browser.get(f"/staff/campaigns/{petition.id}").get_data(as_text=True)
    csv = staff_browser.get(f"/staff/campaigns/{petition.id}/signatures.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body and "pending@example.org" not in body
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "petition.export")).one()
    assert entry.object_id == petition.id and entry.actor_id is not None


def test_unconfirmed_signatures_are_purged_after_seven_days(app: Any, client: Any, petition: Any, smtp: Any) -> None:
    _sign(client, petition.id, email="old@example.org")
    _sign(client, petition.id, email="new@example.org")
    _sign(client, petition.id, email="kept@example.org")
    deliver_due()
    client.post(urlsplit(confirmation_link(smtp.inbox.to("kept@example.org")[0])).path)
    for signature in db.session.scalars(select(PetitionSignature)):
        if signature.email in ("old@example.org", "kept@example.org"):
            signature.created_at = signature.created_at - timedelta(days=8)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["petitions", "purge-unconfirmed"])
    assert result.exit_code == 0 and "1 unconfirmed" in result.output
    left = sorted(s.email for s in db.session.scalars(select(PetitionSignature)))
    assert left == ["kept@example.org", "new@example.org"]
