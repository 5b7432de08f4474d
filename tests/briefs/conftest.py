"""Helpers for brief tests: read PDFs back, build a case with a canary in its private fields."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader

CANARY = "CANARY-7f3a-private"


def pdf_text(pdf: bytes) -> str:
    """All page text of a PDF (pypdf), ASCII whitespace collapsed (non-breaking spaces are kept)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(re.sub(r"[ \t\r\n]+", " ", page.extract_text() or "").strip() for page in reader.pages)


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pdf_metadata_blob(pdf: bytes) -> str:
    """Document info and XMP metadata as one string (to search for private words)."""
    reader = pdf_reader(pdf)
    parts = [str(dict(reader.metadata or {}))]
    root = reader.trailer["/Root"]
    if "/Metadata" in root:
        parts.append(root["/Metadata"].get_object().get_data().decode("utf-8", "replace"))
    return " ".join(parts)


def outline_titles(pdf: bytes) -> list[str]:
    """Every bookmark title, depth-first."""
    titles: list[str] = []

    def walk(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(pdf_reader(pdf).outline)
    return titles


@pytest.fixture
def rich_case(make_case: Callable[..., Any], make_user: Callable[..., Any]) -> Callable[..., Any]:
    """rich_case(events=5, published=False, campaign_count=None) -> a case with a canary in every private field."""
    from casefiles.cases import services
    from casefiles.dates import PartialDate
    from casefiles.extensions import db

    def _make(events: int = 5, published: bool = False, campaign_count: int | None = None, **values: Any) -> Any:
        volunteer = make_user("volunteer", name="Véronique Bénévole")
        base = {
            "title": "Affaire Côté « discours »",
            "public_summary": "Professeure suspendue après une tribune : « la liberté académique » compte.",
            "private_notes": f"Avocate pressentie. {CANARY} Ne pas publier.",
            "speech_text": "A column on academic freedom.",
            "speech_platform": "Le Devoir",
        }
        if "title" not in values:  # the French twins of the default texts (a French brief uses them)
            base["title_fr"] = base["title"]
            base["public_summary_fr"] = base["public_summary"]
        base.update(values)
        case = make_case(
            person={
                "legal_name": "Hélène Côté",
                "category": "professor",
                "name_consent": "full_name",
                "contact_email": f"{CANARY.lower()}@example.org",
                "contact_notes": f"Call evenings {CANARY}",
            },
            sanction={
                "type": "suspension",
                "date": PartialDate.parse("2023-11-14"),
                "imposed_by": "Conseil d'administration",
                "appeal_deadline": PartialDate.parse("2023-12-14").value,
            },
            assignees=[volunteer],
            **base,
        )
        for i in range(events):
            services.add_event(
                case,
                actor=None,
                values={
                    "date": PartialDate.parse(f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"),
                    "title": f"Étape numéro {i}" if i % 2 else f"Private step {i} {CANARY}",
                    "description": "Décision **motivée** du comité." if i % 2 else f"Secret {CANARY}",
                    "is_public": bool(i % 2),
                    "kind": "hearing",
                },
            )
        if campaign_count is not None:
            from casefiles.campaigns import services as campaigns

            campaign = campaigns.create_campaign(
                actor=None,
                values={
                    "title_en": "Reinstate Professor Côté",
                    "title_fr": "Réintégrez la professeure Côté",
                    "asks": ["Reinstate her immediately", "Withdraw the reprimand"],
                    "call_to_action_en": "Sign the petition",
                    "call_to_action_fr": "Signez la pétition",
                    "status": "in_progress",
                },
            )
            campaigns.add_snapshot(
                campaign, actor=None, values={"date": "2024-01-10", "count": campaign_count, "source": "site"}
            )
            campaigns.link_case(campaign, case, actor=None)
        if published:
            from casefiles.public.services import ReviewChecklist, publish_case

            staff = make_user("staff")
            publish_case(case, actor=staff, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
        db.session.commit()
        return case

    return _make


@pytest.fixture
def app_overrides(tmp_path: Any) -> dict[str, Any]:
    """A fresh PDF store per test: ids restart in every test, so a shared store would hold stale briefs."""
    return {"BRIEF_STORAGE": str(tmp_path / "store")}


def conftest_skip_or_fail(reason: str) -> None:
    """Same rule as the suite's skip_or_fail: a missing tool skips locally and fails under CI=true."""
    import os

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


# -- a typical case written in English and in French ----------------------------------------------------

ENGLISH = {
    "title": "Nurse suspended over her posts",
    "summary": "The nursing college suspended her after she criticised ward closures online.",
    "events": [
        ("Suspension notice received", "The college wrote to her on a Friday evening."),
        ("Appeal filed with the tribunal", "Her counsel asked for an urgent hearing."),
        ("Hearing held in public", "Supporters filled the room."),
    ],
    "asks": ["Lift the suspension now", "Protect nurses who speak out"],
    "targets": ["Minister of Health"],
    "call": "Sign the petition today",
    "institution": "College of Nurses",
}
FRENCH = {
    "title": "Infirmière suspendue pour ses publications",
    "summary": "L’ordre des infirmières l’a suspendue après ses critiques en ligne : « fermetures de lits ».",
    "events": [
        ("Avis de suspension reçu", "L’ordre lui a écrit un vendredi soir."),
        ("Appel déposé au tribunal", "Son avocate a demandé une audience urgente."),
        ("Audience publique tenue", "Ses appuis remplissaient la salle."),
    ],
    "asks": ["Levez la suspension maintenant", "Protégez les infirmières qui dénoncent"],
    "targets": ["Ministre de la Santé"],
    "call": "Signez la pétition aujourd’hui",
    "institution": "Ordre des infirmières",
}
PLANNED_ASK = "Planned-campaign ask never shown"


@pytest.fixture
def bilingual_case(make_case: Callable[..., Any], make_user: Callable[..., Any]) -> Callable[..., Any]:
    """bilingual_case(published=True, french_events=3) -> a typical case written in English and in French."""
    from casefiles.campaigns import services as campaigns
    from casefiles.cases import services
    from casefiles.dates import PartialDate
    from casefiles.extensions import db

    def _make(published: bool = True, french_events: int = 3) -> Any:
        case = make_case(
            title=ENGLISH["title"],
            title_fr=FRENCH["title"],
            public_summary=ENGLISH["summary"],
            public_summary_fr=FRENCH["summary"],
            institution={"name": ENGLISH["institution"], "kind": "regulator", "region": "Quebec"},
            person={"legal_name": "Maude Tremblay", "category": "nurse", "name_consent": "full_name"},
        )
        case.institution.name_fr = FRENCH["institution"]
        for index, ((title, text), (title_fr, text_fr)) in enumerate(
            zip(ENGLISH["events"], FRENCH["events"], strict=True)
        ):
            values = {
                "date": PartialDate.parse(f"2024-0{index + 2}-1{index}"),
                "title": title,
                "description": text,
                "is_public": True,
                "kind": "hearing",
            }
            if index < french_events:
                values.update(title_fr=title_fr, description_fr=text_fr)
            services.add_event(case, actor=None, values=values)
        running = campaigns.create_campaign(
            actor=None,
            values={
                "title_en": "Reinstate Maude",
                "title_fr": "Réintégrez Maude",
                "asks": ENGLISH["asks"],
                "asks_fr": FRENCH["asks"],
                "targets": ENGLISH["targets"],
                "targets_fr": FRENCH["targets"],
                "call_to_action_en": ENGLISH["call"],
                "call_to_action_fr": FRENCH["call"],
                "status": "in_progress",
            },
        )
        campaigns.add_snapshot(running, actor=None, values={"date": "2024-05-01", "count": 12400, "source": "site"})
        campaigns.link_case(running, case, actor=None)
        planned = campaigns.create_campaign(
            actor=None,
            values={
                "title_en": "Planned rally",
                "title_fr": "Rassemblement prévu",
                "asks": [PLANNED_ASK],
                "asks_fr": [PLANNED_ASK],
                "status": "planned",
            },
        )
        campaigns.link_case(planned, case, actor=None)
        if published:
            from casefiles.public.services import ReviewChecklist, publish_case

            publish_case(
                case, actor=make_user("staff"), checklist=ReviewChecklist(consent_recorded=True, no_private_data=True)
            )
        db.session.commit()
        return case

    return _make
