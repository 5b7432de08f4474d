"""case records of real cases: sanctions by several bodies with outcomes, harms, legal proceedings and hearings, groups

Revision ID: 0005_case_records
Revises: 0006_bilingual_settings
Create Date: 2026-11-30 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_case_records'
down_revision = '0006_bilingual_settings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'harms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=30), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=True),
        sa.Column('start_date_precision', sa.String(length=5), nullable=True),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.Column('end_date_precision', sa.String(length=5), nullable=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('description_fr', sa.Text(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('is_public', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_harms_case_id_cases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_harms')),
    )
    with op.batch_alter_table('harms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harms_case_id'), ['case_id'], unique=False)

    op.create_table(
        'proceedings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('brought_by', sa.String(length=300), nullable=False),
        sa.Column('court', sa.String(length=300), nullable=False),
        sa.Column('file_number', sa.String(length=100), nullable=False),
        sa.Column('parties', sa.Text(), nullable=False),
        sa.Column('counsel', sa.String(length=300), nullable=False),
        sa.Column('amount_claimed', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('filed_date', sa.Date(), nullable=True),
        sa.Column('filed_date_precision', sa.String(length=5), nullable=True),
        sa.Column('decision', sa.Text(), nullable=False),
        sa.Column('decision_fr', sa.Text(), nullable=False),
        sa.Column('decision_date', sa.Date(), nullable=True),
        sa.Column('decision_date_precision', sa.String(length=5), nullable=True),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('is_public', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'], ['cases.id'], name=op.f('fk_proceedings_case_id_cases'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proceedings')),
    )
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proceedings_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome_date_precision', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('group_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('group_name_fr', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('headcount', sa.Integer(), nullable=True))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_title', sa.String(length=200), nullable=False, server_default=''))

    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('institution_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('outcome_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome_date_precision', sa.String(length=5), nullable=True))
        batch_op.create_index(batch_op.f('ix_sanctions_institution_id'), ['institution_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_sanctions_institution_id_institutions'),
            'institutions',
            ['institution_id'],
            ['id'],
            ondelete='RESTRICT',
        )

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proceeding_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_proceeding_id'), ['proceeding_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_events_proceeding_id_proceedings'),
            'proceedings',
            ['proceeding_id'],
            ['id'],
            ondelete='SET NULL',
        )

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proceeding_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_tasks_proceeding_id'), ['proceeding_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_tasks_proceeding_id_proceedings'),
            'proceedings',
            ['proceeding_id'],
            ['id'],
            ondelete='CASCADE',
        )


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_proceeding_id_proceedings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tasks_proceeding_id'))
        batch_op.drop_column('proceeding_id')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_proceeding_id_proceedings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_events_proceeding_id'))
        batch_op.drop_column('proceeding_id')
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sanctions_institution_id_institutions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sanctions_institution_id'))
        batch_op.drop_column('outcome_date_precision')
        batch_op.drop_column('outcome_date')
        batch_op.drop_column('outcome')
        batch_op.drop_column('institution_id')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('role_title')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('headcount')
        batch_op.drop_column('group_name_fr')
        batch_op.drop_column('group_name')
        batch_op.drop_column('outcome_date_precision')
        batch_op.drop_column('outcome_date')
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proceedings_case_id'))
    op.drop_table('proceedings')
    with op.batch_alter_table('harms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harms_case_id'))
    op.drop_table('harms')
