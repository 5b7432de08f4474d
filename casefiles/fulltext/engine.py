"""The engine's own queries: which cases match and how well, and where in them (entries, for snippets).

Scores are "lower is better" on both engines (SQLite's bm25 is negative for good matches; PostgreSQL's ts_rank
is negated), so callers sort ascending whatever the database. Every query text is a bound parameter.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Float, Integer, select, text

from casefiles.documents.models import Document
from casefiles.extensions import db
from casefiles.fulltext.models import SearchEntry
from casefiles.fulltext.terms import Query


def _dialect() -> str:
    return db.engine.dialect.name


def matching_case_ids(query: Query) -> Any:
    """A SELECT of the ids of the cases holding every clause of the query (no score: for filtering and counting)."""
    if _dialect() == "postgresql":
        sql = text(
            "SELECT e.case_id FROM search_entries e WHERE e.vector @@ to_tsquery('simple', :fts_query)"
        ).bindparams(fts_query=query.tsquery())
    else:
        sql = text(
            "SELECT e.case_id FROM search_entries_fts JOIN search_entries e ON e.id = search_entries_fts.rowid "
            "WHERE search_entries_fts MATCH :fts_query"
        ).bindparams(fts_query=query.fts5())
    return sql.columns(case_id=Integer)


def case_matches(query: Query) -> Any:
    """A subquery (case_id, score) of the cases holding every clause of the query, one row per case."""
    if _dialect() == "postgresql":
        sql = text(
            "SELECT e.case_id AS case_id, -max(ts_rank(e.vector, q.q)) AS score "
            "FROM search_entries e, to_tsquery('simple', :fts_query) AS q(q) "
            "WHERE e.vector @@ q.q GROUP BY e.case_id"
        ).bindparams(fts_query=query.tsquery())
    else:
        sql = text(
            "SELECT e.case_id AS case_id, min(search_entries_fts.rank) AS score FROM search_entries_fts "
            "JOIN search_entries e ON e.id = search_entries_fts.rowid WHERE search_entries_fts MATCH :fts_query "
            "GROUP BY e.case_id"
        ).bindparams(fts_query=query.fts5())
    return sql.columns(case_id=Integer, score=Float).subquery("matches")


class Entry(NamedTuple):
    """A matching entry of a case, and where in its text the first match is (for the snippet)."""

    id: int
    case_id: int
    document_id: int | None
    document_title: str | None
    version: int | None
    page: int | None
    body: str
    near: tuple[int, int] | None


def matching_entries(query: Query, case_ids: list[int], per_case: int = 3) -> dict[int, list[Entry]]:
    """The best matching entries of each of these cases (id, document and its title, version, page, body), best
    first.

    These few cases' entries are read in one query and matched here against their indexed terms, the engine's
    own rules (every clause; a phrase within one run of terms; a prefix), rather than asking the engine a second
    time; one round trip, whatever the number of cases on the page."""
    if not case_ids or not query:
        return {}
    rows = db.session.execute(
        select(
            SearchEntry.id,
            SearchEntry.case_id,
            SearchEntry.document_id,
            Document.title,
            SearchEntry.version,
            SearchEntry.page,
            SearchEntry.body,
            SearchEntry.terms,
        )
        .outerjoin(Document, Document.id == SearchEntry.document_id)
        .where(SearchEntry.case_id.in_(case_ids))
    ).all()
    scored: dict[int, list[tuple[int, int, Any]]] = {}
    for row in rows:
        score = query.found_in(row.terms)
        if score:
            scored.setdefault(row.case_id, []).append((-score, row.id, row))
    found: dict[int, list[Entry]] = {}
    for case_id, matches in scored.items():
        matches.sort(key=lambda match: match[:2])
        found[case_id] = [Entry(*row[:7], near=query.first_word(row.terms)) for _s, _i, row in matches[:per_case]]
    return found
