"""Faster case entry and dates on the staff side

Revision ID: 0015_staff_entry
Revises: 0014_list_indexes
Create Date: 2026-11-30 09:00:00.000000

Empty until its change fills it: the revisions are reserved in order so that several changes can land at once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_staff_entry'
down_revision = '0014_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
