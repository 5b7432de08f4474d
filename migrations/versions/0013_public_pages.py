"""Stored public pages shared by every worker; case photos

Revision ID: 0013_public_pages
Revises: 0012_evidence
Create Date: 2026-11-30 09:00:00.000000

Empty until its change fills it: the revisions are reserved in order so that several changes can land at once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_public_pages'
down_revision = '0012_evidence'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
