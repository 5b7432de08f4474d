"""Indexes that serve each case-list order and filter

Revision ID: 0014_list_indexes
Revises: 0013_public_pages
Create Date: 2026-11-30 09:00:00.000000

Empty until its change fills it: the revisions are reserved in order so that several changes can land at once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_list_indexes'
down_revision = '0013_public_pages'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
