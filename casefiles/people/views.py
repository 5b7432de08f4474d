"""How the people of a case are edited: the person part of the case file's part views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casefiles.people import services
from casefiles.people.forms import PersonForm
from casefiles.people.models import Person
from casefiles.records.parts import Part

PERSON_PART = Part(
    Person,
    PersonForm,
    services.add_person,
    services.update_person,
    services.remove_person,
    _l("Add a person"),
    _l("Edit person"),
    "people",
)
