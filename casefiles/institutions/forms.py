"""Institution form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from casefiles.enums import InstitutionKind
from casefiles.forms_common import strip


class InstitutionForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the institution's name.")), Length(max=300)],
    )
    kind = SelectField(_l("Kind"), choices=InstitutionKind.choices)
    region = StringField(_l("Province or region"), filters=[strip], validators=[Length(max=100)])
    country = StringField(_l("Country"), filters=[strip], validators=[Length(max=100)])

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "region": self.region.data or "",
            "country": self.country.data or "",
        }
