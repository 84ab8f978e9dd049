"""The restore docs/operations.md gives, run for real: scripts/backup dumps a PostgreSQL database with pg_dump,
scripts/restore loads it into an empty database, migrates and reindexes, and the restored service finds the
same jobs in the same order; a restore into a database that has tables is refused and changes nothing."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.factories import OrganisationFactory, VacancyFactory
from webapp import create_app
from webapp.extensions import db
from webapp.models import Base
from webapp.search import SearchQuery, get_engine
from webapp.search.sync import reindex

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ({"keywords": "fostering"}, {"keywords": "social worker"}, {"keywords": "child protection"}, {})


@pytest.fixture
def databases():
    """Two databases of this test's own on the test server: the service's, and an empty one to restore into."""
    server = sa.make_url(os.environ["CSWJOBS_TEST_DATABASE_URL"])
    names = [f"cswjobs_restore_{uuid.uuid4().hex[:8]}_{role}" for role in ("live", "restored")]
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield [server.set(database=name).render_as_string(hide_password=False) for name in names]
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def service(database_url: str, elasticsearch_url: str, prefix: str, instance: Path):
    return create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url, "SEARCH_URL": elasticsearch_url,
                               "SEARCH_INDEX_PREFIX": prefix, "INSTANCE_PATH": str(instance)})


def results(app) -> list[list[int]]:
    with app.app_context():
        return [get_engine().search(SearchQuery(per_page=50, **criteria)).ids for criteria in QUERIES]


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
                  for t in Base.metadata.sorted_tables}
        db.session.remove()
        db.engine.dispose()
        return counts


def run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / script), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.backends("postgresql")
def test_back_up_restore_into_an_empty_database_reindex_and_find_the_same_jobs(databases, elasticsearch_url,
                                                                              es_prefix, tmp_path):
    live_url, restored_url = databases
    live = service(live_url, elasticsearch_url, f"{es_prefix}-live", tmp_path / "live")
    with live.app_context():
        upgrade()
        camden, hackney = OrganisationFactory(name="Camden"), OrganisationFactory(name="Hackney")
        for n, (title, council) in enumerate([
            ("Fostering social worker", camden), ("Senior practitioner, fostering", hackney),
            ("Child protection social worker", camden), ("Team manager, child protection", hackney),
            ("Social worker, children in need", camden), ("Fostering assessing social worker", camden),
        ]):
            VacancyFactory(title=title, organisation=council, salary_min=40000 + 1000 * n)
        db.session.commit()
        reindex()
        db.session.remove()
        db.engine.dispose()
    before = results(live)
    assert all(before) and len(before[-1]) == 6  # every query finds something: the comparison means something

    environ = {k: v for k, v in os.environ.items() if not k.startswith("CSWJOBS_")}
    backup = tmp_path / "cswjobs.dump"
    made = run("backup", str(backup), env={**environ, "CSWJOBS_DATABASE_URL": live_url})
    assert made.returncode == 0, made.stderr
    assert backup.stat().st_size > 0 and oct(backup.stat().st_mode & 0o777) == "0o600"

    restore_env = {**environ, "CSWJOBS_CONFIG": "test", "CSWJOBS_DATABASE_URL": restored_url,
                   "CSWJOBS_SEARCH_URL": elasticsearch_url, "CSWJOBS_SEARCH_INDEX_PREFIX": f"{es_prefix}-restored",
                   "CSWJOBS_INSTANCE_PATH": str(tmp_path / "restored"), "HF_HUB_OFFLINE": "1"}
    restored = run("restore", str(backup), env=restore_env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Reindexed 6 live vacancies into the elasticsearch index" in restored.stdout

    after = service(restored_url, elasticsearch_url, f"{es_prefix}-restored", tmp_path / "restored")
    assert results(after) == before
    restored_rows, live_rows = row_counts(after), row_counts(live)
    # The restore's `flask matching reindex` embeds with the real model, beside the tests' stand-in's vectors
    # (vectors are kept per encoder): more embeddings, every other table the same.
    assert restored_rows.pop("embeddings") >= live_rows.pop("embeddings") > 0
    assert restored_rows == live_rows

    again = run("restore", str(backup), env=restore_env)
    assert again.returncode == 1 and "already has" in again.stderr and "restore only into an empty database" in again.stderr
    assert {**row_counts(after), "embeddings": 0} == {**restored_rows, "embeddings": 0}  # nothing loaded twice
