"""The form that loads an export zip into an empty installation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField
from wtforms.validators import DataRequired


class ImportAllForm(FlaskForm):
    file = FileField(
        _l("Export file (zip)"),
        validators=[FileRequired(message=_l("Choose the zip made by “Everything as JSON”."))],
    )
    confirm = BooleanField(
        _l("I understand that this loads every record, account and document of the export into this installation."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
