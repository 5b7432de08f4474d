"""The verbs of help requests: submit, open, assign, convert into a case, decline, mark as spam, purge, re-seal.

Services flush; callers commit. Every verb writes its audit entry, and no entry ever holds what the person wrote:
only the request's reference, its status and who acted. The sealed content is opened only in `open_submission`
(audited) and in `convert` (the case then holds it, as every case does).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.audit.services import record
from casefiles.auth.models import User
from casefiles.dates import PartialDate, local_today
from casefiles.db import utcnow
from casefiles.documents.detection import UploadRefused, safe_filename
from casefiles.extensions import db
from casefiles.intake import crypto
from casefiles.intake.models import (
    CLOSED_FOR_RETENTION,
    OPEN_STATUSES,
    IntakeStatus,
    Submission,
    SubmissionFile,
)
from casefiles.mail.services import queue_message, render_message

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud on the phone
URGENT_DAYS = 14
DEFAULT_RETENTION_DAYS = 90
DEFAULT_MAX_FILES = 3
DEFAULT_MAX_FILE_MB = 10
OBJECT = "intake_submission"


def _audit(action: str, submission: Submission, actor: Any, changes: dict) -> None:
    """One history entry about a request: its reference and what changed, never what the person wrote."""
    record(
        action, actor=actor, object_type=OBJECT, object_id=submission.id, summary=submission.reference, changes=changes
    )


OUTBOX_ADDRESS_MAX = 254  # outbox_messages.to_address
# The values of the form that are sealed (everything the person wrote or chose).
SEALED_FIELDS = (
    "for_whom",
    "person_name",
    "helper_name",
    "person_role",
    "what_happened",
    "where",
    "when",
    "institution",
    "sanction_type",
    "sanction_details",
    "sanction_date",
    "hearing_date",
    "appeal_deadline",
    "other_dates",
    "email",
    "phone",
    "safe_contact",
    "consent_contact",
    "consent_store",
)


class IntakeRefused(ValueError):
    """A help request (or one of its files) cannot be taken; the message says why, in the person's language."""

    def __init__(self, message: object, field: str = "files") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def _plain(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def new_reference() -> str:
    """A random reference the person can quote (e.g. K7QM-3XTR): it says nothing about them."""
    letters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def next_date(values: dict[str, Any], today: date) -> date | None:
    """The earliest upcoming day the person gave (hearing, deadline); None when none is today or later."""
    days = []
    for name in ("hearing_date", "appeal_deadline"):
        raw = values.get(name)
        try:
            day = raw if isinstance(raw, date) else date.fromisoformat(raw) if raw else None
        except ValueError:
            day = None
        if day is not None and day >= today:
            days.append(day)
    return min(days) if days else None


def _stream_size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _sealed_files(files: list[tuple[str | None, IO[bytes]]]) -> list[SubmissionFile]:
    """Check each file as documents are checked (type by content, structure), then seal it; nothing kept else."""
    from casefiles.documents.services import prepare_file

    config = current_app.config
    max_files = int(config.get("INTAKE_MAX_FILES", DEFAULT_MAX_FILES))
    max_bytes = int(config.get("INTAKE_MAX_FILE_MB", DEFAULT_MAX_FILE_MB)) * 1024 * 1024
    if len(files) > max_files:
        raise IntakeRefused(_l("Send at most %(count)d files.", count=max_files))
    sealed = []
    for filename, stream in files:
        name = safe_filename(filename)
        if _stream_size(stream) > max_bytes:
            raise IntakeRefused(_l("%(name)s is larger than %(size)d MB.", name=name, size=max_bytes // (1024 * 1024)))
        try:
            prepared = prepare_file(filename, stream)
        except UploadRefused as refused:
            raise IntakeRefused(_l("%(name)s: %(reason)s", name=name, reason=refused.message)) from None
        try:
            content = prepared.temp.path.read_bytes()
            meta = {
                "filename": prepared.original_filename,
                "mime_type": prepared.detected.mime_type,
                "sha256": prepared.temp.sha256,
                "size": prepared.temp.size,
            }
        finally:
            prepared.discard()
        sealed.append(SubmissionFile(sealed_meta=crypto.seal_json(meta), sealed_content=crypto.seal(content)))
    return sealed


def submit(
    *, values: dict[str, Any], files: list[tuple[str | None, IO[bytes]]], locale: str, today: date | None = None
) -> Submission:
    """Take a help request: check its files, seal everything the person wrote, queue the acknowledgement.

    IntakeRefused (nothing stored) when a file is refused."""
    plain = {name: _plain(values.get(name)) for name in SEALED_FIELDS}
    sealed_files = _sealed_files(files)
    locale = locale if locale in ("en", "fr") else "en"
    submission = Submission(
        reference=new_reference(),
        status=IntakeStatus.NEW.value,
        locale=locale,
        next_date=next_date(plain, today or local_today()),
        sealed=crypto.seal_json(plain),
        files=sealed_files,
    )
    db.session.add(submission)
    db.session.flush()
    record(
        "intake.submit",
        actor=None,
        object_type=OBJECT,
        object_id=submission.id,
        summary=submission.reference,
        changes={"status": [None, submission.status], "files": [None, len(sealed_files)]},
    )
    if plain.get("email"):
        subject, text, html = render_message(
            "intake_ack", locale, reference=submission.reference, organization=current_app.config["ORGANIZATION_NAME"]
        )
        _queue_sealed(plain["email"], subject, text, html, "intake_ack")
    db.session.flush()
    return submission


def _queue_sealed(address: str, subject: str, text: str, html: str, kind: str) -> bool:
    """Queue a message whose recipient stays sealed in the outbox (an address too long to seal in the outbox's
    column gets no message: the form allows EMAIL_MAX characters, far below)."""
    sealed = crypto.seal_address(address)
    if len(sealed) > OUTBOX_ADDRESS_MAX:
        return False
    queue_message(to=sealed, subject=subject, text=text, html=html, kind=kind)
    return True


# --- reading ------------------------------------------------------------------------------------------------


@dataclass
class OpenedFile:
    id: int
    filename: str
    mime_type: str
    sha256: str
    size: int


@dataclass
class Opened:
    """A help request as staff read it: its values and its files' descriptions, unsealed."""

    submission: Submission
    values: dict[str, Any]
    files: list[OpenedFile] = field(default_factory=list)

    def get(self, name: str) -> Any:
        return self.values.get(name) or ""

    def partial(self, name: str) -> PartialDate | None:
        try:
            return PartialDate.parse(self.values.get(name))
        except ValueError:
            return None

    def day(self, name: str) -> date | None:
        try:
            return date.fromisoformat(self.values[name]) if self.values.get(name) else None
        except ValueError:
            return None


def unsealed(submission: Submission) -> Opened:
    """The content, without an audit entry: only for services that audit what they do with it."""
    values = crypto.unseal_json(submission.sealed)
    files = []
    for item in submission.files:
        meta = crypto.unseal_json(item.sealed_meta)
        files.append(OpenedFile(item.id, meta["filename"], meta["mime_type"], meta["sha256"], int(meta["size"])))
    return Opened(submission, values, files)


def _status(submission: Submission, status: IntakeStatus) -> list[str]:
    old = submission.status
    submission.status = status.value
    submission.updated_at = utcnow()
    if status.value in CLOSED_FOR_RETENTION or status is IntakeStatus.CONVERTED:
        submission.decided_at = utcnow()
    return [old, status.value]


def open_submission(submission: Submission, *, actor: Any) -> Opened:
    """Read a help request: every opening is audited; a new request becomes seen."""
    opened = unsealed(submission)
    changes: dict[str, Any] = {}
    if submission.status == IntakeStatus.NEW.value:
        changes["status"] = _status(submission, IntakeStatus.SEEN)
    db.session.flush()
    _audit("intake.open", submission, actor, changes)
    db.session.flush()
    return opened


def file_content(submission: Submission, file_id: int, *, actor: Any) -> tuple[OpenedFile, bytes] | None:
    """One evidence file, unsealed for a download (audited); None if it is not one of this request's."""
    item = next((f for f in submission.files if f.id == file_id), None)
    if item is None:
        return None
    meta = crypto.unseal_json(item.sealed_meta)
    described = OpenedFile(item.id, meta["filename"], meta["mime_type"], meta["sha256"], int(meta["size"]))
    content = crypto.unseal(item.sealed_content)
    _audit("intake.file", submission, actor, {"sha256": [None, described.sha256]})
    db.session.flush()
    return described, content


def possible_duplicates(opened: Opened, *, user: Any) -> list[Any]:
    """Cases that may be about the same person or incident (empty until the duplicate finder is installed)."""
    try:
        from casefiles.cases.duplicates import find_possible_duplicates
    except ImportError:  # pragma: no cover - the finder ships with case merging
        return []
    from casefiles.institutions.services import find_institution

    institution = find_institution(opened.get("institution")) if opened.get("institution") else None
    partial = opened.partial("sanction_date") or opened.partial("when")
    return find_possible_duplicates(
        name=opened.get("person_name") or None,
        email=opened.get("email") or None,
        phone=opened.get("phone") or None,
        institution_id=institution.id if institution else None,
        when=partial.value if partial else None,
        user=user,
    )


# --- deciding -----------------------------------------------------------------------------------------------


def volunteers() -> list[User]:
    """The active team members a request can be assigned to."""
    return list(db.session.scalars(select(User).where(User.is_active_flag.is_(True)).order_by(User.name, User.email)))


def _decidable(submission: Submission) -> None:
    if submission.status not in OPEN_STATUSES:
        raise IntakeRefused(_l("This request has already been decided."), field="status")


def assign(submission: Submission, *, actor: Any, assignee: User) -> None:
    """Give the request to a team member to follow up; it shows in their queue."""
    _decidable(submission)
    old = submission.assignee
    submission.assignee_id = assignee.id
    changes = {"assignee": [old.display_name if old else None, assignee.display_name]}
    if submission.status != IntakeStatus.ASSIGNED.value:
        changes["status"] = _status(submission, IntakeStatus.ASSIGNED)
    db.session.flush()
    _audit("intake.assign", submission, actor, changes)
    db.session.flush()


def mark_spam(submission: Submission, *, actor: Any) -> None:
    """Not a real request: it leaves the queue and is deleted with the declined ones after the retention time."""
    _decidable(submission)
    changes = {"status": _status(submission, IntakeStatus.SPAM)}
    db.session.flush()
    _audit("intake.spam", submission, actor, changes)
    db.session.flush()


def decline(submission: Submission, *, actor: Any, send_reply: bool) -> bool:
    """Decline the request; the kind reply goes, in the person's language, when asked and an email was given.

    Returns True when a reply was queued."""
    _decidable(submission)
    values = crypto.unseal_json(submission.sealed)
    changes: dict[str, Any] = {"status": _status(submission, IntakeStatus.DECLINED)}
    replied = bool(send_reply and values.get("email"))
    if replied:
        subject, text, html = render_message(
            "intake_decline",
            submission.locale,
            reference=submission.reference,
            organization=current_app.config["ORGANIZATION_NAME"],
            days=int(current_app.config.get("INTAKE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)),
        )
        replied = _queue_sealed(values["email"], subject, text, html, "intake_decline")
    if replied:
        changes["reply"] = [None, submission.locale]
    db.session.flush()
    _audit("intake.decline", submission, actor, changes)
    db.session.flush()
    return replied


def _case_values(opened: Opened, title: str, locale: str) -> dict[str, Any]:
    notes = [_("From the help request %(reference)s.", reference=opened.submission.reference)]
    if opened.get("for_whom") == "someone_else":
        notes.append(_("Sent by %(name)s on their behalf.", name=opened.get("helper_name") or _("someone else")))
    if opened.get("other_dates"):
        notes.append(_("Other dates given: %(dates)s", dates=opened.get("other_dates")))
    return {
        "title": title,
        "speech_text": opened.get("what_happened"),
        "speech_platform": opened.get("where")[:200],
        "speech_date": opened.get("when") or None,
        "institution": opened.get("institution") or None,
        "private_notes": "\n\n".join(notes),
    }


def convert(submission: Submission, *, actor: Any, title: str) -> Any:
    """Open a case from the request, pre-filled: the person, the institution, the sanction, the timeline, the
    deadlines; the files move into the case's documents (with their SHA-256) and leave the request."""
    from casefiles.cases import services as case_services
    from casefiles.documents.services import upload_documents

    _decidable(submission)
    opened = unsealed(submission)
    locale = str(getattr(actor, "locale", None) or "en")
    values = _case_values(opened, title, locale)
    if submission.assignee_id:
        values["assignee_ids"] = [submission.assignee_id]
    person = {
        "legal_name": opened.get("person_name"),
        "role_title": opened.get("person_role"),
        "contact_email": opened.get("email"),
        "contact_phone": opened.get("phone"),
        "contact_notes": opened.get("safe_contact"),
    }
    case = case_services.create_case(actor=actor, values=values, person=person)
    sanction_date = opened.partial("sanction_date")
    deadline = opened.day("appeal_deadline")
    if opened.get("sanction_type") or opened.get("sanction_details") or sanction_date or deadline:
        deadline_fits = deadline is not None and (sanction_date is None or sanction_date.value <= deadline)
        case_services.add_sanction(
            case,
            actor=actor,
            values={
                "type": opened.get("sanction_type") or "other",
                "date": sanction_date.iso() if sanction_date else None,
                "appeal_deadline": deadline.isoformat() if deadline_fits else None,
                "notes": opened.get("sanction_details"),
                "institution": opened.get("institution") or None,
            },
        )
        if deadline is not None and not deadline_fits:
            case_services.add_task(case, actor=actor, values={"title": _("Appeal deadline"), "due_date": deadline})
    spoken = opened.partial("when")
    if spoken:
        case_services.add_event(
            case,
            actor=actor,
            values={
                "kind": "statement",
                "date": spoken.iso(),
                "title": _("What was said or done"),
                "description": opened.get("where"),
            },
        )
    if sanction_date:
        case_services.add_event(
            case,
            actor=actor,
            values={
                "kind": "sanction",
                "date": sanction_date.iso(),
                "title": _("Punished"),
                "description": opened.get("sanction_details")[:2000],
            },
        )
    hearing = opened.day("hearing_date")
    if hearing:
        case_services.add_task(case, actor=actor, values={"title": _("Hearing or meeting"), "due_date": hearing})
    if submission.files:
        streams = []
        for item in list(submission.files):
            meta = crypto.unseal_json(item.sealed_meta)
            streams.append((meta["filename"], io.BytesIO(crypto.unseal(item.sealed_content))))
        upload_documents(case, actor=actor, files=streams, values={"title": ""})
        for item in list(submission.files):
            submission.files.remove(item)  # moved: the case's documents hold them now
    submission.case_id = case.id
    changes = {"status": _status(submission, IntakeStatus.CONVERTED), "case": [None, case.reference]}
    db.session.flush()
    record(
        "intake.convert",
        actor=actor,
        object_type=OBJECT,
        object_id=submission.id,
        case_id=case.id,
        summary=submission.reference,
        changes=changes,
    )
    db.session.flush()
    return case


# --- keeping and forgetting ---------------------------------------------------------------------------------


def purge_expired(days: int | None = None, *, now: Any = None) -> int:
    """Delete the declined and spam requests decided more than `days` days ago (INTAKE_RETENTION_DAYS, 90 by
    default), files included; each deletion is audited by its reference only."""
    if days is None:
        days = int(current_app.config.get("INTAKE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    cutoff = (now or utcnow()) - timedelta(days=days)
    doomed = db.session.scalars(
        select(Submission).where(Submission.status.in_(CLOSED_FOR_RETENTION), Submission.decided_at < cutoff)
    ).all()
    for submission in doomed:
        record(
            "intake.delete",
            actor=None,
            object_type=OBJECT,
            object_id=submission.id,
            summary=submission.reference,
            changes={"status": [submission.status, None], "retention_days": [None, days]},
        )
        db.session.delete(submission)
    db.session.flush()
    return len(doomed)


def reseal_all(batch: int = 50) -> int:
    """Seal every request and file again with the newest key (after a key was added); commits per batch.

    Returns the number of requests re-sealed."""
    done = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(Submission).where(Submission.id > last_id).order_by(Submission.id).limit(batch)
        ).all()
        if not rows:
            break
        for submission in rows:
            submission.sealed = crypto.reseal(submission.sealed)
            for item in submission.files:
                item.sealed_meta = crypto.reseal(item.sealed_meta)
                item.sealed_content = crypto.reseal(item.sealed_content)
            last_id = submission.id
            done += 1
        db.session.commit()
    _reseal_outbox()
    return done


def _reseal_outbox() -> None:
    """Queued confidential mail keeps its sealed address under the newest key too."""
    from casefiles.mail.models import OutboxMessage

    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address.startswith(crypto.SEALED_ADDRESS_PREFIX))
    ):
        token = message.to_address[len(crypto.SEALED_ADDRESS_PREFIX) :].encode()
        message.to_address = crypto.SEALED_ADDRESS_PREFIX + crypto.reseal(token).decode()
    record("intake.rotate", actor=None, object_type=OBJECT)
    db.session.commit()


# --- the dashboard ------------------------------------------------------------------------------------------


@dataclass
class DashboardRequests:
    """What the dashboard shows of the queue: how many wait, and the urgent ones."""

    waiting: int
    urgent: list[Submission]
    window: int = URGENT_DAYS


def dashboard_requests(user: Any, today: date | None = None) -> DashboardRequests | None:
    """Requests waiting for a decision (staff: all; a volunteer: theirs), urgent ones first; None if none wait."""
    from sqlalchemy import func

    from casefiles.intake.policies import can_triage, can_view_queue

    if not can_view_queue(user):
        return None
    today = today or local_today()
    stmt = select(Submission).where(Submission.status.in_(OPEN_STATUSES))
    if not can_triage(user):
        stmt = stmt.where(Submission.assignee_id == user.id)
    waiting = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    if not waiting:
        return None
    urgent = db.session.scalars(
        stmt.where(Submission.next_date >= today, Submission.next_date <= today + timedelta(days=URGENT_DAYS))
        .order_by(Submission.next_date, Submission.id)
        .limit(20)
    ).all()
    return DashboardRequests(waiting=waiting, urgent=list(urgent))
