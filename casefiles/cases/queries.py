"""Finding cases: filters, text search, sorting and pagination that stay fast at 100,000 cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import selectinload

from casefiles.cases.models import Case, Sanction, Tag, case_assignments, case_tags
from casefiles.cases.policies import visible_cases_filter, visible_cases_key
from casefiles.dates import local_today
from casefiles.enums import CaseStatus, Outcome, PersonCategory, Priority
from casefiles.extensions import db
from casefiles.fulltext import engine as fulltext
from casefiles.fulltext.terms import parse
from casefiles.institutions.models import Institution
from casefiles.pagination import CountCache, Page, in_ids, in_order, paginate_keys
from casefiles.people.models import Person

SORTS = {
    "updated": (Case.updated_at.desc(), Case.id.desc()),
    "created": (Case.created_at.desc(), Case.id.desc()),
    "title": (Case.title.asc(), Case.id.asc()),
    "oldest": (Case.updated_at.asc(), Case.id.asc()),
}
# With words to find, the best matches come first unless another order is asked for.
RELEVANCE = "relevance"


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
    priority: str = ""
    # "overdue", or a number of days ahead (DUE_WINDOWS): cases with an open deadline then.
    due: str = ""

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
            sort=_sort(args),
            page=_int("page") or 1,
            priority=args.get("priority", "") if Priority.coerce(args.get("priority")) else "",
            due=args.get("due", "") if args.get("due") in DUE_CHOICES else "",
        )
        return filters

    def count_key(self) -> tuple:
        """What decides which cases these filters keep, as a value: every filter but the order and the page (and
        today's date, which the deadline filters depend on)."""
        kept = {k: v for k, v in self.__dict__.items() if k not in ("sort", "page")}
        return (*sorted(kept.items()), local_today() if self.due else None)

    @property
    def default_sort(self) -> str:
        return RELEVANCE if parse(self.q) else "updated"

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
            "sort": self.sort if self.sort != self.default_sort else "",
            "page": self.page if self.page > 1 else "",
            "priority": self.priority,
            "due": self.due,
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
                self.priority,
                self.due,
            ]
        )


# Deadline filters of the list (the dashboard's windows and its overdue list link to them).
DUE_WINDOWS = (7, 14, 30, 90)
DUE_CHOICES = ("overdue", *(str(days) for days in DUE_WINDOWS))


def _due_clause(due: str) -> Any:
    """Cases with an open deadline already missed (on a case still open), or due within so many days."""
    from datetime import timedelta

    from casefiles.cases.models import Task

    today = local_today()
    open_tasks = select(Task.case_id).where(Task.done.is_(False))
    if due == "overdue":
        settled = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)
        return Case.id.in_(open_tasks.where(Task.due_date < today)) & Case.status.not_in(settled)
    return Case.id.in_(open_tasks.where(Task.due_date >= today, Task.due_date <= today + timedelta(days=int(due))))


def _sort(args: Any) -> str:
    """The order asked for; by default the best matches first when there are words to find."""
    asked = args.get("sort")
    if asked in SORTS or asked == RELEVANCE:
        return asked
    return RELEVANCE if parse((args.get("q") or "")[:200]) else "updated"


# Counts of the case list, kept a few seconds (forgotten at once when this process writes to these tables).
LIST_COUNTS = CountCache(
    {"cases", "people", "case_tags", "tags", "case_assignments", "sanctions", "institutions", "tasks", "search_entries"}
)


def filtered_cases(user: Any, filters: CaseFilters, *, for_count: bool = False) -> Select:
    """The SELECT of cases matching the filters that this user may see."""
    stmt = select(Case)
    visible = visible_cases_filter(user)
    if visible is not None:
        stmt = stmt.where(visible)
    archived = Case.archived_at.is_not(None) if filters.archived else Case.archived_at.is_(None)
    if for_count and parse(filters.q) and db.engine.dialect.name == "sqlite":
        # Counting search results: start from the cases holding the words, not from every open case (SQLite's
        # statistics take "not archived" for a selective condition; at 100,000 cases this halves the count).
        archived = func.likelihood(archived, literal_column("0.95"))
    stmt = stmt.where(archived)
    if filters.status:
        stmt = stmt.where(Case.status == filters.status)
    if filters.outcome:
        stmt = stmt.where(Case.outcome == filters.outcome)
    # A category is shared by many cases: an EXISTS probe lets the list walk its order's index and stop after one
    # page (SQLite would gather an IN list's every match, then sort them). Tags and assignments, held by few
    # cases each, stay IN lists: walking every case to find those few would cost more.
    if filters.category:
        stmt = stmt.where(
            select(Person.id).where(Person.case_id == Case.id, Person.category == filters.category).exists()
        )
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
    if filters.priority:
        stmt = stmt.where(Case.priority == filters.priority)
    if filters.due:
        stmt = stmt.where(_due_clause(filters.due))
    query = parse(filters.q)
    if query:
        stmt = stmt.where(Case.id.in_(fulltext.matching_case_ids(query)))
    return stmt


