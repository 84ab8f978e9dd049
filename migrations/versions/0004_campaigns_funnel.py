"""Campaigns, tracked links, funnel rollups, equal-opportunities data, bulletins

Revision ID: 0004_campaigns_funnel
Revises: 0003_matching
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0004_campaigns_funnel"
down_revision = "0003_matching"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
