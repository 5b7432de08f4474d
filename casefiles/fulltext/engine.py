"""The engine's own queries: which cases match and how well, and where in them (entries, for snippets).

Scores are "lower is better" on both engines (SQLite's bm25 is negative for good matches; PostgreSQL's ts_rank
is negated), so callers sort ascending whatever the database. Every query text is a bound parameter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, bindparam, text

from casefiles.extensions import db
from casefiles.fulltext.terms import Query


def _dialect() -> str:
    return db.engine.dialect.name


def matching_case_ids(query: Query) -> Any:
    """A SELECT of the ids of the cases holding every clause of the query (no score: for filtering and counting)."""
    if _dialect() == "postgresql":
        sql = text(
            "SELECT e.case_id FROM search_entries e "
            "WHERE to_tsvector('simple', e.terms) @@ to_tsquery('simple', :fts_query)"
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
            "SELECT e.case_id AS case_id, -max(ts_rank(to_tsvector('simple', e.terms), q.q)) AS score "
            "FROM search_entries e, to_tsquery('simple', :fts_query) AS q(q) "
            "WHERE to_tsvector('simple', e.terms) @@ q.q GROUP BY e.case_id"
        ).bindparams(fts_query=query.tsquery())
    else:
        sql = text(
            "SELECT e.case_id AS case_id, min(search_entries_fts.rank) AS score FROM search_entries_fts "
            "JOIN search_entries e ON e.id = search_entries_fts.rowid WHERE search_entries_fts MATCH :fts_query "
            "GROUP BY e.case_id"
        ).bindparams(fts_query=query.fts5())
    return sql.columns(case_id=Integer, score=Float).subquery("matches")


def matching_entries(query: Query, case_ids: list[int], per_case: int = 3) -> dict[int, list[Any]]:
    """The best matching entries of each of these cases (id, document, version, page, body), best first."""
    if not case_ids or not query:
        return {}
    if _dialect() == "postgresql":
        sql = text(
            "SELECT e.id, e.case_id, e.document_id, e.version, e.page, e.body "
            "FROM search_entries e, to_tsquery('simple', :fts_query) AS q(q) "
            "WHERE e.case_id IN :case_ids AND to_tsvector('simple', e.terms) @@ q.q "
            "ORDER BY ts_rank(to_tsvector('simple', e.terms), q.q) DESC, e.id"
        ).bindparams(bindparam("case_ids", expanding=True), fts_query=query.tsquery(), case_ids=case_ids)
    else:
        sql = text(
            "SELECT e.id, e.case_id, e.document_id, e.version, e.page, e.body FROM search_entries_fts "
            "JOIN search_entries e ON e.id = search_entries_fts.rowid "
            "WHERE search_entries_fts MATCH :fts_query AND e.case_id IN :case_ids "
            "ORDER BY search_entries_fts.rank, e.id"
        ).bindparams(bindparam("case_ids", expanding=True), fts_query=query.fts5(), case_ids=case_ids)
    found: dict[int, list[Any]] = {}
    for row in db.session.execute(sql):
        rows = found.setdefault(row.case_id, [])
        if len(rows) < per_case:
            rows.append(row)
    return found
