"""Campaigns, tracked links, attribution and daily funnel rollups

Revision ID: 0005_campaigns_funnel
Revises: 0004_saved_searches
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005_campaigns_funnel"
down_revision = "0004_saved_searches"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
