"""The index follows the database through the outbox: edits, closes, council renames, a relay
that fails and catches up, and the full reindex behind `flask search reindex`."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.vocabulary import VacancyStatus
from tests.factories import OrganisationFactory, VacancyFactory
from config import SettingsError
from webapp import create_app
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.search import SearchQuery, get_engine
from webapp.search.engine import engine_for
from webapp.search.sync import reindex
from webapp.outbox.relay import relay_pending


def found(keywords: str = "", **filters) -> list[int]:
    return get_engine().search(SearchQuery(keywords=keywords, **filters)).ids


def test_a_committed_live_vacancy_is_searchable_and_a_draft_is_not(app):
    live = VacancyFactory(title="Fostering social worker")
    draft = VacancyFactory(title="Fostering team manager", status=VacancyStatus.DRAFT)
    db.session.commit()
    assert found("fostering") == [live.id]
    assert draft.id not in found()


def test_an_uncommitted_change_never_reaches_the_index(app):
    VacancyFactory(title="Adoption social worker")
    db.session.rollback()
    assert get_engine().count() == 0


def test_an_edit_reaches_the_index_after_the_commit(app):
    vacancy = VacancyFactory(title="Adoption social worker")
    db.session.commit()
    vacancy.title = "Youth justice social worker"
    db.session.commit()
    assert found("adoption") == []
    assert found("youth justice") == [vacancy.id]


def test_closing_a_vacancy_removes_it_and_reopening_brings_it_back(app):
    vacancy = VacancyFactory(title="Edge of care practitioner")
    db.session.commit()
    vacancy.status = VacancyStatus.CLOSED
    db.session.commit()
    assert found("edge of care") == [] and get_engine().count() == 0
    vacancy.status = VacancyStatus.LIVE
    vacancy.closing_date = dt.date.today() + dt.timedelta(days=10)
    db.session.commit()
    assert found("edge of care") == [vacancy.id]


def test_renaming_a_council_reindexes_its_vacancies(app):
    organisation = OrganisationFactory(name="Camden", slug="camden")
    vacancy = VacancyFactory(organisation=organisation)
    db.session.commit()
    organisation.name = "Somers Town"
    db.session.commit()
    assert found("somers town") == [vacancy.id]


def test_a_failed_relay_leaves_the_change_committed_and_pending_then_catches_up(app, monkeypatch):
    engine = get_engine()

    def down(docs):
        raise ConnectionError("search index unavailable")

    monkeypatch.setattr(engine, "index", down)
    vacancy = VacancyFactory(title="Care leavers personal adviser")
    db.session.commit()  # the user's change commits even though indexing failed
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.aggregate_id == vacancy.id))
    assert message.delivered_at is None and message.attempts == 1
    assert "search index unavailable" in message.last_error
    assert found("care leavers") == []

    monkeypatch.undo()
    db.session.execute(sa.update(OutboxMessage).values(available_at=dt.datetime(2000, 1, 1)))
    db.session.commit()
    report = relay_pending()
    assert report.failed == 0 and report.delivered >= 1
    assert found("care leavers") == [vacancy.id]


def test_reindex_rebuilds_the_index_from_the_database(app):
    live = VacancyFactory.create_batch(3)
    VacancyFactory(status=VacancyStatus.CLOSED)
    db.session.commit()
    engine = get_engine()
    engine.reset()
    assert engine.count() == 0
    seen = []
    report = reindex(progress=seen.append, batch_size=2)
    assert report.documents == 3 and engine.count() == 3
    assert sorted(found()) == sorted(v.id for v in live)
    assert seen == [3]  # one progress call per loaded chunk of the engine (500)
    assert "Reindexed 3 live vacancies" in report.summary


def test_flask_search_reindex_and_status_commands(app):
    VacancyFactory.create_batch(2)
    db.session.commit()
    get_engine().reset()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "2/2 indexed" in result.output
    assert result.output.strip().splitlines()[-1].startswith("Reindexed 2 live vacancies into the sqlite index")
    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 0, status.output
    assert "live documents" in status.output and "outbox pending" in status.output
    assert "disagree" not in status.output


def test_status_says_when_the_index_and_database_disagree(app):
    VacancyFactory()
    db.session.commit()
    get_engine().reset()
    output = app.test_cli_runner().invoke(args=["search", "status"]).output
    assert "run `flask search reindex`" in output


def test_status_reports_the_lag_of_the_oldest_change_the_index_has_not_heard_about(app):
    import datetime as dt
    import re

    import sqlalchemy as sa

    from webapp.models import OutboxMessage, utcnow
    from webapp.outbox.relay import oldest_pending_age

    runner = app.test_cli_runner()
    assert re.search(r"^index lag seconds +0$", runner.invoke(args=["search", "status"]).output, re.M)
    now = utcnow()
    db.session.execute(sa.insert(OutboxMessage), [
        {"topic": "vacancy.changed", "aggregate_type": "vacancies", "aggregate_id": 1, "payload": {},
         "created_at": now - dt.timedelta(seconds=90), "available_at": now, "attempts": 0},
        {"topic": "profile.changed", "aggregate_type": "candidate_profiles", "aggregate_id": 1, "payload": {},
         "created_at": now - dt.timedelta(seconds=600), "available_at": now, "attempts": 0},
    ])
    db.session.commit()
    assert oldest_pending_age(db.session, ("vacancy.changed",), now=now) == dt.timedelta(seconds=90)
    assert oldest_pending_age(db.session, now=now) == dt.timedelta(seconds=600)
    output = runner.invoke(args=["search", "status"]).output
    assert re.search(r"^outbox pending +2$", output, re.M)
    lag = float(re.search(r"^index lag seconds +([\d.]+)$", output, re.M).group(1))
    assert lag >= 90  # measured against the real clock: at least as old as the message


def test_the_index_file_lives_where_the_config_says(app, tmp_path):
    VacancyFactory()
    db.session.commit()
    assert get_engine().status()["path"] == app.config["SEARCH_SQLITE_PATH"]
    assert (tmp_path / "search.sqlite3").exists()


@pytest.mark.parametrize(("url", "engine_name"), [("sqlite", "sqlite"), ("", "sqlite"),
                                                  ("http://127.0.0.1:9200", "elasticsearch")])
def test_the_engine_is_chosen_by_configuration(tmp_path, url, engine_name):
    application = create_app("test", {"SEARCH_URL": url, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                      "INSTANCE_PATH": str(tmp_path),
                                      "SEARCH_SQLITE_PATH": str(tmp_path / "search.sqlite3")})
    engine = engine_for(application)
    assert engine.name == engine_name
    assert engine_for(application) is engine  # built once per app


def test_an_unknown_search_url_fails_clearly_when_the_app_is_built(tmp_path):
    with pytest.raises(SettingsError, match="SEARCH_URL must be 'sqlite' or an Elasticsearch URL"):
        create_app("test", {"SEARCH_URL": "solr://x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                            "INSTANCE_PATH": str(tmp_path)})
