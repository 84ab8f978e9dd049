"""Reserved for faster embedded search (issue 15); no schema change was needed

Revision ID: 0020_search_speed
Revises: 0019_insights_speed
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0020_search_speed"
down_revision = "0019_insights_speed"
branch_labels = None
depends_on = None


def upgrade():
    # No schema change: reserved while several engineers worked at once (so the chain could not fork) and not
    # needed in the end. Kept, empty, because databases already stand at this revision.
    pass


def downgrade():
    pass
