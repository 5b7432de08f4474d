"""Login, logout, one's own account, and the administrators' user management."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from casefiles.auth import policies as auth_policies
from casefiles.auth import services, sessions, totp
from casefiles.auth.blueprint import bp
from casefiles.auth.forms import LoginForm, PasswordChangeForm, SecondFactorForm, UserCreateForm, UserEditForm
from casefiles.auth.models import User
from casefiles.auth.passwords import verify_password
from casefiles.authz import Role, public, require
from casefiles.extensions import db, login_manager
from casefiles.security import throttled
from casefiles.views_common import get_or_404

PENDING_SECOND_FACTOR_SECONDS = 300
PENDING_SECOND_FACTOR_KEYS = ("_2fa_user", "_2fa_token", "_2fa_next", "_2fa_started")


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """The session carries id:token; a rotated token (logout elsewhere, new password) ends it."""
    user_id, _sep, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    if sessions.find_live_session(user.id, session.get("_sid")) is None:
        return None  # this browser's session was ended from another one
    return user


def safe_next(target: str | None) -> str | None:
    """Only a path on our own site: no scheme, no host, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return None  # browsers drop tabs and newlines: "/\t/evil.example" would become "//evil.example"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def start_session(user: User) -> None:
    """A fresh session (new cookie contents, new session id) for a person who proved who they are."""
    session.clear()
    login_user(user)
    session["_sid"] = sessions.open_session(user, user_agent=request.user_agent.string or "")
    services.record_login(user)


def generic_failure(form: LoginForm) -> ResponseReturnValue:
    """The one page for every failed sign-in: unknown account, wrong password, disabled account."""
    flash(_("That email and password do not match an active account."), "error")
    return render_template("auth/login.html", form=form), 200


@bp.route("/login", methods=["GET", "POST"])
@public
@throttled("login")
def login() -> ResponseReturnValue:
    """Sign in with email and password; one generic message for every failure."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("cases.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            services.record_failed_login(form.email.data)
            db.session.commit()
            return generic_failure(form)
        target = safe_next(form.next.data)
        if user.has_totp:
            db.session.commit()  # a rehashed password is kept even if the second step is abandoned
            session.clear()
            session["_2fa_user"] = user.id
            session["_2fa_token"] = user.session_token
            session["_2fa_next"] = target or ""
            session["_2fa_started"] = time.time()
            return redirect(url_for("auth.login_verify"))
        start_session(user)
        db.session.commit()
        return redirect(target or url_for("cases.dashboard"))
    return render_template("auth/login.html", form=form)


@bp.route("/login/verify", methods=["GET", "POST"])
@public
@throttled("verify")
def login_verify() -> ResponseReturnValue:
    """Second step of signing in: a code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        # Already signed in: nothing to verify, and certainly nothing to end (a link must never sign anyone out).
        return redirect(url_for("cases.dashboard"))
    user_id = session.get("_2fa_user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    fresh = time.time() - float(session.get("_2fa_started", 0)) < PENDING_SECOND_FACTOR_SECONDS
    if user is None or not user.is_active or user.session_token != session.get("_2fa_token") or not fresh:
        if request.method == "POST":
            for key in PENDING_SECOND_FACTOR_KEYS:
                session.pop(key, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if totp.verify_second_factor(user, form.code.data):
            target = session.get("_2fa_next") or ""
            start_session(user)
            db.session.commit()
            return redirect(safe_next(target) or url_for("cases.dashboard"))
        services.record_failed_login(user.email)
        db.session.commit()
        form.code.errors.append(_("That code is not valid, or it was already used."))
    return render_template("auth/verify.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """Sign out: this session and every other session of the account end."""
    services.logout_everywhere(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/staff/account", methods=["GET", "POST"])
def account() -> ResponseReturnValue:
    """Change one's own password (ends the other sessions)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            try:
                services.set_password(current_user, actor=current_user, password=form.new_password.data)
            except services.AccountError as error:
                form.new_password.errors.append(str(error.message))
            else:
                user = current_user._get_current_object()
                session["_sid"] = sessions.open_session(user, user_agent=request.user_agent.string or "")
                db.session.commit()
                login_user(user)  # keep this browser signed in, with the new token and a new session id
                flash(_("Your password is changed. Other sessions have been signed out."), "success")
                return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        form=form,
        open_sessions=sessions.open_sessions(current_user),
        this_session=sessions.find_live_session(current_user.id, session.get("_sid")),
    )


@bp.route("/staff/account/sessions/<int:session_id>/end", methods=["POST"])
def end_session(session_id: int) -> ResponseReturnValue:
    """Sign out one of one's other browsers."""
    if sessions.end_session(current_user, session_id, actor=current_user):
        db.session.commit()
        flash(_("That session is ended."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/staff/users")
def users() -> ResponseReturnValue:
    """Administrators: every account, its role and state."""
    require(auth_policies.can_manage_users(current_user))
    people = db.session.scalars(select(User).order_by(User.is_active_flag.desc(), User.name, User.email)).all()
    return render_template("users/list.html", users=people)


@bp.route("/staff/users/new", methods=["GET", "POST"])
def user_new() -> ResponseReturnValue:
    """Administrators: create an account."""
    require(auth_policies.can_manage_users(current_user))
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                actor=current_user,
                email=form.email.data,
                password=form.password.data,
                role=Role(form.role.data),
                name=form.name.data or "",
            )
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Account created for %(email)s.", email=user.email), "success")
            return redirect(url_for("auth.users"))
    return render_template("users/form.html", form=form, user=None)


@bp.route("/staff/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int) -> ResponseReturnValue:
    """Administrators: change a name, role or active flag."""
    require(auth_policies.can_manage_users(current_user))
    user = get_or_404(User, user_id)
    form = UserEditForm(
        obj=None if request.method == "POST" else user,
        data=None
        if request.method == "POST"
        else {"name": user.name, "role": user.role.value, "active": user.is_active},
    )
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                actor=current_user,
                name=form.name.data or "",
                role=Role(form.role.data),
                active=bool(form.active.data),
            )
        except services.AccountError as error:
            form.role.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Account updated."), "success")
            return redirect(url_for("auth.users"))
    return render_template("users/form.html", form=form, user=user)

