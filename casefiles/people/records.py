"""The declaration of a person in a case file."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import Email, Optional

from casefiles.enums import NameConsent, PersonCategory
from casefiles.people.models import Person
from casefiles.records.fields import ENUM, LONG_TEXT, Field, FieldError
from casefiles.records.registry import Record


def _validate(person: Person) -> None:
    if person.name_consent == NameConsent.PSEUDONYM.value and not (person.pseudonym or "").strip():
        raise FieldError("pseudonym", _l("Enter the pseudonym the person chose."))


def _after_change(person: Person, actor: Any, changes: dict[str, Any]) -> None:
    from casefiles.people.services import after_person_change

    after_person_change(person, actor, changes)


PERSON = Record(
    "person",
    Person,
    _l("Person"),
    [
        Field(
            "legal_name",
            _l("Legal name"),
            max_length=200,
            public=True,
            search=True,
            required=_l("Enter the person's name."),
        ),
        Field(
            "name_consent",
            _l("Name shown publicly"),
            ENUM,
            enum=NameConsent,
            public=True,
            extra={"help": _l("As the person has consented. Nothing is shown until they agree.")},
        ),
        Field("pseudonym", _l("Pseudonym"), max_length=200, public=True, search=True),
        Field("pronouns", _l("Pronouns"), max_length=50),
        Field("category", _l("Category"), ENUM, enum=PersonCategory, public=True),
        Field(
            "role_title",
            _l("Role or title"),
            max_length=200,
            public=True,
            search=True,
            extra={"help": _l("For example “nursing student”, “school principal” or “MPP”.")},
        ),
        Field(
            "contact_email",
            _l("Private email"),
            max_length=254,
            extra={"form": {"validators": [Optional(), Email(message=_l("Enter a valid email address."))]}},
        ),
        Field("contact_phone", _l("Private phone"), max_length=50),
        Field("contact_notes", _l("Private contact notes"), LONG_TEXT, max_length=50_000),
    ],
    case_of=lambda person: person.case,
    summary=lambda person: person.legal_name,
    validate=_validate,
    after_change=_after_change,
    parent_key="case_id",
    export_order=20,
    extra={"review_on_create": {"name_consent": NameConsent.NONE.value}},
)
