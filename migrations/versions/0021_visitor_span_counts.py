"""Distinct visitors counted ahead (issue 15): funnel_visitor_span_counts, the visitor spans counted by
grouping, value, day and previous day, backfilled from funnel_visitor_spans

Revision ID: 0021_visitor_span_counts
Revises: 0020_search_speed
"""
from alembic import op
import sqlalchemy as sa

revision = "0021_visitor_span_counts"
down_revision = "0020_search_speed"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "funnel_visitor_span_counts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("grouping", sa.String(20), nullable=False),
        sa.Column("group_value", sa.String(40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("prev_day", sa.Date(), nullable=True),
        sa.Column("visitors", sa.Integer(), nullable=False),
    )
    op.create_index("ix_funnel_visitor_span_counts_day", "funnel_visitor_span_counts",
                    ["grouping", "day", "prev_day", "group_value", "visitors"])
    op.create_index("ix_funnel_visitor_span_counts_group", "funnel_visitor_span_counts",
                    ["grouping", "group_value", "day", "prev_day", "visitors"])
    # Existing rollups: the spans as they stand, counted (the same statement the rollup runs for a day).
    op.execute(
        "INSERT INTO funnel_visitor_span_counts (grouping, group_value, day, prev_day, visitors) "
        "SELECT grouping, group_value, day, prev_day, COUNT(*) FROM funnel_visitor_spans "
        "GROUP BY grouping, group_value, day, prev_day"
    )


def downgrade():
    op.drop_index("ix_funnel_visitor_span_counts_group", table_name="funnel_visitor_span_counts")
    op.drop_index("ix_funnel_visitor_span_counts_day", table_name="funnel_visitor_span_counts")
    op.drop_table("funnel_visitor_span_counts")
