"""Staff side of publishing: review checklist, publish, unpublish, public content and corrections."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from casefiles.authz import require
from casefiles.cases import policies as case_policies
from casefiles.cases.models import Case
from casefiles.cases.records import CASE
from casefiles.extensions import db
from casefiles.public import services
from casefiles.public.forms import (
    DeleteCorrectionForm,
    PhotoForm,
    PublicContentForm,
    PublishForm,
    RemovePhotoForm,
    UnpublishForm,
)
from casefiles.public.french import missing_french
from casefiles.public.models import CaseCorrection
from casefiles.public.projection import project
from casefiles.records.fields import FieldError
from casefiles.records.forms import form_values
from casefiles.records.views import edit_view
from casefiles.views_common import get_or_404

bp = Blueprint("publishing", __name__)


def _load(case_id: int) -> Case:
    case = get_or_404(Case, case_id)
    require(case_policies.can_view(current_user, case))
    require(services.can_publish(current_user))
    return case


def _put_problems(form, error: services.PublishError) -> None:  # noqa: ANN001
    for name, message in error.problems:
        field = getattr(form, name or "", None)
        if field is not None and hasattr(field, "errors"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.append(str(message))
        else:
            flash(str(message), "error")


@bp.route("/<int:case_id>/publish", methods=["GET", "POST"])
def publish(case_id: int) -> ResponseReturnValue:
    """Review checklist, then publish."""
    case = _load(case_id)
    form = PublishForm()
    if form.validate_on_submit():
        checklist = services.ReviewChecklist(
            consent_recorded=bool(form.consent_recorded.data), no_private_data=bool(form.no_private_data.data)
        )
        try:
            services.publish_case(case, actor=current_user, checklist=checklist)
        except services.PublishError as error:
            db.session.rollback()
            _put_problems(form, error)
        else:
            db.session.commit()
            flash(_("The case is published."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template(
        "public/staff/publish.html", case=case, form=form, preview=_previews(case), missing_french=missing_french(case)
    )


# The ids and the section labels of the public page: two previews on one page would repeat them (duplicate ids,
# and landmarks of one name); inside a preview its sections are plain sections. Typed text cannot match: autoescape
# writes its quotes as &#34;.
_PREVIEW_IDS = re.compile(r' (?:id|aria-labelledby)="[^"]*"')


def _previews(case: Case) -> dict[str, Markup]:
    """Each language's preview rendered wholly in that language: its labels and dates as well as its text."""
    previews = {}
    for locale in ("en", "fr"):
        with force_locale(locale):
            public = project(case, locale, slug=case.public_slug or "preview")
            # Template output, escaped by Jinja's autoescape like any page: nothing typed is marked safe here.
            html = _PREVIEW_IDS.sub("", render_template("public/staff/_preview.html", c=public))
            previews[locale] = Markup(html)  # noqa: S704
    return previews


@bp.route("/<int:case_id>/photo", methods=["GET", "POST"])
def photo(case_id: int) -> ResponseReturnValue:
    """The case's public photo: upload or replace it, say who it shows and describe it."""
    from casefiles.enums import NameConsent
    from casefiles.public import photos

    case = _load(case_id)
    current = photos.photo_of(case.id)
    form = PhotoForm(obj=current)
    form.person_id.choices = [(p.id, p.legal_name or p.pseudonym or f"#{p.id}") for p in case.people]
    if form.validate_on_submit():
        upload = request.files.get("photo")
        stream = upload.stream if upload is not None and upload.filename else None
        try:
            photos.set_photo(
                case,
                actor=current_user,
                stream=stream,
                person_id=form.person_id.data,
                alt=form.alt.data or "",
                alt_fr=form.alt_fr.data or "",
            )
        except photos.PhotoRefused as refused:
            db.session.rollback()
            getattr(form, refused.field).errors = [*getattr(form, refused.field).errors, str(refused.message)]
        else:
            db.session.commit()
            flash(_("The photo is saved."), "success")
            return redirect(url_for("publishing.photo", case_id=case.id))
    shown = photos.shown_publicly(current)
    consenting = {p.id for p in case.people if p.name_consent == NameConsent.FULL_NAME.value}
    return render_template(
        "public/staff/photo.html",
        case=case,
        form=form,
        photo=current,
        shown=shown,
        consenting=consenting,
        remove_form=RemovePhotoForm(),
    )


