"""The declarations of what happens to a person beside the sanctions: harms from outside, and legal proceedings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casefiles.cases.models import Harm, Proceeding
from casefiles.enums import HarmType, ProceedingKind, ProceedingStatus
from casefiles.records.fields import BOOL, ENUM, LONG_TEXT, PARTIAL_DATE, Field, FieldError
from casefiles.records.registry import Record

LONG = 50_000


def _validate_harm(harm: Harm) -> None:
    if harm.start_date and harm.end_date and harm.end_date < harm.start_date:
        raise FieldError("end_date", _l("The end cannot be before the start."))


HARM = Record(
    "harm",
    Harm,
    _l("Harm"),
    [
        Field("type", _l("Kind of harm"), ENUM, enum=HarmType, public=True),
        Field(
            "source",
            _l("Where it came from"),
            max_length=300,
            public=True,
            search=True,
            extra={"help": _l("For example “anonymous accounts on X” or “a national newspaper”.")},
        ),
        Field("start_date", _l("Started"), PARTIAL_DATE, public=True),
        Field("end_date", _l("Ended"), PARTIAL_DATE, public=True),
        Field(
            "description",
            _l("What happened"),
            LONG_TEXT,
            max_length=LONG,
            public=True,
            french="description_fr",
            search=True,
        ),
        Field("description_fr", _l("What happened (French)"), LONG_TEXT, max_length=LONG, public=True, search=True),
        Field("notes", _l("Private notes"), LONG_TEXT, max_length=LONG, search=True),
        Field("is_public", _l("May appear on the public page once the case is published"), BOOL, public=True),
    ],
    case_of=lambda harm: harm.case,
    summary=lambda harm: harm.type_enum.label,
    validate=_validate_harm,
    shown_publicly=lambda harm: bool(harm.is_public),
    visibility_field="is_public",
    parent_key="case_id",
    export_order=35,
    extra={"review_on_create": {"is_public": False}},
)


def _validate_proceeding(proceeding: Proceeding) -> None:
    if proceeding.filed_date and proceeding.decision_date and proceeding.decision_date < proceeding.filed_date:
        raise FieldError("decision_date", _l("The decision cannot be before the proceeding was brought."))


PROCEEDING = Record(
    "proceeding",
    Proceeding,
    _l("Legal proceeding"),
    [
        Field("kind", _l("Kind of proceeding"), ENUM, enum=ProceedingKind, public=True),
        Field("brought_by", _l("Brought by"), max_length=300, public=True, search=True),
        Field("court", _l("Court or tribunal"), max_length=300, public=True, search=True),
        Field("file_number", _l("Court file number"), max_length=100, public=True, search=True),
        Field(
            "parties",
            _l("Parties"),
            LONG_TEXT,
            max_length=5000,
            public=True,
            search=True,
            extra={"help": _l("Who is on each side, as the court names them.")},
        ),
        Field("counsel", _l("Counsel"), max_length=300, search=True),
        Field(
            "amount_claimed",
            _l("Amount claimed"),
            max_length=100,
            public=True,
            extra={"help": _l("As stated in the claim, e.g. “$1.5 million”.")},
        ),
        Field("status", _l("Status"), ENUM, enum=ProceedingStatus, public=True),
        Field("filed_date", _l("Brought on"), PARTIAL_DATE, public=True),
        Field("decision", _l("Decision"), LONG_TEXT, max_length=LONG, public=True, french="decision_fr", search=True),
        Field("decision_fr", _l("Decision (French)"), LONG_TEXT, max_length=LONG, public=True, search=True),
        Field("decision_date", _l("Date of the decision"), PARTIAL_DATE, public=True),
        Field("notes", _l("Private notes"), LONG_TEXT, max_length=LONG, search=True),
        Field("is_public", _l("May appear on the public page once the case is published"), BOOL, public=True),
    ],
    case_of=lambda proceeding: proceeding.case,
    summary=lambda proceeding: proceeding.label,
    validate=_validate_proceeding,
    shown_publicly=lambda proceeding: bool(proceeding.is_public),
    visibility_field="is_public",
    parent_key="case_id",
    export_order=36,
    extra={"review_on_create": {"is_public": False}},
)
