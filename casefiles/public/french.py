"""Which public texts of a case have no French yet: read from the record declarations (each field's ``french=``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casefiles.records.registry import REGISTRY


@dataclass(frozen=True)
class MissingFrench:
    """One public text written in English whose French twin is empty."""

    record: str  # the record's label ("Timeline event")
    item: str  # which one ("Hearing held")
    field: str  # the field's label ("What happened")


def _filled(value: Any) -> bool:
    if isinstance(value, list):
        return any(str(v).strip() for v in value)
    return bool(str(value or "").strip())


def _missing(record_name: str, obj: Any) -> list[MissingFrench]:
    record = REGISTRY.get(record_name)
    if record is None:
        return []
    found = []
    for declared in record.fields:
        if not declared.public or not declared.french or declared.french not in record.by_name:
            continue
        if _filled(declared.read(obj)) and not _filled(record.by_name[declared.french].read(obj)):
            found.append(MissingFrench(str(record.label), record.summary(obj) or "", str(declared.label)))
    return found


def missing_french(case: Any) -> list[MissingFrench]:
    """The public texts of the case, its public events and its public campaigns that have no French yet.

    (An institution's name is often the same in both languages, so a missing French name is not listed.)
    """
    from sqlalchemy import select

    from casefiles.extensions import db

    found = _missing("case", case)
    # Every record of the case that shows publicly (events, sanctions, harms, proceedings...), from the declarations.
    for record in REGISTRY.values():
        if record.parent_key != "case_id" or not any(f.french for f in record.public_fields):
            continue
        children = db.session.scalars(
            select(record.model).where(record.model.case_id == case.id).order_by(record.model.id)
        )
        for obj in children:
            if record.shown_publicly is None or record.shown_publicly(obj):
                found += _missing(record.name, obj)
    try:
        from casefiles.briefs.context import PUBLIC_CAMPAIGN_STATUSES
        from casefiles.campaigns.services import campaigns_for_case
    except ImportError:  # pragma: no cover - campaigns not installed
        return found
    for campaign in campaigns_for_case(case):
        if campaign.status in PUBLIC_CAMPAIGN_STATUSES:
            found += _missing("campaign", campaign)
    return found
