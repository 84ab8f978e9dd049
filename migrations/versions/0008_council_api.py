"""Council integration API: API keys, idempotency, external references, vacancy soft delete

Revision ID: 0008_council_api
Revises: 0007_workforce
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_council_api"
down_revision = "0007_workforce"
branch_labels = None
depends_on = None

NOT_DELETED = sa.text("deleted_at IS NULL")


def upgrade():
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.Enum("read", "write", name="apikeyscope", native_enum=False, create_constraint=False,
                                   length=40), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_api_keys_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_api_keys_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_api_keys_revoked_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["replaced_by_id"], ["api_keys.id"],
                                name=op.f("fk_api_keys_replaced_by_id_api_keys"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_index(op.f("ix_api_keys_organisation_id"), "api_keys", ["organisation_id"])

    op.create_table(
        "api_idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_api_idempotent_requests_organisation_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotent_requests")),
        sa.UniqueConstraint("organisation_id", "key", name="uq_api_idempotent_requests_key"),
    )
    op.create_index(op.f("ix_api_idempotent_requests_created_at"), "api_idempotent_requests", ["created_at"])

    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description_html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("external_reference", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
    # Partial unique index (both PostgreSQL and SQLite have them): outside the batch, which would
    # otherwise rebuild the table on SQLite just to add it.
    op.create_index("uq_vacancies_external_reference", "vacancies", ["organisation_id", "external_reference"],
                    unique=True, postgresql_where=NOT_DELETED, sqlite_where=NOT_DELETED)


def downgrade():
    op.drop_index("uq_vacancies_external_reference", table_name="vacancies")
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("external_reference")
        batch_op.drop_column("description_html")
    op.drop_index(op.f("ix_api_idempotent_requests_created_at"), table_name="api_idempotent_requests")
    op.drop_table("api_idempotent_requests")
    op.drop_index(op.f("ix_api_keys_organisation_id"), table_name="api_keys")
    op.drop_table("api_keys")
