"""The public face of a case's harms, legal proceedings and group: plain published values only.

Only records marked public, and only their declared public fields, are copied: private notes, counsel and
hearings (deadlines) never leave the staff side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import ngettext
from markupsafe import Markup

from casefiles.dates import PartialDate
from casefiles.enums import PersonCategory
from casefiles.markdown import render_markdown


@dataclass(frozen=True)
class PublicHarm:
    """Harassment, doxxing, threats or a smear campaign marked public."""

    kind: str
    kind_label: str
    source: str
    started: str
    ended: str
    description_html: Markup
    description_language: str = "en"


@dataclass(frozen=True)
class PublicProceeding:
    """A legal proceeding marked public: what it is, where, who brought it, and how it ended."""

    kind: str
    kind_label: str
    status: str
    status_label: str
    brought_by: str
    court: str
    file_number: str
    parties: str
    amount_claimed: str
    filed: str
    decision_html: Markup
    decided: str
    decision_language: str = "en"


@dataclass(frozen=True)
class PublicSanction:
    """A sanction marked public: its type, the body that imposed it, when, and what became of it (never its
    notes, the person who imposed it, its duration or its appeal deadline)."""

    kind: str
    kind_label: str
    institution: str
    date: str
    outcome: str
    outcome_label: str
    outcome_date: str
    description_html: Markup
    institution_language: str = "en"
    description_language: str = "en"


@dataclass(frozen=True)
class PublicGroup:
    """A case about a group: its name and how many it counts ("11 activists"), whoever may be named."""

    name: str
    headcount: int | None
    headcount_label: str
    name_language: str = "en"


def _when(partial: PartialDate | None) -> str:
    return partial.display() if partial else ""


def public_harms(case: Any, pick: Any) -> tuple[PublicHarm, ...]:
    """The harms marked public, in this language."""
    found = []
    for harm in case.harms:
        if not harm.is_public:
            continue
        description, language = pick(harm.description, harm.description_fr)
        found.append(
            PublicHarm(
                kind=harm.type,
                kind_label=harm.type_enum.label,
                source=harm.source,
                started=_when(harm.started),
                ended=_when(harm.ended),
                description_html=render_markdown(description),
                description_language=language,
            )
        )
    return tuple(found)


def public_sanctions(case: Any, pick: Any) -> tuple[PublicSanction, ...]:
    """The sanctions marked public, in this language, oldest first."""
    found = []
    for sanction in sorted(case.sanctions, key=lambda s: (s.date is None, s.date, s.id)):
        if not sanction.is_public:
            continue
        description, language = pick(sanction.public_description, sanction.public_description_fr)
        institution, institution_language = ("", "en")
        if sanction.institution is not None:
            institution, institution_language = pick(sanction.institution.name, sanction.institution.name_fr)
        found.append(
            PublicSanction(
                kind=sanction.type,
                kind_label=sanction.type_enum.label,
                institution=institution,
                date=_when(sanction.when),
                outcome=sanction.outcome,
                outcome_label=sanction.outcome_enum.label,
                outcome_date=_when(sanction.outcome_when),
                description_html=render_markdown(description),
                institution_language=institution_language,
                description_language=language,
            )
        )
    return tuple(found)


def public_proceedings(case: Any, pick: Any) -> tuple[PublicProceeding, ...]:
    """The legal proceedings marked public (never their counsel, notes or hearings)."""
    found = []
    for proceeding in case.proceedings:
        if not proceeding.is_public:
            continue
        decision, language = pick(proceeding.decision, proceeding.decision_fr)
        found.append(
            PublicProceeding(
                kind=proceeding.kind,
                kind_label=proceeding.kind_enum.label,
                status=proceeding.status,
                status_label=proceeding.status_enum.label,
                brought_by=proceeding.brought_by,
                court=proceeding.court,
                file_number=proceeding.file_number,
                parties=proceeding.parties,
                amount_claimed=proceeding.amount_claimed,
                filed=_when(proceeding.filed),
                decision_html=render_markdown(decision),
                decided=_when(proceeding.decided),
                decision_language=language,
            )
        )
    return tuple(found)


def headcount_label(count: int, category: str | None) -> str:
    """“11 activists”, “3 medical trainees”, or “11 people” when they are of several kinds."""
    plurals = {
        PersonCategory.STUDENT.value: lambda n: ngettext("%(num)d student", "%(num)d students", n),
        PersonCategory.MEDICAL_TRAINEE.value: lambda n: ngettext(
            "%(num)d medical trainee", "%(num)d medical trainees", n
        ),
        PersonCategory.PHYSICIAN.value: lambda n: ngettext("%(num)d physician", "%(num)d physicians", n),
        PersonCategory.NURSE.value: lambda n: ngettext("%(num)d nurse", "%(num)d nurses", n),
        PersonCategory.TEACHER.value: lambda n: ngettext("%(num)d teacher", "%(num)d teachers", n),
        PersonCategory.PROFESSOR.value: lambda n: ngettext("%(num)d professor", "%(num)d professors", n),
        PersonCategory.JOURNALIST.value: lambda n: ngettext("%(num)d journalist", "%(num)d journalists", n),
        PersonCategory.ARTIST.value: lambda n: ngettext("%(num)d artist", "%(num)d artists", n),
        PersonCategory.ACTIVIST.value: lambda n: ngettext("%(num)d activist", "%(num)d activists", n),
        PersonCategory.HUMAN_RIGHTS_DEFENDER.value: lambda n: ngettext(
            "%(num)d human-rights defender", "%(num)d human-rights defenders", n
        ),
    }
    plural = plurals.get(category or "")
    if plural is not None:
        return plural(count)
    return ngettext("%(num)d person", "%(num)d people", count)


def public_group(case: Any, pick: Any) -> PublicGroup | None:
    """The group a case is about, or None; its count speaks for members who may not be named."""
    if not (case.group_name or case.group_name_fr or case.headcount):
        return None
    name, language = pick(case.group_name, case.group_name_fr)
    categories = {p.category for p in case.people}
    count = case.headcount or len(case.people)
    label = headcount_label(count, categories.pop() if len(categories) == 1 else None) if count else ""
    return PublicGroup(name=name, headcount=case.headcount, headcount_label=label, name_language=language)
