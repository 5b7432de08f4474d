"""Organizations: list, new, detail (letters signed, campaigns and cases partnered), edit."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from casefiles.authz import require
from casefiles.campaigns.models import Campaign
from casefiles.extensions import db
from casefiles.letters.models import Letter, LetterSignatory
from casefiles.organizations import policies, services
from casefiles.organizations.forms import OrganizationForm
from casefiles.organizations.models import Organization, OrganizationKind, campaign_partners
from casefiles.pagination import paginate
from casefiles.records.fields import FieldError
from casefiles.records.views import attach_error, edit_view
from casefiles.views_common import get_or_404

bp = Blueprint("organizations", __name__)
PER_PAGE = 50


@bp.route("/")
def index() -> ResponseReturnValue:
    """Every organization, searchable, with how many letters each signed."""
    require(policies.can_view(current_user))
    q = (request.args.get("q") or "").strip()[:200]
    kind = request.args.get("kind") or ""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    signed = (
        select(func.count(LetterSignatory.id))
        .where(LetterSignatory.organization_id == Organization.id)
        .correlate(Organization)
        .scalar_subquery()
    )
    stmt = select(Organization, signed).order_by(Organization.name_key)
    if q:
        stmt = stmt.where(Organization.name_key.contains(services.organization_key(q), autoescape=True))
    if OrganizationKind.coerce(kind):
        stmt = stmt.where(Organization.kind == kind)
    return render_template(
        "organizations/index.html",
        page=paginate(stmt, page=page, per_page=PER_PAGE),
        q=q,
        kind=kind,
        kinds=list(OrganizationKind),
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Record an organization."""
    require(policies.can_edit(current_user))
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            org = services.create_organization(actor=current_user, values=form.values())
            db.session.commit()
        except FieldError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Organization saved."), "success")
            return redirect(url_for("organizations.detail", organization_id=org.id))
    return render_template("organizations/form.html", form=form, organization=None)


@bp.route("/<int:organization_id>")
def detail(organization_id: int) -> ResponseReturnValue:
    """An organization, the letters it signed and the campaigns it partners."""
    org = get_or_404(Organization, organization_id)
    require(policies.can_view(current_user))
    letters = db.session.scalars(
        select(Letter)
        .join(LetterSignatory, LetterSignatory.letter_id == Letter.id)
        .where(LetterSignatory.organization_id == org.id)
        .order_by(Letter.letter_date.desc(), Letter.id.desc())
        .limit(200)
    ).all()
    campaigns = db.session.scalars(
        select(Campaign)
        .join(campaign_partners, campaign_partners.c.campaign_id == Campaign.id)
        .where(campaign_partners.c.organization_id == org.id)
        .order_by(Campaign.id.desc())
    ).all()
    return render_template("organizations/detail.html", organization=org, letters=letters, campaigns=campaigns)


@bp.route("/<int:organization_id>/edit", methods=["GET", "POST"])
def edit(organization_id: int) -> ResponseReturnValue:
    """Correct an organization's name, kind or place; a stale save opens the merge view."""
    org = get_or_404(Organization, organization_id)
    require(policies.can_edit(current_user))
    return edit_view(
        org,
        OrganizationForm,
        save=lambda values, expected: services.update_organization(
            org, actor=current_user, changes=values, expected_version=expected
        ),
        saved=_("Organization saved."),
        next_url=lambda: url_for("organizations.detail", organization_id=org.id),
        template="organizations/form.html",
        organization=org,
    )
