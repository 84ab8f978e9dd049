"""Production readiness: deployment-related schema

Revision ID: 0014_production
Revises: 0013_social_worker_side
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_production"
down_revision = "0013_social_worker_side"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
