"""Import whole case files: cases, people, sanctions, harms, legal proceedings, events, tasks and supporter counts,
each as its own CSV (or all of them in one zip), linked by the case's reference.

Columns are the records' declared fields (any optional column may be left out); refusals name the row, the
column and the accepted values in the reader's language. The import is all-or-nothing across files and
idempotent: a case is found by its reference, and the n-th sanction (person, harm...) of a case in a file is the
n-th one recorded (a supporter count is the count of its campaign on its date and channel), so importing the same
files twice changes nothing. The preview says, for each row, whether it
creates, changes (and exactly which fields) or leaves a record unchanged.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.campaigns import services as campaign_services
from casefiles.campaigns.models import Campaign, Channel, SupporterSnapshot
from casefiles.campaigns.records import SNAPSHOT
from casefiles.cases import services as case_services
from casefiles.cases.legal_records import HARM, PROCEEDING
from casefiles.cases.models import Case, Proceeding
from casefiles.cases.records import CASE, EVENT, SANCTION, TASK
from casefiles.enums import InstitutionKind
from casefiles.extensions import db
from casefiles.people import services as people_services
from casefiles.people.models import Person
from casefiles.people.records import PERSON
from casefiles.records import fields as kinds
from casefiles.records.fields import FieldError
from casefiles.records.registry import Record
from casefiles.transfer.csv_reading import ImportFileError, cell_error, read_csv
from casefiles.transfer.report import enum_lookup

# In the order they are applied: a case before its parts, a proceeding before the events and hearings of it.
RECORDS: dict[str, Record] = {
    "cases": CASE,
    "people": PERSON,
    "sanctions": SANCTION,
    "harms": HARM,
    "proceedings": PROCEEDING,
    "events": EVENT,
    "tasks": TASK,
    "supporters": SNAPSHOT,
}
# Declared fields that an import does not set: who is assigned, what is featured, links by internal number.
_NOT_IMPORTED = {"external_ref", "assignee_ids", "featured", "owner_id", "proceeding_id"}
# Columns that are not a declared field: how to record a new institution, which proceeding an event belongs to.
_EXTRA = {
    "cases": ("institution_kind", "institution_region", "institution_country"),
    "sanctions": ("institution_kind",),
    "events": ("proceeding",),
    "tasks": ("proceeding",),
    # A supporter count belongs to a campaign of the case, named by its reference or its title.
    "supporters": ("campaign",),
}
MAX_ZIP_MEMBER = 20 * 1024 * 1024
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


def columns(name: str) -> tuple[str, ...]:
    """Every column a file may have: `case`, then the record's declared fields, then the extra ones."""
    rec = RECORDS[name]
    declared = tuple(f.name for f in rec.fields if f.import_ and f.name not in _NOT_IMPORTED)
    return ("case", *declared, *_EXTRA.get(name, ()))


@dataclass
class Change:
    label: str
    old: Any
    new: Any


@dataclass
class RowPlan:
    """What one row will do: create, update (these fields) or leave unchanged."""

    file: str
    row: int
    case: str
    values: dict[str, Any]
    extra: dict[str, str]
    action: str = CREATE
    changes: list[Change] = field(default_factory=list)
    target: Any = None


