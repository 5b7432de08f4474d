"""Load a JSON export (see export.py) into an empty database, through the domain services (all audited)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from casefiles.audit.services import record
from casefiles.auth.models import User
from casefiles.campaigns import services as campaign_services
from casefiles.cases import services as case_services
from casefiles.cases.models import Case
from casefiles.dates import PartialDate
from casefiles.extensions import db
from casefiles.institutions.services import find_or_create_institution
from casefiles.letters import services as letter_services
from casefiles.organizations import services as org_services
from casefiles.organizations.models import Organization
from casefiles.transfer.export import PERSON_FIELDS
from casefiles.transfer.publishing import apply_published_flag


class RestoreError(ValueError):
    """The document cannot be loaded; `message` is translated."""


def _date(text: str | None) -> Any:
    from datetime import date

    return date.fromisoformat(text) if text else None


def import_everything(document: dict[str, Any], *, actor: Any) -> dict[str, int]:
    """Recreate every institution, organization, case, campaign and letter of an export; flushes, caller commits."""
    if not isinstance(document, dict) or document.get("format") != "casefiles-export":
        raise RestoreError(_l("This is not a Casefiles export."))
    if db.session.scalar(select(func.count(Case.id))) or db.session.scalar(select(func.count(Organization.id))):
        raise RestoreError(_l("The database already holds cases or organizations: load an export into an empty one."))
    users = {email: uid for uid, email in db.session.execute(select(User.id, User.email))}
    institutions: dict[str, int] = {}
    for inst in document.get("institutions", []):
        made = find_or_create_institution(
            inst["name"], actor=actor, kind=inst["kind"], region=inst["region"], country=inst["country"]
        )
        institutions[inst["name"]] = made.id
    orgs: dict[str, Organization] = {}
    for values in document.get("organizations", []):
        orgs[values["name"]] = org_services.create_organization(actor=actor, values=values)
    cases: dict[str, Case] = {}
    for data in document.get("cases", []):
        cases[data["reference"]] = _restore_case(data, actor, institutions, orgs, users)
    campaigns = []
    for data in document.get("campaigns", []):
        values = {f: v for f, v in data.items() if f in campaign_services.FIELDS}
        campaign = campaign_services.create_campaign(actor=actor, values=values)
        for snap in data.get("snapshots", []):
            campaign_services.add_snapshot(campaign, actor=actor, values=snap)
        for ref in data.get("cases", []):
            if ref in cases:
                campaign_services.link_case(campaign, cases[ref], actor=actor)
        campaign_services.set_campaign_partners(campaign, [orgs[n] for n in data.get("partners", [])], actor=actor)
        campaigns.append(campaign)
    for data in document.get("letters", []):
        index = data.get("campaign")
        letter = letter_services.create_letter(
            actor=actor,
            values={
                "title": data["title"],
                "addressee": data["addressee"],
                "letter_date": _date(data.get("letter_date")),
                "body_en": data["body_en"],
                "body_fr": data["body_fr"],
                "campaign_id": campaigns[index].id if index is not None else None,
            },
        )
        if data.get("signatories"):
            letter_services.add_signatories(letter, "\n".join(data["signatories"]), actor=actor)
    counts = {
        "cases": len(cases),
        "campaigns": len(campaigns),
        "organizations": len(orgs),
        "letters": len(document.get("letters", [])),
    }
    record(
        "import.everything",
        actor=actor,
        object_type="import",
        summary=", ".join(f"{v} {k}" for k, v in counts.items()),
        changes={k: [None, v] for k, v in counts.items()},
    )
    db.session.flush()
    return counts


def _restore_case(data: dict, actor: Any, institutions: dict, orgs: dict, users: dict) -> Case:
    values = {
        f: data[f]
        for f in (
            "title",
            "status",
            "outcome",
            "priority",
            "speech_text",
            "speech_platform",
            "speech_url",
            "speech_date",
            "public_summary",
            "private_notes",
            "external_ref",
            "tags",
        )
    }
    values["speech_date"] = PartialDate.parse(values["speech_date"])
    values["institution_id"] = institutions.get(data["institution"]) if data["institution"] else None
    values["assignee_ids"] = [users[e] for e in data.get("assignees", []) if e in users]
    case = case_services.create_case(actor=actor, values=values)
    for person in data.get("people", []):
        case_services.add_person(case, actor=actor, values={f: person[f] for f in PERSON_FIELDS})
    sanctions = []
    for s in data.get("sanctions", []):
        sanctions.append(
            case_services.add_sanction(
                case,
                actor=actor,
                values={**s, "date": PartialDate.parse(s["date"]), "appeal_deadline": _date(s["appeal_deadline"])},
            )
        )
    for e in data.get("events", []):
        case_services.add_event(case, actor=actor, values={**e, "date": PartialDate.parse(e["date"])})
    for t in data.get("tasks", []):
        owner_id = users.get(t["owner"]) if t.get("owner") else None
        index = t.get("appeal_deadline_of_sanction")
        if index is not None:
            task = next((x for x in case.tasks if x.sanction_id == sanctions[index].id), None)
            if task is not None:
                case_services.update_task(task, actor=actor, values={"owner_id": owner_id, "done": t["done"]})
            continue
        case_services.add_task(
            case,
            actor=actor,
            values={"title": t["title"], "due_date": _date(t["due_date"]), "owner_id": owner_id, "done": t["done"]},
        )
    if data.get("partners"):
        org_services.set_case_partners(case, [orgs[n] for n in data["partners"]], actor=actor)
    if data.get("published"):
        # Keep the public address people already share; the publishing service does the rest.
        case.public_slug = data.get("public_slug") or case.public_slug
        apply_published_flag(case, True, actor=actor, review_confirmed=True)
    elif data.get("public_slug"):
        case.public_slug = data["public_slug"]
    if data.get("archived"):
        case_services.archive_case(case, actor=actor)
    db.session.flush()
    return case


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """An export with what legitimately differs between two databases removed (export time, internal ids)."""
    import copy

    doc = copy.deepcopy(document)
    doc.pop("exported_at", None)
    index = {case["reference"]: i for i, case in enumerate(doc["cases"])}
    for case in doc["cases"]:
        if not case["external_ref"]:
            case["reference"] = index[case["reference"]]
    for campaign in doc["campaigns"]:
        campaign["cases"] = [index.get(ref, ref) for ref in campaign["cases"]]
    return doc
