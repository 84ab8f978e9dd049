"""Feeds, sitemaps and exports: council office addresses, nightly exports, indexing notices

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
    pass


def downgrade():
    pass
