"""Reserved for matching new vacancies against stored searches (issue 15); no schema change was needed

Revision ID: 0018_alert_matching
Revises: 0017_matching_needs
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0018_alert_matching"
down_revision = "0017_matching_needs"
branch_labels = None
depends_on = None


def upgrade():
    # No schema change: reserved while several engineers worked at once (so the chain could not fork) and not
    # needed in the end. Kept, empty, because databases already stand at this revision.
    pass


def downgrade():
    pass
