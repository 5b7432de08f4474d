"""Forms of evidence: a web address to capture, and the provenance of a file marked as evidence by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from casefiles.evidence.records import zone_names
from casefiles.forms_common import strip


class CaptureForm(FlaskForm):
    """Paste a web address: the server captures the page in the background."""

    url = StringField(
        _l("Web address of the page"),
        description=_l("The server fetches the page and keeps its bytes, a WARC record, its text and a PDF of it."),
        validators=[DataRequired(_l("Paste the web address of the page to capture.")), Length(max=2000)],
        filters=[strip],
    )


class ProvenanceForm(FlaskForm):
    """Where a file uploaded by hand (a screenshot, a saved page) came from, and when it was captured."""

    version = HiddenField()
    source_url = StringField(_l("Source address"), validators=[Optional(), Length(max=2000)], filters=[strip])
    captured_at = StringField(
        _l("Captured on"),
        description=_l("Date and time as shown where it was captured, for example 2023-11-14 09:30."),
        validators=[DataRequired(_l("Give the capture time as a date and time, for example 2023-11-14 09:30."))],
        filters=[strip],
    )
    captured_zone = SelectField(
        _l("Time zone of that time"),
        description=_l("The zone of the clock the time was read from."),
        default="America/Toronto",
    )
    captured_by_name = StringField(
        _l("Captured by"),
        description=_l("Who took the screenshot or saved the page."),
        validators=[Optional(), Length(max=200)],
        filters=[strip],
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.captured_zone.choices = [(name, name.replace("_", " ")) for name in zone_names()]

    def values(self) -> dict[str, str]:
        return {
            "source_url": self.source_url.data or "",
            "captured_at": self.captured_at.data or "",
            "captured_zone": self.captured_zone.data or "UTC",
            "captured_by_name": self.captured_by_name.data or "",
        }
