"""supporters: the outbox of outgoing mail, and petition signatures (double opt-in)

Revision ID: 0007_supporters
Revises: 0008_full_text_search
Create Date: 2026-11-30 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_supporters'
down_revision = '0008_full_text_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    )
    op.create_index('ix_outbox_messages_status_next', 'outbox_messages', ['status', 'next_attempt_at'], unique=False)
    op.create_table(
        'petition_signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('region', sa.String(length=60), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('consent_updates', sa.Boolean(), nullable=False),
        sa.Column('listed', sa.Boolean(), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['campaign_id'], ['campaigns.id'],
            name=op.f('fk_petition_signatures_campaign_id_campaigns'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_signatures')),
        sa.UniqueConstraint('campaign_id', 'email', name='uq_petition_signatures_campaign_email'),
        sa.UniqueConstraint('token_hash', name=op.f('uq_petition_signatures_token_hash')),
    )
    op.create_index(
        'ix_petition_signatures_campaign_confirmed', 'petition_signatures', ['campaign_id', 'confirmed_at'], unique=False
    )


def downgrade():
    op.drop_index('ix_petition_signatures_campaign_confirmed', table_name='petition_signatures')
    op.drop_table('petition_signatures')
    op.drop_index('ix_outbox_messages_status_next', table_name='outbox_messages')
    op.drop_table('outbox_messages')
