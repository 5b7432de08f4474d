"""Confidential intake: encrypted submissions from the public form, their files and triage

Revision ID: 0009_intake
Revises: 0007_supporters
Create Date: 2026-11-30 09:00:00.000000

The sealed columns hold Fernet tokens made with the intake key, which is kept outside the database.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_intake'
down_revision = '0007_supporters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'intake_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('next_date', sa.Date(), nullable=True),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_intake_submissions_assignee_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_intake_submissions_case_id_cases'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_submissions')),
        sa.UniqueConstraint('reference', name=op.f('uq_intake_submissions_reference')),
    )
    with op.batch_alter_table('intake_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_submissions_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_intake_submissions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_intake_submissions_status'), ['status'], unique=False)
    op.create_table(
        'intake_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('sealed_meta', sa.LargeBinary(), nullable=False),
        sa.Column('sealed_content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['intake_submissions.id'], name=op.f('fk_intake_files_submission_id_intake_submissions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_files')),
    )
    with op.batch_alter_table('intake_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_files_submission_id'), ['submission_id'], unique=False)


def downgrade():
    with op.batch_alter_table('intake_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_files_submission_id'))
    op.drop_table('intake_files')
    with op.batch_alter_table('intake_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_submissions_status'))
        batch_op.drop_index(batch_op.f('ix_intake_submissions_created_at'))
        batch_op.drop_index(batch_op.f('ix_intake_submissions_assignee_id'))
    op.drop_table('intake_submissions')
