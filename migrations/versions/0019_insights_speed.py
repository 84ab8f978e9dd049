"""Faster region dashboards (issue 15): funnel_visitor_spans (distinct visitors as a range count), covering
indexes on funnel_daily and funnel_events, and funnel_rollup_marks (the dashboard's figures kept between rollups)

Revision ID: 0019_insights_speed
Revises: 0018_alert_matching
"""
from alembic import op
import sqlalchemy as sa

revision = "0019_insights_speed"
down_revision = "0018_alert_matching"
branch_labels = None
depends_on = None

# As services.rollups.SPAN_GROUPINGS (kept here as it was when written: a migration never imports app code).
GROUPINGS = ("all", "organisation_id", "sub_region", "role_level", "service_area", "campaign_id")


def upgrade():
    op.create_table(
        "funnel_visitor_spans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("grouping", sa.String(20), nullable=False),
        sa.Column("group_value", sa.String(40), nullable=False),
        sa.Column("visitor_key", sa.String(80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("prev_day", sa.Date(), nullable=True),
    )
    op.create_index("ix_funnel_visitor_spans_count", "funnel_visitor_spans", ["grouping", "day", "prev_day", "group_value"])
    op.create_index("ix_funnel_visitor_spans_visitor", "funnel_visitor_spans",
                    ["grouping", "group_value", "visitor_key", "day"])
    op.create_index("ix_funnel_visitor_spans_group", "funnel_visitor_spans", ["grouping", "group_value", "day", "prev_day"])
    op.create_index("ix_funnel_daily_day_cover", "funnel_daily", ["day", "kind", "organisation_id", "sub_region",
                                                                  "role_level", "service_area", "campaign_id", "people"])
    op.create_index("ix_funnel_daily_campaign_cover", "funnel_daily", ["campaign_id", "kind", "organisation_id", "people"])
    op.create_index("ix_funnel_events_kind_application", "funnel_events", ["kind", "application_id", "occurred_at"])
    op.create_index("ix_funnel_events_kind_user_vacancy", "funnel_events", ["kind", "user_id", "vacancy_id", "occurred_at"])
    op.create_table(
        "funnel_rollup_marks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
    )
    # Existing rollups: each visitor's days per group, with the day before (LAG), from funnel_visitor_days.
    for grouping in GROUPINGS:
        value = "''" if grouping == "all" else f"COALESCE(CAST({grouping} AS VARCHAR(40)), '')"
        op.execute(
            "INSERT INTO funnel_visitor_spans (grouping, group_value, visitor_key, day, prev_day) "
            f"SELECT '{grouping}', value, visitor_key, day, "
            "LAG(day) OVER (PARTITION BY value, visitor_key ORDER BY day) "
            f"FROM (SELECT DISTINCT {value} AS value, visitor_key, day FROM funnel_visitor_days) AS visits"
        )


def downgrade():
    op.drop_table("funnel_rollup_marks")
    op.drop_index("ix_funnel_events_kind_user_vacancy", table_name="funnel_events")
    op.drop_index("ix_funnel_events_kind_application", table_name="funnel_events")
    op.drop_index("ix_funnel_daily_campaign_cover", table_name="funnel_daily")
    op.drop_index("ix_funnel_daily_day_cover", table_name="funnel_daily")
    op.drop_index("ix_funnel_visitor_spans_group", table_name="funnel_visitor_spans")
    op.drop_index("ix_funnel_visitor_spans_visitor", table_name="funnel_visitor_spans")
    op.drop_index("ix_funnel_visitor_spans_count", table_name="funnel_visitor_spans")
    op.drop_table("funnel_visitor_spans")
