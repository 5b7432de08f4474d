"""Finding published cases: filters and a search over published text only.

The staff search index (search_entries) holds private notes and legal names, so it is never used here:
every condition below reads a column that is itself public (or public under the person's recorded consent).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, text, union
from sqlalchemy.orm import selectinload

from casefiles.caching import BoundedCache
from casefiles.cases.models import Case, Event
from casefiles.enums import NameConsent, Outcome, PersonCategory
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.pagination import Page, paginate, scalar_rows
from casefiles.people.models import Person
from casefiles.public.models import CaseCorrection
from casefiles.public.projection import PublicCase, build_public_cases, is_public

MAX_QUERY = 200
MAX_WORDS = 8


@dataclass
class PublicFilters:
    """What the public case index was asked for; anything invalid is dropped, never an error."""

    q: str = ""
    category: str = ""
    outcome: str = ""
    institution: int | None = None
    region: str = ""
    year: int | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> PublicFilters:
        def _int(name: str, low: int, high: int) -> int | None:
            try:
                value = int(args.get(name, ""))
            except (TypeError, ValueError):
                return None
            return value if low <= value <= high else None

        return cls(
            q=" ".join((args.get("q") or "").split())[:MAX_QUERY],
            category=args.get("category", "") if PersonCategory.coerce(args.get("category")) else "",
            outcome=args.get("outcome", "") if Outcome.coerce(args.get("outcome")) else "",
            institution=_int("institution", 1, 2**31 - 1),
            region=(args.get("region") or "").strip()[:100],
            year=_int("year", 1900, 2100),
            page=_int("page", 1, 100_000) or 1,
        )

    def args(self) -> dict[str, Any]:
        """The non-empty filters, for links (pagination, feeds)."""
        values = {
            "q": self.q,
            "category": self.category,
            "outcome": self.outcome,
            "institution": self.institution,
            "region": self.region,
            "year": self.year,
        }
        return {k: v for k, v in values.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.args())


def published_clause() -> Any:
    """The one definition of "public" in SQL (mirrors projection.is_public)."""
    return and_(Case.published.is_(True), Case.public_slug.is_not(None), Case.archived_at.is_(None))


def _like(column: Any, word: str) -> Any:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _word_matches(word: str) -> Any:
    """A published case whose public text contains the word somewhere."""
    public_event = exists().where(
        Event.case_id == Case.id,
        Event.is_public.is_(True),
        or_(_like(Event.title, word), _like(Event.description, word)),
    )
    consented_name = exists().where(
        Person.case_id == Case.id,
        or_(
            and_(Person.name_consent == NameConsent.FULL_NAME.value, _like(Person.legal_name, word)),
            and_(Person.name_consent == NameConsent.PSEUDONYM.value, _like(Person.pseudonym, word)),
        ),
    )
    institution = exists().where(Institution.id == Case.institution_id, _like(Institution.name, word))
    correction = exists().where(
        CaseCorrection.case_id == Case.id, or_(_like(CaseCorrection.note, word), _like(CaseCorrection.note_fr, word))
    )
    return or_(
        _like(Case.title, word),
        _like(Case.title_fr, word),
        _like(Case.public_summary, word),
        _like(Case.public_summary_fr, word),
        institution,
        consented_name,
        public_event,
        correction,
    )


def _filtered(filters: PublicFilters) -> Any:
    query = select(Case.id).where(published_clause())
    if filters.outcome:
        query = query.where(Case.outcome == filters.outcome)
    if filters.category:
        query = query.where(exists().where(Person.case_id == Case.id, Person.category == filters.category))
    if filters.institution:
        query = query.where(at_institution(filters.institution))
    if filters.region:
        query = query.where(
            exists().where(
                Institution.id == Case.institution_id, func.lower(Institution.region) == filters.region.lower()
            )
        )
    if filters.year:
        query = query.where(
            exists().where(
                Event.case_id == Case.id,
                Event.is_public.is_(True),
                Event.date >= date(filters.year, 1, 1),
                Event.date <= date(filters.year, 12, 31),
            )
        )
    for word in filters.q.lower().split()[:MAX_WORDS]:
        query = query.where(_word_matches(word))
    return query


def load_cases(ids: list[int]) -> list[Case]:
    """Cases with everything the projection reads, in a fixed number of queries."""
    if not ids:
        return []
    rows = db.session.scalars(
        select(Case).where(Case.id.in_(ids)).options(selectinload(Case.people), selectinload(Case.events))
    ).unique()
    by_id = {c.id: c for c in rows}
    return [by_id[i] for i in ids if i in by_id]


def find_public_cases(filters: PublicFilters, locale: str, per_page: int = 20) -> Page:
    """One page of published cases matching the filters, as projections."""
    stmt = _filtered(filters).order_by(Case.published_at.desc(), Case.id.desc())
    page = paginate(stmt, page=filters.page, per_page=per_page, rows=scalar_rows)
    page.items = cached_public_cases(list(page.items), locale)
    return page


def recent_public_cases(locale: str, limit: int = 6, featured: bool | None = None) -> list[PublicCase]:
    """The most recently published cases (optionally only the featured ones)."""
    query = select(Case.id).where(published_clause())
    if featured is not None:
        query = query.where(Case.featured.is_(featured))
    ids = list(db.session.scalars(query.order_by(Case.published_at.desc(), Case.id.desc()).limit(limit)))
    return cached_public_cases(ids, locale)


def active_public_campaigns(locale: str, limit: int = 6) -> list[Any]:
    """Campaigns in progress that support at least one published case."""
    try:
        from casefiles.campaigns.models import Campaign, CampaignStatus, case_campaigns
    except ImportError:  # campaigns not installed
        return []
    from casefiles.public.projection import public_campaign

    rows = db.session.scalars(
        select(Campaign)
        .where(
            Campaign.status == CampaignStatus.IN_PROGRESS.value,
            Campaign.id.in_(
                select(case_campaigns.c.campaign_id)
                .join(Case, Case.id == case_campaigns.c.case_id)
                .where(published_clause())
            ),
        )
        .order_by(Campaign.id.desc())
        .limit(limit)
    )
    return [public_campaign(c, locale) for c in rows]


def published_case_by_slug(slug: str) -> Case | None:
    """The published case with this public address, or None (missing and unpublished look the same)."""
    if not slug or len(slug) > 80:
        return None
    case = db.session.scalar(select(Case).where(Case.public_slug == slug, published_clause()))
    return case if case is not None and is_public(case) else None


def at_institution(institution_id: int) -> Any:
    """A case is at an institution when it is its main one or the body of one of its public sanctions."""
    from casefiles.cases.models import Sanction

    return or_(
        Case.institution_id == institution_id,
        exists().where(
            Sanction.case_id == Case.id, Sanction.is_public.is_(True), Sanction.institution_id == institution_id
        ),
    )


def _public_institution_ids() -> Any:
    """Institutions of published cases: each case's main one and the bodies of its public sanctions."""
    from casefiles.cases.models import Sanction

    return union(
        select(Case.institution_id).where(published_clause()),
        select(Sanction.institution_id)
        .join(Case, Case.id == Sanction.case_id)
        .where(published_clause(), Sanction.is_public.is_(True)),
    )


