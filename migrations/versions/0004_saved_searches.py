"""Saved searches and job alerts (with what each alert has already sent)

Revision ID: 0004_saved_searches
Revises: 0003_matching
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_saved_searches"
down_revision = "0003_matching"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('frequency', sa.Enum('instant', 'daily', 'weekly', name='alertfrequency', native_enum=False, length=40), nullable=False),
    sa.Column('alerts_on', sa.Boolean(), nullable=False),
    sa.Column('last_checked_at', sa.DateTime(), nullable=True),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches'))
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)

    op.create_table('sent_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('saved_search_id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_searches.id'], name=op.f('fk_sent_alerts_saved_search_id_saved_searches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_sent_alerts_vacancy_id_vacancies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_alerts')),
    sa.UniqueConstraint('saved_search_id', 'vacancy_id', name='uq_sent_alerts_search_vacancy')
    )
    with op.batch_alter_table('sent_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_alerts_vacancy_id'), ['vacancy_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sent_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_alerts_vacancy_id'))
    op.drop_table('sent_alerts')
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_user_id'))
    op.drop_table('saved_searches')
