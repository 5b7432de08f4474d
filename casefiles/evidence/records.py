"""The declaration of evidence: the provenance a person may give or correct (for a file uploaded by hand).

Evidence is never public: no field is public-facing and the record never shows on a public surface. Only its
document can be made public, through the documents' own review; the provenance stays on the staff side.
What the server measured (hashes, headers, the redirect chain, the stored files) is bookkeeping, not a form field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import lazy_gettext as _l

from casefiles.cases.models import Case
from casefiles.evidence.models import Evidence
from casefiles.extensions import db
from casefiles.records.fields import DATETIME, Field, FieldError
from casefiles.records.registry import Record


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _clean_url(value: Any) -> str:
    url = " ".join(str(value or "").split())
    if len(url) > 2000:
        raise FieldError("source_url", _l("This text is too long."))
    if url and not url.lower().startswith(("http://", "https://")):
        raise FieldError("source_url", _l("The source must be a web address starting with http:// or https://."))
    return url


def _clean_zone(value: Any) -> str:
    name = str(value or "").strip() or "UTC"
    if name not in zone_names():
        raise FieldError("captured_zone", _l("Choose a time zone from the list, for example America/Toronto."))
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise FieldError(
            "captured_zone", _l("Choose a time zone from the list, for example America/Toronto.")
        ) from error
    return name


def _clean_captured_at(value: Any) -> str | None:
    """A capture time with its offset (the service adds the zone's offset to a typed local time), as UTC ISO text."""
    if value in (None, ""):
        return None
    try:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
        return _utc(parsed).isoformat()
    except (ValueError, OverflowError) as error:
        raise FieldError("captured_at", _l("Give the capture time as a date and time.")) from error


def _read_captured_at(evidence: Evidence) -> str | None:
    return _utc(evidence.captured_at).isoformat() if evidence.captured_at else None


def _show_captured_at(plain: Any) -> str:
    try:
        return _utc(datetime.fromisoformat(str(plain))).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return str(plain)


_ZONES: list[str] = []


def zone_names() -> list[str]:
    """Every IANA time zone name the system knows, sorted (UTC first)."""
    if not _ZONES:
        names = {
            n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/", "posix/", "right/"))
        }
        _ZONES.extend(["UTC", *sorted(names)])
    return _ZONES


def _case_of(evidence: Evidence) -> Case | None:
    return db.session.get(Case, evidence.case_id) if evidence.case_id else None


EVIDENCE = Record(
    "evidence",
    Evidence,
    _l("Evidence"),
    [
        Field("source_url", _l("Source address"), max_length=2000, cleaner=_clean_url),
        Field(
            "captured_at",
            _l("Captured on"),
            DATETIME,
            getter=_read_captured_at,
            cleaner=_clean_captured_at,
            display_with=_show_captured_at,
        ),
        Field("captured_zone", _l("Time zone of the capture"), max_length=64, cleaner=_clean_zone),
        Field("captured_by_name", _l("Captured by"), max_length=200),
    ],
    case_of=_case_of,
    summary=lambda evidence: evidence.title or evidence.source_url or evidence.requested_url,
    shown_publicly=lambda evidence: False,
    parent_key="case_id",
    export_order=65,
)
