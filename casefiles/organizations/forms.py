"""Organization form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from casefiles.forms_common import strip
from casefiles.organizations.models import OrganizationKind


class OrganizationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the organization's name.")), Length(max=300)],
        description=_l("Exactly as the organization writes it, with its accents, apostrophes and dashes."),
    )
    kind = SelectField(_l("Kind"), choices=OrganizationKind.choices, default=OrganizationKind.OTHER.value)
    city = StringField(_l("City"), filters=[strip], validators=[Length(max=100)])
    province = StringField(_l("Province or region"), filters=[strip], validators=[Length(max=100)])
    website = URLField(
        _l("Website"),
        filters=[strip],
        validators=[Optional(), Length(max=2000), URL(message=_l("Enter a full web address."))],
    )
    version = HiddenField()

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data or "",
            "kind": self.kind.data,
            "city": self.city.data or "",
            "province": self.province.data or "",
            "website": self.website.data or "",
        }
