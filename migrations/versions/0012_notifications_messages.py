"""Notifications, messages and the recruiter's inbox

Revision ID: 0012_notifications_messages
Revises: 0011_safer_recruitment
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_notifications_messages"
down_revision = "0011_safer_recruitment"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
