"""Matching: embeddings of vacancies and candidate profiles, invitations to apply

Revision ID: 0003_matching
Revises: 0002_featured_slots
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0003_matching"
down_revision = "0002_featured_slots"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