@dataclass
class CaseFilesReport:
    """The preview (or result) of an import of case files."""

    rows: list[RowPlan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def change_count(self) -> int:
        """Records created plus fields changed: 0 when the files hold nothing new."""
        return sum(1 if r.action == CREATE else len(r.changes) for r in self.rows)

    def counts(self) -> dict[str, int]:
        found = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
        for plan in self.rows:
            found[plan.action] += 1
        return found


class CaseFilesRefused(Exception):
    """Nothing was written; the report says why."""

    def __init__(self, report: CaseFilesReport) -> None:
        super().__init__("; ".join(report.errors[:5]))
        self.report = report


def files_from_zip(data: bytes) -> dict[str, bytes]:
    """The CSV files of a zip, by name (cases, people...); an unknown or oversized member refuses the zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError([_l("This is not a zip file.")]) from error
    found: dict[str, bytes] = {}
    problems: list[Any] = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        base = info.filename.rsplit("/", 1)[-1]
        stem = base[:-4].lower() if base.lower().endswith(".csv") else ""
        if stem not in RECORDS:
            problems.append(
                _l(
                    "“%(name)s” is not one of the files: %(names)s.",
                    name=base,
                    names=", ".join(f"{n}.csv" for n in RECORDS),
                )
            )
        elif info.file_size > MAX_ZIP_MEMBER:
            problems.append(_l("“%(name)s” is too large.", name=base))
        else:
            found[stem] = archive.read(info)
    if problems:
        raise ImportFileError(problems)
    return found


# -- reading and checking ---------------------------------------------------------------------------------------


def _enum_cell(rec_field: Any, text: str) -> str:
    """A spreadsheet may write an enum by its value or by its English or French label."""
    member = enum_lookup(rec_field.enum).get(text.casefold())
    return member.value if member is not None else text


def _parse(name: str, data: bytes, report: CaseFilesReport) -> list[RowPlan]:
    rec = RECORDS[name]
    try:
        csv_file = read_csv(data, required=("case",), optional=columns(name)[1:])
    except ImportFileError as error:
        report.errors.extend(f"{name}.csv: {m}" for m in error.messages)
        return []
    plans = []
    for number, cells in csv_file.rows:
        ref = (cells.get("case") or "").strip()
        if not ref:
            report.errors.append(
                f"{name}.csv: " + cell_error(number, "case", _l("every row needs the case's reference."))
            )
            continue
        values: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for column, raw in cells.items():
            if column == "case" or raw is None:
                continue
            if column in rec.by_name:
                declared = rec.by_name[column]
                text = raw.strip()
                if declared.kind == kinds.ENUM and text:
                    text = _enum_cell(declared, text)
                try:
                    values[column] = declared.clean(text)
                except FieldError as error:
                    message = error.message
                    if declared.kind == kinds.ENUM:
                        accepted = ", ".join(f"{m.value} ({m.label})" for m in declared.enum)
                        message = _l(
                            "“%(value)s” is not one of the accepted values: %(values)s.", value=text, values=accepted
                        )
                    report.errors.append(f"{name}.csv: " + cell_error(number, column, message))
            else:
                extra[column] = raw.strip()
        kind = extra.get("institution_kind", "")
        if kind:
            member = enum_lookup(InstitutionKind).get(kind.casefold())
            if member is None:
                accepted = ", ".join(f"{m.value} ({m.label})" for m in InstitutionKind)
                report.errors.append(
                    f"{name}.csv: "
                    + cell_error(
                        number,
                        "institution_kind",
                        _l("“%(value)s” is not one of the accepted values: %(values)s.", value=kind, values=accepted),
                    )
                )
            else:
                extra["institution_kind"] = member.value
        plans.append(RowPlan(file=name, row=number, case=ref, values=values, extra=extra))
    return plans


def _find_case(ref: str) -> Case | None:
    case = db.session.scalars(select(Case).where(Case.external_ref == ref)).first()
    if case is None and ref.startswith("CF-") and ref[3:].isdigit():
        case = db.session.scalars(select(Case).where(Case.id == int(ref[3:]), Case.external_ref.is_(None))).first()
    return case


def _existing_parts(case: Case | None, name: str) -> list[Any]:
    """The records a file's rows are matched with, in a stable order (the n-th row is the n-th record)."""
    if case is None:
        return []
    parts = {
        "people": case.people,
        "sanctions": case.sanctions,
        "harms": case.harms,
        "proceedings": case.proceedings,
        "events": case.events,
        # Appeal deadlines follow their sanction: they are not imported as tasks.
        "tasks": [t for t in case.tasks if t.sanction_id is None],
    }[name]
    return sorted(parts, key=lambda obj: obj.id)


def _compare(rec: Record, obj: Any, values: dict[str, Any]) -> list[Change]:
    current = rec.snapshot(obj, values.keys())
    return [
        Change(str(rec.by_name[k].label), rec.by_name[k].display(current[k]), rec.by_name[k].display(v))
        for k, v in values.items()
        if current.get(k) != v and not (current.get(k) in (None, "", []) and v in (None, "", []))
    ]


def preview(files: dict[str, bytes]) -> CaseFilesReport:
    """What importing these files would do, row by row; nothing is written."""
    report = CaseFilesReport()
    unknown = sorted(set(files) - set(RECORDS))
    for name in unknown:
        report.errors.append(_("“%(name)s” is not one of the files: %(names)s.", name=name, names=", ".join(RECORDS)))
    parsed = {name: _parse(name, files[name], report) for name in RECORDS if name in files}
    case_rows = parsed.get("cases", [])
    seen: dict[str, int] = {}
    for plan in case_rows:
        if plan.case in seen:
            report.errors.append(
                "cases.csv: "
                + cell_error(
                    plan.row,
                    "case",
                    _l("“%(ref)s” already appears on row %(first)s.", ref=plan.case, first=seen[plan.case]),
                )
            )
        seen.setdefault(plan.case, plan.row)
    cases: dict[str, Case | None] = {}
    for name, plans in parsed.items():
        for plan in plans:
            if plan.case not in cases:
                cases[plan.case] = _find_case(plan.case)
            if cases[plan.case] is None and plan.case not in seen:
                report.errors.append(
                    f"{name}.csv: "
                    + cell_error(plan.row, "case", _l("no case “%(ref)s” is recorded or in cases.csv.", ref=plan.case))
                )
    new_proceedings: dict[str, set[str]] = {}
    for name, plans in parsed.items():
        rec = RECORDS[name]
        position: dict[str, int] = {}
        for plan in plans:
            case = cases.get(plan.case)
            if name == "cases":
                plan.target = case
            elif name == "supporters":
                plan.target = _existing_count(case, plan, report)
            else:
                index = position.get(plan.case, 0)
                position[plan.case] = index + 1
                existing = _existing_parts(case, name)
                plan.target = existing[index] if index < len(existing) else None
            if name == "proceedings":
                number = plan.values.get("file_number") or (plan.target.file_number if plan.target else "")
                new_proceedings.setdefault(plan.case, set()).add(number)
            if plan.target is not None:
                plan.changes = _compare(rec, plan.target, plan.values)
                plan.action = UPDATE if plan.changes else UNCHANGED
            elif name == "people" and "legal_name" not in plan.values:
                report.errors.append(
                    f"{name}.csv: " + cell_error(plan.row, "legal_name", _l("enter the person's name."))
                )
            elif name in ("sanctions",) and "type" not in plan.values:
                report.errors.append(f"{name}.csv: " + cell_error(plan.row, "type", _l("Choose the type of sanction.")))
            elif name == "supporters":
                for column in ("date", "count"):
                    if plan.values.get(column) in (None, ""):
                        report.errors.append(
                            f"{name}.csv: " + cell_error(plan.row, column, SNAPSHOT.by_name[column].required)
                        )
    for name in ("events", "tasks"):
        for plan in parsed.get(name, []):
            number = plan.extra.get("proceeding", "")
            if not number:
                continue
            case = cases.get(plan.case)
            known = new_proceedings.get(plan.case, set()) | {p.file_number for p in (case.proceedings if case else [])}
            if number not in known:
                report.errors.append(
                    f"{name}.csv: "
                    + cell_error(
                        plan.row,
                        "proceeding",
                        _l("no proceeding with the file number “%(number)s” in this case.", number=number),
                    )
                )
            elif plan.target is not None and (
                plan.target.proceeding is None or plan.target.proceeding.file_number != number
            ):
                old = plan.target.proceeding.label if plan.target.proceeding else ""
                plan.changes.append(Change(str(RECORDS[name].by_name["proceeding_id"].label), old, number))
                plan.action = UPDATE
    for plans in parsed.values():
        report.rows.extend(plans)
    return report


def _campaign_named(name: str) -> Campaign | None:
    """The campaign a supporters row names: by its reference first, then by its English or French title."""
    found = db.session.scalars(select(Campaign).where(Campaign.external_ref == name)).first()
    if found is None:
        found = db.session.scalars(
            select(Campaign).where((Campaign.title_en == name) | (Campaign.title_fr == name)).order_by(Campaign.id)
        ).first()
    return found


def _existing_count(case: Case | None, plan: RowPlan, report: CaseFilesReport) -> SupporterSnapshot | None:
    """The supporter count this row matches: same campaign, date and channel (None: it will be added)."""
    name = plan.extra.get("campaign", "")
    if not name:
        report.errors.append(
            "supporters.csv: "
            + cell_error(plan.row, "campaign", _l("name the campaign by its reference or its title."))
        )
        return None
    campaign = _campaign_named(name)
    if campaign is None or plan.values.get("date") is None:
        return None
    channel = plan.values.get("channel") or Channel.ONLINE.value
    when = plan.values["date"]
    if isinstance(when, str):  # the declared field's plain value (YYYY-MM-DD); PostgreSQL compares dates only
        when = date.fromisoformat(when)
    return db.session.scalars(
        select(SupporterSnapshot).where(
            SupporterSnapshot.campaign_id == campaign.id,
            SupporterSnapshot.date == when,
            SupporterSnapshot.channel == channel,
        )
    ).first()


def _import_count(case: Case, plan: RowPlan, actor: Any) -> None:
    """Record a supporter count; its campaign is linked to the case, and created (planned, so never public until
    staff start it) when no campaign has that reference or title."""
    name = plan.extra["campaign"]
    campaign = _campaign_named(name)
    if campaign is None:
        campaign = campaign_services.create_campaign(actor=actor, values={"title_en": name})
    campaign_services.link_case(campaign, case, actor=actor)
    if plan.target is None:
        campaign_services.add_snapshot(campaign, actor=actor, values=dict(plan.values))
    elif plan.action == UPDATE:
        campaign_services.update_snapshot(plan.target, actor=actor, values=dict(plan.values))


# -- applying ---------------------------------------------------------------------------------------------------


def _title_for(ref: str, people: list[RowPlan]) -> str:
    """A case imported without a title is named as its first person's consent allows, never by a withheld name."""
    for plan in people:
        if plan.case == ref and plan.values.get("legal_name"):
            person = Person(
                legal_name=plan.values["legal_name"],
                name_consent=plan.values.get("name_consent") or "none",
                pseudonym=plan.values.get("pseudonym") or "",
            )
            if person.public_name:
                return person.public_name
            break
    return str(_l("Imported case %(ref)s", ref=ref))


def _with_institution(plan: RowPlan, values: dict[str, Any]) -> dict[str, Any]:
    name = values.get("institution")
    if name and (plan.extra.get("institution_kind") or plan.extra.get("institution_region")):
        values["institution"] = {
            "name": name,
            "kind": plan.extra.get("institution_kind") or None,
            "region": plan.extra.get("institution_region", ""),
            "country": plan.extra.get("institution_country", "") or "Canada",
        }
    return values


def _proceeding_id(case: Case, number: str) -> int | None:
    if not number:
        return None
    found = db.session.scalars(
        select(Proceeding)
        .where(Proceeding.case_id == case.id, Proceeding.file_number == number)
        .order_by(Proceeding.id)
    ).first()
    return found.id if found else None


ADD = {
    "people": people_services.add_person,
    "sanctions": case_services.add_sanction,
    "harms": case_services.add_harm,
    "proceedings": case_services.add_proceeding,
    "events": case_services.add_event,
    "tasks": case_services.add_task,
}
UPDATE_WITH = {
    "people": people_services.update_person,
    "sanctions": case_services.update_sanction,
    "harms": case_services.update_harm,
    "proceedings": case_services.update_proceeding,
    "events": case_services.update_event,
    "tasks": case_services.update_task,
}


def import_case_files(files: dict[str, bytes], *, actor: Any) -> CaseFilesReport:
    """Import as previewed, all or nothing (CaseFilesRefused: nothing written). Flushes; the caller commits."""
    report = preview(files)
    if not report.ok:
        raise CaseFilesRefused(report)
    by_file: dict[str, list[RowPlan]] = {}
    for plan in report.rows:
        by_file.setdefault(plan.file, []).append(plan)
    cases: dict[str, Case] = {}
    try:
        for plan in by_file.get("cases", []):
            values = _with_institution(plan, dict(plan.values))
            if plan.target is None:
                values.setdefault("title", _title_for(plan.case, by_file.get("people", [])))
                values["external_ref"] = plan.case
                cases[plan.case] = case_services.create_case(actor=actor, values=values)
            else:
                cases[plan.case] = plan.target
                if plan.action == UPDATE:
                    case_services.update_case(plan.target, actor=actor, changes=values)
        for name in ("people", "sanctions", "harms", "proceedings", "events", "tasks", "supporters"):
            for plan in by_file.get(name, []):
                case = cases.get(plan.case) or _find_case(plan.case)
                cases[plan.case] = case  # type: ignore[assignment]
                values = dict(plan.values)
                if name == "sanctions":
                    values = _with_institution(plan, values)
                if name in ("events", "tasks") and "proceeding" in plan.extra:
                    values["proceeding_id"] = _proceeding_id(case, plan.extra["proceeding"])  # type: ignore[arg-type]
                if name == "supporters":
                    _import_count(case, plan, actor)  # type: ignore[arg-type]
                    continue
                if plan.target is None:
                    ADD[name](case, actor=actor, values=values)
                elif plan.action == UPDATE:
                    UPDATE_WITH[name](plan.target, actor=actor, values=values)
    except FieldError as error:
        report.errors.append(f"{plan.file}.csv: " + cell_error(plan.row, error.field or "", error.message))
        raise CaseFilesRefused(report) from error
    db.session.flush()
    report.applied = True
    return report
