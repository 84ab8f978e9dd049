"""Webhooks for councils: endpoints and deliveries

Revision ID: 0010_webhooks
Revises: 0009_feeds_exports
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_webhooks"
down_revision = "0009_feeds_exports"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
