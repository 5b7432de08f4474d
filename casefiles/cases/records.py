"""The declarations of a case file's records: the case, its sanctions, timeline events and deadlines."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import URL, Optional

from casefiles.auth.models import User
from casefiles.cases.deadlines import sync_appeal_task
from casefiles.cases.indexing import reindex_case
from casefiles.cases.models import Case, Event, Sanction, Tag, Task
from casefiles.enums import CaseStatus, EventKind, Outcome, Priority, SanctionOutcome, SanctionType
from casefiles.extensions import db
from casefiles.institutions.models import Institution, institution_key
from casefiles.records.fields import BOOL, DATE, ENUM, INT, LINES, LONG_TEXT, PARTIAL_DATE, REF, Field, FieldError
from casefiles.records.registry import Record

LONG = 50_000


# -- values that are not one column ---------------------------------------------------------------


def _institution_name(case: Case | Sanction) -> str | None:
    if case.institution_id is None:
        return None
    institution = case.institution or db.session.get(Institution, case.institution_id)
    return institution.name if institution else None


def _set_institution(case: Case | Sanction, name: str | None) -> None:
    if not name:
        case.institution_id = None
        case.institution = None
        return
    institution = db.session.scalars(
        select(Institution).where(Institution.name_key == institution_key(name)).order_by(Institution.id).limit(1)
    ).first()
    if institution is None:
        raise FieldError("institution", _l("No institution of that name is recorded."))
    case.institution = institution


def _clean_tags(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    wanted: list[str] = []
    for name in items:
        clean = " ".join(str(name).split()).lower()[:60]
        if clean and clean not in wanted:
            wanted.append(clean)
    return sorted(wanted)


def _set_tags(case: Case, names: list[str]) -> None:
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))} if names else {}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    case.tags = tags


def _clean_ids(value: Any) -> list[int]:
    ids = set()
    for item in value or []:
        text = str(item).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise FieldError("assignee_ids", _l("Choose people from the list."))
        ids.add(int(text))
    return sorted(ids)


def _set_assignees(case: Case, ids: list[int]) -> None:
    case.assignees = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def _user_names(value: Any) -> str:
    ids = value if isinstance(value, list) else [value]
    users = {u.id: u.display_name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return ", ".join(users.get(i, str(i)) for i in ids)


def _clean_owner(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise FieldError("owner_id", _l("Choose someone from the list."))
    return int(text)


def _clean_owner_choice(value: Any) -> int | None:
    """The owner select's coercion: a choice that is not a number is no owner (validation refuses it)."""
    try:
        return _clean_owner(value)
    except FieldError:
        return None


# -- rules across fields and what follows a change -------------------------------------------------


def _after_case(case: Case, actor: Any, changes: dict[str, Any]) -> None:
    reindex_case(case)


def _validate_sanction(sanction: Sanction) -> None:
    if sanction.appeal_deadline and sanction.date:
        partial = sanction.when
        # The sanction's earliest possible day: a month-only date may be any day of that month.
        if partial and sanction.appeal_deadline < partial.value:
            raise FieldError("appeal_deadline", _l("The appeal deadline cannot be before the sanction date."))


def _after_sanction(sanction: Sanction, actor: Any, changes: dict[str, Any]) -> None:
    if "__deleted__" not in changes:
        sync_appeal_task(sanction.case, sanction, actor)


