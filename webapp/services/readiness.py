"""Is this instance ready for traffic? Each dependency checked quickly, with the reason when one is not.

/readyz (a load balancer's or orchestrator's readiness probe) and `flask` operators read it; /healthz only
says the process is alive. A check never raises: a failure is a reason, never a stack trace, and never an
address, password or error text that could reach a stranger calling /readyz.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

import config
from webapp.dispatch import redis_connection
from webapp.extensions import db
from webapp.outbox.relay import oldest_pending_age
from webapp.search.engine import get_engine

log = logging.getLogger(__name__)


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {"status": "ready" if self.ready else "unavailable", "failed": self.failed, "checks": self.checks}


@functools.cache
def migrations() -> ScriptDirectory:
    """The migrations this code ships (read once per process: they change only with a release)."""
    return ScriptDirectory(str(config.PROJECT_ROOT / "migrations"))


def migration_heads() -> tuple[str, ...]:
    return tuple(sorted(migrations().get_heads()))


def _known(revision: str) -> bool:
    try:
        return migrations().get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises for a revision it has never heard of
        return False


def _database() -> str | None:
    db.session.execute(sa.text("SELECT 1"))
    return None


def _migrations() -> str | None:
    with db.engine.connect() as connection:
        current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    if current == migration_heads():
        return None
    if current and not all(_known(revision) for revision in current):
        # The database is ahead: a newer release has migrated it and is starting. This one keeps serving
        # (a release's migrations leave the schema usable by the one before), or an upgrade would take
        # every old instance out of service before the new ones are up.
        return None
    return f"database at {', '.join(current) or 'no migration'}, code at {', '.join(migration_heads())}: " \
           "run flask db upgrade"


def _redis() -> str | None:
    if current_app.config["TASKS_MODE"] != "rq":
        return None  # embedded: background work runs in-process, no Redis to wait for
    redis_connection().ping()
    return None


def _search() -> str | None:
    get_engine().count()  # the live index answers (Elasticsearch: the alias exists and is searchable)
    return None


def _outbox() -> str | None:
    lag = oldest_pending_age(db.session)
    limit = current_app.config["READY_OUTBOX_LAG"]
    if lag is not None and lag.total_seconds() > limit:
        return f"oldest undelivered change waiting {lag.total_seconds():.0f} s (limit {limit} s): are the workers running?"
    return None


CHECKS = {"database": _database, "migrations": _migrations, "redis": _redis, "search": _search, "outbox": _outbox}
# Checks that read the database are pointless when it is unreachable.
NEEDS_DATABASE = ("migrations", "outbox")


def check() -> Readiness:
    result = Readiness()
    for name, probe in CHECKS.items():
        if name in NEEDS_DATABASE and "database" in result.failed:
            result.checks[name] = "not checked: the database is unreachable"
            result.failed.append(name)
            continue
        try:
            problem = probe()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the type alone is logged
            log.warning("readiness: %s unreachable (%s)", name, type(exc).__name__)
            db.session.rollback()
            problem = "unreachable"
        if problem is None:
            result.checks[name] = "ok" if name != "redis" or current_app.config["TASKS_MODE"] == "rq" else "not used"
        else:
            result.checks[name] = problem
            result.failed.append(name)
    return result
