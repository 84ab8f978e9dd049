"""Stated needs in the matching profile (issue 16)

Revision ID: 0017_matching_needs
Revises: 0016_feedback_admin

New optional questions on the social worker's profile: full or part time (and most hours a week),
"only these councils" beside the preferred ones, whether a band only needs to reach the lowest salary,
whether a step down in level is considered, and how much a protected caseload and hybrid working matter.

Existing profiles: preferred councils stay preferred (nothing becomes "only"); full or part time is read
from the working patterns they ticked (only full time or compressed hours: full time; only part time or
job share: part time; both kinds: either; none: not said); the salary is read against the bottom of the
band (the new default: nobody has said otherwise); no step down, no protected caseload or hybrid answer.
"""
from alembic import op
import sqlalchemy as sa

revision = "0017_matching_needs"
down_revision = "0016_feedback_admin"
branch_labels = None
depends_on = None

FULL_TIME_KINDS = {"full_time", "compressed"}
PART_TIME_KINDS = {"part_time", "job_share"}


def hours_from_patterns(patterns) -> str | None:
    """The full/part-time answer implied by the working patterns an existing profile ticked."""
    chosen = set(patterns or ())
    full, part = bool(chosen & FULL_TIME_KINDS), bool(chosen & PART_TIME_KINDS)
    if full and part:
        return "either"
    if full:
        return "full_time"
    if part:
        return "part_time"
    return None


def upgrade():
    with op.batch_alter_table("candidate_profiles") as batch_op:
        batch_op.add_column(sa.Column("only_boroughs", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("hours_wanted", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("part_time_hours_max", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("min_salary_anywhere_in_band", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("considers_step_down", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("protected_caseload", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("hybrid_working", sa.String(length=40), nullable=True))

    profiles = sa.table("candidate_profiles", sa.column("id", sa.Integer()), sa.column("working_patterns", sa.JSON()),
                        sa.column("hours_wanted", sa.String()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(profiles.c.id, profiles.c.working_patterns)).all()
    for profile_id, patterns in rows:
        hours = hours_from_patterns(patterns)
        if hours is not None:
            bind.execute(profiles.update().where(profiles.c.id == profile_id).values(hours_wanted=hours))

    # The model gives defaults for new rows; the server defaults were only for the rows already there.
    with op.batch_alter_table("candidate_profiles") as batch_op:
        batch_op.alter_column("only_boroughs", server_default=None)
        batch_op.alter_column("min_salary_anywhere_in_band", server_default=None)
        batch_op.alter_column("considers_step_down", server_default=None)


def downgrade():
    with op.batch_alter_table("candidate_profiles") as batch_op:
        for column in ("hybrid_working", "protected_caseload", "considers_step_down", "min_salary_anywhere_in_band",
                       "part_time_hours_max", "hours_wanted", "only_boroughs"):
            batch_op.drop_column(column)
