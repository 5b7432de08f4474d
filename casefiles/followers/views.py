"""Following a public case or campaign by email (public), confirming, and one-click unsubscribing.

The follow form sits on the cached public case and campaign pages; a filled honeypot, a form sent faster than a
person types, or a `started` stamp that is not ours gets the same "check your email" answer as a real request,
and nothing is stored. Valid requests count against the sender's address in the shared throttle store
(FOLLOW_LIMIT_PER_ADDRESS). Pages carry the language in their address; the unsubscribe address does not (mail
clients post to it once, and a redirect must not stand in the way). It takes a POST without a CSRF token (RFC 8058:
the mail client posts `List-Unsubscribe=One-Click`); its signed token is what authorizes it.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from markupsafe import Markup

from casefiles.authz import public
from casefiles.extensions import csrf, db
from casefiles.followers import services
from casefiles.followers.forms import FollowForm
from casefiles.mail import worker
from casefiles.public import campaigns as public_campaigns
from casefiles.public import queries
from casefiles.public.language import LANG_PREFIX
from casefiles.public.views import locale
from casefiles.security.robots import FormGuard

bp = Blueprint("followers", __name__)
# No age limit on the stamp: a cached page keeps it until something public changes, however long that takes.
GUARD = FormGuard("follow", "FOLLOW_MIN_SECONDS", 3, "FOLLOW_LIMIT_PER_ADDRESS", "20 per hour", max_age=None)


@bp.app_template_global()
def follow_started(target: str) -> Markup:
    """The signed time stamp of a follow form on the page of `target` ("case:12")."""
    return Markup(GUARD.stamp(target))  # noqa: S704 - our own URL-safe base64, no user text


def _follow(
    kind: str, target_id: int, stamp_for: str, title: str, title_language: str, back_url: str
) -> ResponseReturnValue:
    target = stamp_for
    form = FollowForm()
    page = {"title": title, "title_language": title_language, "back_url": back_url, "kind": kind, "target": target}
    if request.method == "POST" and form.validate():
        if form.website.data or GUARD.too_fast(form.started.data, target):
            return render_template("followers/check_email.html", page=page)
        retry_after = GUARD.throttled()
        if retry_after:
            response = Response(render_template("errors/error.html", code=429, error=None), status=429)
            response.headers["Retry-After"] = str(int(retry_after) + 1)
            return response
        services.request_follow(
            kind=kind,
            target_id=target_id,
            email=form.email.data,
            locale=locale(),
            title=title,
            confirm_url=lambda token: url_for("followers.confirm", token=token, _external=True),
        )
        db.session.commit()
        worker.kick()
        return render_template("followers/check_email.html", page=page)
    status = 422 if form.errors else 200
    return render_template("followers/follow.html", form=form, page=page), status


@bp.route(LANG_PREFIX + "/cases/<slug>/follow", methods=["GET", "POST"])
@public
@csrf.exempt
def follow_case(slug: str) -> ResponseReturnValue:
    """Follow a published case by email (the form is also on the case page)."""
    case = queries.published_case_by_slug(slug)
    projection = queries.cached_public_case(case, locale()) if case is not None else None
    if case is None or projection is None:
        abort(404)
    back = url_for("public.case", slug=projection.slug)
    stamp_for = f"case-page:{projection.slug}"
    return _follow(services.CASE, case.id, stamp_for, projection.title, projection.title_language, back)


@bp.route(LANG_PREFIX + "/campaigns/<int:campaign_id>/follow", methods=["GET", "POST"])
@public
@csrf.exempt
def follow_campaign(campaign_id: int) -> ResponseReturnValue:
    """Follow a public campaign by email (the form is also on the campaign page)."""
    campaign = public_campaigns.public_campaign_by_id(campaign_id)
    if campaign is None:
        abort(404)
    page = public_campaigns.project_campaign(campaign, locale(), with_cases=False)
    back = url_for("public_campaigns.campaign", campaign_id=campaign.id)
    stamp_for = services.target_key(services.CAMPAIGN, campaign.id)
    return _follow(services.CAMPAIGN, campaign.id, stamp_for, page.title, page.title_language, back)


@bp.route(LANG_PREFIX + "/follow/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str) -> ResponseReturnValue:
    """The link of the confirmation email: a button confirms (a GET changes nothing, so link scanners cannot)."""
    form = FlaskForm()
    follow = services.find_by_token(token)
    state = services.state_of(follow) if follow is not None and follow.confirmed_at is None else None
    if state is None:
        return render_template("followers/confirm.html", state="invalid", form=form), 404
    if request.method == "POST" and form.validate_on_submit():
        confirmed = services.confirm(token)
        db.session.commit()
        answer = "confirmed" if confirmed is not None else "invalid"
        return render_template("followers/confirm.html", state=answer, form=form, page=state)
    return render_template("followers/confirm.html", state="ask", form=form, page=state)


@bp.route("/follow/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """One-click unsubscribe: a POST (from the mail client, RFC 8058, or the button of this page) stops the emails;
    a GET only shows the button, so a link scanner unsubscribes no one."""
    ours, follow = services.follow_for_unsubscribe(token)
    if not ours:
        return render_template("followers/unsubscribe.html", state="invalid"), 404
    if request.method == "POST":
        if follow is not None:
            services.unsubscribe(follow)
            db.session.commit()
        return render_template("followers/unsubscribe.html", state="done")
    if follow is None:
        return render_template("followers/unsubscribe.html", state="done")
    return render_template("followers/unsubscribe.html", state="ask", token=token)
