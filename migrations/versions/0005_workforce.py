"""Workforce: quarterly snapshots, agency placements and conversions, glidepaths

Revision ID: 0005_workforce
Revises: 0004_campaigns_funnel
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005_workforce"
down_revision = "0004_campaigns_funnel"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
