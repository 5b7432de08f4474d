"""Export of everything as JSON (one document) or CSV (a zip of one file per table); see docs/import-export.md."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casefiles.auth.models import User
from casefiles.campaigns.models import Campaign
from casefiles.campaigns.services import snapshot as campaign_snapshot
from casefiles.cases.models import Case
from casefiles.dates import PartialDate
from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.letters.models import Letter
from casefiles.organizations.models import Organization
from casefiles.organizations.services import case_partners_of
from casefiles.transfer.csv_import import release_memory

FORMAT = "casefiles-export"
FORMAT_VERSION = 1
PERSON_FIELDS = (
    "legal_name",
    "name_consent",
    "pseudonym",
    "pronouns",
    "category",
    "contact_email",
    "contact_phone",
    "contact_notes",
)
CAMPAIGN_FIELDS = (
    "external_ref",
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "call_to_action_en",
    "call_to_action_fr",
    "kind",
    "targets",
    "asks",
    "start_date",
    "end_date",
    "status",
    "outcome",
    "external_url",
    "goal",
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _partial(value: Any, precision: str | None) -> str | None:
    partial = PartialDate.from_columns(value, precision)
    return partial.iso() if partial else None


def _emails() -> dict[int, str]:
    return dict(db.session.execute(select(User.id, User.email)).all())


def export_case(case: Case, emails: dict[int, str]) -> dict[str, Any]:
    """One case with everything in it, as plain values."""
    appeal_ids = {s.id: i for i, s in enumerate(case.sanctions)}
    return {
        "reference": case.reference,
        "external_ref": case.external_ref,
        "title": case.title,
        "status": case.status,
        "outcome": case.outcome,
        "priority": case.priority,
        "institution": case.institution.name if case.institution else None,
        "speech_text": case.speech_text,
        "speech_platform": case.speech_platform,
        "speech_url": case.speech_url,
        "speech_date": _partial(case.speech_date, case.speech_date_precision),
        "public_summary": case.public_summary,
        "private_notes": case.private_notes,
        "published": case.published,
        "public_slug": case.public_slug,
        "archived": case.archived_at is not None,
        "tags": [t.name for t in case.tags],
        "assignees": sorted(emails.get(u.id, "") for u in case.assignees),
        "partners": [o.name for o in case_partners_of(case)],
        "people": [{f: getattr(p, f) for f in PERSON_FIELDS} for p in case.people],
        "sanctions": [
            {
                "type": s.type,
                "imposed_by": s.imposed_by,
                "date": _partial(s.date, s.date_precision),
                "duration": s.duration,
                "appeal_deadline": _iso(s.appeal_deadline),
                "notes": s.notes,
            }
            for s in case.sanctions
        ],
        "events": [
            {
                "kind": e.kind,
                "date": _partial(e.date, e.date_precision),
                "title": e.title,
                "description": e.description,
                "is_public": e.is_public,
            }
            for e in case.events
        ],
        "tasks": [
            {
                "title": t.title,
                "due_date": _iso(t.due_date),
                "owner": emails.get(t.owner_id) if t.owner_id else None,
                "done": t.done,
                "appeal_deadline_of_sanction": appeal_ids.get(t.sanction_id) if t.sanction_id else None,
            }
            for t in case.tasks
        ],
    }


def _cases() -> Iterator[Case]:
    stmt = (
        select(Case)
        .order_by(Case.id)
        .options(
            selectinload(Case.people),
            selectinload(Case.sanctions),
            selectinload(Case.events),
            selectinload(Case.tasks),
            selectinload(Case.tags),
            selectinload(Case.assignees),
        )
    )
    last = 0
    while True:
        batch = list(db.session.scalars(stmt.where(Case.id > last).limit(500)))
        if not batch:
            return
        yield from batch
        last = batch[-1].id
        release_memory()


def export_everything() -> dict[str, Any]:
    """Every case, institution, campaign, organization and letter, as one JSON-ready document."""
    emails = _emails()
    campaigns = list(db.session.scalars(select(Campaign).order_by(Campaign.id)))
    campaign_index = {c.id: i for i, c in enumerate(campaigns)}
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "institutions": [
            {"name": i.name, "kind": i.kind, "region": i.region, "country": i.country}
            for i in db.session.scalars(select(Institution).order_by(Institution.id))
        ],
        "organizations": [
            {"name": o.name, "kind": o.kind, "city": o.city, "province": o.province, "website": o.website}
            for o in db.session.scalars(select(Organization).order_by(Organization.id))
        ],
        "campaigns": [
            {
                **{f: v for f, v in campaign_snapshot(c).items() if f in CAMPAIGN_FIELDS},
                "cases": [case.reference for case in c.cases],
                "partners": [o.name for o in c.partners],
                "snapshots": [s.as_dict() for s in c.snapshots],
            }
            for c in campaigns
        ],
        "letters": [
            {
                "title": letter.title,
                "addressee": letter.addressee,
                "letter_date": _iso(letter.letter_date),
                "body_en": letter.body_en,
                "body_fr": letter.body_fr,
                "campaign": campaign_index.get(letter.campaign_id) if letter.campaign_id else None,
                "signatories": [s.organization.name for s in letter.signatories],
            }
            for letter in db.session.scalars(select(Letter).order_by(Letter.id))
        ],
    }
    document["cases"] = [export_case(case, emails) for case in _cases()]
    return document


# -- CSV -------------------------------------------------------------------------------------------

CASE_CSV_COLUMNS = (
    "external_ref",
    "person",
    "category",
    "institution",
    "region",
    "country",
    "speech",
    "sanction_type",
    "sanction_date",
    "status",
    "outcome",
    "public_summary",
    "private_notes",
    "published",
    "title",
)


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ("yes" if v is True else "no" if v is False else "" if v is None else v) for k, v in row.items()}
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _join(items: list[Any]) -> str:
    return "\n".join(str(i) for i in items)


def export_csv_zip(document: dict[str, Any] | None = None) -> bytes:
    """A zip of CSV files (UTF-8 with BOM, opens in spreadsheets); cases.csv re-imports with `flask cases import`."""
    document = document or export_everything()
    institutions = {i["name"]: i for i in document["institutions"]}
    files: dict[str, bytes] = {}
    case_rows, people, sanctions, events, tasks = [], [], [], [], []
    for case in document["cases"]:
        person = case["people"][0] if case["people"] else {}
        sanction = case["sanctions"][0] if case["sanctions"] else {}
        inst = institutions.get(case["institution"] or "", {})
        case_rows.append(
            {
                "external_ref": case["reference"],
                "person": person.get("legal_name", ""),
                "category": person.get("category", ""),
                "institution": case["institution"] or "",
                "region": inst.get("region", ""),
                "country": inst.get("country", ""),
                "speech": case["speech_text"],
                "sanction_type": sanction.get("type", ""),
                "sanction_date": sanction.get("date") or "",
                "status": case["status"],
                "outcome": case["outcome"],
                "public_summary": case["public_summary"],
                "private_notes": case["private_notes"],
                "published": case["published"],
                "title": case["title"],
            }
        )
        ref = {"case": case["reference"]}
        people += [{**ref, **p} for p in case["people"]]
        sanctions += [{**ref, **s} for s in case["sanctions"]]
        events += [{**ref, **e} for e in case["events"]]
        tasks += [{**ref, **t} for t in case["tasks"]]
    files["cases.csv"] = _csv(case_rows, CASE_CSV_COLUMNS)
    files["people.csv"] = _csv(people, ["case", *PERSON_FIELDS])
    files["sanctions.csv"] = _csv(
        sanctions, ["case", "type", "imposed_by", "date", "duration", "appeal_deadline", "notes"]
    )
    files["events.csv"] = _csv(events, ["case", "kind", "date", "title", "description", "is_public"])
    files["tasks.csv"] = _csv(tasks, ["case", "title", "due_date", "owner", "done"])
    files["institutions.csv"] = _csv(document["institutions"], ["name", "kind", "region", "country"])
    files["organizations.csv"] = _csv(document["organizations"], ["name", "kind", "city", "province", "website"])
    campaign_rows, snapshots = [], []
    for campaign in document["campaigns"]:
        row = dict(campaign)
        row["targets"], row["asks"], row["cases"] = _join(row["targets"]), _join(row["asks"]), _join(row["cases"])
        row["partners"] = _join(row["partners"])
        campaign_rows.append(row)
        snapshots += [
            {"campaign": campaign["external_ref"] or campaign["title_en"], **s} for s in campaign["snapshots"]
        ]
    files["campaigns.csv"] = _csv(campaign_rows, [*CAMPAIGN_FIELDS, "cases", "partners"])
    files["snapshots.csv"] = _csv(snapshots, ["campaign", "date", "count", "source", "channel"])
    letters, signatories = [], []
    for number, letter in enumerate(document["letters"], start=1):
        letters.append({"letter": number, **letter})
        signatories += [
            {"letter": number, "position": i + 1, "organization": n} for i, n in enumerate(letter["signatories"])
        ]
    files["letters.csv"] = _csv(letters, ["letter", "title", "addressee", "letter_date", "body_en", "body_fr"])
    files["signatories.csv"] = _csv(signatories, ["letter", "position", "organization"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def signatories_csv(letter: Letter) -> bytes:
    """The signatory list of one letter, in signing order."""
    rows = [
        {
            "position": i + 1,
            "organization": s.organization.name,
            "kind": s.organization.kind_enum.label,
            "city": s.organization.city,
            "province": s.organization.province,
            "website": s.organization.website,
        }
        for i, s in enumerate(letter.signatories)
    ]
    return _csv(rows, ["position", "organization", "kind", "city", "province", "website"])
