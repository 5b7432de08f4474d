"""The declaration of an organization (kept with its name exactly as written)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import URL, Optional

from casefiles.extensions import db
from casefiles.organizations.models import Organization, OrganizationKind, organization_key
from casefiles.records.fields import ENUM, Field, FieldError
from casefiles.records.registry import Record

NAME_REQUIRED = _l("Enter the organization's name.")
_NAME_TEXT = Field("name", _l("Name"), max_length=300, required=NAME_REQUIRED)


def _clean_name(value: Any) -> str:
    # Exactly as written (curly apostrophes, accents, dashes): only outer and doubled spaces go.
    return " ".join(_NAME_TEXT.clean(value).split())


def _set_name(org: Organization, name: str) -> None:
    org.name = name
    org.name_key = organization_key(name)


def _validate(org: Organization) -> None:
    if not org.name:
        raise FieldError("name", NAME_REQUIRED)
    clash = db.session.scalars(
        select(Organization).where(Organization.name_key == org.name_key, Organization.id != (org.id or -1))
    ).first()
    if clash is not None:
        raise FieldError("name", _l("An organization with this name already exists: %(name)s", name=clash.name))


ORGANIZATION = Record(
    "organization",
    Organization,
    _l("Organization"),
    [
        Field("name", _l("Name"), max_length=300, search=True, cleaner=_clean_name, setter=_set_name,
              required=NAME_REQUIRED,
              extra={"help": _l("Exactly as the organization writes it, with its accents, apostrophes and dashes.")}),
        Field("kind", _l("Kind"), ENUM, enum=OrganizationKind,
              extra={"form": {"default": OrganizationKind.OTHER.value}}),
        Field("city", _l("City"), max_length=100),
        Field("province", _l("Province or region"), max_length=100),
        Field("website", _l("Website"), max_length=2000,
              extra={"form": {"validators": [Optional(), URL(message=_l("Enter a full web address."))]}}),
    ],
    summary=lambda org: org.name,
    validate=_validate,
    export_order=55,
)
