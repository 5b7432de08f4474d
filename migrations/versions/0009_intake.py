"""Confidential intake: encrypted submissions from the public form, their files and triage

Revision ID: 0009_intake
Revises: 0007_supporters
Create Date: 2026-11-30 09:00:00.000000

Empty until its change fills it: the revisions are reserved in order so that several changes can land at once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_intake'
down_revision = '0007_supporters'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
