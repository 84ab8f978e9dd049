"""Campaigns, tracked links, attribution and daily funnel rollups

Revision ID: 0005_campaigns_funnel
Revises: 0004_saved_searches
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_campaigns_funnel"
down_revision = "0004_saved_searches"
branch_labels = None
depends_on = None

_KINDS = ('featured', 'recruitment', 'event', 'refer_a_friend')
_CHANNELS = ('email', 'linkedin', 'social', 'job_board', 'poster', 'event', 'newsletter', 'referral', 'other')


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum(*_KINDS, name='campaignkind', native_enum=False, length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('budget', sa.Integer(), nullable=True),
    sa.Column('event_on', sa.Date(), nullable=True),
    sa.Column('event_place', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_campaigns_dates_in_order')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_campaigns_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('campaign_vacancies',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_vacancies_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_campaign_vacancies_vacancy_id_vacancies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'vacancy_id', name=op.f('pk_campaign_vacancies'))
    )
    with op.batch_alter_table('campaign_vacancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_vacancies_vacancy_id'), ['vacancy_id'], unique=False)

    op.create_table('tracked_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.Enum(*_CHANNELS, name='linkchannel', native_enum=False, length=40), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('destination', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_tracked_links_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracked_links')),
    sa.UniqueConstraint('code', name=op.f('uq_tracked_links_code'))
    )
    with op.batch_alter_table('tracked_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracked_links_campaign_id'), ['campaign_id'], unique=False)

    with op.batch_alter_table('funnel_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tracked_link_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_funnel_events_campaign_id_campaigns'), 'campaigns',
                                    ['campaign_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_funnel_events_tracked_link_id_tracked_links'), 'tracked_links',
                                    ['tracked_link_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_funnel_events_application_id_applications'), 'applications',
                                    ['application_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_funnel_events_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_funnel_events_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_funnel_events_occurred_at', ['occurred_at'], unique=False)
        batch_op.create_index('ix_funnel_events_user_time', ['user_id', 'occurred_at'], unique=False)

    op.create_table('funnel_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('sub_region', sa.String(length=40), nullable=True),
    sa.Column('vacancy_id', sa.Integer(), nullable=True),
    sa.Column('role_level', sa.String(length=40), nullable=True),
    sa.Column('service_area', sa.String(length=40), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('tracked_link_id', sa.Integer(), nullable=True),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funnel_daily'))
    )
    with op.batch_alter_table('funnel_daily', schema=None) as batch_op:
        batch_op.create_index('ix_funnel_daily_day_kind', ['day', 'kind'], unique=False)
        batch_op.create_index('ix_funnel_daily_org_day', ['organisation_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_funnel_daily_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('funnel_visitor_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('visitor_key', sa.String(length=80), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('sub_region', sa.String(length=40), nullable=True),
    sa.Column('role_level', sa.String(length=40), nullable=True),
    sa.Column('service_area', sa.String(length=40), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funnel_visitor_days'))
    )
    with op.batch_alter_table('funnel_visitor_days', schema=None) as batch_op:
        batch_op.create_index('ix_funnel_visitor_days_day', ['day', 'visitor_key'], unique=False)
        batch_op.create_index('ix_funnel_visitor_days_org_day', ['organisation_id', 'day'], unique=False)
        batch_op.create_index('ix_funnel_visitor_days_campaign', ['campaign_id', 'visitor_key'], unique=False)


def downgrade():
    op.drop_table('funnel_visitor_days')
    op.drop_table('funnel_daily')
    with op.batch_alter_table('funnel_events', schema=None) as batch_op:
        batch_op.drop_index('ix_funnel_events_user_time')
        batch_op.drop_index('ix_funnel_events_occurred_at')
        batch_op.drop_index(batch_op.f('ix_funnel_events_application_id'))
        batch_op.drop_index(batch_op.f('ix_funnel_events_campaign_id'))
        batch_op.drop_constraint(batch_op.f('fk_funnel_events_application_id_applications'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_funnel_events_tracked_link_id_tracked_links'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_funnel_events_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_column('application_id')
        batch_op.drop_column('tracked_link_id')
        batch_op.drop_column('campaign_id')
    op.drop_table('tracked_links')
    op.drop_table('campaign_vacancies')
    op.drop_table('campaigns')
