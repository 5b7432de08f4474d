"""French twins of public texts (events, campaign asks and targets, institution names) and dossier audiences

Revision ID: 0006_bilingual_settings
Revises: 0004_document_reviewed_version
Create Date: 2026-11-30 07:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_bilingual_settings'
down_revision = '0004_document_reviewed_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_fr', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('description_fr', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('targets_fr', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('asks_fr', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_fr', sa.String(length=300), nullable=False, server_default=''))
    # Every dossier made so far was the confidential legal one.
    with op.batch_alter_table('dossier_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=20), nullable=False, server_default='legal'))


def downgrade():
    with op.batch_alter_table('dossier_jobs', schema=None) as batch_op:
        batch_op.drop_column('audience')
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_column('name_fr')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('asks_fr')
        batch_op.drop_column('targets_fr')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('description_fr')
        batch_op.drop_column('title_fr')
