"""Supporter counts in the campaign CSV import: a dated count on a campaign's own row (`supporters`,
`supporters_date`, optional `supporters_source`, `supporters_channel`), or a file of counts (`campaign, date, count`,
optional `source, channel`), several dated counts per campaign, its history.

A count is the campaign's count on its date and channel (online when left out), as in the whole case files'
supporters file: importing the same file again changes nothing, a different number on the same date corrects it.
Counts are recorded through the campaigns' services (declared record, audited, public totals follow).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.campaigns import services as campaign_services
from casefiles.campaigns.models import Campaign, Channel, SupporterSnapshot
from casefiles.campaigns.records import MAX_COUNT
from casefiles.extensions import db
from casefiles.transfer.csv_import import Progress, _audit_import
from casefiles.transfer.csv_reading import ImportFileError, cell_error, decode, header_key, read_csv
from casefiles.transfer.report import CREATE, REFUSE, UPDATE, ImportRefused, ImportReport, RowResult, enum_lookup

# Optional columns of a campaigns file: one dated count per row.
ROW_COLUMNS = ("supporters", "supporters_date", "supporters_source", "supporters_channel")
# A file of counts.
FILE_REQUIRED = ("campaign", "date", "count")
FILE_OPTIONAL = ("source", "channel")


def is_counts_file(data: bytes) -> bool:
    """A file of counts rather than of campaigns: it has campaign, date and count columns and no title."""
    try:
        first_line = decode(data).split("\n", 1)[0]
    except ImportFileError:
        return False
    columns = {header_key(h) for h in first_line.replace(";", ",").replace("\t", ",").split(",")}
    return set(FILE_REQUIRED) <= columns and "title_en" not in columns


def parse_count(
    cells: dict[str, str], refuse: Any, *, count: str, day: str, source: str, channel: str
) -> dict[str, Any] | None:
    """The snapshot values of one dated count (None when the row has none); each problem is refused by cell."""
    raw = (cells.get(count) or "").replace(",", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    raw_day = (cells.get(day) or "").strip()
    if not raw and not raw_day:
        return None
    values: dict[str, Any] = {}
    if not raw.isdigit() or int(raw) > MAX_COUNT:
        refuse(count, _l("enter a whole number of supporters (at most %(max)s).", max=MAX_COUNT))
    else:
        values["count"] = int(raw)
    try:
        values["date"] = date.fromisoformat(raw_day)
    except ValueError:
        refuse(day, _l("“%(value)s” is not a date: write it as 2024-03-01.", value=raw_day))
    text = " ".join((cells.get(source) or "").split())
    if len(text) > 200:
        refuse(source, _l("longer than %(max)s characters.", max=200))
    values["source"] = text
    raw_channel = (cells.get(channel) or "").strip()
    member = enum_lookup(Channel).get(raw_channel.casefold()) if raw_channel else Channel.ONLINE
    if member is None:
        refuse(channel, _l("“%(value)s” is not one of the accepted values.", value=raw_channel))
    else:
        values["channel"] = member.value
    return values


def matching_snapshot(campaign: Campaign, values: dict[str, Any]) -> SupporterSnapshot | None:
    return db.session.scalar(
        select(SupporterSnapshot).where(
            SupporterSnapshot.campaign_id == campaign.id,
            SupporterSnapshot.date == values["date"],
            SupporterSnapshot.channel == values["channel"],
        )
    )


def record_count(campaign: Campaign, values: dict[str, Any], *, actor: Any) -> str | None:
    """Add the count, correct the one of the same date and channel, or change nothing: "create", "update", None."""
    found = matching_snapshot(campaign, values) if campaign.id is not None else None
    if found is None:
        campaign_services.add_snapshot(campaign, actor=actor, values=dict(values))
        return CREATE
    changes = {k: v for k, v in values.items() if getattr(found, k) != v}
    if not changes:
        return None
    campaign_services.update_snapshot(found, actor=actor, values=changes)
    return UPDATE


def _validate_file(data: bytes, filename: str) -> tuple[ImportReport, list[tuple[RowResult, Campaign, dict]]]:
    report = ImportReport(kind="campaigns", filename=filename)
    try:
        csv_file = read_csv(data, required=FILE_REQUIRED, optional=FILE_OPTIONAL)
    except ImportFileError as error:
        report.file_errors = error.messages
        return report, []
    refs = {(cells.get("campaign") or "").strip() for _, cells in csv_file.rows}
    campaigns = {c.external_ref: c for c in db.session.scalars(select(Campaign).where(Campaign.external_ref.in_(refs)))}
    seen: dict[tuple, int] = {}
    good = []
    for number, cells in csv_file.rows:
        ref = (cells.get("campaign") or "").strip()
        result = RowResult(row=number, reference=ref)
        report.rows.append(result)

        def refuse(column: str, message: Any, number: int = number, result: RowResult = result) -> None:
            result.messages.append(cell_error(number, column, message))

        campaign = campaigns.get(ref)
        if campaign is None:
            refuse("campaign", _l("no campaign has the reference “%(ref)s”.", ref=ref))
        values = parse_count(cells, refuse, count="count", day="date", source="source", channel="channel")
        if values is None:
            refuse("count", _l("enter a whole number of supporters (at most %(max)s).", max=MAX_COUNT))
        elif "date" in values and "channel" in values:
            key = (ref, values["date"], values["channel"])
            if key in seen:
                refuse(
                    "date", _l("the same campaign, date and channel already appear on row %(first)s.", first=seen[key])
                )
            seen.setdefault(key, number)
        if result.messages:
            result.action = REFUSE
            continue
        found = matching_snapshot(campaign, values)
        if found is not None and all(getattr(found, k) == v for k, v in values.items()):
            result.action = UPDATE
            result.warnings.append(str(_l("already recorded: nothing changes.")))
        else:
            result.action = UPDATE if found is not None else CREATE
        good.append((result, campaign, values))
    return report, good


def preview_counts_file(data: bytes, filename: str) -> ImportReport:
    """What importing this file of counts would do; nothing is written."""
    return _validate_file(data, filename)[0]


def import_counts_file(data: bytes, filename: str, *, actor: Any, progress: Progress | None = None) -> ImportReport:
    """Record every dated count of the file (all or nothing)."""
    report, good = _validate_file(data, filename)
    if not report.ok:
        raise ImportRefused(report)
    for _result, campaign, values in good:
        record_count(campaign, values, actor=actor)
        if progress:
            progress(1)
    _audit_import(report, actor)
    report.applied = True
    return report