@bp.route("/<int:case_id>/photo.img")
def photo_image(case_id: int) -> ResponseReturnValue:
    """The stored photo, for staff (whether or not it is public)."""
    from casefiles.public import photos

    case = _load(case_id)
    current = photos.photo_of(case.id)
    if current is None:
        abort(404)
    return Response(photos.image_bytes(current), mimetype=current.mime_type, headers={"Cache-Control": "no-store"})


@bp.route("/<int:case_id>/photo/remove", methods=["POST"])
def remove_photo(case_id: int) -> ResponseReturnValue:
    """Take the photo off the case (and off the public page at once)."""
    from casefiles.public import photos

    case = _load(case_id)
    if RemovePhotoForm().validate_on_submit() and photos.remove_photo(case, actor=current_user):
        db.session.commit()
        flash(_("The photo is removed."), "success")
    return redirect(url_for("publishing.photo", case_id=case.id))


@bp.route("/<int:case_id>/unpublish", methods=["GET", "POST"])
def unpublish(case_id: int) -> ResponseReturnValue:
    """Confirm, then take the case off the public side at once."""
    case = _load(case_id)
    form = UnpublishForm()
    if form.validate_on_submit():
        services.unpublish_case(case, actor=current_user, reason=form.reason.data or "")
        db.session.commit()
        flash(_("The case is no longer public."), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("public/staff/unpublish.html", case=case, form=form)


@bp.route("/<int:case_id>/public-content", methods=["GET", "POST"])
def content(case_id: int) -> ResponseReturnValue:
    """Edit the public title and summary in both languages, featured flag, correction notes."""
    case = _load(case_id)

    def save(values: dict, expected: int | None) -> None:
        # The correction notes were validated with the form; they are not fields of the case.
        correction = {key: (request.form.get(f"correction_{key}") or "").strip() for key in ("note", "note_fr")}
        try:
            services.update_public_content(
                case, actor=current_user, values=values, correction=correction, expected_version=expected
            )
        except services.PublishError as error:
            raise FieldError(error.problems[0][0], error.problems[0][1]) from error

    return edit_view(
        case,
        PublicContentForm,
        save=save,
        values=lambda form: form_values(CASE, form),
        saved=_("The public content is saved."),
        next_url=lambda: url_for("cases.detail", case_id=case.id),
        template="public/staff/content.html",
        case=case,
        corrections=_corrections(case),
    )


def _corrections(case: Case) -> list[CaseCorrection]:
    return list(
        db.session.scalars(
            select(CaseCorrection)
            .where(CaseCorrection.case_id == case.id)
            .order_by(CaseCorrection.created_at, CaseCorrection.id)
        )
    )


@bp.route("/<int:case_id>/corrections/<int:correction_id>/delete", methods=["GET", "POST"])
def delete_correction(case_id: int, correction_id: int) -> ResponseReturnValue:
    """Confirm, then remove a correction note from the case's public page (staff)."""
    case = _load(case_id)
    correction = get_or_404(CaseCorrection, correction_id)
    if correction.case_id != case.id:
        abort(404)
    form = DeleteCorrectionForm()
    if form.validate_on_submit():
        services.delete_correction(correction, actor=current_user)
        db.session.commit()
        flash(_("The correction note is removed from the public page."), "success")
        return redirect(url_for("publishing.content", case_id=case.id))
    return render_template("public/staff/delete_correction.html", case=case, correction=correction, form=form)
