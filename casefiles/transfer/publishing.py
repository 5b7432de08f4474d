"""The `published` column of an import goes through the publishing service and its review checklist."""

from __future__ import annotations

from typing import Any

from casefiles.cases.models import Case
from casefiles.public.services import PublishError, ReviewChecklist, publish_case, unpublish_case


class PublicationRefused(ValueError):
    """The publishing service refused; `message` is translated."""


def apply_published_flag(case: Case, published: bool, *, actor: Any, review_confirmed: bool) -> str | None:
    """Publish or unpublish an imported case through the publishing service; never bypasses its checklist.

    Returns None when done, or the reason the publication was skipped (review not confirmed).
    """
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
