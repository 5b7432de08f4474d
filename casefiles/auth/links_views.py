"""One-time links: administrators invite people and reset passwords; the person chooses their own password."""

from __future__ import annotations

import smtplib

from flask import current_app, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from casefiles.auth import policies as auth_policies
from casefiles.auth import services
from casefiles.auth.blueprint import bp
from casefiles.auth.forms import ChoosePasswordForm, InviteForm
from casefiles.auth.mail import mail_configured, send_mail
from casefiles.auth.models import User
from casefiles.authz import Role, public, require
from casefiles.extensions import db
from casefiles.security import throttled
from casefiles.views_common import get_or_404


def _no_store(body: str, status: int = 200) -> ResponseReturnValue:
    """Pages that show or consume a secret link are never cached."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def link_email_body(kind: str, url: str) -> str:
    """The text of the email that carries a link."""
    if kind == "invite":
        return _(
            "You are invited to %(org)s on Casefiles.\n\nOpen this link to choose your password "
            "(it works once and expires in 7 days):\n\n%(url)s\n",
            org=current_app.config["ORGANIZATION_NAME"],
            url=url,
        )
    return _(
        "An administrator made a password reset link for your Casefiles account.\n\nOpen it to choose a new "
        "password (it works once and expires in 24 hours):\n\n%(url)s\n",
        url=url,
    )


def _deliver(kind: str, email: str, url: str) -> bool:
    """Email the link when SMTP is configured; True when it was sent."""
    if not mail_configured():
        return False
    subject = _("Your Casefiles invitation") if kind == "invite" else _("Reset your Casefiles password")
    try:
        send_mail(email, subject, link_email_body(kind, url))
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("Could not send the account link email (SMTP error)")
        return False
    return True


@bp.route("/staff/users/invite", methods=["GET", "POST"])
def user_invite() -> ResponseReturnValue:
    """Administrators: invite a person by a one-time link."""
    require(auth_policies.can_manage_users(current_user))
    form = InviteForm()
    if form.validate_on_submit():
        try:
            link, token = services.create_invite(
                actor=current_user, email=form.email.data, role=Role(form.role.data), name=form.name.data or ""
            )
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            db.session.commit()
            url = url_for("auth.accept_invite", token=token, _external=True)
            sent = _deliver("invite", link.email, url)
            return _no_store(render_template("users/link.html", kind="invite", email=link.email, url=url, sent=sent))
    return render_template("users/invite.html", form=form)


@bp.route("/staff/users/<int:user_id>/reset", methods=["POST"])
def user_reset(user_id: int) -> ResponseReturnValue:
    """Administrators: make a one-time password-reset link for an account."""
    require(auth_policies.can_manage_users(current_user))
    user = get_or_404(User, user_id)
    if not user.is_active:
        flash(_("Enable the account before making a reset link."), "error")
        return redirect(url_for("auth.user_edit", user_id=user.id))
    _link, token = services.create_reset(user, actor=current_user)
    db.session.commit()
    url = url_for("auth.accept_reset", token=token, _external=True)
    sent = _deliver("reset", user.email, url)
    return _no_store(render_template("users/link.html", kind="reset", email=user.email, url=url, sent=sent))


def _invalid_link() -> ResponseReturnValue:
    return _no_store(render_template("auth/link_invalid.html"), 404)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
@throttled("link", per_account=False)
def accept_invite(token: str) -> ResponseReturnValue:
    """Someone invited chooses their password; the link then stops working."""
    link = services.find_link(token)
    if link is None or link.kind != "invite":
        return _invalid_link()
    form = ChoosePasswordForm(data=None if form_posted() else {"name": link.name})
    if form.validate_on_submit():
        try:
            services.accept_invite(link, password=form.password.data, name=form.name.data or "")
        except services.AccountError as error:
            form.password.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Your account is ready. Sign in with your email and new password."), "success")
            return redirect(url_for("auth.login"))
    return _no_store(render_template("auth/choose_password.html", form=form, link=link, kind="invite"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@throttled("link", per_account=False)
def accept_reset(token: str) -> ResponseReturnValue:
    """Choose a new password through an administrator's reset link; every session of the account ends."""
    link = services.find_link(token)
    if link is None or link.kind != "reset":
        return _invalid_link()
    form = ChoosePasswordForm()
    del form.name
    if form.validate_on_submit():
        try:
            services.accept_reset(link, password=form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Your password is changed. Sign in with it now."), "success")
            return redirect(url_for("auth.login"))
    return _no_store(render_template("auth/choose_password.html", form=form, link=link, kind="reset"))


def form_posted() -> bool:
    from flask import request

    return request.method == "POST"
