"""search_entries.pairs: each pair of neighbouring terms, GIN-indexed on PostgreSQL, for phrases

A phrase of common words ("freedom of expression") read every text holding all its words to check their order:
32,600 tsvectors decompressed for 25 matches at 200,000 texts (140-280 ms). The pairs of neighbouring terms
("freedom0of", "of0expression"), stored without positions and indexed, narrow a phrase to the texts holding every
pair of it first (44 texts, under 1 ms). The trigger that fills `vector` fills `pairs` too; existing rows are
rewritten once. SQLite keeps the column empty: FTS5 checks phrases from its own index.

Revision ID: 0020_phrase_pairs
Revises: 0019_drop_search_tokens
Create Date: 2026-11-30 13:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR


# revision identifiers, used by Alembic.
revision = '0020_phrase_pairs'
down_revision = '0019_drop_search_tokens'
branch_labels = None
depends_on = None

PAIRS = (
    "CREATE OR REPLACE FUNCTION search_entry_pairs(terms text) RETURNS tsvector AS $$ "
    "SELECT coalesce(array_to_tsvector(array_agg(DISTINCT p.t || '0' || p.n)), ''::tsvector) "
    "FROM (SELECT t, lead(t) OVER (ORDER BY i) AS n "
    "FROM unnest(string_to_array(terms, ' ')) WITH ORDINALITY AS u(t, i)) AS p WHERE p.n IS NOT NULL "
    "$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE"
)
VECTORS = (
    "CREATE OR REPLACE FUNCTION search_entries_vectors() RETURNS trigger AS $$ BEGIN "
    "NEW.vector := to_tsvector('pg_catalog.simple', coalesce(NEW.terms, '')); "
    "NEW.pairs := search_entry_pairs(NEW.terms); "
    "RETURN NEW; END $$ LANGUAGE plpgsql"
)


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    op.add_column('search_entries', sa.Column('pairs', TSVECTOR() if postgresql else sa.Text(), nullable=True))
    if postgresql:
        op.execute(PAIRS)
        op.execute(VECTORS)
        op.execute("DROP TRIGGER IF EXISTS search_entries_vector ON search_entries")
        op.execute(
            "CREATE TRIGGER search_entries_vector BEFORE INSERT OR UPDATE ON search_entries FOR EACH ROW "
            "EXECUTE FUNCTION search_entries_vectors()"
        )
        op.execute("UPDATE search_entries SET terms = terms")
        op.execute("CREATE INDEX ix_search_entries_pairs ON search_entries USING gin (pairs)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_search_entries_pairs")
        op.execute("DROP TRIGGER IF EXISTS search_entries_vector ON search_entries")
        op.execute(
            "CREATE TRIGGER search_entries_vector BEFORE INSERT OR UPDATE ON search_entries FOR EACH ROW "
            "EXECUTE FUNCTION tsvector_update_trigger(vector, 'pg_catalog.simple', terms)"
        )
        op.execute("DROP FUNCTION IF EXISTS search_entries_vectors()")
        op.execute("DROP FUNCTION IF EXISTS search_entry_pairs(text)")
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_column('pairs')
