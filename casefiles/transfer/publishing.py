"""The `published` column of an import goes through the publishing service and its review checklist."""

from __future__ import annotations

from typing import Any

from casefiles.cases.models import Case


class PublicationRefused(ValueError):
    """The publishing service refused; `message` is translated."""


def apply_published_flag(case: Case, published: bool, *, actor: Any, review_confirmed: bool) -> str | None:
    """Publish or unpublish an imported case through the publishing service; never bypasses its checklist.

    Returns None when done, or the reason the publication was skipped (review not confirmed).
    """
    try:
        from casefiles.public.services import PublishError, ReviewChecklist, publish_case, unpublish_case
    except ImportError:  # a deployment without the public side: keep the flag, still audited
        return set_published_flag_without_public_site(case, published, actor=actor, review_confirmed=review_confirmed)

    if published == bool(case.published):
        return None
    if not published:
        unpublish_case(case, actor=actor, reason="import")
        return None
    if not review_confirmed:
        return "review"
    checklist = ReviewChecklist(consent_recorded=True, no_private_data=True)
    try:
        publish_case(case, actor=actor, checklist=checklist)
    except PublishError as error:
        raise PublicationRefused("; ".join(str(m) for _, m in error.problems)) from error
    return None


def set_published_flag_without_public_site(
    case: Case, published: bool, *, actor: Any, review_confirmed: bool
) -> str | None:
    """Only when no publishing service is installed: set Case.published directly, audited, review still required."""
    from casefiles.audit.services import record
    from casefiles.public.services import new_public_slug
    from casefiles.db import utcnow
    from casefiles.extensions import db

    if published == bool(case.published):
        return None
    if published and not review_confirmed:
        return "review"
    case.published = published
    if published:
        case.public_slug = case.public_slug or new_public_slug()
        case.published_at = utcnow()
    db.session.flush()
    record(
        "case.publish" if published else "case.unpublish",
        actor=actor,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        case_version=case.version,
        summary=case.title,
        changes={"published": [not published, published]},
    )
    return None
