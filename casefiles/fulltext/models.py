"""The staff search index: one row per searchable text (a case's own fields, a document's description, one page
of one version of a document's text), with the engine's index over the folded and stemmed terms.

SQLite keeps an FTS5 table over `terms` (external content, kept in step by triggers), a vocabulary of its terms
(to expand a prefix into the terms it names) and a narrow index of (entry, case) so that finding the cases of
thousands of matches does not read the wide rows; PostgreSQL a `vector` column (the tsvector of `terms`, kept by a
trigger) with a GIN index, in a table whose long values are kept out of line (TOAST, lz4 when the server has it),
so that the rows the index points at are small. Both are created with the table, by create_all and by the
migrations alike.
"""

from __future__ import annotations

from sqlalchemy import DDL, ForeignKey, Index, Integer, Text, event, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.db import Base

FTS_TABLE = "search_entries_fts"

# The terms the FTS5 table holds (a prefix is expanded into the terms it names: far cheaper to rank than a prefix).
VOCABULARY_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_entries_fts_vocab USING fts5vocab(search_entries_fts, 'row')"
)
# lz4 reads back several times faster than the default compression (PostgreSQL 14 or later built with it).
POSTGRESQL_LZ4 = (
    "DO $$ BEGIN ALTER TABLE search_entries ALTER COLUMN vector SET COMPRESSION lz4; "
    "ALTER TABLE search_entries ALTER COLUMN terms SET COMPRESSION lz4; "
    "ALTER TABLE search_entries ALTER COLUMN body SET COMPRESSION lz4; "
    "EXCEPTION WHEN OTHERS THEN NULL; END $$"
)
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_entries_fts USING fts5("
    "terms, content='search_entries', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_entries_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_entries_fts(search_entries_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_entries_fts(search_entries_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO search_entries_fts(rowid, terms) VALUES (new.id, new.terms); END",
    VOCABULARY_CREATE,
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_entries_fts_vocab", "DROP TABLE IF EXISTS search_entries_fts"]
# PostgreSQL: each pair of neighbouring terms of a text as one lexeme ("freedom0of"; terms are [0-9a-z], so "0"
# joins them), without positions. A GIN index over it (an expression index: nothing more is stored in the rows)
# narrows a phrase to the texts holding every pair of it before the positions are checked: a phrase of common
# words otherwise read every text holding all its words.
POSTGRESQL_PAIRS = (
    "CREATE OR REPLACE FUNCTION search_entry_pairs(terms text) RETURNS tsvector AS $$ "
    "SELECT coalesce(array_to_tsvector(array_agg(DISTINCT p.t || '0' || p.n)), ''::tsvector) "
    "FROM (SELECT t, lead(t) OVER (ORDER BY i) AS n "
    "FROM unnest(string_to_array(terms, ' ')) WITH ORDINALITY AS u(t, i)) AS p WHERE p.n IS NOT NULL "
    "$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE"
)
# PostgreSQL keeps the terms' tsvector in its own column, filled by its built-in trigger function.
POSTGRESQL_CREATE = [
    "CREATE TRIGGER search_entries_vector BEFORE INSERT OR UPDATE ON search_entries FOR EACH ROW "
    "EXECUTE FUNCTION tsvector_update_trigger(vector, 'pg_catalog.simple', terms)",
    POSTGRESQL_LZ4,
]


def is_engine_table(name: str) -> bool:
    """Tables the SQLite full-text engine makes for itself (the FTS5 table and its shadow tables)."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


class SearchEntry(Base):
    """One searchable text of a case, and where it comes from (a document, its version and page)."""

    __tablename__ = "search_entries"
    __table_args__ = (
        Index("ix_search_entries_vector", text("vector"), postgresql_using="gin").ddl_if(dialect="postgresql"),
        Index("ix_search_entries_pairs", text("search_entry_pairs(terms)"), postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
        # The case of each of thousands of matching entries, without reading their wide rows (SQLite reads it
        # instead of the table; PostgreSQL's rows are narrow already).
        Index("ix_search_entries_id_case", "id", "case_id"),
        # PostgreSQL: a row holding more than 128 bytes keeps its long values out of line (the main rows stay
        # small, so a bitmap of thousands of matches reads a few pages).
        {"postgresql_with": {"toast_tuple_target": 128}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    terms: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # PostgreSQL: the tsvector of `terms` (set by a trigger). SQLite keeps it in search_entries_fts: always NULL here.
    vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))


for _statement in SQLITE_CREATE:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
# The function the pairs' index is made of exists before the table's indexes are made.
event.listen(SearchEntry.__table__, "before_create", DDL(POSTGRESQL_PAIRS).execute_if(dialect="postgresql"))
for _statement in POSTGRESQL_CREATE:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_DROP:
    event.listen(SearchEntry.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))
