"""Drop case_search_tokens: the table of word prefixes the staff search used before full-text search

Every search reads the full-text entries (search_entries); the old table was still written on each change of a
case (every word of every document's text, a row per word) and never read.

Revision ID: 0019_drop_search_tokens
Revises: 0018_search_speed
Create Date: 2026-11-30 13:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_drop_search_tokens'
down_revision = '0018_search_speed'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('case_search_tokens')


def downgrade():
    op.create_table(
        'case_search_tokens',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_search_tokens_case_id_cases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token', 'case_id', name=op.f('pk_case_search_tokens')),
    )
    with op.batch_alter_table('case_search_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_search_tokens_case_id'), ['case_id'], unique=False)
