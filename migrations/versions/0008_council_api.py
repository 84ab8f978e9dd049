"""Council integration API: API keys, idempotency, external references, vacancy soft delete

Revision ID: 0008_council_api
Revises: 0007_workforce
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_council_api"
down_revision = "0007_workforce"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
