"""A sanction's appeal deadline is kept as one task of the case, in step with the sanction."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.cases.models import Case, Sanction, Task
from casefiles.extensions import db


def sync_appeal_task(case: Case, sanction: Sanction, actor: Any) -> None:
    """Keep one task per sanction for its appeal deadline."""
    task = db.session.scalars(select(Task).where(Task.sanction_id == sanction.id)).first()
    if sanction.appeal_deadline is None:
        if task is not None:
            db.session.delete(task)
        return
    title = str(_l("Appeal deadline: %(sanction)s", sanction=sanction.type_enum.label))
    if task is None:
        owner_id = case.assignees[0].id if case.assignees else getattr(actor, "id", None)
        task = Task(
            case=case, sanction_id=sanction.id, title=title, due_date=sanction.appeal_deadline, owner_id=owner_id
        )
        db.session.add(task)
    else:
        task.due_date = sanction.appeal_deadline
        task.title = title
    db.session.flush()
