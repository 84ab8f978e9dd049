"""Safer-recruitment applications and references

Revision ID: 0011_safer_recruitment
Revises: 0010_webhooks
"""
from alembic import op
import sqlalchemy as sa

revision = "0011_safer_recruitment"
down_revision = "0010_webhooks"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
