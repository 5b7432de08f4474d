"""The staff side of campaigns: list, new, detail (chart, counts, cases, partners), edit, delete."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
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
from casefiles.views_common import get_or_404

bp = Blueprint("campaigns", __name__)
PER_PAGE = 25


@bp.app_template_global()
def campaigns_of_case(case: Case) -> list[Campaign]:
    """For the case page: the campaigns this case is part of."""
    return services.campaigns_for_case(case)


@bp.app_template_global()
def partners_of_case(case: Case) -> list:
    """For the case page: the partner organizations of the case."""
    from casefiles.organizations.services import case_partners_of

    return case_partners_of(case)


@bp.app_template_global()
def case_partners_form(case: Case) -> PartnersForm:
    """For the case page: the partner organizations form (staff)."""
    return PartnersForm(formdata=None, names="\n".join(o.name for o in partners_of_case(case)))


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


def _form_error(form, error: services.CampaignError) -> None:  # noqa: ANN001
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


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
    pagination = db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)
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
        except services.CampaignError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            flash(_("Campaign created."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=None)


@bp.route("/<int:campaign_id>")
def detail(campaign_id: int) -> ResponseReturnValue:
    """The campaign: text, asks, supporters over time (chart and table), cases, partners."""
    campaign = _load(campaign_id)
    series = services.totals_over_time(campaign)
    visible_cases = [c for c in campaign.cases if case_policies.can_view(current_user, c)]
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        series=series,
        chart=supporters_chart(series, campaign.goal),
        latest=services.latest_count(campaign),
        growth=services.growth(campaign),
        cases=visible_cases,
        snapshot_form=SnapshotForm(),
        link_form=LinkCaseForm(),
        partners_form=PartnersForm(names="\n".join(o.name for o in campaign.partners)),
        delete_form=DeleteCampaignForm(),
    )


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit(campaign_id: int) -> ResponseReturnValue:
    """Edit a campaign; a save over someone else's newer save is refused and the draft kept."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    if request.method == "GET":
        form = CampaignForm(obj=campaign)
        form.targets.data = "\n".join(campaign.targets or [])
        form.asks.data = "\n".join(campaign.asks or [])
        form.start_date.data = campaign.start.iso() if campaign.start else ""
        form.end_date.data = campaign.end.iso() if campaign.end else ""
        form.version.data = campaign.version
    else:
        form = CampaignForm()
    if form.validate_on_submit():
        expected = int(form.version.data) if str(form.version.data or "").isdigit() else -1
        try:
            services.update_campaign(campaign, actor=current_user, changes=form.values(), expected_version=expected)
            db.session.commit()
        except services.StaleCampaignError:
            db.session.rollback()
            flash(
                _(
                    "Someone else saved this campaign while you were editing. "
                    "Your text is below; compare and save again."
                ),
                "error",
            )
            form.version.data = db.session.get(Campaign, campaign_id).version
        except services.CampaignError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            flash(_("Campaign saved."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign)


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
        except services.CampaignError as error:
            db.session.rollback()
            _form_error(form, error)
    series = services.totals_over_time(campaign)
    return (
        render_template(
            "campaigns/detail.html",
            campaign=campaign,
            series=series,
            chart=supporters_chart(series, campaign.goal),
            latest=services.latest_count(campaign),
            growth=services.growth(campaign),
            cases=[c for c in campaign.cases if case_policies.can_view(current_user, c)],
            snapshot_form=form,
            link_form=LinkCaseForm(formdata=None),
            partners_form=PartnersForm(formdata=None, names="\n".join(o.name for o in campaign.partners)),
            delete_form=DeleteCampaignForm(),
        ),
        400,
    )


@bp.route("/<int:campaign_id>/snapshots/<int:snapshot_id>/delete", methods=["POST"])
def remove_snapshot(campaign_id: int, snapshot_id: int) -> ResponseReturnValue:
    """Remove a supporter count entered by mistake."""
    campaign = _load(campaign_id)
    require(policies.can_edit(current_user))
    snap = get_or_404(SupporterSnapshot, snapshot_id)
    if snap.campaign_id != campaign.id or not DeleteCampaignForm().validate_on_submit():
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    services.remove_snapshot(snap, actor=current_user)
    db.session.commit()
    flash(_("Supporter count removed."), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id, _anchor="supporters"))


def find_case_by_reference(reference: str) -> Case | None:
    """A case by its own reference, or by CF-00042."""
    reference = reference.strip()
    case = db.session.scalars(select(Case).where(Case.external_ref == reference)).first()
    if case is None and reference.upper().startswith("CF-") and reference[3:].isdigit():
        case = db.session.get(Case, int(reference[3:]))
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
    """Delete a campaign after confirmation (its cases stay)."""
    campaign = _load(campaign_id)
    require(policies.can_delete(current_user))
    form = DeleteCampaignForm()
    if form.validate_on_submit():
        services.delete_campaign(campaign, actor=current_user)
        db.session.commit()
        flash(_("Campaign deleted."), "success")
        return redirect(url_for("campaigns.index"))
    return render_template("campaigns/delete.html", campaign=campaign, form=form)
