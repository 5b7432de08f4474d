"""Public sign-on letters: the letter in both languages with its signatories; "add your organization" requests wait
for staff, who see duplicates as in the staff paste; honeypot, time trap and throttle; the contact never public."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import url_for
from sqlalchemy import func, select

from casefiles.extensions import db
from casefiles.letters import services
from casefiles.letters.models import LetterEntry, LetterSignatory
from casefiles.organizations import services as org_services
from casefiles.organizations.models import Organization

STARTED = re.compile(r'name="started" type="hidden" value="([^"]+)"')


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"PETITION_MIN_SECONDS": 0, "LETTER_LIMIT_PER_ADDRESS": "4 per hour"}


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user("staff")


@pytest.fixture
def letter(staff: Any) -> Any:
    for name in ("Ligue des droits et libertés", "Amnesty International Canada"):
        org_services.create_organization(actor=staff, values={"name": name})
    letter = services.create_letter(
        actor=staff,
        values={
            "title": "Open letter on academic freedom",
            "addressee": "Minister of Education",
            "body_en": "We, the undersigned organizations, ask you to **protect** free expression.",
            "body_fr": "Nous, organisations signataires, vous demandons de **protéger** la liberté d’expression.",
            "is_public": True,
        },
    )
    services.add_signatories(letter, "Amnesty International Canada", actor=staff)
    db.session.commit()
    return letter


def _path(app: Any, endpoint: str, **values: Any) -> str:
    with app.test_request_context("/"):
        return url_for(endpoint, **values)


def _request(app: Any, client: Any, letter: Any, lang: str = "en", **values: Any) -> Any:
    path = _path(app, "public_letters.sign", letter_id=letter.id, lang=lang)
    form = client.get(path)
    assert form.status_code == 200
    data = {
        "organization_name": "Ligue des droits et libertes",
        "contact_name": "Qzcontact Person",
        "contact_email": "qzcontact@example.org",
        "started": STARTED.search(form.get_data(as_text=True)).group(1),
    }
    data.update(values)
    return client.post(path, data=data)


def test_the_letter_in_both_languages_with_its_signatories(app: Any, client: Any, letter: Any) -> None:
    for lang in ("en", "fr"):
        page = client.get(_path(app, "public_letters.letter", letter_id=letter.id, lang=lang))
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<strong>protect</strong>" in body and "<strong>protéger</strong>" in body
        assert "Amnesty International Canada" in body and "Ligue des droits" not in body
        # The reader's language first.
        assert (body.index("protéger") < body.index("protect</strong>")) is (lang == "fr")
    assert "Open letter on academic freedom" in client.get(_path(app, "public_letters.index", lang="en")).get_data(
        as_text=True
    )


def test_a_letter_not_public_answers_like_a_missing_one(app: Any, client: Any, letter: Any, staff: Any) -> None:
    services.update_letter(letter, actor=staff, changes={"is_public": False})
    db.session.commit()
    for endpoint in ("public_letters.letter", "public_letters.sign"):
        assert client.get(_path(app, endpoint, letter_id=letter.id, lang="en")).status_code == 404
        assert client.get(_path(app, endpoint, letter_id=999_999, lang="en")).status_code == 404
    assert "Open letter on academic freedom" not in client.get(_path(app, "public_letters.index", lang="en")).get_data(
        as_text=True
    )


def test_a_request_waits_for_staff_who_see_the_likely_duplicate(
    app: Any, client: Any, letter: Any, staff: Any, login: Any
) -> None:
    answer = _request(app, client, letter)
    assert answer.status_code == 200
    assert _request(app, client, letter, organization_name="Amnesty International Canada").status_code == 200
    assert _request(app, client, letter, organization_name="Réseau nouveau").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(LetterEntry)) == 3
    public = client.get(_path(app, "public_letters.letter", letter_id=letter.id, lang="en")).get_data(as_text=True)
    assert "Ligue des droits" not in public and "Réseau nouveau" not in public and "qzcontact" not in public.lower()

    login.as_user(staff)
    page = client.get(_path(app, "letter_entries.index", letter_id=letter.id)).get_data(as_text=True)
    assert "Likely the same as Ligue des droits et libertés" in page
    assert "Already signed" in page and "New organization" in page
    assert "qzcontact@example.org" in page  # staff see the contact

    organizations = db.session.scalar(select(func.count()).select_from(Organization))
    entries = {e.organization_name: e for e in db.session.scalars(select(LetterEntry))}
    client.post(
        _path(app, "letter_entries.approve", letter_id=letter.id, entry_id=entries["Ligue des droits et libertes"].id)
    )
    client.post(
        _path(app, "letter_entries.approve", letter_id=letter.id, entry_id=entries["Amnesty International Canada"].id)
    )
    client.post(_path(app, "letter_entries.reject", letter_id=letter.id, entry_id=entries["Réseau nouveau"].id))
    # The likely duplicate signed as the known organization; the one already signed is not added twice.
    assert db.session.scalar(select(func.count()).select_from(Organization)) == organizations
    names = [
        s.organization.name for s in db.session.scalars(select(LetterSignatory).order_by(LetterSignatory.position))
    ]
    assert names == ["Amnesty International Canada", "Ligue des droits et libertés"]
    assert {e.status for e in db.session.scalars(select(LetterEntry))} == {"approved", "rejected"}
    login.logout()
    public = client.get(_path(app, "public_letters.letter", letter_id=letter.id, lang="en")).get_data(as_text=True)
    assert "Ligue des droits et libertés" in public and "Réseau nouveau" not in public
    assert "qzcontact" not in public.lower()


def test_robots_bad_input_and_floods_store_nothing(app: Any, client: Any, letter: Any) -> None:
    assert _request(app, client, letter, website="http://spam.example").status_code == 200
    assert _request(app, client, letter, started="forged").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(LetterEntry)) == 0
    for lang, message in (("en", "Enter the name of your organization."), ("fr", "courriel")):
        answer = _request(app, client, letter, lang=lang, organization_name="", contact_email="nope")
        assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LetterEntry)) == 0
    statuses = [_request(app, client, letter, organization_name=f"Org {n}").status_code for n in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert db.session.scalar(select(func.count()).select_from(LetterEntry)) == 4


def test_volunteers_cannot_review_requests(app: Any, client: Any, letter: Any, login: Any) -> None:
    login("volunteer")
    assert client.get(_path(app, "letter_entries.index", letter_id=letter.id)).status_code == 403
