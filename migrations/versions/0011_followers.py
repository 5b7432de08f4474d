"""Following by email, volunteers' reminders, public sign-on letter entries

Revision ID: 0011_followers
Revises: 0010_case_merge
Create Date: 2026-11-30 09:00:00.000000

Empty until its change fills it: the revisions are reserved in order so that several changes can land at once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_followers'
down_revision = '0010_case_merge'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
