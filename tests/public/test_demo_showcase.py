"""`flask demo load` gives a demo of every feature: after it the public site shows published cases in English and
French, a campaign, and a public document that downloads; no public page names a person against their consent;
a second load adds nothing."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

from typing import Any

from public_fixtures import _fresh_projection_cache, client  # noqa: F401 - pytest fixtures
from sqlalchemy import func, select

from casefiles.extensions import db


def _counts() -> dict[str, int]:
    from casefiles.campaigns.models import Campaign, SupporterSnapshot
    from casefiles.cases.models import Case, Event
    from casefiles.documents.models import Document, DocumentVersion
    from casefiles.letters.models import Letter, LetterSignatory
    from casefiles.organizations.models import Organization
    from casefiles.people.models import Person

    models = [
        Case,
        Event,
        Person,
        Campaign,
        SupporterSnapshot,
        Organization,
        Letter,
        LetterSignatory,
        Document,
        DocumentVersion,
    ]
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def _load(app: Any) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def _fresh_public_caches(app: Any) -> None:
    from casefiles.public.queries import clear_cache
    from casefiles.public.views import PAGES

    clear_cache()
    PAGES.clear()
    app.extensions["public_edge_cache"].clear()


def test_demo_load_shows_every_feature_on_the_public_site_in_both_languages(app: Any, client: Any) -> None:
    from casefiles.campaigns.models import Campaign, CampaignStatus
    from casefiles.cases.models import Case
    from casefiles.documents.models import Document
    from casefiles.enums import NameConsent
    from casefiles.letters.models import Letter
    from casefiles.public.services import private_data_in_public_fields

    output = _load(app)
    assert "Loaded the demo showcase" in output
    _fresh_public_caches(app)

    published = list(db.session.scalars(select(Case).where(Case.published.is_(True)).order_by(Case.id)))
    assert len(published) >= 4
    assert db.session.scalar(select(func.count(Case.id)).where(Case.published.is_(False))) > 0
    for case in published:
        assert case.title_fr and case.public_summary_fr, case.title
        assert private_data_in_public_fields(case) == []
        assert any(e.is_public for e in case.events)
    consents = {p.name_consent for case in published for p in case.people}
    assert NameConsent.FULL_NAME.value in consents and consents - {NameConsent.FULL_NAME.value}

    statuses = set(db.session.scalars(select(Campaign.status)))
    assert {CampaignStatus.IN_PROGRESS.value, CampaignStatus.COMPLETED.value} <= statuses
    active = db.session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.IN_PROGRESS.value)).first()
    assert active.title_fr and active.cases and len({s.date for s in active.snapshots}) >= 3
    letter = db.session.scalars(select(Letter)).one()
    assert len(letter.signatories) >= 3
    kinds = {d.versions[0].mime_type for d in db.session.scalars(select(Document))}
    assert {"application/pdf", "text/plain"} <= kinds

    english = client.get("/en/").get_data(as_text=True)
    assert any(case.title in english for case in published)
    assert active.title_en in english
    client.set_cookie("lang", "fr")
    french = client.get("/fr/").get_data(as_text=True)
    assert '<html lang="fr">' in french
    assert any(case.title_fr in french for case in published)
    assert active.title_fr in french

    # Every published page in both languages: its own title, and no legal name the person did not allow.
    hidden_names = [
        p.legal_name
        for case in db.session.scalars(select(Case))
        for p in case.people
        if p.name_consent != NameConsent.FULL_NAME.value
    ]
    for case in published:
        for lang, title in (("en", case.title), ("fr", case.title_fr)):
            client.set_cookie("lang", lang)
            page = client.get(f"/{lang}/cases/{case.public_slug}")
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            assert title in html
            for name in hidden_names:
                assert name not in html, (name, case.title, lang)

    # The public document of a published case downloads at its public address; the private one does not.
    client.set_cookie("lang", "en")
    public_docs = [d for d in db.session.scalars(select(Document)) if d.is_public]
    assert public_docs and all(d.case_id in {c.id for c in published} for d in public_docs)
    response = client.get(f"/documents/{public_docs[0].public_token}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    for private in (d for d in db.session.scalars(select(Document)) if not d.is_public):
        assert not private.public_token or client.get(f"/documents/{private.public_token}").status_code == 404

    # Clearly fictional: every email of the demo is at a reserved example domain.
    from casefiles.auth.models import User
    from casefiles.people.models import Person

    emails = [e for e in db.session.scalars(select(Person.contact_email)) if e]
    emails += list(db.session.scalars(select(User.email)))
    assert all(e.endswith(("example.org", "example.com", "example.net")) for e in emails), emails


def test_a_second_demo_load_adds_nothing_and_does_not_fail(app: Any) -> None:
    _load(app)
    first = _counts()
    again = _load(app)
    assert "nothing loaded" in again
    assert _counts() == first


def test_demo_load_without_the_showcase_loads_only_working_cases(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "load", "--count", "6", "--no-showcase"])
    assert result.exit_code == 0, result.output
    counts = _counts()
    assert counts["Case"] == 6 and counts["Campaign"] == 0 and counts["Document"] == 0
    assert "showcase" not in result.output
