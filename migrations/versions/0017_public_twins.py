"""Public sanctions with their French twins; the public account of what was said, in both languages

Revision ID: 0017_public_twins
Revises: 0016_staff_design
Create Date: 2026-11-30 09:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_public_twins'
down_revision = '0016_staff_design'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_public', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('public_description', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('public_description_fr', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speech_public', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('speech_public_fr', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('speech_public_fr')
        batch_op.drop_column('speech_public')
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_column('public_description_fr')
        batch_op.drop_column('public_description')
        batch_op.drop_column('is_public')
