"""The second factor: enrolment, recovery codes, turning it off, and the administrators' enforcement setting."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from casefiles.auth import policies as auth_policies
from casefiles.auth import services, totp
from casefiles.auth.blueprint import bp
from casefiles.auth.forms import ConfirmPasswordForm, SecuritySettingsForm, TotpSetupForm
from casefiles.auth.passwords import verify_password
from casefiles.authz import require
from casefiles.extensions import db

# Where someone who must enrol may still go before they have a second factor.
ENROLMENT_ENDPOINTS = {"auth.two_factor", "auth.logout", "web.set_language", "static", "web.healthz"}


@bp.before_app_request
def require_enrolment() -> ResponseReturnValue | None:
    """Once an administrator enforces it, staff and administrators without a second factor must set one up."""
    if not current_user.is_authenticated or current_user.has_totp:
        return None
    endpoint = request.endpoint or ""
    if endpoint in ENROLMENT_ENDPOINTS or endpoint.endswith(".static"):
        return None
    if not services.totp_required_for(current_user):
        return None
    flash(_("Your organisation requires a second factor. Set it up to continue."), "info")
    return redirect(url_for("auth.two_factor"))


def _codes_page(codes: list[str]) -> ResponseReturnValue:
    response = make_response(render_template("auth/recovery_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff/account/two-factor", methods=["GET", "POST"])
def two_factor() -> ResponseReturnValue:
    """Set up the authenticator app: scan the QR code, type one code to prove it works."""
    if current_user.has_totp:
        return render_template(
            "auth/two_factor.html",
            enabled=True,
            remaining=totp.remaining_recovery_codes(current_user),
            disable_form=ConfirmPasswordForm(prefix="disable"),
            codes_form=ConfirmPasswordForm(prefix="codes"),
            required=services.totp_required_for(current_user),
        )
    secret = session.get("_totp_pending")
    if not secret or request.method == "GET":
        secret = totp.new_secret()
        session["_totp_pending"] = secret
    form = TotpSetupForm()
    if form.validate_on_submit():
        try:
            codes = totp.enable_totp(current_user, secret=secret, code=form.code.data, actor=current_user)
        except services.AccountError as error:
            form.code.errors.append(str(error.message))
        else:
            db.session.commit()
            session.pop("_totp_pending", None)
            flash(_("The second factor is on. Keep these recovery codes somewhere safe."), "success")
            return _codes_page(codes)
    uri = totp.provisioning_uri(secret, current_user.email)
    response = make_response(
        render_template(
            "auth/two_factor.html",
            enabled=False,
            form=form,
            secret=secret,
            qr=totp.qr_data_url(uri),
            required=services.totp_required_for(current_user),
        )
    )
    return response


@bp.route("/staff/account/two-factor/disable", methods=["POST"])
def two_factor_disable() -> ResponseReturnValue:
    """Turn the second factor off (needs the password; refused while the organisation enforces it)."""
    form = ConfirmPasswordForm(prefix="disable")
    if services.totp_required_for(current_user):
        flash(_("Your organisation requires a second factor; it cannot be turned off."), "error")
    elif form.validate_on_submit() and verify_password(current_user.password_hash, form.current_password.data):
        totp.disable_totp(current_user, actor=current_user)
        db.session.commit()
        flash(_("The second factor is off."), "success")
    else:
        flash(_("That is not your current password."), "error")
    return redirect(url_for("auth.two_factor"))


@bp.route("/staff/account/two-factor/codes", methods=["POST"])
def recovery_codes() -> ResponseReturnValue:
    """New recovery codes (needs the password); the old ones stop working."""
    form = ConfirmPasswordForm(prefix="codes")
    if (
        current_user.has_totp
        and form.validate_on_submit()
        and verify_password(current_user.password_hash, form.current_password.data)
    ):
        codes = totp.regenerate_recovery_codes(current_user, actor=current_user)
        db.session.commit()
        return _codes_page(codes)
    flash(_("That is not your current password."), "error")
    return redirect(url_for("auth.two_factor"))


@bp.route("/staff/security", methods=["GET", "POST"])
def security_settings() -> ResponseReturnValue:
    """Administrators: enforce the second factor for staff and administrators."""
    require(auth_policies.can_manage_users(current_user))
    form = SecuritySettingsForm(
        data=None if request.method == "POST" else {"require_totp": services.get_setting(services.REQUIRE_TOTP) == "1"}
    )
    if form.validate_on_submit():
        services.set_setting(services.REQUIRE_TOTP, "1" if form.require_totp.data else "0", actor=current_user)
        db.session.commit()
        flash(_("Security settings saved."), "success")
        return redirect(url_for("auth.security_settings"))
    return render_template("users/security.html", form=form)
