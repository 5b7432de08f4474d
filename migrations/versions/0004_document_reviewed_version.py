"""documents: the number of the version the public side serves (a new version of a public document waits for review)

Revision ID: 0004_document_reviewed_version
Revises: 0003_login_throttle
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_document_reviewed_version'
down_revision = '0003_login_throttle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_version', sa.Integer(), nullable=True))
    # What the public downloads today stays what it downloads: the latest version of each document.
    op.execute(
        "UPDATE documents SET reviewed_version = "
        "(SELECT MAX(number) FROM document_versions WHERE document_versions.document_id = documents.id)"
    )


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('reviewed_version')
