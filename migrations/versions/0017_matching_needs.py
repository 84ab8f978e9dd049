"""Stated needs in the matching profile (issue 16)

Revision ID: 0017_matching_needs
Revises: 0016_feedback_admin
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0017_matching_needs"
down_revision = "0016_feedback_admin"
branch_labels = None
depends_on = None


def upgrade():
    # Reserved so the chain cannot fork while several engineers work at once; filled in by its issue's work.
    pass


def downgrade():
    pass
