"""Each person's own choice about the daily email of their deadlines."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from casefiles.extensions import db
from casefiles.reminders import services

bp = Blueprint("reminders", __name__)


class ReminderForm(FlaskForm):
    enabled = BooleanField(_l("Email me every morning my deadlines that are overdue or due within 7 days"))


@bp.route("/staff/account/reminders", methods=["GET", "POST"])
def preferences() -> ResponseReturnValue:
    """Turn the daily deadline email on or off (for oneself only)."""
    form = ReminderForm()
    if form.validate_on_submit():
        services.set_reminders(current_user, bool(form.enabled.data), actor=current_user)
        db.session.commit()
        flash(_("Your choice is saved."), "success")
        return redirect(url_for("reminders.preferences"))
    form.enabled.data = services.reminders_enabled(current_user)
    return render_template("reminders/preferences.html", form=form)
