"""Server-side session ends, per-account limits and retention

Revision ID: 0015_security_retention
Revises: 0013_social_worker_side
"""
from alembic import op
import sqlalchemy as sa

revision = "0015_security_retention"
down_revision = "0013_social_worker_side"
branch_labels = None
depends_on = None


def upgrade():
    # batch_alter_table: SQLite rebuilds the table, PostgreSQL alters it in place.
    with op.batch_alter_table("users") as batch:
        # Existing sessions carry no generation and so end once: everyone signs in again after the upgrade.
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("inactivity_warned_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("inactivity_warned_at")
        batch.drop_column("session_generation")
