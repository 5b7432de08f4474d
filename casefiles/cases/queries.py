"""Finding cases: filters, text search, sorting and pagination that stay fast at 100,000 cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, literal_column, select
from sqlalchemy.orm import selectinload

from casefiles.cases.models import Case, Sanction, CaseSearchToken, Tag, case_assignments, case_tags
from casefiles.cases.policies import visible_cases_filter
from casefiles.enums import CaseStatus, Outcome, PersonCategory
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.pagination import Page, paginate, scalar_rows
from casefiles.people.models import Person
from casefiles.search import query_terms

SORTS = {
    "updated": (Case.updated_at.desc(), Case.id.desc()),
    "created": (Case.created_at.desc(), Case.id.desc()),
    "title": (Case.title.asc(), Case.id.asc()),
    "oldest": (Case.updated_at.asc(), Case.id.asc()),
}


@dataclass
class CaseFilters:
    """What the case list was asked for; unknown values are dropped, never an error."""

    q: str = ""
    status: str = ""
    outcome: str = ""
    category: str = ""
    institution_id: int | None = None
    region: str = ""
    tag: str = ""
    mine: bool = False
    archived: bool = False
    sort: str = "updated"
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> CaseFilters:
        """Read filters from a request's query string, ignoring anything invalid."""

        def _int(name: str) -> int | None:
            try:
                value = int(args.get(name, ""))
            except (TypeError, ValueError):
                return None
            return value if 0 < value < 2**31 else None

        filters = cls(
            q=(args.get("q") or "")[:200],
            status=args.get("status", "") if CaseStatus.coerce(args.get("status")) else "",
            outcome=args.get("outcome", "") if Outcome.coerce(args.get("outcome")) else "",
            category=args.get("category", "") if PersonCategory.coerce(args.get("category")) else "",
            institution_id=_int("institution"),
            region=(args.get("region") or "")[:100],
            tag=(args.get("tag") or "")[:60].lower(),
            mine=args.get("mine") in ("1", "on", "true"),
            archived=args.get("archived") in ("1", "on", "true"),
            sort=args.get("sort") if args.get("sort") in SORTS else "updated",
            page=_int("page") or 1,
        )
        return filters

    def as_args(self, **overrides: Any) -> dict[str, Any]:
        """Query-string arguments that reproduce these filters (for links and pagination)."""
        args = {
            "q": self.q,
            "status": self.status,
            "outcome": self.outcome,
            "category": self.category,
            "institution": self.institution_id,
            "region": self.region,
            "tag": self.tag,
            "mine": "1" if self.mine else "",
            "archived": "1" if self.archived else "",
            "sort": self.sort if self.sort != "updated" else "",
            "page": self.page if self.page > 1 else "",
        }
        args.update(overrides)
        return {k: v for k, v in args.items() if v not in ("", None)}

    @property
    def active(self) -> bool:
        return any(
            [
                self.q,
                self.status,
                self.outcome,
                self.category,
                self.institution_id,
                self.region,
                self.tag,
                self.mine,
                self.archived,
            ]
        )


def _text_condition(terms: list[str]) -> Any:
    """Each word must prefix-match a word of the case (range scans on the token index)."""
    conditions = []
    for term in terms:
        upper = term[:-1] + chr(ord(term[-1]) + 1)
        conditions.append(
            Case.id.in_(
                select(CaseSearchToken.case_id).where(CaseSearchToken.token >= term, CaseSearchToken.token < upper)
            )
        )
    return and_(*conditions)


def filtered_cases(user: Any, filters: CaseFilters, *, for_count: bool = False) -> Select:
    """The SELECT of cases matching the filters that this user may see."""
    stmt = select(Case)
    visible = visible_cases_filter(user)
    if visible is not None:
        stmt = stmt.where(visible)
    archived = Case.archived_at.is_not(None) if filters.archived else Case.archived_at.is_(None)
    if for_count and query_terms(filters.q) and db.engine.dialect.name == "sqlite":
        # Counting search results: start from the cases holding the words, not from every open case (SQLite's
        # statistics take "not archived" for a selective condition; at 100,000 cases this halves the count).
        archived = func.likelihood(archived, literal_column("0.95"))
    stmt = stmt.where(archived)
    if filters.status:
        stmt = stmt.where(Case.status == filters.status)
    if filters.outcome:
        stmt = stmt.where(Case.outcome == filters.outcome)
    if filters.category:
        stmt = stmt.where(Case.id.in_(select(Person.case_id).where(Person.category == filters.category)))
    if filters.institution_id:
        # A case sanctioned by several bodies is found under each of them.
        stmt = stmt.where(
            (Case.institution_id == filters.institution_id)
            | Case.id.in_(select(Sanction.case_id).where(Sanction.institution_id == filters.institution_id))
        )
    if filters.region:
        stmt = stmt.where(
            Case.institution_id.in_(
                select(Institution.id).where(func.lower(Institution.region) == filters.region.lower())
            )
        )
    if filters.tag:
        stmt = stmt.where(
            Case.id.in_(
                select(case_tags.c.case_id).join(Tag, Tag.id == case_tags.c.tag_id).where(Tag.name == filters.tag)
            )
        )
    if filters.mine:
        stmt = stmt.where(Case.id.in_(select(case_assignments.c.case_id).where(case_assignments.c.user_id == user.id)))
    terms = query_terms(filters.q)
    if terms:
        stmt = stmt.where(_text_condition(terms))
    return stmt


def find_cases(user: Any, filters: CaseFilters, per_page: int = 25) -> Page:
    """A page of matching cases, with the people and institution loaded for the list."""
    stmt = filtered_cases(user, filters).order_by(*SORTS[filters.sort])
    stmt = stmt.options(selectinload(Case.people), selectinload(Case.tags))
    counted = filtered_cases(user, filters, for_count=True)
    return paginate(stmt, page=filters.page, per_page=per_page, count=counted, rows=scalar_rows)
