"""search_entries: the staff full-text index; document_versions.ocr_confidence: text recognised from scans

SQLite: an FTS5 table and its triggers. PostgreSQL: a tsvector column, its trigger and a GIN index.

Revision ID: 0008_full_text_search
Revises: 0005_case_records
Create Date: 2026-11-30 07:30:00.000000

The entries are filled by `flask search reindex` (every case, its documents and every version of their text).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0008_full_text_search'
down_revision = '0005_case_records'
branch_labels = None
depends_on = None

# The same statements as casefiles/fulltext/models.py runs after create_all, written out: a migration never changes.
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
]


def upgrade():
    # Text recognised from scanned pages and images is marked with its confidence.
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ocr_confidence', sa.Float(), nullable=True))
    op.create_table(
        'search_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('page', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('terms', sa.Text(), nullable=False),
        sa.Column('vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_search_entries_case_id_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_search_entries_document_id_documents'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries')),
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entries_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entries_document_id'), ['document_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_search_entries_vector ON search_entries USING gin (vector)")
        op.execute(
            "CREATE TRIGGER search_entries_vector BEFORE INSERT OR UPDATE ON search_entries FOR EACH ROW "
            "EXECUTE FUNCTION tsvector_update_trigger(vector, 'pg_catalog.simple', terms)"
        )
    else:
        for statement in SQLITE_CREATE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        op.execute("DROP TABLE IF EXISTS search_entries_fts")
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entries_document_id'))
        batch_op.drop_index(batch_op.f('ix_search_entries_case_id'))
    op.drop_table('search_entries')
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_column('ocr_confidence')