def find_cases(user: Any, filters: CaseFilters, per_page: int = 25) -> Page:
    """A page of matching cases, with the people and institution loaded for the list; with words to find, each
    case on the page carries `search_hits` (where it matched, with a snippet)."""
    query = parse(filters.q)
    if query:
        return _find_by_words(user, filters, query, per_page)
    # The page's ids come from the partial index of its order (no row of an earlier page is fetched), then the
    # page's 25 cases are loaded: a deep page costs what the first costs.
    keys = filtered_cases(user, filters).with_only_columns(Case.id)
    keys = keys.order_by(*SORTS.get(filters.sort, SORTS["updated"]))
    counted = filtered_cases(user, filters, for_count=True).with_only_columns(Case.id)
    if not filters.active and visible_cases_filter(user) is None and db.engine.dialect.name == "sqlite":
        # Counting every open case: SQLite would read the whole table (wide rows) rather than the partial index.
        counted = counted.with_hint(Case, "INDEXED BY ix_cases_open_updated", "sqlite")
    return paginate_keys(
        keys, page=filters.page, per_page=per_page, count=counted, counter=LIST_COUNTS.count, load=load_listed_cases
    )


def load_listed_cases(ids: list[int]) -> list[Case]:
    """These cases, in this order, with what the list shows of them (people, tags, institution).

    People and tags come in a query each, by the page's case ids. (Joined into the cases' query, the tags' link
    table is a nested join that SQLite builds whole for every page: 170 ms with 150,000 links.)"""
    stmt = select(Case).where(in_ids(Case.id, ids)).options(selectinload(Case.people), selectinload(Case.tags))
    return in_order(db.session.scalars(stmt).unique().all(), ids, key=lambda case: case.id)


def _find_by_words(user: Any, filters: CaseFilters, query: Any, per_page: int) -> Page:
    """Searching: the total is every matching case the filters keep (counted once per few seconds, as the
    list's), the page's ids come from search_ids, then the page's cases are loaded with where they matched."""
    with fulltext.index_scans():
        total = LIST_COUNTS.count(
            lambda: filtered_cases(user, filters, for_count=True).with_only_columns(Case.id),
            key=("cases", visible_cases_key(user), filters.count_key()),
        )
        number = min(max(1, int(filters.page or 1)), max(1, -(-total // per_page)))
        ids = search_ids(user, filters, query, offset=(number - 1) * per_page, limit=per_page, total=total)
        cases = load_listed_cases(ids)
        attach_search_hits(cases, query)
    return Page(items=cases, total=total, page=number, per_page=per_page)


def search_ids(
    user: Any, filters: CaseFilters, query: Any, *, offset: int = 0, limit: int | None = None, total: int | None = None
) -> list[int]:
    """The ids of the matching cases the filters keep, in the list's order, from `offset` (`limit` of them, or all).

    In relevance order the engine ranks the cases of the newest matching texts (at most fulltext.RANK_WINDOW texts,
    one query of ids and scores), the filters keep those this list shows, and the matching cases beyond them
    follow, most recently updated first. In any other order the list's own order applies."""

    def matching() -> Select:  # built when used: a first page is usually filled from the ranked cases alone
        return filtered_cases(user, filters).with_only_columns(Case.id)

    with fulltext.index_scans():
        if filters.sort != RELEVANCE:
            keys = matching().order_by(*SORTS.get(filters.sort, SORTS["updated"])).offset(offset)
            return list(db.session.scalars(keys if limit is None else keys.limit(limit)))
        plain = filtered_cases(user, CaseFilters(**{**filters.__dict__, "q": ""})).with_only_columns(Case.id)
        # The filters are asked about the window's best cases first, a chunk at a time, until the page is full;
        # the window's ids are read a chunk at a time too (a common word's window holds 2,000 cases, a page 25).
        ranked: list[int] = []
        step = max(100, 4 * (offset + limit)) if limit is not None else 1000
        window = db.session.execute(fulltext.ranked_cases_sql(query)).scalars()
        try:
            for chunk in window.partitions(step):
                kept = set(db.session.scalars(plain.where(in_ids(Case.id, chunk))))
                ranked += [case_id for case_id in chunk if case_id in kept]
                if limit is not None and len(ranked) >= offset + limit:
                    return ranked[offset : offset + limit]
        finally:
            window.close()
        ids = ranked[offset:] if limit is None else ranked[offset : offset + limit]
        if (limit is None or len(ids) < limit) and (total is None or total > len(ranked)):
            rest = matching().where(Case.id.not_in(ranked)) if ranked else matching()
            rest = rest.order_by(*SORTS["updated"]).offset(max(0, offset - len(ranked)))
            ids += db.session.scalars(rest if limit is None else rest.limit(limit - len(ids))).all()
        return ids


def attach_search_hits(cases: list[Case], query: Any) -> None:
    """Give each case the places it matched (its own fields, or a document's version and page) with snippets."""
    from casefiles.fulltext.hits import hits_for

    found = hits_for([case.id for case in cases], query)
    for case in cases:
        case.search_hits = found.get(case.id, [])
