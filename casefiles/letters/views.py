"""Sign-on letters: list, new, detail, edit, paste signatories (preview, then confirm), CSV export, print view."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from casefiles.audit.services import record
from casefiles.authz import require
from casefiles.campaigns.models import Campaign
from casefiles.extensions import db
from casefiles.letters import policies, services
from casefiles.letters.forms import ConfirmForm, LetterForm, PasteForm
from casefiles.letters.models import Letter, LetterSignatory
from casefiles.pagination import paginate, scalar_rows
from casefiles.records.fields import FieldError
from casefiles.records.views import attach_error, delete_checked, edit_view
from casefiles.views_common import get_or_404, parse_id

bp = Blueprint("letters", __name__)
PER_PAGE = 25


def _load(letter_id: int) -> Letter:
    letter = get_or_404(Letter, letter_id)
    require(policies.can_view(current_user))
    return letter


def _campaign_choices(form: LetterForm) -> None:
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.id.desc()).limit(500)).all()
    form.campaign_id.choices = [SelectChoice("", _("— none —"))] + [SelectChoice(c.id, c.title) for c in campaigns]


@bp.route("/")
def index() -> ResponseReturnValue:
    """Every sign-on letter, newest first."""
    require(policies.can_view(current_user))
    page = max(1, request.args.get("page", 1, type=int) or 1)
    stmt = select(Letter).order_by(Letter.id.desc())
    pagination = paginate(stmt, page=page, per_page=PER_PAGE, rows=scalar_rows)
    return render_template("letters/index.html", page=pagination)


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Write a letter (signatories are pasted afterwards)."""
    require(policies.can_edit(current_user))
    form = LetterForm()
    _campaign_choices(form)
    if request.method == "GET" and parse_id(request.args.get("campaign")):
        form.campaign_id.data = parse_id(request.args.get("campaign"))
    if form.validate_on_submit():
        try:
            letter = services.create_letter(actor=current_user, values=form.values())
            db.session.commit()
        except FieldError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Letter saved. Now paste the signatory organizations."), "success")
            return redirect(url_for("letters.detail", letter_id=letter.id, _anchor="add-signatories"))
    return render_template("letters/form.html", form=form, letter=None)


@bp.route("/<int:letter_id>")
def detail(letter_id: int) -> ResponseReturnValue:
    """The letter, its signatories, and the paste box."""
    from casefiles.letters.entries import pending_count

    letter = _load(letter_id)
    return render_template(
        "letters/detail.html",
        letter=letter,
        paste_form=PasteForm(),
        confirm_form=ConfirmForm(),
        pending_requests=pending_count(letter),
    )


@bp.route("/<int:letter_id>/edit", methods=["GET", "POST"])
def edit(letter_id: int) -> ResponseReturnValue:
    """Edit the letter; a save over someone else's newer save opens the merge view, the draft kept."""
    letter = _load(letter_id)
    require(policies.can_edit(current_user))
    return edit_view(
        letter,
        LetterForm,
        save=lambda values, expected: services.update_letter(
            letter, actor=current_user, changes=values, expected_version=expected
        ),
        saved=_("Letter saved."),
        next_url=lambda: url_for("letters.detail", letter_id=letter.id),
        template="letters/form.html",
        prepare=_campaign_choices,
        letter=letter,
    )


def _separate(form: PasteForm) -> set[int]:
    chosen = set(request.form.getlist("separate_line"))
    return {number for number in map(parse_id, chosen) if number is not None}


@bp.route("/<int:letter_id>/signatories/preview", methods=["POST"])
def preview(letter_id: int) -> ResponseReturnValue:
    """Show what the pasted list will do, line by line; nothing is saved."""
    letter = _load(letter_id)
    require(policies.can_edit(current_user))
    form = PasteForm()
    if not form.validate_on_submit():
        return render_template("letters/detail.html", letter=letter, paste_form=form, confirm_form=ConfirmForm()), 400
    lines = services.preview_signatories(letter, form.names.data, _separate(form))
    return render_template(
        "letters/preview.html",
        letter=letter,
        form=form,
        lines=lines,
        counts=services.preview_counts(lines),
        LineStatus=services.LineStatus,
    )


@bp.route("/<int:letter_id>/signatories", methods=["POST"])
def add_signatories(letter_id: int) -> ResponseReturnValue:
    """Save the previewed signatories (creating the new organizations)."""
    letter = _load(letter_id)
    require(policies.can_edit(current_user))
    form = PasteForm()
    if not form.validate_on_submit():
        return redirect(url_for("letters.detail", letter_id=letter.id))
    result = services.add_signatories(
        letter, form.names.data, actor=current_user, separate=_separate(form), kind=form.kind.data
    )
    db.session.commit()
    flash(
        _(
            "%(added)s signatories added (%(created)s new organizations).",
            added=result["added"],
            created=result["created"],
        ),
        "success",
    )
    return redirect(url_for("letters.detail", letter_id=letter.id, _anchor="signatories"))


@bp.route("/<int:letter_id>/signatories/<int:signature_id>/delete", methods=["POST"])
def remove_signatory(letter_id: int, signature_id: int) -> ResponseReturnValue:
    """Take one signature off the letter."""
    letter = _load(letter_id)
    require(policies.can_edit(current_user))
    signature = get_or_404(LetterSignatory, signature_id)
    form = ConfirmForm()
    if signature.letter_id == letter.id and form.validate_on_submit():
        version = form.version.data if form.version.data not in (None, "") else None
        if delete_checked(
            signature,
            version,
            lambda expected: services.remove_signatory(signature, actor=current_user, expected_version=expected),
        ):
            flash(_("Signature removed."), "success")
    return redirect(url_for("letters.detail", letter_id=letter.id, _anchor="signatories"))


@bp.route("/<int:letter_id>/signatories.csv", methods=["POST"])
def signatories_csv(letter_id: int) -> ResponseReturnValue:
    """The signatory list as CSV (UTF-8, opens in spreadsheets); audited, hence a POST."""
    from casefiles.transfer.export import signatories_csv as build_csv

    letter = _load(letter_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("letters.detail", letter_id=letter.id))
    record(
        "letter.export_signatories",
        actor=current_user,
        object_type="letter",
        object_id=letter.id,
        summary=letter.title,
        changes={"signatories": [None, len(letter.signatories)]},
    )
    db.session.commit()
    return Response(
        build_csv(letter),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="letter-{letter.id}-signatories.csv"'},
    )


@bp.route("/<int:letter_id>/print")
def print_view(letter_id: int) -> ResponseReturnValue:
    """The letter with its signatories, laid out for printing."""
    letter = _load(letter_id)
    lang = request.args.get("lang") if request.args.get("lang") in ("en", "fr") else None
    return render_template("letters/print.html", letter=letter, lang=lang)


@bp.route("/<int:letter_id>/delete", methods=["GET", "POST"])
def delete(letter_id: int) -> ResponseReturnValue:
    """Delete a letter after confirmation (the organizations stay); refused if it changed since it was shown."""
    letter = _load(letter_id)
    require(policies.can_delete(current_user))
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = letter.version
    if form.validate_on_submit():
        version = form.version.data if form.version.data not in (None, "") else None
        if delete_checked(
            letter,
            version,
            lambda expected: services.delete_letter(letter, actor=current_user, expected_version=expected),
        ):
            flash(_("Letter deleted."), "success")
            return redirect(url_for("letters.index"))
        letter = _load(letter_id)
        form.version.data = letter.version
    return render_template("letters/delete.html", letter=letter, form=form)
