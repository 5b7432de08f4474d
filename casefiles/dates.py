"""Dates known to the day, the month or only the year: parse, keep and show the precision given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date

from casefiles.enums import DatePrecision

_PATTERN = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


class PartialDateError(ValueError):
    """The text is not a date in one of the accepted forms, or names a day that does not exist."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date with the precision it was given at: 2023, 2023-11 or 2023-11-14."""

    value: date
    precision: DatePrecision

    @classmethod
    def parse(cls, text: str | None) -> PartialDate | None:
        """Parse YYYY, YYYY-MM or YYYY-MM-DD; None for blank text; PartialDateError otherwise."""
        if text is None or not str(text).strip():
            return None
        match = _PATTERN.match(str(text))
        if not match:
            raise PartialDateError(text)
        year, month, day = match.groups()
        try:
            if day is not None:
                return cls(date(int(year), int(month), int(day)), DatePrecision.DAY)
            if month is not None:
                return cls(date(int(year), int(month), 1), DatePrecision.MONTH)
            return cls(date(int(year), 1, 1), DatePrecision.YEAR)
        except ValueError as error:
            raise PartialDateError(text) from error

    @classmethod
    def from_columns(cls, value: date | None, precision: str | None) -> PartialDate | None:
        """Rebuild from the two stored columns."""
        if value is None:
            return None
        return cls(value, DatePrecision.coerce(precision) or DatePrecision.DAY)

    def iso(self) -> str:
        """The stored text form, which keeps the precision: 2023, 2023-11 or 2023-11-14."""
        if self.precision is DatePrecision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision is DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    def display(self) -> str:
        """Shown in the user's language: 2023 / November 2023 / November 14, 2023."""
        if self.precision is DatePrecision.YEAR:
            return str(self.value.year)
        if self.precision is DatePrecision.MONTH:
            return format_date(self.value, "LLLL y")
        return format_date(self.value, "long")

    def __str__(self) -> str:
        return self.iso()
