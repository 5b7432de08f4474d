"""The person form, derived from the person's declaration."""

from __future__ import annotations

from casefiles.people.records import PERSON
from casefiles.records.forms import record_form

PersonForm = record_form(PERSON)

# The fields of a person that the new-case form asks for (its first person).
NEW_CASE_PERSON_FIELDS = (
    "legal_name",
    "name_consent",
    "pseudonym",
    "pronouns",
    "category",
    "contact_email",
    "contact_phone",
)