def filter_choices() -> dict[str, Any]:
    """Values offered in the filters: only those that occur among published cases."""
    institutions = db.session.execute(
        select(Institution.id, Institution.name)
        .where(Institution.id.in_(_public_institution_ids()))
        .order_by(Institution.name)
        .limit(500)
    ).all()
    regions = db.session.scalars(
        select(Institution.region)
        .where(Institution.id.in_(select(Case.institution_id).where(published_clause())), Institution.region != "")
        .distinct()
        .order_by(Institution.region)
        .limit(200)
    ).all()
    year_col = (
        func.extract("year", Event.date) if db.engine.dialect.name == "postgresql" else func.strftime("%Y", Event.date)
    )
    years = db.session.scalars(
        select(year_col)
        .where(Event.is_public.is_(True), Event.case_id.in_(select(Case.id).where(published_clause())))
        .distinct()
    ).all()
    return {
        "institutions": institutions,
        "regions": regions,
        "years": sorted({int(y) for y in years if y is not None}, reverse=True),
    }


# -- a small in-process cache of projections, keyed by the case's version -----------------------------------

# (case id, locale) -> ((version, public slug), stored at, projection). The random slug in the key keeps
# rows of different databases (tests, restores) that share an id and a version apart.
CACHE_SIZE = 4096
CACHE_TTL = 60.0  # seconds; bounds staleness for changes that do not move the case version (institution names)
_CACHE = BoundedCache(CACHE_SIZE, CACHE_TTL)


