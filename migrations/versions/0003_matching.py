"""Matching: embeddings of vacancies and candidate profiles, invitations to apply

Revision ID: 0003_matching
Revises: 0002_featured_slots
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_matching"
down_revision = "0002_featured_slots"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "embeddings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_embeddings")),
        sa.UniqueConstraint("model", "text_hash", name="uq_embeddings_model_text_hash"),
    )
    op.create_table(
        "vacancy_embeddings",
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["vacancy_id"], ["vacancies.id"],
                                name=op.f("fk_vacancy_embeddings_vacancy_id_vacancies"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("vacancy_id", name=op.f("pk_vacancy_embeddings")),
    )
    with op.batch_alter_table("vacancy_embeddings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vacancy_embeddings_text_hash"), ["text_hash"], unique=False)
    op.create_table(
        "profile_embeddings",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["candidate_profiles.id"],
                                name=op.f("fk_profile_embeddings_profile_id_candidate_profiles"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_profile_embeddings")),
    )
    with op.batch_alter_table("profile_embeddings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profile_embeddings_text_hash"), ["text_hash"], unique=False)
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["vacancy_id"], ["vacancies.id"], name=op.f("fk_invitations_vacancy_id_vacancies"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["candidate_id"], ["users.id"], name=op.f("fk_invitations_candidate_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"], name=op.f("fk_invitations_invited_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("vacancy_id", "candidate_id", name="uq_invitations_vacancy_candidate"),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_vacancy_id"), ["vacancy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_candidate_id"), ["candidate_id"], unique=False)


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_candidate_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_vacancy_id"))
    op.drop_table("invitations")
    with op.batch_alter_table("profile_embeddings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_embeddings_text_hash"))
    op.drop_table("profile_embeddings")
    with op.batch_alter_table("vacancy_embeddings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vacancy_embeddings_text_hash"))
    op.drop_table("vacancy_embeddings")
    op.drop_table("embeddings")
