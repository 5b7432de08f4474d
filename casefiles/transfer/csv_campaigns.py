"""CSV import of campaigns, with the same preview and all-or-nothing apply as cases.

Columns and their limits come from the campaign's declaration: a field added there is a column here. A row may carry
a dated supporter count, and a file of counts (campaign, date, count) goes through the same import (csv_counts).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.campaigns import services as campaign_services
from casefiles.campaigns.models import Campaign, CampaignKind, CampaignStatus
from casefiles.campaigns.records import CAMPAIGN
from casefiles.cases.models import Case
from casefiles.dates import PartialDate, PartialDateError
from casefiles.enums import Outcome
from casefiles.extensions import db
from casefiles.transfer import csv_counts
from casefiles.transfer.csv_import import Progress, _audit_import
from casefiles.transfer.csv_reading import ImportFileError, cell_error, chunks, read_csv
from casefiles.transfer.report import CREATE, REFUSE, UPDATE, ImportRefused, ImportReport, RowResult, enum_lookup

# The columns a campaign row must have; the other importable fields (and the linked cases) may be left out.
CAMPAIGN_REQUIRED = (
    "external_ref",
    "title_en",
    "title_fr",
    "kind",
    "status",
    "outcome",
    "start_date",
    "end_date",
    "goal",
)
CAMPAIGN_COLUMNS = tuple(f.name for f in CAMPAIGN.fields if f.import_ and f.name in CAMPAIGN_REQUIRED)
CAMPAIGN_OPTIONAL = (
    *(f.name for f in CAMPAIGN.fields if f.import_ and f.name not in CAMPAIGN_REQUIRED),
    "cases",
    *csv_counts.ROW_COLUMNS,
)
CAMPAIGN_LIMITS = {
    f.name: f.max_length for f in CAMPAIGN.fields if f.import_ and f.max_length and f.kind in ("text", "ref")
}


def _split_list(text: str) -> list[str]:
    """A list in one cell: one item per line, or items separated by “ | ”."""
    parts = text.splitlines() if "\n" in text else text.split("|")
    return [" ".join(p.split()) for p in parts if p.strip()]


def _validate_campaigns(data: bytes, filename: str) -> tuple[ImportReport, list[tuple[RowResult, dict[str, Any]]]]:
    report = ImportReport(kind="campaigns", filename=filename)
    try:
        csv_file = read_csv(data, required=CAMPAIGN_COLUMNS, optional=CAMPAIGN_OPTIONAL)
    except ImportFileError as error:
        report.file_errors = error.messages
        return report, []
    lookups = {
        "kind": enum_lookup(CampaignKind),
        "status": enum_lookup(CampaignStatus),
        "outcome": enum_lookup(Outcome),
    }
    seen: dict[str, int] = {}
    all_refs = {r for _, cells in csv_file.rows for r in _split_list(cells.get("cases", "").replace(";", "|"))}
    known_refs = set()
    for chunk in chunks(sorted(all_refs), 500):
        known_refs.update(db.session.scalars(select(Case.external_ref).where(Case.external_ref.in_(chunk))))
    good = []
    for number, cells in csv_file.rows:
        values: dict[str, Any] = {k: (v or "").strip() for k, v in cells.items()}
        result = RowResult(row=number, reference=values["external_ref"])
        report.rows.append(result)

        def refuse(column: str, message: Any, number: int = number, result: RowResult = result) -> None:
            result.messages.append(cell_error(number, column, message))

        for column, limit in CAMPAIGN_LIMITS.items():
            if len(values.get(column, "")) > limit:
                refuse(column, _l("longer than %(max)s characters.", max=limit))
        ref = values["external_ref"]
        if not ref:
            refuse(
                "external_ref", _l("every row needs an external reference (it is how a re-import finds the campaign).")
            )
        elif ref in seen:
            refuse("external_ref", _l("“%(ref)s” already appears on row %(first)s.", ref=ref, first=seen[ref]))
        seen.setdefault(ref, number)
        if not values["title_en"] and not values["title_fr"]:
            refuse("title_en", _l("give the campaign a title in English or in French."))
        for column, lookup in lookups.items():
            if values[column]:
                member = lookup.get(values[column].casefold())
                if member is None:
                    refuse(column, _l("“%(value)s” is not one of the accepted values.", value=values[column]))
                else:
                    values[column] = member.value
            else:
                values.pop(column)
        for column in ("start_date", "end_date"):
            try:
                values[column] = PartialDate.parse(values[column])
            except PartialDateError:
                refuse(
                    column, _l("“%(value)s” is not a date: write 2023, 2023-11 or 2023-11-14.", value=values[column])
                )
        goal = values["goal"].replace(",", "").replace(" ", "")
        if goal and not goal.isdigit():
            refuse("goal", _l("enter a whole number."))
        values["goal"] = int(goal) if goal.isdigit() and int(goal) > 0 else None
        for column in ("targets", "asks"):
            if column in values:
                values[column] = _split_list(values[column])
        count = csv_counts.parse_count(
            values,
            refuse,
            count="supporters",
            day="supporters_date",
            source="supporters_source",
            channel="supporters_channel",
        )
        for column in csv_counts.ROW_COLUMNS:
            values.pop(column, None)
        if count is not None:
            values["_count"] = count
        if "cases" in values:
            refs = _split_list(values.pop("cases").replace(";", "|"))
            missing = [r for r in refs if r not in known_refs]
            if missing:
                refuse("cases", _l("no case has the reference “%(ref)s”.", ref=missing[0]))
            values["_cases"] = refs
        if result.messages:
            result.action = REFUSE
        else:
            good.append((result, values))
    return report, good


def preview_campaigns(data: bytes, filename: str) -> ImportReport:
    """What importing this campaigns file (or file of counts) would do; nothing is written."""
    if csv_counts.is_counts_file(data):
        return csv_counts.preview_counts_file(data, filename)
    report, good = _validate_campaigns(data, filename)
    refs = [v["external_ref"] for _, v in good]
    existing = (
        set(db.session.scalars(select(Campaign.external_ref).where(Campaign.external_ref.in_(refs)))) if refs else set()
    )
    for result, values in good:
        result.action = UPDATE if values["external_ref"] in existing else CREATE
    return report


def import_campaigns(data: bytes, filename: str, *, actor: Any, progress: Progress | None = None) -> ImportReport:
    """Create or update campaigns by external reference, link the cases named in the `cases` column and record the
    rows' dated supporter counts; a file of counts records its counts."""
    if csv_counts.is_counts_file(data):
        return csv_counts.import_counts_file(data, filename, actor=actor, progress=progress)
    report = preview_campaigns(data, filename)
    if not report.ok:
        raise ImportRefused(report)
    _, good = _validate_campaigns(data, filename)
    for chunk in chunks(good, 200):
        refs = [v["external_ref"] for _, v in chunk]
        existing = {
            c.external_ref: c for c in db.session.scalars(select(Campaign).where(Campaign.external_ref.in_(refs)))
        }
        for _result, values in chunk:
            case_refs = values.pop("_cases", None)
            count = values.pop("_count", None)
            campaign = existing.get(values["external_ref"])
            if campaign is None:
                campaign = campaign_services.create_campaign(actor=actor, values=values)
            else:
                campaign_services.update_campaign(campaign, actor=actor, changes=values)
            if case_refs:
                for case in db.session.scalars(select(Case).where(Case.external_ref.in_(case_refs))):
                    campaign_services.link_case(campaign, case, actor=actor)
            if count is not None:
                csv_counts.record_count(campaign, count, actor=actor)
        if progress:
            progress(len(chunk))
    _audit_import(report, actor)
    report.applied = True
    return report
