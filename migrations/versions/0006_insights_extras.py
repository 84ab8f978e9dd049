"""Equal-opportunities answers and monthly bulletins

Revision ID: 0006_insights_extras
Revises: 0005_campaigns_funnel
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_insights_extras"
down_revision = "0005_campaigns_funnel"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equality_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sex', sa.String(length=40), nullable=True),
    sa.Column('gender_same_as_birth', sa.String(length=40), nullable=True),
    sa.Column('age_band', sa.String(length=40), nullable=True),
    sa.Column('ethnicity', sa.String(length=40), nullable=True),
    sa.Column('disability', sa.String(length=40), nullable=True),
    sa.Column('sexual_orientation', sa.String(length=40), nullable=True),
    sa.Column('religion', sa.String(length=40), nullable=True),
    sa.Column('caring_responsibilities', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_equality_answers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equality_answers')),
    sa.UniqueConstraint('user_id', name=op.f('uq_equality_answers_user_id'))
    )

    op.create_table('bulletins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=120), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.Column('mailed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_bulletins_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletins')),
    sa.UniqueConstraint('month', 'scope', name='uq_bulletins_month_scope')
    )
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletins_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletins_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('bulletin_subscriptions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bulletin_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_bulletin_subscriptions'))
    )


def downgrade():
    op.drop_table('bulletin_subscriptions')
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletins_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_bulletins_month'))
    op.drop_table('bulletins')
    op.drop_table('equality_answers')
