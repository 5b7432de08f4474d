"""Dates known to the day, the month or only the year, and how every date and time is shown.

One place formats dates for every page, feed and brief: a stored moment (UTC) is first moved into the
organization's time zone (config `BABEL_DEFAULT_TIMEZONE`, set by CASEFILES_TIME_ZONE, America/Toronto by
default), so the same moment reads as the same day on the staff side, the public page and a PDF brief.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_name
from flask import current_app, has_app_context
from flask_babel import format_date, format_time, get_locale

from casefiles.enums import DatePrecision

_PATTERN = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
DEFAULT_TIME_ZONE = "America/Toronto"


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


# -- the organization's time zone ---------------------------------------------------------------------


def organization_zone() -> tzinfo:
    """The time zone the organization works in (config), America/Toronto by default."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def local_moment(moment: datetime) -> datetime:
    """A stored moment (UTC; a naive value from SQLite is UTC too) in the organization's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(organization_zone())


def local_day(value: date | datetime) -> date:
    """The calendar day a moment falls on where the organization works (a plain date is itself)."""
    if isinstance(value, datetime):
        return local_moment(value).date()
    return value


def zone_name(moment: datetime | None = None) -> str:
    """The zone's name as people read it: EST / HNE, or the long name where no short one exists."""
    local = local_moment(moment or datetime.now(UTC))
    locale = str(get_locale() or "en")
    short = get_timezone_name(local, "short", locale=locale)
    if short and short[0] not in "+-" and not short.startswith(("GMT", "UTC")):
        return short
    return get_timezone_name(local, "long", locale=locale)


# -- one way to show a date ----------------------------------------------------------------------------


def format_day(value: object, style: str = "long") -> str:
    """A date, a partial date, or the local day of a moment, in the user's language: November 29, 2026."""
    if value is None or value == "":
        return ""
    if isinstance(value, PartialDate):
        return value.display()
    if isinstance(value, datetime):
        return format_date(local_day(value), style)
    if isinstance(value, date):
        return format_date(value, style)
    if isinstance(value, str):
        try:
            partial = PartialDate.parse(value)
        except PartialDateError:
            return value
        return partial.display() if partial else ""
    return str(value)


def format_moment(value: datetime | None, *, zone: bool = False) -> str:
    """A moment as its local day and time, without seconds: November 29, 2026, 8:05 p.m. (EST if `zone`)."""
    if value is None:
        return ""
    local = local_moment(value)
    text = f"{format_date(local.date(), 'long')}, {format_time(local, 'short', rebase=False)}"
    if zone:
        text = f"{text} {zone_name(value)}"
    return text


def machine_date(value: object) -> str:
    """The value of a `<time datetime>` attribute: 2023, 2023-11, 2023-11-14, or a moment to the minute with
    its offset (2026-11-29T20:05-05:00), never with seconds' fractions, which HTML does not accept."""
    if value is None or value == "":
        return ""
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, datetime):
        return local_moment(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def init_app(app: object) -> None:
    """The template filters every page uses: |date (a day), |moment (day and time), |machine_date."""
    env = app.jinja_env  # type: ignore[attr-defined]
    env.filters["date"] = format_day
    env.filters["moment"] = format_moment
    env.filters["moment_zone"] = lambda value: format_moment(value, zone=True)
    env.filters["machine_date"] = machine_date
    env.globals["zone_name"] = zone_name


def local_today() -> date:
    """Today where the organization works (the server's clock may be in UTC, a day ahead every evening)."""
    return local_day(datetime.now(UTC))
