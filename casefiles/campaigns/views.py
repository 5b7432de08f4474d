"""The staff side of campaigns: list, new, detail (chart, counts, cases, partners), edit, delete; supporter counts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from casefiles.authz import require
from casefiles.campaigns import policies, services
from casefiles.campaigns.chart import supporters_chart
from casefiles.campaigns.forms import CampaignForm, DeleteCampaignForm, LinkCaseForm, PartnersForm, SnapshotForm
from casefiles.campaigns.models import Campaign, CampaignStatus, SupporterSnapshot
from casefiles.cases import policies as case_policies
from casefiles.cases.models import Case
from casefiles.extensions import db
from casefiles.organizations.models import organization_key
from casefiles.organizations.services import organizations_by_key
from casefiles.pagination import paginate, scalar_rows
from casefiles.records.fields import FieldError
from casefiles.records.views import attach_error, delete_checked, edit_view
from casefiles.views_common import get_or_404, parse_id

bp = Blueprint("campaigns", __name__)
PER_PAGE = 25


@bp.route("/case/<int:case_id>/partners", methods=["POST"])
def case_partners(case_id: int) -> ResponseReturnValue:
    """Set the partner organizations of a case (names must match recorded organizations)."""
    from casefiles.organizations.services import set_case_partners

    case = get_or_404(Case, case_id)
    require(policies.can_edit(current_user) and case_policies.can_view(current_user, case))
    form = PartnersForm()
    if form.validate_on_submit():
        names = [" ".join(n.split()) for n in (form.names.data or "").splitlines() if n.strip()]
        found = organizations_by_key(names)
        missing = [n for n in names if organization_key(n) not in found]
        if missing:
            message = _("No organization is recorded as “%(name)s”. Add it under Organizations first.", name=missing[0])
            flash(message, "error")
        else:
            set_case_partners(case, [found[organization_key(n)] for n in names], actor=current_user)
            db.session.commit()
            flash(_("Partners saved."), "success")
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="campaigns-title"))


def _load(campaign_id: int) -> Campaign:
    campaign = get_or_404(Campaign, campaign_id)
    require(policies.can_view(current_user))
    return campaign


@bp.route("/")
def index() -> ResponseReturnValue:
    """Every campaign with its latest supporter count and growth."""
    require(policies.can_view(current_user))
    q = (request.args.get("q") or "").strip()[:200]
    status = request.args.get("status") or ""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    stmt = select(Campaign).order_by(Campaign.updated_at.desc(), Campaign.id.desc())
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Campaign.title_en).like(like), func.lower(Campaign.title_fr).like(like)))
    if CampaignStatus.coerce(status):
        stmt = stmt.where(Campaign.status == status)
    pagination = paginate(stmt, page=page, per_page=PER_PAGE, rows=scalar_rows)
    rows = [(c, services.latest_count(c), services.growth(c)) for c in pagination.items]
    return render_template(
        "campaigns/index.html", rows=rows, page=pagination, q=q, status=status, statuses=list(CampaignStatus)
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Start a campaign."""
    require(policies.can_edit(current_user))
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(actor=current_user, values=form.values())
            db.session.commit()
        except FieldError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Campaign created."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=None)


def _render_detail(campaign: Campaign, snapshot_form: Any = None, status: int = 200) -> ResponseReturnValue:
    series = services.totals_over_time(campaign)
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        series=series,
        chart=supporters_chart(series, campaign.goal),
        latest=services.latest_count(campaign),
        growth=services.growth(campaign),
        cases=[c for c in campaign.cases if case_policies.can_view(current_user, c)],
        snapshot_form=snapshot_form or SnapshotForm(formdata=None),
        link_form=LinkCaseForm(formdata=None),
        partners_form=PartnersForm(formdata=None, names="\n".join(o.name for o in campaign.partners)),
        delete_form=DeleteCampaignForm(formdata=None),
    ), status


@bp.route("/<int:campaign_id>")
def detail(campaign_id: int) -> ResponseReturnValue:
    """The campaign: text, asks, supporters over time (chart and table), cases, partners."""
    return _render_detail(_load(campaign_id))


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit(campaign_id: int) -> ResponseReturnValue:
    """Edit a campaign; a save over someone else's newer save opens the merge view, the draft kept."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    return edit_view(
        campaign,
        CampaignForm,
        save=lambda values, expected: services.update_campaign(
            campaign, actor=current_user, changes=values, expected_version=expected
        ),
        saved=_("Campaign saved."),
        next_url=lambda: url_for("campaigns.detail", campaign_id=campaign.id),
        template="campaigns/form.html",
        campaign=campaign,
    )


@bp.route("/<int:campaign_id>/snapshots", methods=["POST"])
def add_snapshot(campaign_id: int) -> ResponseReturnValue:
    """Record a supporter count."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    form = SnapshotForm()
    if form.validate_on_submit():
        try:
            services.add_snapshot(campaign, actor=current_user, values=form.values())
            db.session.commit()
            flash(_("Supporter count added."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id, _anchor="supporters"))
        except FieldError as error:
            db.session.rollback()
            attach_error(form, error)
    return _render_detail(campaign, form, 400)


def _load_snapshot(campaign: Campaign, snapshot_id: int) -> SupporterSnapshot:
    snap = db.session.get(SupporterSnapshot, snapshot_id)
    if snap is None or snap.campaign_id != campaign.id:
        abort(404)
    return snap