def _clean_proceeding(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise FieldError("proceeding_id", _l("Choose a proceeding from the list."))
    return int(text)


def _clean_proceeding_choice(value: Any) -> int | None:
    try:
        return _clean_proceeding(value)
    except FieldError:
        return None


def _proceeding_label(value: Any) -> str:
    from casefiles.cases.models import Proceeding

    proceeding = db.session.get(Proceeding, value) if isinstance(value, int) else None
    return proceeding.label if proceeding is not None else str(value)


def _same_case_proceeding(item: Task | Event) -> None:
    """A hearing or an event refers only to a proceeding of its own case."""
    from casefiles.cases.models import Proceeding

    if item.proceeding_id is None:
        return
    proceeding = db.session.get(Proceeding, item.proceeding_id)
    case_id = item.case.id if item.case is not None else item.case_id
    if proceeding is None or proceeding.case_id != case_id:
        raise FieldError("proceeding_id", _l("Choose a proceeding from the list."))


def _proceeding_field(label: Any) -> Field:
    return Field(
        "proceeding_id",
        label,
        REF,
        cleaner=_clean_proceeding,
        display_with=_proceeding_label,
        extra={"select": True, "form": {"coerce": _clean_proceeding_choice}},
    )


def _validate_task(task: Task) -> None:
    _same_case_proceeding(task)


def _after_task(task: Task, actor: Any, changes: dict[str, Any]) -> None:
    from casefiles.db import utcnow

    if "done" in changes:
        task.done_at = utcnow() if task.done else None


def _sanction_label(sanction: Sanction) -> str:
    member = SanctionType.coerce(sanction.type)
    return member.label if member else ""


CASE = Record(
    "case",
    Case,
    _l("Case"),
    [
        Field(
            "title",
            _l("Case title"),
            max_length=200,
            public=True,
            french="title_fr",
            search=True,
            required=_l("Give the case a title."),
            extra={
                "help": _l("A short description staff will recognise, e.g. “Nursing student suspended over posts”.")
            },
        ),
        Field("title_fr", _l("Title (French)"), max_length=200, public=True, search=True, extra={"in_form": False}),
        Field("external_ref", _l("Your reference"), max_length=100, extra={"in_form": False}),
        Field("status", _l("Status"), ENUM, enum=CaseStatus),
        Field("outcome", _l("Outcome"), ENUM, enum=Outcome, public=True),
        Field("outcome_date", _l("Outcome date"), PARTIAL_DATE, public=True),
        Field("priority", _l("Priority"), ENUM, enum=Priority),
        Field(
            "institution",
            _l("Institution"),
            REF,
            max_length=300,
            public=True,
            search=True,
            form_name="institution_name",
            getter=_institution_name,
            setter=_set_institution,
        ),
        Field("speech_text", _l("What was said or done"), LONG_TEXT, max_length=LONG, search=True),
        Field("speech_platform", _l("Where"), max_length=200, search=True),
        Field(
            "speech_url",
            _l("Link to the speech"),
            max_length=2000,
            extra={"form": {"validators": [Optional(), URL(message=_l("Enter a full web address."))]}},
        ),
        Field("speech_date", _l("When"), PARTIAL_DATE),
        Field(
            "speech_public",
            _l("What was said, as the public page tells it"),
            LONG_TEXT,
            max_length=LONG,
            public=True,
            french="speech_public_fr",
            search=True,
            extra={"in_form": False},
        ),
        Field(
            "speech_public_fr",
            _l("What was said, as the public page tells it (French)"),
            LONG_TEXT,
            max_length=LONG,
            public=True,
            search=True,
            extra={"in_form": False},
        ),
        Field(
            "public_summary",
            _l("Public summary"),
            LONG_TEXT,
            max_length=LONG,
            public=True,
            french="public_summary_fr",
            search=True,
        ),
        Field(
            "public_summary_fr",
            _l("Public summary (French)"),
            LONG_TEXT,
            max_length=LONG,
            public=True,
            search=True,
            extra={"in_form": False},
        ),
        Field("private_notes", _l("Private notes"), LONG_TEXT, max_length=LONG, search=True),
        Field(
            "group_name",
            _l("Group name"),
            max_length=200,
            public=True,
            french="group_name_fr",
            search=True,
            extra={"help": _l("For a case about a group, e.g. “Eleven activists arrested in Montréal”.")},
        ),
        Field("group_name_fr", _l("Group name (French)"), max_length=200, public=True, search=True),
        Field(
            "headcount",
            _l("How many people"),
            INT,
            public=True,
            minimum=1,
            maximum=100_000,
            extra={"help": _l("For a group: everyone it counts, named or not.")},
        ),
        Field("featured", _l("Featured on the home page"), BOOL, public=True, extra={"in_form": False}),
        Field(
            "tags",
            _l("Tags"),
            LINES,
            search=True,
            getter=lambda case: sorted(t.name for t in case.tags),
            setter=_set_tags,
            cleaner=_clean_tags,
            extra={"separator": ", ", "help": _l("Separated by commas.")},
        ),
        Field(
            "assignee_ids",
            _l("Assigned volunteers"),
            REF,
            getter=lambda case: sorted(u.id for u in case.assignees),
            setter=_set_assignees,
            cleaner=_clean_ids,
            display_with=_user_names,
        ),
    ],
    case_of=lambda case: case,
    summary=lambda case: case.title,
    after_change=_after_case,
    export_order=10,
)

SANCTION = Record(
    "sanction",
    Sanction,
    _l("Sanction"),
    [
        Field("type", _l("Type of sanction"), ENUM, enum=SanctionType, public=True),
        Field(
            "institution",
            _l("Imposing institution"),
            REF,
            max_length=300,
            public=True,
            search=True,
            form_name="institution_name",
            getter=_institution_name,
            setter=_set_institution,
            extra={"help": _l("Leave blank to use the case's institution; a new name is recorded.")},
        ),
        Field(
            "imposed_by",
            _l("Imposed by (person or office)"),
            max_length=300,
            extra={"help": _l("For example the dean, or the party leader.")},
        ),
        Field("date", _l("Date"), PARTIAL_DATE, public=True),
        Field(
            "duration", _l("Duration"), max_length=100, extra={"help": _l("For example “two weeks” or “indefinite”.")}
        ),
        Field("appeal_deadline", _l("Appeal deadline"), DATE),
        Field(
            "outcome",
            _l("What became of it"),
            ENUM,
            enum=SanctionOutcome,
            public=True,
            extra={"form": {"default": SanctionOutcome.PENDING.value}},
        ),
        Field("outcome_date", _l("Date of that outcome"), PARTIAL_DATE, public=True),
        Field("notes", _l("Notes"), LONG_TEXT, max_length=LONG),
        Field(
            "public_description",
            _l("Public description"),
            LONG_TEXT,
            max_length=LONG,
            public=True,
            french="public_description_fr",
            extra={"help": _l("What the public page says of this sanction. Markdown.")},
        ),
        Field("public_description_fr", _l("Public description (French)"), LONG_TEXT, max_length=LONG, public=True),
        Field("is_public", _l("May appear on the public page once the case is published"), BOOL, public=True),
    ],
    case_of=lambda sanction: sanction.case,
    summary=_sanction_label,
    validate=_validate_sanction,
    after_change=_after_sanction,
    shown_publicly=lambda sanction: bool(sanction.is_public),
    visibility_field="is_public",
    parent_key="case_id",
    export_order=30,
    extra={"review_on_create": {"is_public": False}},
)

EVENT = Record(
    "event",
    Event,
    _l("Timeline event"),
    [
        Field("kind", _l("Kind of event"), ENUM, enum=EventKind, public=True),
        Field("date", _l("Date"), PARTIAL_DATE, public=True, required=_l("Enter the date of the event.")),
        Field(
            "title",
            _l("What happened"),
            max_length=200,
            public=True,
            french="title_fr",
            required=_l("Give the event a title."),
        ),
        Field("title_fr", _l("What happened (French)"), max_length=200, public=True),
        Field("description", _l("Details"), LONG_TEXT, max_length=LONG, public=True, french="description_fr"),
        Field("description_fr", _l("Details (French)"), LONG_TEXT, max_length=LONG, public=True),
        Field("is_public", _l("May appear on the public timeline once the case is published"), BOOL, public=True),
        _proceeding_field(_l("Part of the proceeding")),
    ],
    case_of=lambda event: event.case,
    validate=_same_case_proceeding,
    summary=lambda event: event.title,
    shown_publicly=lambda event: bool(event.is_public),
    visibility_field="is_public",
    parent_key="case_id",
    export_order=40,
    extra={"review_on_create": {"is_public": False}},
)

TASK = Record(
    "task",
    Task,
    _l("Deadline or task"),
    [
        Field("title", _l("Task or deadline"), max_length=200, required=_l("Describe the task.")),
        Field("due_date", _l("Due date"), DATE, required=_l("Enter the due date.")),
        Field(
            "owner_id",
            _l("Owner"),
            REF,
            cleaner=_clean_owner,
            display_with=_user_names,
            extra={"select": True, "form": {"coerce": _clean_owner_choice}},
        ),
        Field("done", _l("Done"), BOOL),
        _proceeding_field(_l("Hearing of the proceeding")),
    ],
    case_of=lambda task: task.case,
    summary=lambda task: task.title,
    validate=_validate_task,
    after_change=_after_task,
    parent_key="case_id",
    export_order=50,
)
