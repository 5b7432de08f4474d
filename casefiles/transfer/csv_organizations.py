"""CSV import of organizations, with the same preview and all-or-nothing apply as cases.

Columns and their limits come from the organization's declaration: a field added there is a column here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from casefiles.organizations import services as org_services
from casefiles.organizations.models import OrganizationKind, organization_key
from casefiles.organizations.records import ORGANIZATION
from casefiles.transfer.csv_import import Progress, _audit_import
from casefiles.transfer.csv_reading import ImportFileError, cell_error, chunks, read_csv
from casefiles.transfer.report import CREATE, REFUSE, UPDATE, ImportRefused, ImportReport, RowResult, enum_lookup

ORG_COLUMNS = tuple(f.name for f in ORGANIZATION.fields if f.import_)
ORG_LIMITS = {f.name: f.max_length for f in ORGANIZATION.fields if f.import_ and f.max_length}


def _validate_orgs(data: bytes, filename: str) -> tuple[ImportReport, list[tuple[RowResult, dict[str, str]]]]:
    report = ImportReport(kind="organizations", filename=filename)
    try:
        csv_file = read_csv(data, required=ORG_COLUMNS)
    except ImportFileError as error:
        report.file_errors = error.messages
        return report, []
    kinds = enum_lookup(OrganizationKind)
    seen: dict[str, int] = {}
    good = []
    for number, cells in csv_file.rows:
        values = {k: " ".join((v or "").split()) for k, v in cells.items()}
        result = RowResult(row=number, reference=values["name"])
        report.rows.append(result)
        for column, limit in ORG_LIMITS.items():
            if len(values[column]) > limit:
                result.messages.append(cell_error(number, column, _l("longer than %(max)s characters.", max=limit)))
        key = organization_key(values["name"])
        if not values["name"]:
            result.messages.append(cell_error(number, "name", _l("enter the organization's name.")))
        elif key in seen:
            result.messages.append(
                cell_error(
                    number,
                    "name",
                    _l("“%(ref)s” already appears on row %(first)s.", ref=values["name"], first=seen[key]),
                )
            )
        seen.setdefault(key, number)
        if values["kind"]:
            member = kinds.get(values["kind"].casefold())
            if member is None:
                result.messages.append(
                    cell_error(
                        number, "kind", _l("“%(value)s” is not one of the accepted values.", value=values["kind"])
                    )
                )
            else:
                values["kind"] = member.value
        else:
            values["kind"] = OrganizationKind.OTHER.value
        if result.messages:
            result.action = REFUSE
        else:
            good.append((result, values))
    return report, good


def preview_organizations(data: bytes, filename: str) -> ImportReport:
    """What importing this organizations file would do; nothing is written."""
    report, good = _validate_orgs(data, filename)
    existing = org_services.organizations_by_key(v["name"] for _, v in good)
    for result, values in good:
        result.action = UPDATE if organization_key(values["name"]) in existing else CREATE
    return report


def import_organizations(data: bytes, filename: str, *, actor: Any, progress: Progress | None = None) -> ImportReport:
    """Create or update organizations by name (ignoring case, spacing, apostrophe and dash style)."""
    report = preview_organizations(data, filename)
    if not report.ok:
        raise ImportRefused(report)
    _, good = _validate_orgs(data, filename)
    for chunk in chunks(good, 500):
        existing = org_services.organizations_by_key(v["name"] for _, v in chunk)
        for _result, values in chunk:
            org = existing.get(organization_key(values["name"]))
            if org is None:
                org_services.create_organization(actor=actor, values=values)
            else:
                org_services.update_organization(org, actor=actor, changes=values)
        if progress:
            progress(len(chunk))
    _audit_import(report, actor)
    report.applied = True
    return report


# -- campaigns -------------------------------------------------------------------------------------
