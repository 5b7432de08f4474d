"""Add, edit and remove the parts of a case: people, sanctions, timeline events, deadlines.

Every part goes through the same flow: its form is derived from its declaration, carries its version, and a
stale save opens the merge view; a delete of a part changed since it was shown is refused.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from casefiles.auth.services import active_users
from casefiles.authz import can_publish, require
from casefiles.cases import policies, services
from casefiles.cases.blueprint import bp, load_case
from casefiles.cases.forms import ConfirmForm, EventForm, HarmForm, ProceedingForm, SanctionForm, TaskForm
from casefiles.cases.models import Event, Harm, Proceeding, Sanction, Task
from casefiles.extensions import db
from casefiles.people.views import PERSON_PART
from casefiles.records.fields import FieldError
from casefiles.records.parts import Part
from casefiles.records.views import attach_error, delete_checked, edit_view

PARTS = {
    "people": PERSON_PART,
    "sanctions": Part(
        Sanction,
        SanctionForm,
        services.add_sanction_with_event,
        services.update_sanction,
        services.remove_sanction,
        _l("Add a sanction"),
        _l("Edit sanction"),
        "sanctions",
    ),
    "harms": Part(
        Harm,
        HarmForm,
        services.add_harm,
        services.update_harm,
        services.remove_harm,
        _l("Add a harm"),
        _l("Edit harm"),
        "harms",
    ),
    "proceedings": Part(
        Proceeding,
        ProceedingForm,
        services.add_proceeding,
        services.update_proceeding,
        services.remove_proceeding,
        _l("Add a legal proceeding"),
        _l("Edit legal proceeding"),
        "proceedings",
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
KINDS = "any(people, sanctions, harms, proceedings, events, tasks)"


def _load_part(case, kind: str, item_id: int):  # noqa: ANN001, ANN202
    item = db.session.get(PARTS[kind].model, item_id)
    if item is None or item.case_id != case.id:
        abort(404)
    return item


def _prepare(form, kind: str, case) -> None:  # noqa: ANN001
    if kind == "tasks":
        form.owner_id.choices = [
            SelectChoice("", _("— nobody —")),
            *[SelectChoice(u.id, u.display_name) for u in active_users()],
        ]
    if kind in ("tasks", "events"):
        # A hearing (a task) or an event may belong to one of the case's proceedings.
        form.proceeding_id.choices = [
            SelectChoice("", _("— none —")),
            *[SelectChoice(p.id, p.label) for p in case.proceedings],
        ]


def _render(form, case, kind: str, title, item, merge=None):  # noqa: ANN001, ANN202
    return render_template(
        "cases/part_form.html",
        form=form,
        case=case,
        kind=kind,
        title=title,
        item=item,
        merge=merge,
        goes_live=case.published and can_publish(current_user),
        needs_review=case.published and not can_publish(current_user),
    ), (409 if merge is not None else 200)


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
        hearing_of = request.args.get("proceeding", "")
        if hearing_of.isdigit() and any(p.id == int(hearing_of) for p in case.proceedings):
            form.proceeding_id.data = int(hearing_of)
    if form.validate_on_submit():
        try:
            part.add(case, actor=current_user, values=form.values())
            db.session.commit()
        except FieldError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor=part.anchor))
    return _render(form, case, kind, part.title_new, None)


@bp.route(f"/cases/<int:case_id>/<{KINDS}:kind>/<int:item_id>/edit", methods=["GET", "POST"])
def part_edit(case_id: int, kind: str, item_id: int) -> ResponseReturnValue:
    """Edit a person, sanction, event or task; a stale save opens the merge view."""
    case = load_case(case_id)
    require(policies.can_edit(current_user, case))
    part = PARTS[kind]
    item = _load_part(case, kind, item_id)
    return edit_view(
        item,
        part.form,
        save=lambda values, expected: part.update(item, actor=current_user, values=values, expected_version=expected),
        prepare=lambda form: _prepare(form, kind, case),
        saved=_("Saved."),
        next_url=lambda: url_for("cases.detail", case_id=case.id, _anchor=part.anchor),
        template="cases/part_form.html",
        case=case,
        kind=kind,
        title=part.title_edit,
        item=item,
        goes_live=case.published and can_publish(current_user),
        needs_review=case.published and not can_publish(current_user),
    )


@bp.route(f"/cases/<int:case_id>/<{KINDS}:kind>/<int:item_id>/delete", methods=["GET", "POST"])
def part_delete(case_id: int, kind: str, item_id: int) -> ResponseReturnValue:
    """Confirm, then remove a person, sanction, event or task (the history keeps what it held)."""
    case = load_case(case_id)
    require(policies.can_edit(current_user, case))
    part = PARTS[kind]
    item = _load_part(case, kind, item_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = item.version
    if form.validate_on_submit():
        version = form.version.data if form.version.data not in (None, "") else None
        if delete_checked(
            item, version, lambda expected: part.remove(item, actor=current_user, expected_version=expected)
        ):
            flash(_("Removed."), "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor=part.anchor))
        item = _load_part(case, kind, item_id)
        form.version.data = item.version
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
