"""Queueing and delivering mail. Queue in the caller's transaction (services flush, callers commit); deliver from
the background worker or the `flask mail deliver` command.

Delivery claims each message with a compare-and-set (queued -> sending) so two workers never send the same message;
a failure puts it back in the queue with a growing delay (MAIL_RETRY_BASE_SECONDS doubled at each attempt, at most
MAIL_RETRY_MAX_SECONDS). A claim older than MAIL_CLAIM_TIMEOUT_SECONDS (a worker that died mid-send) is taken again.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import and_, or_, select, update

from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage


def render_message(template: str, locale: str, **context: Any) -> tuple[str, str, str]:
    """(subject, text body, HTML body) of templates/mail/<template>.{subject.txt,txt,html} in this language."""
    with force_locale(locale if locale in ("en", "fr") else "en"):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", subject=subject, locale=locale, **context)
    return " ".join(subject.split()), text, html


def queue_message(
    *, to: str, subject: str, text: str, html: str, kind: str, headers: dict[str, str] | None = None
) -> OutboxMessage:
    """Put one message in the outbox (sent once the caller's transaction commits and the worker runs)."""
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        subject=subject[:300],
        text_body=text,
        html_body=html,
        headers=dict(headers or {}),
        status=QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="",
    )
    db.session.add(message)
    db.session.flush()
    return message


def _email(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config.get("MAIL_DEFAULT_SENDER") or f"no-reply@{config.get('MAIL_SERVER') or 'localhost'}"
    email["To"] = recipient(message)
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}-{int(message.created_at.timestamp())}@casefiles>"
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    return email


def recipient(message: OutboxMessage) -> str:
    """The address a message goes to. A confidential message (a help request's) keeps its address sealed with the
    intake key, opened only here, at sending."""
    from casefiles.intake.crypto import open_address

    return open_address(message.to_address)


def _smtp() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=15)
    if config.get("MAIL_USE_TLS"):
        smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    return smtp


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failures."""
    config = current_app.config
    base = float(config.get("MAIL_RETRY_BASE_SECONDS", 30))
    ceiling = float(config.get("MAIL_RETRY_MAX_SECONDS", 3600))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def _claim(message_id: int, now: datetime) -> bool:
    """Take the message for this worker; False if another worker has it (or it was sent meanwhile)."""
    stale = now - timedelta(seconds=int(current_app.config.get("MAIL_CLAIM_TIMEOUT_SECONDS", 600)))
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                OutboxMessage.status == QUEUED,
                and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < stale),
            ),
        )
        .values(status=SENDING, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def due_ids(now: datetime, limit: int = 100) -> list[int]:
    stale = now - timedelta(seconds=int(current_app.config.get("MAIL_CLAIM_TIMEOUT_SECONDS", 600)))
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                or_(
                    and_(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now),
                    and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < stale),
                )
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def deliver_due(limit: int = 100) -> dict[str, int]:
    """Send the messages that are due, one SMTP connection for the batch. Commits after each message."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not current_app.config.get("MAIL_SERVER"):
        return counts
    now = utcnow()
    smtp: smtplib.SMTP | None = None
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 12))
    try:
        for message_id in due_ids(now, limit):
            if not _claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            if message is None:
                continue
            db.session.refresh(message)
            try:
                if smtp is None:
                    smtp = _smtp()
                smtp.send_message(_email(message))
            except (OSError, smtplib.SMTPException) as error:
                smtp = _close(smtp)
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                if message.to_address.startswith("sealed:"):  # an SMTP refusal quotes the address it refused
                    message.last_error = message.last_error.replace(recipient(message), "(sealed address)")
                message.claimed_at = None
                if isinstance(error, smtplib.SMTPRecipientsRefused) or message.attempts >= max_attempts:
                    message.status = FAILED
                    counts["failed"] += 1
                else:
                    message.status = QUEUED
                    message.next_attempt_at = utcnow() + backoff(message.attempts)
                    counts["retry"] += 1
                db.session.commit()
                continue
            message.status = SENT
            message.sent_at = utcnow()
            message.attempts += 1
            message.last_error = ""
            db.session.commit()
            counts["sent"] += 1
    finally:
        _close(smtp)
    return counts


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return None


def pending_count() -> int:
    """Messages still waiting (queued or being sent)."""
    from sqlalchemy import func

    return int(
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_((QUEUED, SENDING)))
        )
        or 0
    )
