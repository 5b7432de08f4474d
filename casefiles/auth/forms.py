"""Login and account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from casefiles.authz import ROLE_LABELS, Role


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(message=_l("Enter your email.")), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)]
    )
    next = HiddenField()


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]


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


class InviteForm(FlaskForm):
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


class ChoosePasswordForm(FlaskForm):
    """Accepting an invitation or a reset link: the person chooses their own password."""

    name = StringField(_l("Your name"), validators=[Length(max=200)])
    password = PasswordField(
        _l("Choose a password"),
        description=_l("At least 12 characters. A long phrase is easiest to remember."),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=256)],
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class TotpSetupForm(FlaskForm):
    code = StringField(
        _l("The 6-digit code your app shows"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ConfirmPasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)]
    )


class SecuritySettingsForm(FlaskForm):
    require_totp = BooleanField(_l("Staff and administrators must use a second factor (authenticator app)"))
