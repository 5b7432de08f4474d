"""Stored public pages shared by every worker; case photos

The rendered public answers every worker and machine shares (public_pages), and the stamps that say whether they
still hold (public_stamps): moved in the transaction of every public change. The photo of a case (case_photos): its
public copy only, re-encoded without metadata.

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
    op.create_table(
        'public_stamps',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_public_stamps')),
    )
    op.create_table(
        'public_pages',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('scope_stamp', sa.String(length=32), nullable=False),
        sa.Column('shared_stamp', sa.String(length=32), nullable=False),
        sa.Column('entry', sa.LargeBinary(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_public_pages')),
    )
    with op.batch_alter_table('public_pages', schema=None) as batch_op:
        batch_op.create_index('ix_public_pages_scope', ['scope'], unique=False)
    op.create_table(
        'case_photos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('image_base64', sa.Text(), nullable=False),
        sa.Column('mime_type', sa.String(length=30), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('alt', sa.Text(), nullable=False),
        sa.Column('alt_fr', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_photos_case_id_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_photos_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_case_photos_person_id_people'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_photos')),
        sa.UniqueConstraint('case_id', name=op.f('uq_case_photos_case_id')),
    )


def downgrade():
    op.drop_table('case_photos')
    with op.batch_alter_table('public_pages', schema=None) as batch_op:
        batch_op.drop_index('ix_public_pages_scope')
    op.drop_table('public_pages')
    op.drop_table('public_stamps')
