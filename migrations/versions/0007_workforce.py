"""Workforce: quarterly snapshots, agency placements and conversions, glidepaths

Revision ID: 0007_workforce
Revises: 0006_insights_extras
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_workforce"
down_revision = "0006_insights_extras"
branch_labels = None
depends_on = None

ROLE_LEVELS = ('student', 'nqsw', 'social_worker', 'senior_practitioner', 'advanced_practitioner',
               'assistant_team_manager', 'team_manager', 'service_manager', 'iro_cp_chair', 'principal_social_worker')
LEAVING_REASONS = ('pay', 'progression', 'workload', 'hours', 'work_life_balance', 'agency_work', 'another_council',
                   'relocation', 'retirement', 'left_profession', 'dismissal', 'other', 'not_known')
CONVERSION_SOURCES = ('temp_to_perm_event', 'campaign', 'direct_approach', 'other')


def _fte(name, nullable=False):
    return sa.Column(name, sa.Numeric(precision=8, scale=2), nullable=nullable)


def upgrade():
    op.create_table('workforce_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('quarter_start', sa.Date(), nullable=False),
    _fte('establishment_fte'),
    _fte('permanent_fte'),
    _fte('agency_fte'),
    _fte('agency_bank_fte'),
    _fte('agency_project_fte'),
    _fte('vacancies_fte'),
    _fte('starters_fte'),
    _fte('leavers_fte'),
    _fte('caseholding_posts_fte'),
    _fte('caseholding_permanent_fte'),
    sa.Column('asye_starters', sa.Integer(), nullable=False),
    sa.Column('asye_cohort_year_ago', sa.Integer(), nullable=False),
    sa.Column('asye_retained', sa.Integer(), nullable=False),
    sa.Column('permanent_headcount', sa.Integer(), nullable=True),
    sa.Column('agency_headcount', sa.Integer(), nullable=True),
    sa.Column('cases_held', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_workforce_snapshots_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workforce_snapshots_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workforce_snapshots')),
    sa.UniqueConstraint('organisation_id', 'quarter_start', name='uq_workforce_snapshots_organisation_quarter')
    )
    with op.batch_alter_table('workforce_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workforce_snapshots_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workforce_snapshots_quarter_start'), ['quarter_start'], unique=False)

    op.create_table('workforce_leaver_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum(*LEAVING_REASONS, name='leavingreason', native_enum=False, length=40), nullable=False),
    _fte('fte'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['workforce_snapshots.id'], name=op.f('fk_workforce_leaver_reasons_snapshot_id_workforce_snapshots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workforce_leaver_reasons')),
    sa.UniqueConstraint('snapshot_id', 'reason', name='uq_workforce_leaver_reasons_snapshot_reason')
    )
    with op.batch_alter_table('workforce_leaver_reasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workforce_leaver_reasons_snapshot_id'), ['snapshot_id'], unique=False)

    op.create_table('workforce_leavers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('worker_key', sa.String(length=64), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workforce_leavers_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_workforce_leavers_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workforce_leavers'))
    )
    with op.batch_alter_table('workforce_leavers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workforce_leavers_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workforce_leavers_worker_key'), ['worker_key'], unique=False)

    op.create_table('agency_placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role_level', sa.Enum(*ROLE_LEVELS, name='rolelevel', native_enum=False, length=40), nullable=False),
    sa.Column('team', sa.String(length=120), nullable=False),
    sa.Column('agency_name', sa.String(length=120), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('day_rate', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('fte', sa.Numeric(precision=3, scale=2), nullable=False),
    sa.Column('worker_key', sa.String(length=64), nullable=True),
    sa.Column('cooling_off_until', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_agency_placements_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_agency_placements_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_placements'))
    )
    with op.batch_alter_table('agency_placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_placements_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_placements_worker_key'), ['worker_key'], unique=False)

    op.create_table('agency_conversions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('converted_on', sa.Date(), nullable=False),
    sa.Column('source', sa.Enum(*CONVERSION_SOURCES, name='conversionsource', native_enum=False, length=40), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('permanent_salary', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_agency_conversions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['placement_id'], ['agency_placements.id'], name=op.f('fk_agency_conversions_placement_id_agency_placements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_agency_conversions_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_conversions')),
    sa.UniqueConstraint('placement_id', name=op.f('uq_agency_conversions_placement_id'))
    )
    with op.batch_alter_table('agency_conversions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_conversions_converted_on'), ['converted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_conversions_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('glidepath_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('quarter_start', sa.Date(), nullable=False),
    _fte('permanent_fte_target'),
    _fte('agency_fte_target'),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_glidepath_targets_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glidepath_targets')),
    sa.UniqueConstraint('organisation_id', 'quarter_start', name='uq_glidepath_targets_organisation_quarter')
    )
    with op.batch_alter_table('glidepath_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_glidepath_targets_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('region_workforce_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooling_off_months', sa.Integer(), nullable=False),
    sa.Column('day_rate_caps', sa.JSON(), nullable=False),
    sa.Column('on_cost_rate', sa.Numeric(precision=4, scale=3), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_region_workforce_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_workforce_settings'))
    )


def downgrade():
    op.drop_table('region_workforce_settings')
    with op.batch_alter_table('glidepath_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_glidepath_targets_organisation_id'))
    op.drop_table('glidepath_targets')
    with op.batch_alter_table('agency_conversions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_conversions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_agency_conversions_converted_on'))
    op.drop_table('agency_conversions')
    with op.batch_alter_table('agency_placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_placements_worker_key'))
        batch_op.drop_index(batch_op.f('ix_agency_placements_organisation_id'))
    op.drop_table('agency_placements')
    with op.batch_alter_table('workforce_leavers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workforce_leavers_worker_key'))
        batch_op.drop_index(batch_op.f('ix_workforce_leavers_organisation_id'))
    op.drop_table('workforce_leavers')
    with op.batch_alter_table('workforce_leaver_reasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workforce_leaver_reasons_snapshot_id'))
    op.drop_table('workforce_leaver_reasons')
    with op.batch_alter_table('workforce_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workforce_snapshots_quarter_start'))
        batch_op.drop_index(batch_op.f('ix_workforce_snapshots_organisation_id'))
    op.drop_table('workforce_snapshots')
