"""Staff review of the organizations that asked, on the public letter page, to sign: approve or reject each."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from casefiles.authz import require
from casefiles.extensions import db
from casefiles.letters import entries, policies
from casefiles.letters.forms import ConfirmForm
from casefiles.letters.models import ENTRY_PENDING, Letter, LetterEntry
from casefiles.letters.services import LineStatus
from casefiles.views_common import get_or_404

bp = Blueprint("letter_entries", __name__)


@bp.route("/<int:letter_id>/requests")
def index(letter_id: int) -> ResponseReturnValue:
    """Pending requests, each with what approving it would do (new, known, likely duplicate, already signed)."""
    letter = get_or_404(Letter, letter_id)
    require(policies.can_edit(current_user))
    return render_template(
        "letters/requests.html",
        letter=letter,
        reviews=entries.review(letter),
        form=ConfirmForm(),
        LineStatus=LineStatus,
    )


def _entry(letter_id: int, entry_id: int) -> LetterEntry:
    entry = get_or_404(LetterEntry, entry_id)
    if entry.letter_id != letter_id:
        from flask import abort

        abort(404)
    require(policies.can_edit(current_user))
    return entry


@bp.route("/<int:letter_id>/requests/<int:entry_id>/approve", methods=["POST"])
def approve(letter_id: int, entry_id: int) -> ResponseReturnValue:
    """Sign the letter for this organization (a likely duplicate signs as the known organization)."""
    entry = _entry(letter_id, entry_id)
    if ConfirmForm().validate_on_submit() and entry.status == ENTRY_PENDING:
        result = entries.approve(entry, actor=current_user)
        db.session.commit()
        if result["added"]:
            flash(_("%(name)s now signs the letter.", name=entry.organization_name), "success")
        else:
            flash(_("%(name)s had already signed: nothing added.", name=entry.organization_name), "info")
    return redirect(url_for("letter_entries.index", letter_id=letter_id))


@bp.route("/<int:letter_id>/requests/<int:entry_id>/reject", methods=["POST"])
def reject(letter_id: int, entry_id: int) -> ResponseReturnValue:
    """Refuse the request: nothing is signed."""
    entry = _entry(letter_id, entry_id)
    if ConfirmForm().validate_on_submit() and entry.status == ENTRY_PENDING:
        entries.reject(entry, actor=current_user)
        db.session.commit()
        flash(_("Request refused: %(name)s", name=entry.organization_name), "success")
    return redirect(url_for("letter_entries.index", letter_id=letter_id))
