"""Merging cases: where a merged case went, saved case-list filters

Revision ID: 0010_case_merge
Revises: 0009_intake
Create Date: 2026-11-30 09:00:00.000000

A merged case points at the case it was merged into. People carry keys derived from their name, email and phone
(filled here for the people already recorded) so that a possible duplicate is an index lookup. Each team member
keeps named filters of the case list and the window of their dashboard's deadlines.
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_case_merge'
down_revision = '0009_intake'
branch_labels = None
depends_on = None


# The keys as casefiles.people.matching makes them on that day (a migration never imports the running code).
def _fold(text):
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _name_key(name):
    return " ".join(sorted(re.findall(r"[0-9a-z]+", _fold(name))))[:200]


def _email_key(email):
    text = (email or "").strip().casefold()
    return text[:254] if "@" in text else ""


def _phone_key(phone):
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() and ch.isascii())
    return digits[-9:] if len(digits) >= 7 else ""


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_cases_merged_into_id_cases'), 'cases', ['merged_into_id'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('email_key', sa.String(length=254), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phone_key', sa.String(length=20), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_people_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_phone_key'), ['phone_key'], unique=False)

    bind = op.get_bind()
    people = sa.table(
        'people',
        sa.column('id', sa.Integer()),
        sa.column('legal_name', sa.String()),
        sa.column('contact_email', sa.String()),
        sa.column('contact_phone', sa.String()),
        sa.column('name_key', sa.String()),
        sa.column('email_key', sa.String()),
        sa.column('phone_key', sa.String()),
    )
    rows = bind.execute(
        sa.select(people.c.id, people.c.legal_name, people.c.contact_email, people.c.contact_phone)
    ).all()
    keys = [
        {'pid': r.id, 'n': _name_key(r.legal_name), 'e': _email_key(r.contact_email), 'p': _phone_key(r.contact_phone)}
        for r in rows
    ]
    if keys:
        bind.execute(
            people.update()
            .where(people.c.id == sa.bindparam('pid'))
            .values(name_key=sa.bindparam('n'), email_key=sa.bindparam('e'), phone_key=sa.bindparam('p')),
            keys,
        )

    op.create_table(
        'saved_case_filters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('query', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_saved_case_filters_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_case_filters')),
        sa.UniqueConstraint('user_id', 'name', name='uq_saved_case_filters_user_id_name'),
    )
    with op.batch_alter_table('saved_case_filters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_case_filters_user_id'), ['user_id'], unique=False)

    op.create_table(
        'dashboard_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('deadline_window_days', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_dashboard_preferences_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_dashboard_preferences')),
    )


def downgrade():
    op.drop_table('dashboard_preferences')
    with op.batch_alter_table('saved_case_filters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_case_filters_user_id'))
    op.drop_table('saved_case_filters')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_phone_key'))
        batch_op.drop_index(batch_op.f('ix_people_email_key'))
        batch_op.drop_index(batch_op.f('ix_people_name_key'))
        batch_op.drop_column('phone_key')
        batch_op.drop_column('email_key')
        batch_op.drop_column('name_key')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_merged_into_id_cases'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_merged_into_id'))
        batch_op.drop_column('merged_into_id')
