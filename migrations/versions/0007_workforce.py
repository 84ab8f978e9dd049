"""Workforce: quarterly snapshots, agency placements and conversions, glidepaths

Revision ID: 0007_workforce
Revises: 0006_insights_extras
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0007_workforce"
down_revision = "0006_insights_extras"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
