"""Faster entry of a new case: a title made from what was typed, and the timeline event a sanction implies."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from casefiles.enums import EventKind, NameConsent, PersonCategory, SanctionType
from casefiles.people.models import initials

TITLE_LIMIT = 200


def shown_name(person: dict[str, Any] | None) -> str:
    """The name the person's consent lets a title carry: the full name, initials, a pseudonym, or nothing."""
    if not person:
        return ""
    legal = " ".join(str(person.get("legal_name") or "").split())
    consent = NameConsent.coerce(person.get("name_consent")) or NameConsent.NONE
    if consent is NameConsent.FULL_NAME:
        return legal
    if consent is NameConsent.INITIALS:
        return initials(legal)
    if consent is NameConsent.PSEUDONYM:
        return " ".join(str(person.get("pseudonym") or "").split())
    return ""


def suggest_title(
    person: dict[str, Any] | None, sanction_type: str | None, institution: str | None, group_name: str | None = None
) -> str:
    """A title staff will recognise — “J. T. (student) — Suspension, Université Laval” — that never holds the
    legal name unless the person agreed to be named in full."""
    category = PersonCategory.coerce((person or {}).get("category"))
    category_label = category.label if category and category is not PersonCategory.OTHER else ""
    name = shown_name(person)
    if group_name:
        who = " ".join(group_name.split())
    elif name and category_label:
        who = f"{name} ({category_label.lower()})"
    else:
        who = name or category_label
    sanction = SanctionType.coerce(sanction_type)
    what = sanction.label if sanction else ""
    where = " ".join(str(institution or "").split())
    tail = ", ".join(part for part in (what, where) if part)
    if who and tail:
        title = f"{who} — {tail}"
    else:
        title = who or tail or _("New case")
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    return title


def sanction_event_values(sanction: Any) -> dict[str, Any] | None:
    """The timeline event a dated sanction implies (kept private until someone makes it public)."""
    if sanction.date is None:
        return None
    label = sanction.type_enum.label
    where = sanction.institution.name if sanction.institution is not None else (sanction.imposed_by or "")
    title = _("%(sanction)s by %(institution)s", sanction=label, institution=where) if where else label
    return {
        "kind": EventKind.SANCTION.value,
        "date": sanction.when.iso(),
        "title": title[:TITLE_LIMIT],
        "is_public": False,
    }


def case_at_a_glance(case: Any, today: Any) -> dict[str, Any]:
    """What the top of the case page says first: the next deadline, each sanction with its appeal, who works on it."""
    open_tasks = [t for t in case.tasks if not t.done]
    next_task = min(open_tasks, key=lambda t: (t.due_date, t.id), default=None)
    overdue = [t for t in open_tasks if t.is_overdue(today)]
    sanctions = []
    for sanction in case.sanctions:
        appeal_task = next((t for t in case.tasks if t.sanction_id == sanction.id), None)
        if sanction.appeal_deadline is None:
            appeal = "none"
        elif appeal_task is not None and appeal_task.done:
            appeal = "done"
        elif sanction.appeal_deadline < today and case.deadlines_settled:
            appeal = "settled"
        elif sanction.appeal_deadline < today and not case.deadlines_settled:
            appeal = "passed"
        else:
            appeal = "open"
        sanctions.append(
            {
                "sanction": sanction,
                "appeal": appeal,
                "days": (sanction.appeal_deadline - today).days if sanction.appeal_deadline else None,
            }
        )
    return {
        "next_task": next_task,
        "next_days": (next_task.due_date - today).days if next_task else None,
        "next_overdue": bool(next_task and next_task.is_overdue(today)),
        "overdue_count": len(overdue),
        "glance_sanctions": sanctions,
    }
