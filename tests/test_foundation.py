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
    from tests.production import production_app

    with production_app(tmp_path, CSWJOBS_SECRET_KEY="x" * 40) as app:
        assert app.config["CONFIG_NAME"] == "production" and app.config["SECRET_KEY"] == "x" * 40


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


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_stays_alive_while_the_database_is_unreachable_and_readyz_says_why(tmp_path):
    # Liveness must not follow the database: an outage would otherwise restart every instance at once.
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                              "INSTANCE_PATH": str(tmp_path)})
    assert app.test_client().get("/healthz").status_code == 200
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503
    assert "database" in ready.get_json()["failed"]


def test_the_relay_marks_a_whole_batch_delivered(app):
    from webapp.outbox.relay import pending_count, relay_batch

    for _ in range(3):
        VacancyFactory()
    db.session.commit()  # relayed in-process at once; make them pending again, as after an outage
    db.session.execute(sa.update(OutboxMessage).values(delivered_at=None))
    db.session.commit()
    waiting = pending_count(db.session)
    assert waiting >= 3
    report = relay_batch(db.session)
    assert report.delivered == waiting
    assert pending_count(db.session) == 0


def test_each_request_in_a_test_starts_with_a_fresh_sign_in(app, client):
    from flask_login import current_user

    from tests.factories import CandidateFactory
    from tests.helpers import sign_in_as

    person = CandidateFactory()
    db.session.commit()
    sign_in_as(client, person)
    with client:
        client.get("/")
        assert current_user.is_authenticated
    with client.session_transaction() as session:
        session.clear()
    with client:
        client.get("/")
        assert not current_user.is_authenticated  # not remembered from the previous request
