"""Featured job slots: a vacancy pinned at the top of search between two dates

Revision ID: 0002_featured_slots
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_featured_slots"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "featured_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_featured_slots_dates_in_order")),
        sa.ForeignKeyConstraint(["vacancy_id"], ["vacancies.id"], name=op.f("fk_featured_slots_vacancy_id_vacancies"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_featured_slots_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_featured_slots")),
    )
    op.create_index("ix_featured_slots_dates", "featured_slots", ["starts_on", "ends_on"])
    op.create_index(op.f("ix_featured_slots_vacancy_id"), "featured_slots", ["vacancy_id"])
    op.create_index(op.f("ix_featured_slots_campaign_id"), "featured_slots", ["campaign_id"])


def downgrade():
    op.drop_table("featured_slots")
