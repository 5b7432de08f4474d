"""Add, edit and remove the parts of a case: people, sanctions, timeline events, deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casefiles.auth.services import active_users
from casefiles.authz import require
from casefiles.cases import policies, services
from casefiles.cases.forms import ConfirmForm, EventForm, PersonForm, SanctionForm, TaskForm
from casefiles.cases.models import Event, Sanction, Task
from casefiles.cases.views import _form_errors, bp, load_case
from casefiles.extensions import db
from casefiles.people.models import Person


@dataclass(frozen=True)
class Part:
    """How one kind of case part is edited."""

    model: type
    form: type
    add: Any
    update: Any
    remove: Any
    title_new: Any
    title_edit: Any
    anchor: str


PARTS = {
    "people": Part(
        Person,
        PersonForm,
        services.add_person,
        services.update_person,
        services.remove_person,
        _l("Add a person"),
        _l("Edit person"),
        "people",
    ),
    "sanctions": Part(
        Sanction,
        SanctionForm,
        services.add_sanction,
        services.update_sanction,
        services.remove_sanction,
        _l("Add a sanction"),
        _l("Edit sanction"),
        "sanctions",
    ),
    "events": Part(
        Event,
        EventForm,
        services.add_event,
        services.update_event,
        services.remove_event,
        _l("Add an event to the timeline"),
        _l("Edit event"),
        "timeline",
    ),
    "tasks": Part(
        Task,
        TaskForm,
        services.add_task,
        services.update_task,
        services.remove_task,
        _l("Add a deadline or task"),
        _l("Edit deadline or task"),
        "deadlines",
    ),
}
KINDS = "any(people, sanctions, events, tasks)"


def _load_part(case, kind: str, item_id: int):  # noqa: ANN001, ANN202
    item = db.session.get(PARTS[kind].model, item_id)
    if item is None or item.case_id != case.id:
        abort(404)
    return item


def _prepare(form, kind: str, case) -> None:  # noqa: ANN001
    if kind == "tasks":
        form.owner_id.choices = [("", _("— nobody —")), *[(u.id, u.display_name) for u in active_users()]]


def _fill_from(form, item) -> None:  # noqa: ANN001
    """Put a stored item's values in the form (partial dates keep their precision)."""
    for name, field in form._fields.items():
        if name in ("csrf_token",):
            continue
        value = getattr(item, name, None)
        if name == "date" and hasattr(item, "when"):
            value = item.when.iso() if item.when else ""
        field.data = value


@bp.route(f"/cases/<int:case_id>/<{KINDS}:kind>/new", methods=["GET", "POST"])
def part_new(case_id: int, kind: str) -> ResponseReturnValue:
    """Add a person, sanction, event or task."""
    case = load_case(case_id)
    require(policies.can_edit(current_user, case))
    part = PARTS[kind]
    form = part.form()
    _prepare(form, kind, case)
    if request.method == "GET" and kind == "tasks":
        form.owner_id.data = current_user.id
    if form.validate_on_submit():
        try:
            part.add(case, actor=current_user, values=form.values())
            db.session.commit()
        except services.CaseError as error:
            db.session.rollback()
            _form_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor=part.anchor))
    return render_template("cases/part_form.html", form=form, case=case, kind=kind, title=part.title_new, item=None)


@bp.route(f"/cases/<int:case_id>/<{KINDS}:kind>/<int:item_id>/edit", methods=["GET", "POST"])
def part_edit(case_id: int, kind: str, item_id: int) -> ResponseReturnValue:
    """Edit a person, sanction, event or task."""
    case = load_case(case_id)
    require(policies.can_edit(current_user, case))
    part = PARTS[kind]
    item = _load_part(case, kind, item_id)
    form = part.form()
    _prepare(form, kind, case)
    if request.method == "GET":
        _fill_from(form, item)
    if form.validate_on_submit():
        try:
            part.update(item, actor=current_user, values=form.values())
            db.session.commit()
        except services.CaseError as error:
            db.session.rollback()
            _form_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor=part.anchor))
    return render_template("cases/part_form.html", form=form, case=case, kind=kind, title=part.title_edit, item=item)


@bp.route(f"/cases/<int:case_id>/<{KINDS}:kind>/<int:item_id>/delete", methods=["GET", "POST"])
def part_delete(case_id: int, kind: str, item_id: int) -> ResponseReturnValue:
    """Confirm, then remove a person, sanction, event or task (the history keeps what it held)."""
    case = load_case(case_id)
    require(policies.can_edit(current_user, case))
    part = PARTS[kind]
    item = _load_part(case, kind, item_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            part.remove(item, actor=current_user)
            db.session.commit()
        except services.CaseError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(_("Removed."), "success")
        return redirect(url_for("cases.detail", case_id=case.id, _anchor=part.anchor))
    return render_template("cases/part_delete.html", form=form, case=case, kind=kind, item=item)


@bp.route("/cases/<int:case_id>/tasks/<int:item_id>/toggle", methods=["POST"])
def task_toggle(case_id: int, item_id: int) -> ResponseReturnValue:
    """Mark a deadline done, or not done again."""
    case = load_case(case_id)
    require(policies.can_edit(current_user, case))
    task = _load_part(case, "tasks", item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.update_task(task, actor=current_user, values={"done": not task.done})
    db.session.commit()
    target = request.form.get("back")
    if target == "dashboard":
        return redirect(url_for("cases.dashboard"))
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="deadlines"))
