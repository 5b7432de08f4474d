"""Login and account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from casefiles.authz import ROLE_LABELS, Role


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(message=_l("Enter your email.")), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)]
    )
    next = HiddenField()


def _role_choices() -> list[tuple[str, object]]:
    return [(role.value, ROLE_LABELS[role]) for role in Role]


class UserCreateForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(message=_l("Enter an email address.")),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=_role_choices, default=Role.VOLUNTEER.value)
    password = PasswordField(
        _l("Initial password"),
        description=_l("At least 12 characters. Share it privately; the person can change it."),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=256)],
    )


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=_role_choices)
    active = BooleanField(_l("Account active"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A long phrase is easiest to remember."),
        validators=[DataRequired(message=_l("Enter a new password.")), Length(max=256)],
    )
