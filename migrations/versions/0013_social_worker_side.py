"""The social worker's side: hidden councils, saved jobs, relevance feedback, funnel steps

Profiles gain the councils they are hidden from and their last visit (a findable profile is
switched off after six months without one, after a warning); saved jobs with their closing
reminder; answers to "was this relevant?" under alert emails. The funnel's new steps need no
schema: they are new kinds of funnel event.

Revision ID: 0013_social_worker_side
Revises: 0012_notifications_messages
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_social_worker_side"
down_revision = "0012_notifications_messages"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("candidate_profiles", schema=None) as batch_op:
        # Existing profiles hide from nobody; the server default fills them, the model supplies it after.
        batch_op.add_column(sa.Column("hidden_from", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("last_visit_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("switch_off_warned_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("switched_off_at", sa.DateTime(), nullable=True))
    # A profile's last visit starts as its owner's last sign-in (or, never signed in, the profile's
    # last change), so no existing profile is switched off for a visit that was never recorded.
    op.execute(sa.text(
        "UPDATE candidate_profiles SET last_visit_at = COALESCE("
        "(SELECT users.last_sign_in_at FROM users WHERE users.id = candidate_profiles.user_id), updated_at)"))

    op.create_table("saved_jobs",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("vacancy_id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("reminded_at", sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_saved_jobs_user_id_users"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["vacancy_id"], ["vacancies.id"], name=op.f("fk_saved_jobs_vacancy_id_vacancies"),
                            ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_jobs")),
    sa.UniqueConstraint("user_id", "vacancy_id", name="uq_saved_jobs_user_vacancy")
    )
    with op.batch_alter_table("saved_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_jobs_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_saved_jobs_vacancy_id"), ["vacancy_id"], unique=False)

    op.create_table("alert_feedback",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("sent_alert_id", sa.Integer(), nullable=True),
    sa.Column("vacancy_id", sa.Integer(), nullable=True),
    sa.Column("frequency", sa.Enum("instant", "daily", "weekly", name="alertfrequency", native_enum=False, length=40),
              nullable=False),
    sa.Column("relevant", sa.Boolean(), nullable=False),
    sa.Column("answered_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["sent_alert_id"], ["sent_alerts.id"], name=op.f("fk_alert_feedback_sent_alert_id_sent_alerts"),
                            ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["vacancy_id"], ["vacancies.id"], name=op.f("fk_alert_feedback_vacancy_id_vacancies"),
                            ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_feedback")),
    sa.UniqueConstraint("sent_alert_id", name=op.f("uq_alert_feedback_sent_alert_id"))
    )
    with op.batch_alter_table("alert_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_feedback_answered_at"), ["answered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_feedback_vacancy_id"), ["vacancy_id"], unique=False)


def downgrade():
    with op.batch_alter_table("alert_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_feedback_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_alert_feedback_answered_at"))
    op.drop_table("alert_feedback")
    with op.batch_alter_table("saved_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_jobs_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_saved_jobs_user_id"))
    op.drop_table("saved_jobs")
    with op.batch_alter_table("candidate_profiles", schema=None) as batch_op:
        batch_op.drop_column("switched_off_at")
        batch_op.drop_column("switch_off_warned_at")
        batch_op.drop_column("last_visit_at")
        batch_op.drop_column("hidden_from")
