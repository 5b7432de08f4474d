"""Merging cases: where a merged case went, saved case-list filters

Revision ID: 0010_case_merge
Revises: 0009_intake
Create Date: 2026-11-30 09:00:00.000000

Empty until its change fills it: the revisions are reserved in order so that several changes can land at once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_case_merge'
down_revision = '0009_intake'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
