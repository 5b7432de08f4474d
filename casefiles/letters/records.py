"""The declarations of a sign-on letter and of one organization's signature on it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from casefiles.campaigns.models import Campaign
from casefiles.extensions import db
from casefiles.letters.models import Letter, LetterSignatory
from casefiles.records.fields import BOOL, DATE, INT, LONG_TEXT, REF, Field, FieldError
from casefiles.records.registry import Record

BODY = 100_000


def _clean_campaign(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise FieldError("campaign_id", _l("Choose a campaign from the list."))
    return int(text)


def _campaign_choice(value: Any) -> int | None:
    """The campaign select's coercion: a choice that is not a number is no campaign (validation refuses it)."""
    try:
        return _clean_campaign(value)
    except FieldError:
        return None


def _campaign_title(value: Any) -> str:
    campaign = db.session.get(Campaign, value) if isinstance(value, int) else None
    return campaign.title if campaign is not None else str(value)


def _validate_letter(letter: Letter) -> None:
    if letter.campaign_id is not None and db.session.get(Campaign, letter.campaign_id) is None:
        raise FieldError("campaign_id", _l("Choose a campaign from the list."))


LETTER = Record(
    "letter",
    Letter,
    _l("Sign-on letter"),
    [
        Field("title", _l("Title"), max_length=200, search=True, required=_l("Give the letter a title.")),
        Field("addressee", _l("Addressed to"), max_length=300, search=True,
              extra={"help": _l("e.g. “Minister of Justice”.")}),
        Field("letter_date", _l("Date of the letter"), DATE),
        Field("campaign_id", _l("Campaign"), REF, cleaner=_clean_campaign, display_with=_campaign_title,
              extra={"select": True, "form": {"coerce": _campaign_choice}}),
        Field("body_en", _l("Text (English)"), LONG_TEXT, max_length=BODY, french="body_fr", search=True),
        Field("body_fr", _l("Text (French)"), LONG_TEXT, max_length=BODY, search=True),
        Field("is_public", _l("Shown publicly, open to new organizations"), BOOL),
    ],
    summary=lambda letter: letter.title,
    validate=_validate_letter,
    export_order=70,
)

def _after_signatory(signature: LetterSignatory, actor: Any, changes: dict[str, Any]) -> None:
    from casefiles.db import utcnow

    # The letter moves on with its signatures (its version, its place in the lists).
    letter = db.session.get(Letter, signature.letter_id) if signature.letter_id else None
    if letter is not None:
        letter.updated_at = utcnow()
        db.session.flush()


SIGNATORY = Record(
    "signatory",
    LetterSignatory,
    _l("Signature"),
    [
        # Who signed is chosen by pasting names (see letters.services.add_signatories), never typed here.
        Field("organization", _l("Organization"), REF, import_=False,
              getter=lambda s: s.organization.name if s.organization is not None else None,
              extra={"in_form": False}),
        Field("position", _l("Position"), INT, minimum=0, extra={"in_form": False}),
    ],
    summary=lambda s: s.organization.name if s.organization is not None else "",
    after_change=_after_signatory,
    parent_key="letter_id",
    export_order=71,
)
