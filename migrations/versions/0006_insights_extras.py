"""Equal-opportunities answers and monthly bulletins

Revision ID: 0006_insights_extras
Revises: 0005_campaigns_funnel
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0006_insights_extras"
down_revision = "0005_campaigns_funnel"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
