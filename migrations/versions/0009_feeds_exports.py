"""Feeds, sitemaps and exports: council office addresses, nightly exports, indexing notices

Office addresses and logos for JobPosting; a vacancy's own office when it is not the council's;
a private feed key per saved search; the nightly export files (DWP Find a job).

Revision ID: 0009_feeds_exports
Revises: 0008_council_api
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_feeds_exports"
down_revision = "0008_council_api"
branch_labels = None
depends_on = None


def upgrade():
    # Existing councils get empty addresses (server_default), filled in by their staff or the demo.
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_street_address', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('office_postcode', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('logo_url', sa.String(length=300), nullable=True))
    # The model sets the value on insert; the server default was only for the rows already there.
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('office_street_address', server_default=None)
        batch_op.alter_column('office_postcode', server_default=None)

    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_street_address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('office_postcode', sa.String(length=10), nullable=True))

    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_key', sa.String(length=32), nullable=True))

    op.create_table('job_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('covers_from', sa.DateTime(), nullable=False),
    sa.Column('covers_to', sa.DateTime(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('vacancy_count', sa.Integer(), nullable=False),
    sa.Column('expired_count', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_exports'))
    )
    with op.batch_alter_table('job_exports', schema=None) as batch_op:
        batch_op.create_index('ix_job_exports_kind_created', ['kind', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('job_exports', schema=None) as batch_op:
        batch_op.drop_index('ix_job_exports_kind_created')
    op.drop_table('job_exports')
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_column('feed_key')
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_column('office_postcode')
        batch_op.drop_column('office_street_address')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('logo_url')
        batch_op.drop_column('office_postcode')
        batch_op.drop_column('office_street_address')
