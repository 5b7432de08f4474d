"""Signing a petition on our pages (public) and exporting its signatures (staff).

The sign page is never cached (it carries the form's CSRF token and time trap). A filled honeypot or a form sent
faster than a person can type gets the same "check your email" answer as a real signature, and nothing is stored.
Every valid signing counts against the sender's address in the shared throttle store (PETITION_LIMIT_PER_ADDRESS).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casefiles.authz import public, require
from casefiles.campaigns import policies as campaign_policies
from casefiles.campaigns.models import Campaign
from casefiles.extensions import db
from casefiles.mail import worker
from casefiles.petitions import services
from casefiles.petitions.forms import SignForm
from casefiles.public import campaigns as public_campaigns
from casefiles.public.language import LANG_PREFIX
from casefiles.public.views import locale
from casefiles.security.robots import FormGuard

bp = Blueprint("petitions", __name__)
GUARD = FormGuard("petition", "PETITION_MIN_SECONDS", 3, "PETITION_LIMIT_PER_ADDRESS", "20 per hour")


def _open_campaign(campaign_id: int) -> Campaign:
    campaign = public_campaigns.public_campaign_by_id(campaign_id)
    if campaign is None or not public_campaigns.petition_open(campaign):
        abort(404)
    return campaign


@bp.route(LANG_PREFIX + "/campaigns/<int:campaign_id>/sign", methods=["GET", "POST"])
@public
def sign(campaign_id: int) -> ResponseReturnValue:
    """The petition form; a valid signature waits for its confirmation by email."""
    campaign = _open_campaign(campaign_id)
    page = public_campaigns.project_campaign(campaign, locale(), with_cases=False)
    form = SignForm()
    if form.validate_on_submit():
        if form.website.data or GUARD.too_fast(form.started.data):
            return _check_email(page)
        retry_after = GUARD.throttled()
        if retry_after:
            response = Response(render_template("errors/error.html", code=429, error=None), status=429)
            response.headers["Retry-After"] = str(int(retry_after) + 1)
            return response
        services.sign(
            campaign,
            values=form.data,
            locale=locale(),
            confirm_url=lambda token: url_for("petitions.confirm", token=token, _external=True),
            campaign_title=page.title,
        )
        db.session.commit()
        worker.kick()
        return _check_email(page)
    form.started.data = GUARD.stamp()
    status = 422 if form.errors else 200
    return render_template("petitions/sign.html", form=form, campaign=page), status


def _check_email(page: public_campaigns.PublicCampaignPage) -> ResponseReturnValue:
    return render_template("petitions/check_email.html", campaign=page)


@bp.route(LANG_PREFIX + "/petitions/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str) -> ResponseReturnValue:
    """The link of the confirmation email: a button confirms (a GET changes nothing, so link scanners cannot)."""
    from flask_wtf import FlaskForm

    form = FlaskForm()
    signature = services.find_by_token(token)
    if signature is None or signature.confirmed_at is not None:
        return render_template("petitions/confirm.html", state="invalid", form=form), 404
    campaign = db.session.get(Campaign, signature.campaign_id)
    found = public_campaigns.public_campaign_by_id(signature.campaign_id) if campaign else None
    if found is None:
        return render_template("petitions/confirm.html", state="invalid", form=form), 404
    page = public_campaigns.project_campaign(found, locale(), with_cases=False)
    if request.method == "POST" and form.validate_on_submit():
        confirmed = services.confirm(token)
        db.session.commit()
        state = "confirmed" if confirmed is not None else "invalid"
        return render_template("petitions/confirm.html", state=state, form=form, campaign=page)
    return render_template("petitions/confirm.html", state="ask", form=form, campaign=page)


@bp.route("/staff/campaigns/<int:campaign_id>/signatures.csv")
def export(campaign_id: int) -> ResponseReturnValue:
    """The confirmed signatures as CSV, for delivery to the target (audited)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    require(campaign_policies.can_edit(current_user))
    body = services.export_csv(campaign, actor=current_user)
    db.session.commit()
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="petition-{campaign.id}-signatures.csv"'
    return response


@bp.route("/staff/campaigns/<int:campaign_id>/signatures.pdf")
def export_pdf(campaign_id: int) -> ResponseReturnValue:
    """The confirmed signatures as a PDF for delivery to the target, in the language asked (audited)."""
    from casefiles.briefs.rendering import RenderError

    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    require(campaign_policies.can_edit(current_user))
    language = request.args.get("lang") if request.args.get("lang") in ("en", "fr") else locale()
    try:
        body = services.export_pdf(campaign, actor=current_user, locale=language)
    except RenderError:
        db.session.rollback()
        abort(503)
    db.session.commit()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="petition-{campaign.id}-signatures-{language}.pdf"'
    return response
