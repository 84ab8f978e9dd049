"""Server-side session ends, per-account limits and retention

Revision ID: 0015_security_retention
Revises: 0014_production
"""
from alembic import op
import sqlalchemy as sa

revision = "0015_security_retention"
down_revision = "0014_production"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
