"""Safer-recruitment applications and references

Application drafts, the submitted form's answers on each application, referees and their
references, and each council's choice of when references are requested.

Applications sent before this form existed keep answers NULL: they hold only a supporting
statement, and the recruiter's page says so rather than showing empty sections.

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
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=True))

    op.create_table(
        "application_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["users.id"], name=op.f("fk_application_drafts_candidate_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vacancy_id"], ["vacancies.id"],
                                name=op.f("fk_application_drafts_vacancy_id_vacancies"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_drafts")),
        sa.UniqueConstraint("candidate_id", "vacancy_id", name="uq_application_drafts_candidate_vacancy"),
    )
    with op.batch_alter_table("application_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_drafts_candidate_id"), ["candidate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_application_drafts_vacancy_id"), ["vacancy_id"], unique=False)

    op.create_table(
        "referees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("relationship_to_applicant", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("current_employer", sa.Boolean(), nullable=False),
        sa.Column("consent_to_contact", sa.Boolean(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("link_expires_at", sa.DateTime(), nullable=True),
        sa.Column("link_sent_at", sa.DateTime(), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_referees_application_id_applications"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_referees_requested_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referees")),
        sa.UniqueConstraint("application_id", "position", name="uq_referees_application_position"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_referees_token_hash")),
    )
    with op.batch_alter_table("referees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referees_application_id"), ["application_id"], unique=False)

    op.create_table(
        "recruitment_settings",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("references_at", sa.Enum("shortlisted", "offered", name="referencestage", native_enum=False,
                                           create_constraint=False, length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_recruitment_settings_organisation_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_recruitment_settings")),
    )


def downgrade():
    op.drop_table("recruitment_settings")
    with op.batch_alter_table("referees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referees_application_id"))
    op.drop_table("referees")
    with op.batch_alter_table("application_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_drafts_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_application_drafts_candidate_id"))
    op.drop_table("application_drafts")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("answers")
