"""The declaration of an institution (a sanctioning body shared across cases)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casefiles.enums import InstitutionKind
from casefiles.institutions.models import Institution, institution_key
from casefiles.records.fields import ENUM, Field
from casefiles.records.registry import Record


def _set_name(institution: Institution, name: str) -> None:
    institution.name = name
    institution.name_key = institution_key(name)


INSTITUTION = Record(
    "institution",
    Institution,
    _l("Institution"),
    [
        Field(
            "name",
            _l("Name"),
            max_length=300,
            search=True,
            setter=_set_name,
            french="name_fr",
            required=_l("Enter the institution's name."),
        ),
        Field(
            "name_fr",
            _l("Name in French"),
            max_length=300,
            search=True,
            extra={"help": _l("Shown on French pages and briefs; leave blank when the name is the same.")},
        ),
        Field("kind", _l("Kind"), ENUM, enum=InstitutionKind),
        Field("region", _l("Province or region"), max_length=100),
        Field("country", _l("Country"), max_length=100),
    ],
    summary=lambda institution: institution.name,
    export_order=1,
)
