"""Notifications, messages and the recruiter's inbox: queued mail and bounced addresses

Revision ID: 0012_notifications_messages
Revises: 0011_safer_recruitment
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_notifications_messages"
down_revision = "0011_safer_recruitment"
branch_labels = None
depends_on = None

MAIL_STATUSES = ("queued", "sending", "sent", "suppressed", "bounced", "failed")


def upgrade():
    op.create_table(
        "outgoing_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("status", sa.Enum(*MAIL_STATUSES, name="mailstatus", native_enum=False, length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_outgoing_mail_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mail")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outgoing_mail_message_id")),
    )
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outgoing_mail_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_outgoing_mail_status_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "bounced_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bounced_addresses")),
        sa.UniqueConstraint("email", name=op.f("uq_bounced_addresses_email")),
    )


def downgrade():
    op.drop_table("bounced_addresses")
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.drop_index("ix_outgoing_mail_status_due")
        batch_op.drop_index(batch_op.f("ix_outgoing_mail_user_id"))
    op.drop_table("outgoing_mail")
