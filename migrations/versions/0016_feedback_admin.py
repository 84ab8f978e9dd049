"""Feedback sent through the form linked from the phase banner

Revision ID: 0016_feedback_admin
Revises: 0015_security_retention
"""
from alembic import op
import sqlalchemy as sa

revision = "0016_feedback_admin"
down_revision = "0015_security_retention"
branch_labels = None
depends_on = None


def upgrade():
    # A new table: the same statement on SQLite and PostgreSQL, no batch rebuild needed.
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.String(length=30), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("page", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback") as batch:
        batch.create_index(batch.f("ix_feedback_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("feedback") as batch:
        batch.drop_index(batch.f("ix_feedback_created_at"))
    op.drop_table("feedback")
