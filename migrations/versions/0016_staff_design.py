"""Staff design system

Revision ID: 0016_staff_design
Revises: 0015_staff_entry
Create Date: 2026-11-30 09:00:00.000000

Empty until its change fills it: the revisions are reserved in order so that several changes can land at once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_staff_design'
down_revision = '0015_staff_entry'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
