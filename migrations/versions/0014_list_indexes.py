"""Indexes that serve each case-list order and filter: partial indexes over open cases (and the archive)

The case list shows open cases unless asked for the archive. PostgreSQL could not read `(archived_at,
updated_at)` in the order `updated_at DESC, id DESC` of open cases (it sorted every open case for each page);
each order and filtered order now has its own partial index, read backward for newest first, the same on SQLite
and PostgreSQL. The two indexes they replace are dropped.

Revision ID: 0014_list_indexes
Revises: 0013_public_pages
Create Date: 2026-11-30 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_list_indexes'
down_revision = '0013_public_pages'
branch_labels = None
depends_on = None

OPEN = "archived_at IS NULL"
ARCHIVED = "archived_at IS NOT NULL"
INDEXES = [
    ('ix_cases_open_updated', ['updated_at', 'id'], OPEN),
    ('ix_cases_open_created', ['created_at', 'id'], OPEN),
    ('ix_cases_open_title', ['title', 'id'], OPEN),
    ('ix_cases_open_status_updated', ['status', 'updated_at', 'id'], OPEN),
    ('ix_cases_open_outcome_updated', ['outcome', 'updated_at', 'id'], OPEN),
    ('ix_cases_archived_updated_id', ['updated_at', 'id'], ARCHIVED),
]


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_archived_updated')
        batch_op.drop_index('ix_cases_archived_status_updated')
    for name, columns, where in INDEXES:
        condition = sa.text(where)
        op.create_index(name, 'cases', columns, unique=False, sqlite_where=condition, postgresql_where=condition)


def downgrade():
    for name, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_archived_status_updated', ['archived_at', 'status', 'updated_at'], unique=False)
        batch_op.create_index('ix_cases_archived_updated', ['archived_at', 'updated_at'], unique=False)
