"""The declaration of a document (a paper of a case, or of a campaign): what describes it, and which version of
its file the public downloads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import URL, Optional

from casefiles.cases.models import Case
from casefiles.documents.models import Document, DocumentKind, Visibility
from casefiles.extensions import db
from casefiles.records.fields import DATETIME, ENUM, INT, LONG_TEXT, PARTIAL_DATE, Field, FieldError
from casefiles.records.registry import Record


def _validate(document: Document) -> None:
    url = document.source_url or ""
    if url and not url.lower().startswith(("http://", "https://")):
        raise FieldError("source_url", _l("The source must be a web address starting with http:// or https://."))


def _utc(value: datetime) -> datetime:
    # A database without time zones gives the stored UTC time back naive.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _clean_captured_at(value: Any) -> str | None:
    """A capture time typed as YYYY-MM-DD HH:MM (UTC unless a zone is given), as ISO text in UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    try:
        return _utc(datetime.fromisoformat(str(value).strip())).isoformat()
    except (ValueError, OverflowError) as error:  # OverflowError: 9999-12-31 23:59-05:00 is past the calendar in UTC
        raise FieldError("captured_at", _l("Give the capture time as a date and time.")) from error


def _read_captured_at(document: Document) -> str | None:
    return _utc(document.captured_at).isoformat() if document.captured_at else None


def _show_captured_at(plain: Any) -> str:
    try:
        return _utc(datetime.fromisoformat(str(plain))).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(plain)


def _case_of(document: Document) -> Case | None:
    return db.session.get(Case, document.case_id) if document.case_id else None


def _after_change(document: Document, actor: Any, changes: dict[str, Any]) -> None:
    case = _case_of(document)
    if case is not None:
        from casefiles.cases.indexing import reindex_case

        reindex_case(case)


DOCUMENT = Record(
    "document",
    Document,
    _l("Document"),
    [
        Field("title", _l("Title"), max_length=200, public=True, search=True, required=_l("A document needs a title.")),
        # Kind and date show on the public list of a case's documents: public-facing too.
        Field(
            "kind",
            _l("Kind of document"),
            ENUM,
            enum=DocumentKind,
            public=True,
            extra={"form": {"default": DocumentKind.OTHER.value}},
        ),
        Field("date", _l("Date of the document"), PARTIAL_DATE, public=True),
        Field("description", _l("Description"), LONG_TEXT, max_length=10_000, public=True, search=True),
        Field("visibility", _l("Visibility"), ENUM, enum=Visibility, public=True, extra={"in_form": False}),
        Field(
            "source_url",
            _l("Source address (for captured evidence)"),
            max_length=2000,
            extra={
                "form": {"validators": [Optional(), URL(require_tld=False, message=_l("Enter a full web address."))]}
            },
        ),
        Field(
            "captured_at",
            _l("Captured on (UTC)"),
            DATETIME,
            getter=_read_captured_at,
            cleaner=_clean_captured_at,
            display_with=_show_captured_at,
            extra={"help": _l("When the page or post was captured, for example 2023-11-14 09:30.")},
        ),
        # The version of the file the public downloads: moved by a new version, reviewed like any public change.
        Field(
            "reviewed_version",
            _l("Version of the file shown publicly"),
            INT,
            public=True,
            minimum=1,
            maximum=2**31 - 1,
            import_=False,
            extra={"in_form": False},
        ),
    ],
    case_of=_case_of,
    summary=lambda document: document.title,
    shown_publicly=lambda document: document.is_public,
    visibility_field="visibility",
    validate=_validate,
    after_change=_after_change,
    parent_key="case_id",
    export_order=60,
    extra={"review_on_create": {"visibility": Visibility.PRIVATE.value}},
)
