"""The engine's own queries: which cases match and how well, and where in them (entries, for snippets).

Scores are "lower is better" on both engines (SQLite's bm25 is negative for good matches; PostgreSQL's ts_rank
is negated), so callers sort ascending whatever the database. Every query text is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import Integer, select, text

from casefiles.documents.models import Document
from casefiles.extensions import db
from casefiles.fulltext.models import SearchEntry
from casefiles.fulltext.terms import Query
from casefiles.pagination import in_ids

# Relevance is ranked over the most recently indexed matching texts, at most this many: ranking costs one score per
# text, and a common word matches tens of thousands (every match is still found, filtered and counted; cases
# beyond the ranked ones follow, most recently updated first). A search matching fewer texts is ranked whole.
RANK_WINDOW = 2000
# A prefix naming more terms than this is asked for as a prefix (its expansion would cost more than it saves).
MAX_EXPANSION = 64


def _dialect() -> str:
    return db.engine.dialect.name


@contextmanager
def index_scans() -> Iterator[None]:
    """PostgreSQL: read matches through the GIN index, never by a scan of every row, and plan each search for its
    own words.

    The planner takes a word found in 40% of the rows for a job for a sequential scan of the (small) table, and does
    not count that the scan must decompress every row's tsvector to test it: 650 ms, against 26 ms through the
    index for 80,000 matches of 200,000. And a statement run often is prepared once by the driver, then planned
    once for any words after a few runs (a generic plan): a phrase of 25 matches took 17 ms that way, 0.9 ms
    planned for its own words. Set for the statements of the search only (SET LOCAL, then reset), once however
    deeply the search's steps nest."""
    if _dialect() != "postgresql" or db.session.info.get(_INDEX_SCANS):
        yield
        return
    db.session.execute(_INDEX_SCANS_ON)
    db.session.info[_INDEX_SCANS] = True
    try:
        yield
    finally:
        db.session.info.pop(_INDEX_SCANS, None)
    db.session.execute(_INDEX_SCANS_OFF)


_INDEX_SCANS = "fulltext_index_scans"
_INDEX_SCANS_ON = text(
    "SELECT set_config('enable_seqscan', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true)"
)
_INDEX_SCANS_OFF = text("SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL plan_cache_mode TO DEFAULT")


def _fts5(query: Query) -> str:
    """The query in FTS5 syntax, each prefix expanded into the terms of the index it names (when not too many;
    looked up once per database session, that is once per request)."""
    known = db.session.info.setdefault("fts5_queries", {})
    plain = query.fts5()
    if plain in known:
        return known[plain]
    expansions: dict[str, list[str]] = {}
    for prefix in query.prefixes():
        named = list(
            db.session.scalars(
                text(
                    "SELECT term FROM search_entries_fts_vocab WHERE term >= :low AND term < :high LIMIT :most"
                ).bindparams(low=prefix, high=prefix + "{", most=MAX_EXPANSION + 1)
            )
        )
        if len(named) <= MAX_EXPANSION:
            expansions[prefix] = named
    known[plain] = query.fts5(expansions)
    return known[plain]


# PostgreSQL's condition for a query: its terms in the tsvector and, when it has phrases, their pairs of
# neighbouring terms in the pairs' index (which narrows a phrase before its positions are checked).
PG_MATCH = "vector @@ to_tsquery('simple', :fts_query)"
PG_PHRASES = " AND search_entry_pairs(terms) @@ CAST(:pairs_query AS tsquery)"


def _pg_where(query: Query) -> str:
    return PG_MATCH + (PG_PHRASES if query.pairs_tsquery() else "")


def _pg_params(query: Query) -> dict[str, str]:
    pairs = query.pairs_tsquery()
    return {"fts_query": query.tsquery(), **({"pairs_query": pairs} if pairs else {})}


def matching_case_ids(query: Query) -> Any:
    """A SELECT of the ids of the cases holding every clause of the query (no score: for filtering and counting)."""
    if _dialect() == "postgresql":
        sql = text("SELECT case_id FROM search_entries WHERE " + _pg_where(query))  # noqa: S608 (constant SQL)
        return sql.bindparams(**_pg_params(query)).columns(case_id=Integer)
    else:
        sql = text(
            # The (entry, case) index answers alone; the table's rows are wide (whatever the statistics say).
            "SELECT e.case_id FROM search_entries_fts "
            "JOIN search_entries e INDEXED BY ix_search_entries_id_case ON e.id = search_entries_fts.rowid "
            "WHERE search_entries_fts MATCH :fts_query"
        ).bindparams(fts_query=_fts5(query))
    return sql.columns(case_id=Integer)


def ranked_cases_sql(query: Query, window: int | None = None) -> Any:
    """The engine's ranking: (case_id, score) of the cases among the `window` most recently indexed texts that
    match, best first (lower is better), ties newest case first."""
    window = window or RANK_WINDOW
    if _dialect() == "postgresql":
        # The newest matches come from the index's bitmap (`id + 0` keeps the planner from walking the primary key
        # backward and testing each row's tsvector until enough match); only those are scored.
        newest = "SELECT id FROM search_entries WHERE " + _pg_where(query)  # noqa: S608 (constant SQL)
        ranked = (
            "SELECT e.case_id AS case_id, -max(ts_rank(e.vector, q.q)) AS score FROM ("  # noqa: S608 (constant SQL)
            + newest
            + " ORDER BY id + 0 DESC LIMIT :window) AS newest "
            "JOIN search_entries e ON e.id = newest.id, to_tsquery('simple', :fts_query) AS q(q) "
            "GROUP BY e.case_id ORDER BY score, e.case_id DESC"
        )
        return text(ranked).bindparams(**_pg_params(query), window=window)
    # FTS5 gives its matches newest first cheaply: the rowid of the window's oldest bounds the ranked range.
    return text(
        "SELECT e.case_id AS case_id, min(search_entries_fts.rank) AS score FROM search_entries_fts "
        "JOIN search_entries e INDEXED BY ix_search_entries_id_case ON e.id = search_entries_fts.rowid "
        "WHERE search_entries_fts MATCH :fts_query AND search_entries_fts.rowid >= coalesce(("
        "SELECT rowid FROM search_entries_fts WHERE search_entries_fts MATCH :fts_query "
        "ORDER BY rowid DESC LIMIT 1 OFFSET :skip), 0) "
        "GROUP BY e.case_id ORDER BY score, e.case_id DESC"
    ).bindparams(fts_query=_fts5(query), skip=window - 1)


def ranked_cases(query: Query, window: int | None = None) -> list[int]:
    """The ids of the cases among the `window` most recently indexed matching texts, most relevant first (run it
    within index_scans on PostgreSQL)."""
    return list(db.session.scalars(ranked_cases_sql(query, window)))


class Entry(NamedTuple):
    """A matching entry of a case, and where in its text the first match is (for the snippet: found for the best
    entry of a case only, the one a snippet is shown of)."""

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
        .where(in_ids(SearchEntry.case_id, case_ids))
    ).all()
    scored: dict[int, list[tuple[int, int, Any]]] = {}
    for row in rows:
        score = query.found_in(row.terms)
        if score:
            scored.setdefault(row.case_id, []).append((-score, row.id, row))
    found: dict[int, list[Entry]] = {}
    for case_id, matches in scored.items():
        matches.sort(key=lambda match: match[:2])
        found[case_id] = [
            Entry(*row[:7], near=query.first_word(row.terms) if place == 0 else None)
            for place, (_s, _i, row) in enumerate(matches[:per_case])
        ]
    return found
