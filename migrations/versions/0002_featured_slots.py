"""Featured job slots: a vacancy pinned at the top of search between two dates

Revision ID: 0002_featured_slots
Revises: 0001_foundation
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0002_featured_slots"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
