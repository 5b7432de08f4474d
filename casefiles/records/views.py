"""The one edit flow every record's view uses: save, or on a stale save the merge view; errors on their field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from casefiles.extensions import db
from casefiles.records.editing import Merge, StaleRecord, merge, parse_version
from casefiles.records.fields import FieldError
from casefiles.records.registry import record_for

SAVED = "saved"
CHOICE_PREFIX = "merge-"


def attach_error(form: Any, error: FieldError) -> None:
    """Put a refusal on its field in the form (or above the form) in the user's language."""
    rec = getattr(form, "record", None)
    name = error.field or ""
    if rec is not None and name in rec.by_name:
        name = rec.by_name[name].form_field
    field = form._fields.get(name) if form is not None else None
    if field is not None and name not in ("version", "csrf_token"):
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.append(str(error.message))
    else:
        flash(str(error.message), "error")


def _take_choices(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    """After a merge view, a field the user resolved as "theirs" takes the stored value."""
    if obj is None:
        return values
    rec = record_for(obj)
    chosen = dict(values)
    for key, choice in request.form.items():
        name = key[len(CHOICE_PREFIX) :]
        if key.startswith(CHOICE_PREFIX) and choice == "theirs" and name in rec.by_name and name in chosen:
            chosen[name] = rec.by_name[name].read(obj)
    return chosen


def _fill(form: Any, result: Merge) -> None:
    for field, theirs in result.taken:
        widget = form._fields.get(field.form_field)
        if widget is not None:
            widget.data = field.form_value(theirs)
            widget.raw_data = None
    if "version" in form._fields:
        form.version.data = result.version


def save_or_merge(obj: Any, form: Any, values: dict[str, Any], save: Callable[[dict[str, Any], int], Any]) -> Any:
    """Run `save(values, expected_version)` and commit; SAVED, a Merge to show, or None after a refusal."""
    # A form always carries its version; a post without one (a script) is applied without the check.
    posted = "version" in form._fields and "version" in request.form
    expected = parse_version(form.version.data) if posted else None
    values = _take_choices(obj, values)
    try:
        save(values, expected)
        db.session.commit()
        return SAVED
    except FieldError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    except (StaleRecord, StaleDataError):
        db.session.rollback()
    db.session.refresh(obj)
    rec = record_for(obj)
    try:
        mine = rec.clean(values)
    except FieldError as error:
        attach_error(form, error)
        return None
    result = merge(obj, expected if expected is not None else -1, mine)
    if not result.needs_confirmation:
        # The other save touched nothing this form holds: save over the new version.
        return save_or_merge_again(obj, form, values, save)
    _fill(form, result)
    flash(
        _(
            "Someone else saved this while you were editing. Nothing of yours is saved yet: their changes are "
            "taken into the form, and where you both changed a field, choose which value to keep. Then save."
        ),
        "error",
    )
    return result


def save_or_merge_again(obj: Any, form: Any, values: dict[str, Any], save: Callable[[dict[str, Any], int], Any]) -> Any:
    if "version" in form._fields:
        form.version.data = obj.version
    return save_or_merge(obj, form, values, save)


def delete_checked(obj: Any, version_raw: Any, remove: Callable[[int | None], Any]) -> bool:
    """Delete unless the record changed since it was shown; True when deleted and committed."""
    expected = parse_version(version_raw) if version_raw is not None else None
    try:
        remove(expected)
        db.session.commit()
        return True
    except FieldError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    except (StaleRecord, StaleDataError):
        db.session.rollback()
        flash(_("Someone changed this since you opened it. Check what it holds now before you delete it."), "error")
    return False


def edit_view(
    obj: Any,
    form_class: type,
    *,
    save: Callable[[dict[str, Any], int | None], Any],
    saved: str,
    next_url: Callable[[], str],
    template: str,
    prepare: Callable[[Any], None] | None = None,
    values: Callable[[Any], dict[str, Any]] | None = None,
    **context: Any,
) -> Any:
    """The one edit page of a record: its form filled from the record (or the post), `save(values, expected)` on a
    valid post, then the record's page; a stale save answers 409 with the merge view, the draft kept."""
    from flask import redirect, render_template

    rec = record_for(obj)
    form = form_class() if request.method == "POST" else form_class(formdata=None)
    if prepare is not None:
        prepare(form)
    if request.method == "GET":
        from casefiles.records.forms import fill_form

        fill_form(form, rec, obj)
    merge_result = None
    if form.validate_on_submit():
        outcome = save_or_merge(obj, form, values(form) if values else form.values(), save)
        if outcome == SAVED:
            flash(saved, "success")
            return redirect(next_url())
        merge_result = outcome
    page = render_template(template, form=form, merge=merge_result, **context)
    return page, (409 if merge_result is not None else 200)
