"""Public sign-on letters: the letter in English and French with its signatory organizations, and the "add your
organization" form, whose requests wait for staff approval (see letters.entries).

Every view is @public and renders a PublicLetter (plain values: the text, the signatories' names) only; a letter
not marked public answers exactly like one that does not exist. The form has the petition form's guards: a
honeypot and a form sent faster than a person types get the same "thank you" and store nothing; valid requests
count against the sender's address in the shared throttle store (LETTER_LIMIT_PER_ADDRESS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from casefiles.authz import public
from casefiles.extensions import db
from casefiles.letters import entries
from casefiles.letters.models import Letter
from casefiles.letters.public_forms import EntryForm
from casefiles.markdown import render_markdown
from casefiles.public import campaigns as public_campaigns
from casefiles.public import queries
from casefiles.public.language import LANG_PREFIX
from casefiles.public.views import PAGES, anonymous, body_etag, conditional, locale, not_modified
from casefiles.security.robots import FormGuard

bp = Blueprint("public_letters", __name__, url_prefix=LANG_PREFIX)
# A letter request waits as long as a petition signature before it may come back.
GUARD = FormGuard("letter", "PETITION_MIN_SECONDS", 3, "LETTER_LIMIT_PER_ADDRESS", "10 per hour")


@dataclass(frozen=True)
class PublicLetter:
    """What anyone may read of a public sign-on letter."""

    id: int
    title: str
    addressee: str
    letter_date: date | None
    body_en_html: Markup
    body_fr_html: Markup
    signatories: tuple[str, ...]
    campaign_id: int | None
    campaign_title: str


def project_letter(letter: Letter, loc: str) -> PublicLetter:
    campaign_id, campaign_title = None, ""
    if letter.campaign_id is not None:
        found = public_campaigns.public_campaign_by_id(letter.campaign_id)
        if found is not None:
            campaign_id = found.id
            campaign_title = public_campaigns.project_campaign(found, loc, with_cases=False).title
    return PublicLetter(
        id=letter.id,
        title=letter.title,
        addressee=letter.addressee,
        letter_date=letter.letter_date,
        body_en_html=render_markdown(letter.body_en),
        body_fr_html=render_markdown(letter.body_fr),
        signatories=tuple(s.organization.name for s in letter.signatories if s.organization is not None),
        campaign_id=campaign_id,
        campaign_title=campaign_title,
    )


def _load(letter_id: int) -> Letter:
    letter = entries.public_letter(letter_id)
    if letter is None:
        abort(404)
    return letter


@bp.route("/letters")
@public
def index() -> ResponseReturnValue:
    """Every public sign-on letter, newest first, with its number of signatories."""
    letters = db.session.scalars(select(Letter).where(Letter.is_public.is_(True)).order_by(Letter.id.desc())).all()
    rows = [(letter.id, letter.title, letter.letter_date, len(letter.signatories)) for letter in letters]
    return render_template("public/letters/index.html", letters=rows)


@bp.route("/letters/<int:letter_id>")
@public
def letter(letter_id: int) -> ResponseReturnValue:
    """The letter in both languages and its signatory organizations."""
    generation = queries.public_generation()
    key = ("letter", letter_id, request.host, locale())
    cached = PAGES.get(key, generation) if anonymous() else None
    if cached is None:
        found = _load(letter_id)
        with force_locale(locale()):
            body = render_template("public/letters/detail.html", letter=project_letter(found, locale())).encode()
        cached = (body, body_etag(body), None)
        if anonymous():
            PAGES.put(key, cached, generation)
    early = not_modified(cached[1])
    if early is not None:
        return early
    return conditional(Response(cached[0], mimetype="text/html"), cached[1], None)


@bp.route("/letters/<int:letter_id>/sign", methods=["GET", "POST"])
@public
def sign(letter_id: int) -> ResponseReturnValue:
    """Add your organization: the request waits for our team's approval before the name appears."""
    found = _load(letter_id)
    page = project_letter(found, locale())
    form = EntryForm()
    if form.validate_on_submit():
        if form.website.data or GUARD.too_fast(form.started.data):
            return render_template("public/letters/thanks.html", letter=page)
        retry_after = GUARD.throttled()
        if retry_after:
            response = Response(render_template("errors/error.html", code=429, error=None), status=429)
            response.headers["Retry-After"] = str(int(retry_after) + 1)
            return response
        entries.submit_entry(found, values=form.data, locale=locale())
        db.session.commit()
        return render_template("public/letters/thanks.html", letter=page)
    form.started.data = GUARD.stamp()
    status = 422 if form.errors else 200
    return render_template("public/letters/sign.html", form=form, letter=page), status


def letter_url(letter_id: int) -> str:
    return url_for("public_letters.letter", letter_id=letter_id)