def cached_public_cases(ids: list[int], locale: str) -> list[PublicCase]:
    """Projections for these published case ids, in order, rebuilding only those whose version moved."""
    if not ids:
        return []
    generation = public_generation()
    versions = {
        row.id: (row.version, row.public_slug, generation)
        for row in db.session.execute(select(Case.id, Case.version, Case.public_slug).where(Case.id.in_(ids)))
    }
    found: dict[int, PublicCase] = {}
    for case_id in ids:
        hit = _CACHE.get((case_id, locale), versions.get(case_id))
        if hit is not None:
            found[case_id] = hit
    missing = [i for i in ids if i not in found and i in versions]
    if missing:
        loaded = load_cases(missing)
        for case, projection in zip(loaded, build_public_cases(loaded, locale), strict=True):
            if projection is not None:
                found[case.id] = projection
                remember(case, locale, projection)
    return [found[i] for i in ids if i in found]


def remember(case: Case, locale: str, projection: PublicCase) -> None:
    _CACHE.put((case.id, locale), projection, (case.version, case.public_slug, public_generation()))


def cached_public_case(case: Case, locale: str) -> PublicCase | None:
    """The projection of one published case, from the cache when its version has not moved."""
    if not is_public(case):
        return None
    hit = _CACHE.get((case.id, locale), (case.version, case.public_slug, public_generation()))
    if hit is not None:
        return hit
    projection = build_public_cases([case], locale)[0]
    if projection is not None:
        remember(case, locale, projection)
    return projection


def clear_cache() -> None:
    _CACHE.clear()


# -- one cheap validator for every cached public answer -------------------------------------------------------

_GENERATION_SQL = "SELECT id, created_at FROM audit_entries ORDER BY id DESC LIMIT 1"
_generation_local = threading.local()


def public_generation() -> Any:
    """Moves whenever anything changes: every mutating service writes an audit entry (house rule), so the newest
    audit entry (id and time, which also tells two databases apart) is a change marker shared by every worker.
    Only used to key caches, never shown."""
    return generation_for_engine(db.engine)


def generation_for_engine(engine: Any) -> Any:
    """public_generation() without the session machinery (asked on every public request): each thread keeps one
    pooled connection for this single indexed read and ends the read's transaction at once (no lock is held)."""
    held = getattr(_generation_local, "held", None)
    if held is not None and held[0] is not engine:
        _drop_generation_connection()
        held = None
    try:
        if held is None:
            held = (engine, engine.raw_connection())
            _generation_local.held = held
        connection = held[1]
        cursor = connection.cursor()
        try:
            cursor.execute(_GENERATION_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
            connection.rollback()
        return tuple(row) if row else (0, None)
    except Exception:  # noqa: BLE001 - a broken connection must never break a public page
        logging.getLogger(__name__).warning(
            "Public generation check: the held connection failed; reconnecting", exc_info=True
        )
        _drop_generation_connection()
        with engine.connect() as conn:
            row = conn.execute(text(_GENERATION_SQL)).first()
        return tuple(row) if row else (0, None)


def _drop_generation_connection() -> None:
    held = getattr(_generation_local, "held", None)
    _generation_local.held = None
    if held is not None:
        try:
            held[1].invalidate()
        except Exception:  # noqa: BLE001 - already gone
            logging.getLogger(__name__).debug("Public generation connection was already closed", exc_info=True)
