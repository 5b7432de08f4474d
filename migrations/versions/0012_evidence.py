"""Evidence captured with provenance

Revision ID: 0012_evidence
Revises: 0011_followers
Create Date: 2026-11-30 09:00:00.000000

Web pages captured by the server (response bytes and headers, redirect chain, WARC record, text and PDF rendering)
and files marked as evidence by hand, each with its source, capture time and zone, who captured it and its SHA-256.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_evidence'
down_revision = '0011_followers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('error', sa.String(length=40), nullable=False),
        sa.Column('requested_url', sa.String(length=2000), nullable=False),
        sa.Column('source_url', sa.String(length=2000), nullable=False),
        sa.Column('redirects', sa.JSON(), nullable=False),
        sa.Column('http_status', sa.Integer(), nullable=True),
        sa.Column('response_headers', sa.JSON(), nullable=False),
        sa.Column('content_type', sa.String(length=200), nullable=False),
        sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('captured_zone', sa.String(length=64), nullable=False),
        sa.Column('captured_by_id', sa.Integer(), nullable=True),
        sa.Column('captured_by_name', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('document_version', sa.Integer(), nullable=True),
        sa.Column('body_key', sa.String(length=64), nullable=True),
        sa.Column('warc_key', sa.String(length=64), nullable=True),
        sa.Column('warc_sha256', sa.String(length=64), nullable=True),
        sa.Column('text_key', sa.String(length=64), nullable=True),
        sa.Column('text_sha256', sa.String(length=64), nullable=True),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_evidence_case_id_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['document_id'], ['documents.id'], name=op.f('fk_evidence_document_id_documents'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['captured_by_id'], ['users.id'], name=op.f('fk_evidence_captured_by_id_users'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
        sa.UniqueConstraint('document_id', name=op.f('uq_evidence_document_id')),
        sa.UniqueConstraint('body_key', name=op.f('uq_evidence_body_key')),
        sa.UniqueConstraint('warc_key', name=op.f('uq_evidence_warc_key')),
        sa.UniqueConstraint('text_key', name=op.f('uq_evidence_text_key')),
    )
    op.create_index(op.f('ix_evidence_case_id'), 'evidence', ['case_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_evidence_case_id'), table_name='evidence')
    op.drop_table('evidence')
