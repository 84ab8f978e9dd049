"""The social worker's side: hidden councils, saved jobs, relevance feedback, funnel steps

Revision ID: 0013_social_worker_side
Revises: 0012_notifications_messages
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_social_worker_side"
down_revision = "0012_notifications_messages"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