@bp.route("/<int:campaign_id>/snapshots/<int:snapshot_id>/edit", methods=["GET", "POST"])
def edit_snapshot(campaign_id: int, snapshot_id: int) -> ResponseReturnValue:
    """Correct a supporter count; a stale save opens the merge view."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    snap = _load_snapshot(campaign, snapshot_id)
    return edit_view(
        snap,
        SnapshotForm,
        save=lambda values, expected: services.update_snapshot(
            snap, actor=current_user, values=values, expected_version=expected
        ),
        saved=_("Supporter count saved."),
        next_url=lambda: url_for("campaigns.detail", campaign_id=campaign.id, _anchor="supporters"),
        template="campaigns/snapshot_form.html",
        campaign=campaign,
        snap=snap,
    )


@bp.route("/<int:campaign_id>/snapshots/<int:snapshot_id>/delete", methods=["POST"])
def remove_snapshot(campaign_id: int, snapshot_id: int) -> ResponseReturnValue:
    """Remove a supporter count entered by mistake (refused if it changed since it was shown)."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    snap = _load_snapshot(campaign, snapshot_id)
    form = DeleteCampaignForm()
    if form.validate_on_submit() and delete_checked(
        snap,
        _posted_version(form),
        lambda expected: services.remove_snapshot(snap, actor=current_user, expected_version=expected),
    ):
        flash(_("Supporter count removed."), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id, _anchor="supporters"))


def _posted_version(form: DeleteCampaignForm) -> str | None:
    """The version a delete form was shown at (None from a form that carries none: no check)."""
    return form.version.data if form.version.data not in (None, "") else None


def find_case_by_reference(reference: str) -> Case | None:
    """A case by its own reference, or by CF-00042."""
    reference = reference.strip()
    case = db.session.scalars(select(Case).where(Case.external_ref == reference)).first()
    if case is None and reference.upper().startswith("CF-") and parse_id(reference[3:]):
        case = db.session.get(Case, parse_id(reference[3:]))
    return case


@bp.route("/<int:campaign_id>/cases", methods=["POST"])
def link_case(campaign_id: int) -> ResponseReturnValue:
    """Link a case to the campaign by its reference."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    form = LinkCaseForm()
    if form.validate_on_submit():
        case = find_case_by_reference(form.reference.data)
        if case is None or not case_policies.can_view(current_user, case):
            flash(_("No case has the reference %(ref)s.", ref=form.reference.data), "error")
        elif services.link_case(campaign, case, actor=current_user):
            db.session.commit()
            flash(_("Case %(ref)s linked.", ref=case.reference), "success")
        else:
            flash(_("Case %(ref)s is already part of this campaign.", ref=case.reference), "success")
    else:
        flash(_("Enter a case reference."), "error")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id, _anchor="cases"))


@bp.route("/<int:campaign_id>/cases/<int:case_id>/unlink", methods=["POST"])
def unlink_case(campaign_id: int, case_id: int) -> ResponseReturnValue:
    """Take a case out of the campaign (the case itself stays)."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    case = get_or_404(Case, case_id)
    if DeleteCampaignForm().validate_on_submit() and services.unlink_case(campaign, case, actor=current_user):
        db.session.commit()
        flash(_("Case %(ref)s is no longer part of this campaign.", ref=case.reference), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id, _anchor="cases"))


@bp.route("/<int:campaign_id>/partners", methods=["POST"])
def partners(campaign_id: int) -> ResponseReturnValue:
    """Set the partner organizations (names must match recorded organizations)."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    form = PartnersForm()
    if form.validate_on_submit():
        names = [" ".join(n.split()) for n in (form.names.data or "").splitlines() if n.strip()]
        found = organizations_by_key(names)
        missing = [n for n in names if organization_key(n) not in found]
        if missing:
            flash(
                _("No organization is recorded as “%(name)s”. Add it under Organizations first.", name=missing[0]),
                "error",
            )
        else:
            services.set_campaign_partners(campaign, [found[organization_key(n)] for n in names], actor=current_user)
            db.session.commit()
            flash(_("Partners saved."), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id, _anchor="partners"))


@bp.route("/<int:campaign_id>/delete", methods=["GET", "POST"])
def delete(campaign_id: int) -> ResponseReturnValue:
    """Delete a campaign after confirmation (its cases stay); refused if it changed since it was shown."""
    campaign = _load(campaign_id)
    require(policies.can_delete(current_user))
    form = DeleteCampaignForm()
    if request.method == "GET":
        form.version.data = campaign.version
    if form.validate_on_submit():
        if delete_checked(
            campaign,
            _posted_version(form),
            lambda expected: services.delete_campaign(campaign, actor=current_user, expected_version=expected),
        ):
            flash(_("Campaign deleted."), "success")
            return redirect(url_for("campaigns.index"))
        campaign = _load(campaign_id)
        form.version.data = campaign.version
    return render_template("campaigns/delete.html", campaign=campaign, form=form)


def case_campaign_context(case: Case) -> dict[str, Any]:
    """What the case page shows of campaigns: the campaigns it is part of, its partners, the partners form."""
    from casefiles.organizations.services import case_partners_of

    partners = case_partners_of(case)
    return {
        "case_campaigns": services.campaigns_for_case(case),
        "case_partners": partners,
        "case_partners_form": PartnersForm(formdata=None, names="\n".join(o.name for o in partners)),
    }
