"""CSV import of cases, organizations and campaigns: preview first, then an all-or-nothing apply.

Every change goes through the domain services (so each writes its own audit entry), plus one audit entry
per import (who, file name, counts). Lookups are batched and the session is flushed and emptied in chunks,
so 10,000 rows stay fast and small.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.audit.services import record
from casefiles.auth.models import User
from casefiles.cases import services as case_services
from casefiles.cases.models import Case
from casefiles.cases.records import CASE, SANCTION
from casefiles.dates import PartialDate, PartialDateError
from casefiles.enums import CaseStatus, Outcome, PersonCategory, SanctionType
from casefiles.extensions import db
from casefiles.institutions.models import Institution, institution_key
from casefiles.institutions.records import INSTITUTION
from casefiles.people import services as people_services
from casefiles.people.records import PERSON
from casefiles.records.fields import FieldError
from casefiles.transfer import bulk_cases
from casefiles.transfer.csv_reading import ImportFileError, cell_error, chunks, read_csv
from casefiles.transfer.report import (
    CREATE,
    REFUSE,
    UPDATE,
    ImportRefused,
    ImportReport,
    RowResult,
    enum_lookup,
    parse_bool,
)

Progress = Callable[[int], None]
_GENERATED = re.compile(r"^CF-(\d{1,9})$")
CHUNK = 500

CASE_COLUMNS = (
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
)
CASE_OPTIONAL = ("title",)
# Each column is a declared field of one of the case file's records; its limit is that field's.
COLUMN_FIELDS = {
    "external_ref": CASE.by_name["external_ref"],
    "person": PERSON.by_name["legal_name"],
    "category": PERSON.by_name["category"],
    "institution": INSTITUTION.by_name["name"],
    "region": INSTITUTION.by_name["region"],
    "country": INSTITUTION.by_name["country"],
    "title": CASE.by_name["title"],
    "speech": CASE.by_name["speech_text"],
    "sanction_type": SANCTION.by_name["type"],
    "sanction_date": SANCTION.by_name["date"],
    "status": CASE.by_name["status"],
    "outcome": CASE.by_name["outcome"],
    "public_summary": CASE.by_name["public_summary"],
    "private_notes": CASE.by_name["private_notes"],
}
LIMITS = {column: field.max_length for column, field in COLUMN_FIELDS.items() if field.max_length}


@dataclass
class CaseRow:
    """One validated row, as plain values for the case services."""

    row: int
    ref: str
    person: str
    category: str
    institution: str
    region: str
    country: str
    speech: str
    sanction_type: str | None
    sanction_date: PartialDate | None
    status: str | None
    outcome: str | None
    public_summary: str
    private_notes: str
    published: bool
    title: str | None
    result: RowResult = field(repr=False, default=None)  # type: ignore[assignment]


def _generated_ids(refs: list[str]) -> dict[int, str]:
    """Cases without a reference of their own are exported as CF-00042: those refs point at the case id."""
    return {int(ref[3:]): ref for ref in refs if _GENERATED.match(ref)}


def _existing_cases(refs: list[str]) -> dict[str, Case]:
    found: dict[str, Case] = {}
    for chunk in chunks(sorted(set(refs)), CHUNK):
        for case in db.session.scalars(select(Case).where(Case.external_ref.in_(chunk))):
            found[case.external_ref] = case  # type: ignore[index]
    generated = _generated_ids([r for r in refs if r not in found])
    for chunk in chunks(sorted(generated), CHUNK):
        for case in db.session.scalars(select(Case).where(Case.id.in_(chunk), Case.external_ref.is_(None))):
            found[generated[case.id]] = case
    return found


def _existing_refs(refs: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(sorted(set(refs)), CHUNK):
        found.update(db.session.scalars(select(Case.external_ref).where(Case.external_ref.in_(chunk))))
    generated = _generated_ids([r for r in refs if r not in found])
    for chunk in chunks(sorted(generated), CHUNK):
        ids = db.session.scalars(select(Case.id).where(Case.id.in_(chunk), Case.external_ref.is_(None)))
        found.update(generated[i] for i in ids)
    return found


def _validate_case_rows(data: bytes, filename: str) -> tuple[ImportReport, list[CaseRow]]:
    report = ImportReport(kind="cases", filename=filename)
    try:
        csv_file = read_csv(data, required=CASE_COLUMNS, optional=CASE_OPTIONAL)
    except ImportFileError as error:
        report.file_errors = error.messages
        return report, []
    categories, sanctions = enum_lookup(PersonCategory), enum_lookup(SanctionType)
    statuses, outcomes = enum_lookup(CaseStatus), enum_lookup(Outcome)
    seen: dict[str, int] = {}
    rows: list[CaseRow] = []
    for number, cells in csv_file.rows:
        values = {k: (v or "").strip() for k, v in cells.items()}
        result = RowResult(row=number, reference=values.get("external_ref", ""))
        report.rows.append(result)
        errors = result.messages

        def refuse(column: str, message: Any, number: int = number, errors: list = errors) -> None:
            errors.append(cell_error(number, column, message))

        for column, limit in LIMITS.items():
            if len(values.get(column, "")) > limit:
                refuse(column, _l("longer than %(max)s characters.", max=limit))
        ref = values["external_ref"]
        if not ref:
            refuse("external_ref", _l("every row needs an external reference (it is how a re-import finds the case)."))
        elif ref in seen:
            refuse("external_ref", _l("“%(ref)s” already appears on row %(first)s.", ref=ref, first=seen[ref]))
        else:
            seen[ref] = number
        if not values["person"]:
            refuse("person", _l("enter the person's name."))

        def member(column: str, lookup: dict, refuse: Callable = refuse, values: dict = values) -> str | None:
            text = values[column]
            if not text:
                return None
            found = lookup.get(text.casefold()) or lookup.get(text.replace("_", " ").casefold())
            if found is None:
                accepted = ", ".join(m.value for m in COLUMN_FIELDS[column].enum)
                refuse(
                    column,
                    _l("“%(value)s” is not one of the accepted values: %(values)s.", value=text, values=accepted),
                )
                return None
            return found.value

        category = member("category", categories)
        sanction_type = member("sanction_type", sanctions)
        status = member("status", statuses)
        outcome = member("outcome", outcomes)
        sanction_date = None
        try:
            sanction_date = PartialDate.parse(values["sanction_date"])
        except PartialDateError:
            refuse(
                "sanction_date",
                _l("“%(value)s” is not a date: write 2023, 2023-11 or 2023-11-14.", value=values["sanction_date"]),
            )
        if sanction_date and not values["sanction_type"]:
            refuse("sanction_type", _l("a sanction date needs the type of sanction."))
        published = parse_bool(values["published"])
        if published is None:
            refuse("published", _l("write yes or no."))
        if errors:
            result.action = REFUSE
            continue
        rows.append(
            CaseRow(
                row=number,
                ref=ref,
                person=" ".join(values["person"].split()),
                category=category or PersonCategory.OTHER.value,
                institution=" ".join(values["institution"].split()),
                region=values["region"],
                country=values["country"],
                speech=values["speech"],
                sanction_type=sanction_type,
                sanction_date=sanction_date,
                status=status,
                outcome=outcome,
                public_summary=values["public_summary"],
                private_notes=values["private_notes"],
                published=bool(published),
                title=values.get("title") or None,
                result=result,
            )
        )
    return report, rows


def preview_cases(data: bytes, filename: str, *, review_confirmed: bool = False) -> ImportReport:
    """What importing this file would do, row by row; nothing is written."""
    report, rows = _validate_case_rows(data, filename)
    existing = _existing_refs([r.ref for r in rows])
    for row in rows:
        row.result.action = UPDATE if row.ref in existing else CREATE
        if row.published and not review_confirmed:
            row.result.warnings.append(
                _("Marked published: it stays unpublished unless the publication review is confirmed.")
            )
        if row.published and not row.public_summary and row.result.action == CREATE:
            if review_confirmed:
                row.result.action = REFUSE
                row.result.messages.append(
                    cell_error(row.row, "public_summary", _l("a published case needs a public summary."))
                )
    return report


def _institutions(rows: list[CaseRow], actor: Any) -> dict[str, Institution]:
    """One lookup per chunk of distinct institution names; the missing ones are created once each."""
    from casefiles.institutions.services import find_or_create_institution

    wanted: dict[str, CaseRow] = {}
    for row in rows:
        if row.institution:
            wanted.setdefault(institution_key(row.institution), row)
    found: dict[str, Institution] = {}
    for chunk in chunks(sorted(wanted), CHUNK):
        for inst in db.session.scalars(
            select(Institution).where(Institution.name_key.in_(chunk)).order_by(Institution.id)
        ):
            found.setdefault(inst.name_key, inst)
    for key, row in wanted.items():
        if key not in found:
            found[key] = find_or_create_institution(
                row.institution, actor=actor, region=row.region, country=row.country or "Canada"
            )
    return found


def _case_values(row: CaseRow, institution_id: int | None, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "institution": db.session.get(Institution, institution_id).name if institution_id else None,
        "speech_text": row.speech,
        "public_summary": row.public_summary,
        "private_notes": row.private_notes,
    }
    if row.status or creating:
        values["status"] = row.status or CaseStatus.INTAKE.value
    if row.outcome or creating:
        values["outcome"] = row.outcome or Outcome.ONGOING.value
    if row.title:
        values["title"] = row.title
    elif creating:
        # Never the legal name: the person's consent is not known yet when the import gives no title.
        values["title"] = str(_l("Imported case %(ref)s", ref=row.ref))
    return values


def release_memory(keep: tuple[type, ...] = ()) -> None:
    """Flush, then let go of what the session holds (the rows stay in the open transaction)."""
    db.session.flush()
    for obj in list(db.session.identity_map.values()):
        if not isinstance(obj, (User, *keep)) and obj in db.session:
            db.session.expunge(obj)


def _new_case_values(row: CaseRow, institutions: dict[str, Institution]) -> tuple[dict, dict, dict | None]:
    inst = institutions.get(institution_key(row.institution)) if row.institution else None
    values = _case_values(row, inst.id if inst else None, creating=True)
    values["external_ref"] = row.ref
    sanction = {"type": row.sanction_type, "date": row.sanction_date} if row.sanction_type else None
    return values, {"legal_name": row.person, "category": row.category}, sanction


def _publish_new(row: CaseRow, case: Case, actor: Any, review: bool) -> None:
    from casefiles.transfer.publishing import PublicationRefused, apply_published_flag

    try:
        apply_published_flag(case, True, actor=actor, review_confirmed=review)
    except PublicationRefused as error:
        raise FieldError("published", str(error)) from error


def _apply_case_row(row: CaseRow, case: Case | None, institution_id: int | None, actor: Any, review: bool) -> None:
    from casefiles.transfer.publishing import PublicationRefused, apply_published_flag

    sanction = {"type": row.sanction_type, "date": row.sanction_date} if row.sanction_type else None
    if case is None:
        values = _case_values(row, institution_id, creating=True)
        values["external_ref"] = row.ref
        case = case_services.create_case(
            actor=actor, values=values, person={"legal_name": row.person, "category": row.category}, sanction=sanction
        )
    else:
        case_services.update_case(case, actor=actor, changes=_case_values(row, institution_id, creating=False))
        person_values = {"legal_name": row.person, "category": row.category}
        if case.people:
            people_services.update_person(case.people[0], actor=actor, values=person_values)
        else:
            people_services.add_person(case, actor=actor, values=person_values)
        if sanction:
            same = [s for s in case.sanctions if s.type == row.sanction_type]
            if same:
                case_services.update_sanction(same[0], actor=actor, values={"date": row.sanction_date})
            else:
                case_services.add_sanction(case, actor=actor, values=sanction)
    if row.published or case.published:
        try:
            apply_published_flag(case, row.published, actor=actor, review_confirmed=review)
        except PublicationRefused as error:
            raise FieldError("published", str(error)) from error


def import_cases(
    data: bytes,
    filename: str,
    *,
    actor: Any,
    review_confirmed: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the file as previewed; refused as a whole (ImportRefused, nothing written) if any row is refused.

    Flushes; the caller commits (or rolls back on ImportRefused).
    """
    report = preview_cases(data, filename, review_confirmed=review_confirmed)
    if not report.ok:
        raise ImportRefused(report)
    _, rows = _validate_case_rows(data, filename)
    institutions = _institutions(rows, actor)
    by_id = {inst.id: inst for inst in institutions.values()}
    release_memory(keep=(Institution,))
    row_index = {r.row: i for i, r in enumerate(report.rows)}
    for chunk in chunks(rows, CHUNK):
        existing = _existing_cases([r.ref for r in chunk])
        fresh = [r for r in chunk if r.ref not in existing]
        try:
            for row in chunk:
                inst = institutions.get(institution_key(row.institution)) if row.institution else None
                if row.ref in existing:
                    _apply_case_row(row, existing[row.ref], inst.id if inst else None, actor, review_confirmed)
            created = bulk_cases.create_cases(
                [_new_case_values(r, institutions) for r in fresh], actor=actor, institutions=by_id
            )
            for row, case in zip(fresh, created, strict=True):
                if row.published:
                    _publish_new(row, case, actor, review_confirmed)
        except FieldError as error:
            failed = row.row if "row" in locals() else chunk[0].row
            report.rows[row_index[failed]].action = REFUSE
            report.file_errors.append(cell_error(failed, error.field or "", error.message))
            raise ImportRefused(report) from error
        release_memory(keep=(Institution,))
        if progress:
            progress(len(chunk))
    _audit_import(report, actor)
    report.applied = True
    return report


def _audit_import(report: ImportReport, actor: Any) -> None:
    counts = report.counts
    record(
        f"import.{report.kind}",
        actor=actor,
        object_type="import",
        summary=f"{report.filename}: {counts[CREATE]} created, {counts[UPDATE]} updated",
        changes={"file": [None, report.filename], "created": [None, counts[CREATE]], "updated": [None, counts[UPDATE]]},
    )
    db.session.flush()
