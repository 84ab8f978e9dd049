"""The foundation itself: the app builds, migrations match the models, config guards production."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config import DEFAULT_SECRET_KEY
from webapp import create_app
from webapp.extensions import db
from webapp.models import Base, OutboxMessage
from tests.factories import VacancyFactory


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="CSWJOBS_SECRET_KEY"):
        create_app("production", {"SECRET_KEY": DEFAULT_SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_real_secret_key(tmp_path):
    app = create_app("production", {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                    "INSTANCE_PATH": str(tmp_path)})
    assert app.config["CONFIG_NAME"] == "production"


def test_a_vacancy_change_writes_an_outbox_row_in_the_same_transaction(app):
    vacancy = VacancyFactory()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    vacancy = VacancyFactory()
    db.session.commit()
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.aggregate_type == "vacancies")).all()
    assert [r.aggregate_id for r in rows] == [vacancy.id]
    assert rows[0].delivered_at is not None  # relayed in-process after the commit (embedded mode)


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
