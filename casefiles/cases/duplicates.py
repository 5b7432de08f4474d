"""Possible duplicates of a case or a request for help: the same person, or the same institution at close dates.

Every lookup reads an index: the people's match keys (kept on every save, see `casefiles.people.matching`), the
cases' and sanctions' institution. Nothing scans all cases; a merged case is never offered again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select

from casefiles.cases.models import Case, Sanction
from casefiles.cases.policies import visible_cases_filter
from casefiles.extensions import db
from casefiles.people import matching
from casefiles.people.models import Person

# Two incidents at one institution this many days apart or fewer may be the same one.
CLOSE_DAYS = 60
# Rows read per kind of lookup: enough to rank, bounded however common a name or an institution is.
CANDIDATES = 200


@dataclass
class Match:
    """A case that may be the same as the one being entered, and why (translated, shown as they are)."""

    case: Case
    reasons: list[str] = field(default_factory=list)
    # Internal ranking: how many kinds of evidence, and the nearest date gap at the same institution.
    kinds: set[str] = field(default_factory=set, repr=False)
    gap: int | None = field(default=None, repr=False)


def _limit_to(stmt: Any, exclude_case_id: int | None, user: Any) -> Any:
    stmt = stmt.where(Case.merged_into_id.is_(None))
    if exclude_case_id is not None:
        stmt = stmt.where(Case.id != exclude_case_id)
    if user is not None:
        clause = visible_cases_filter(user)
        if clause is not None:
            stmt = stmt.where(clause)
    return stmt


_KEY_COLUMNS = {"name": Person.name_key, "email": Person.email_key, "phone": Person.phone_key}


def find_possible_duplicates(
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    institution_id: int | None = None,
    when: date | None = None,
    exclude_case_id: int | None = None,
    limit: int = 10,
    user: Any = None,
) -> list[Match]:
    """Cases that may be the same: same person (name in any order, email, phone) or same institution at close dates.

    `user`, when given, limits the answer to the cases that user may see (a volunteer is never told of others').
    """
    keys = {
        "name": {matching.name_key(name)},
        "email": {matching.email_key(email)},
        "phone": {matching.phone_key(phone)},
    }
    places = {institution_id: [when]} if institution_id is not None and when is not None else {}
    return _find(keys, places, exclude_case_id=exclude_case_id, limit=limit, user=user)


def _find(
    keys: dict[str, set[str]],
    places: dict[int, list[date]],
    *,
    exclude_case_id: int | None,
    limit: int,
    user: Any,
) -> list[Match]:
    """The matches for any of these person keys, or any of these institutions near any of their dates: one query
    for the people, three per institution, one to load the cases."""
    found: dict[int, Match] = {}

    def note(case_id: int, kind: str) -> Match:
        match = found.get(case_id)
        if match is None:
            match = found[case_id] = Match(case=None)  # type: ignore[arg-type]
        match.kinds.add(kind)
        return match

    wanted = {kind: {k for k in values if k} for kind, values in keys.items()}
    conditions = [_KEY_COLUMNS[kind].in_(sorted(values)) for kind, values in wanted.items() if values]
    if conditions:
        stmt = _limit_to(
            select(Person.case_id, Person.name_key, Person.email_key, Person.phone_key)
            .join(Case, Case.id == Person.case_id)
            .where(or_(*conditions)),
            exclude_case_id,
            user,
        ).limit(CANDIDATES)
        for case_id, name_key, email_key, phone_key in db.session.execute(stmt):
            for kind, key in (("name", name_key), ("email", email_key), ("phone", phone_key)):
                if key and key in wanted[kind]:
                    note(case_id, kind)

    for institution_id, days in places.items():
        for cluster in _clusters(days):
            for case_id, day in _institution_dates(institution_id, cluster, exclude_case_id, user):
                gap = min(abs((day - when).days) for when in cluster)
                if gap > CLOSE_DAYS:
                    continue
                match = note(case_id, "institution")
                match.gap = gap if match.gap is None else min(match.gap, gap)

    if not found:
        return []
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(list(found))))}
    matches = []
    for case_id, match in found.items():
        if case_id not in cases:
            continue
        match.case = cases[case_id]
        match.reasons = _reasons(match)
        matches.append(match)
    matches.sort(key=lambda m: (-len(m.kinds), m.gap if m.gap is not None else CLOSE_DAYS + 1, -m.case.id))
    return matches[: max(0, limit)]


def _clusters(days: list[date]) -> list[list[date]]:
    """The dates in runs close enough to be searched as one range (far-apart dates are searched apart)."""
    runs: list[list[date]] = []
    for day in sorted({d for d in days if d is not None}):
        if runs and (day - runs[-1][-1]).days <= 2 * CLOSE_DAYS:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _institution_dates(institution_id: int, days: list[date], exclude_case_id: int | None, user: Any) -> list[Any]:
    """(case id, date) of incidents at the institution from CLOSE_DAYS before the first of `days` to CLOSE_DAYS
    after the last: what was said, and sanctions (the caller keeps those close to one of the days)."""
    low, high = days[0] - timedelta(days=CLOSE_DAYS), days[-1] + timedelta(days=CLOSE_DAYS)
    said = _limit_to(
        select(Case.id, Case.speech_date).where(
            Case.institution_id == institution_id, Case.speech_date.between(low, high)
        ),
        exclude_case_id,
        user,
    ).limit(CANDIDATES)
    # A sanction counts when it was imposed by the institution, or by nobody named on a case of the institution.
    imposed = _limit_to(
        select(Sanction.case_id, Sanction.date)
        .join(Case, Case.id == Sanction.case_id)
        .where(Sanction.institution_id == institution_id, Sanction.date.between(low, high)),
        exclude_case_id,
        user,
    ).limit(CANDIDATES)
    of_case = _limit_to(
        select(Sanction.case_id, Sanction.date)
        .join(Case, Case.id == Sanction.case_id)
        .where(
            Case.institution_id == institution_id,
            Sanction.institution_id.is_(None),
            Sanction.date.between(low, high),
        ),
        exclude_case_id,
        user,
    ).limit(CANDIDATES)
    rows: list[Any] = []
    for stmt in (said, imposed, of_case):
        rows.extend(db.session.execute(stmt).all())
    return rows


def _reasons(match: Match) -> list[str]:
    reasons = []
    if "name" in match.kinds:
        reasons.append(_("Same person's name"))
    if "email" in match.kinds:
        reasons.append(_("Same email"))
    if "phone" in match.kinds:
        reasons.append(_("Same phone number"))
    if "institution" in match.kinds and match.gap is not None:
        if match.gap == 0:
            reasons.append(_("Same institution, same date"))
        else:
            reasons.append(
                ngettext(
                    "Same institution, dates %(num)d day apart",
                    "Same institution, dates %(num)d days apart",
                    match.gap,
                )
            )
    return reasons


def duplicates_of_case(case: Case, *, user: Any = None, limit: int = 10) -> list[Match]:
    """Possible duplicates of a saved case: any of its people, or its institutions near any of its dates."""
    keys: dict[str, set[str]] = {"name": set(), "email": set(), "phone": set()}
    for person in case.people:
        keys["name"].add(person.name_key or matching.name_key(person.legal_name))
        keys["email"].add(person.email_key or matching.email_key(person.contact_email))
        keys["phone"].add(person.phone_key or matching.phone_key(person.contact_phone))
    dates = [d for d in [case.speech_date, *(s.date for s in case.sanctions)] if d is not None]
    places = {institution.id: dates for institution in case.institutions} if dates else {}
    return _find(keys, places, exclude_case_id=case.id, limit=limit, user=user)
