"""Following by email, volunteers' reminders, public sign-on letter entries

Revision ID: 0011_followers
Revises: 0010_case_merge
Create Date: 2026-11-30 09:00:00.000000

Followers of a public case or campaign (double opt-in, a digest of published changes); each person's choice about
the daily deadline email; sign-on letters shown publicly, and the organizations asking to sign, waiting for staff.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_followers'
down_revision = '0010_case_merge'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=40), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('seen', sa.JSON(), nullable=False),
        sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_follows_case_id_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['campaign_id'], ['campaigns.id'], name=op.f('fk_follows_campaign_id_campaigns'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
        sa.UniqueConstraint('target', 'email', name='uq_follows_target_email'),
        sa.UniqueConstraint('token_hash', name=op.f('uq_follows_token_hash')),
    )
    op.create_index('ix_follows_target_confirmed', 'follows', ['target', 'confirmed_at'], unique=False)
    op.create_index(op.f('ix_follows_case_id'), 'follows', ['case_id'], unique=False)
    op.create_index(op.f('ix_follows_campaign_id'), 'follows', ['campaign_id'], unique=False)
    op.create_table(
        'reminder_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('last_sent_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_reminder_preferences_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminder_preferences')),
    )
    with op.batch_alter_table('letters') as batch_op:
        batch_op.add_column(sa.Column('is_public', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('letters') as batch_op:
        batch_op.alter_column('is_public', server_default=None)
    op.create_table(
        'letter_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('organization_name', sa.String(length=300), nullable=False),
        sa.Column('contact_name', sa.String(length=200), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['letter_id'], ['letters.id'], name=op.f('fk_letter_entries_letter_id_letters'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['users.id'], name=op.f('fk_letter_entries_decided_by_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['organization_id'], ['organizations.id'],
            name=op.f('fk_letter_entries_organization_id_organizations'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_entries')),
    )
    op.create_index('ix_letter_entries_letter_status', 'letter_entries', ['letter_id', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_letter_entries_letter_status', table_name='letter_entries')
    op.drop_table('letter_entries')
    with op.batch_alter_table('letters') as batch_op:
        batch_op.drop_column('is_public')
    op.drop_table('reminder_preferences')
    op.drop_index(op.f('ix_follows_campaign_id'), table_name='follows')
    op.drop_index(op.f('ix_follows_case_id'), table_name='follows')
    op.drop_index('ix_follows_target_confirmed', table_name='follows')
    op.drop_table('follows')
