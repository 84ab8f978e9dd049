"""Scale data for benchmarks: `flask seed --scale N` bulk-loads N vacancies and N social workers."""
from __future__ import annotations

import datetime as dt
import random
import time
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.vocabulary import (
    RoleLevel,
    UserRole,
    VacancyStatus,
)
from webapp.demo import words
from webapp.demo.councils import council_terms, ensure_councils
from webapp.demo.rows import (
    CouncilRef,
    area_for,
    password_hash,
    profile_values,
    vacancy_values,
    weighted,
)
from webapp.demo.seed import (
    CANDIDATE_PASSWORD,
    DEFAULT_SEED,
    Progress,
    SeedError,
    SeedSummary,
    notify,
)
from webapp.models import (
    CandidateProfile,
    OutboxMessage,
    User,
    Vacancy,
    utcnow,
)
from webapp.outbox.hooks import outbox_rows

BATCH_SIZE = 1000  # rows per bulk INSERT in seed_scale


def _batches(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def _ids_after(session: Session, model: type, after_id: int) -> tuple[list[int], int]:
    """Ids inserted since ``after_id``, and the new high-water mark.

    Cheaper than INSERT ... RETURNING in bulk on SQLite. A row another writer added meanwhile
    only earns an extra outbox message, which the relay handles idempotently.
    """
    ids = session.scalars(sa.select(model.id).where(model.id > after_id).order_by(model.id)).all()
    return list(ids), (ids[-1] if ids else after_id)


def scale_candidate_email(seed: int, index: int) -> str:
    return f"candidate.{seed}.{index:07d}@scale.example.org"


def seed_scale(
    session: Session,
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> SeedSummary:
    """Bulk-load ``n`` vacancies and ``n`` candidates (and any missing councils) for benchmarks, then commit.

    Rows go in as Core executemany INSERTs on the tables (one statement per batch whatever
    columns are NULL), bypassing the ORM's unit of work, so the outbox rows the ORM hook would
    have written are written here in bulk, in the same transaction: the relay
    (or `flask search reindex`) then brings the search index and embeddings up to date.
    Scale candidates sign in with the demo candidate password.
    """
    if n < 1:
        raise SeedError("--scale needs a positive number of vacancies and candidates, e.g. `flask seed --scale 10000`.")
    started = time.perf_counter()
    now = (now or utcnow()).replace(microsecond=0)
    summary = SeedSummary()

    orgs, summary.councils_created = ensure_councils(session, now.date())
    summary.councils = len(orgs)
    # Commit the councils on their own: what follows writes its outbox rows itself.
    session.commit()
    refs = [CouncilRef.of(org) for org in orgs]
    if session.scalar(sa.select(User.id).where(User.email == scale_candidate_email(seed, 0))):
        raise SeedError(
            f"Scale data for --seed {seed} is already loaded. Choose another seed (`flask seed --scale {n} "
            f"--seed {seed + 1}`) or start from an empty database."
        )
    notify(progress, "councils", len(refs), len(refs))

    # Vacancies.
    rng = random.Random(f"scale-vacancies:{seed}")
    weights = [council_terms(c.slug).size_weight for c in refs]
    statuses, status_weights = (VacancyStatus.LIVE, VacancyStatus.DRAFT, VacancyStatus.CLOSED), (90, 4, 6)
    last_vacancy_id = session.scalar(sa.select(sa.func.max(Vacancy.id))) or 0
    first_number = last_vacancy_id + 1
    for batch in _batches(n, batch_size):
        rows = []
        for i in batch:
            level = weighted(rng, words.ROLE_LEVEL_WEIGHTS)
            council = rng.choices(refs, weights)[0]
            status = rng.choices(statuses, status_weights)[0]
            rows.append(vacancy_values(rng, council, level, area_for(rng, level), status, now, first_number + i))
            summary.vacancies[status] = summary.vacancies.get(status, 0) + 1
        session.execute(sa.insert(Vacancy.__table__), rows)
        ids, last_vacancy_id = _ids_after(session, Vacancy, last_vacancy_id)
        session.execute(sa.insert(OutboxMessage), outbox_rows("vacancy.changed", Vacancy.__tablename__, ids, now))
        summary.outbox_messages += len(ids)
        notify(progress, "vacancies", batch.stop, n)

    # Candidates: one shared password hash (Argon2 per user would take hours at this size).
    rng = random.Random(f"scale-candidates:{seed}")
    last_profile_id = session.scalar(sa.select(sa.func.max(CandidateProfile.id))) or 0
    shared_hash = password_hash(CANDIDATE_PASSWORD)
    for batch in _batches(n, batch_size):
        users, levels = [], []
        for i in batch:
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            users.append({"email": scale_candidate_email(seed, i), "password_hash": shared_hash,
                          "full_name": f"{first} {last}", "role": UserRole.CANDIDATE, "active": True,
                          "created_at": now, "updated_at": now, "password_changed_at": now})
            levels.append(weighted(rng, words.ROLE_LEVEL_WEIGHTS))
        session.execute(sa.insert(User.__table__), users)
        id_by_email = dict(session.execute(
            sa.select(User.email, User.id).where(User.email.in_([u["email"] for u in users]))).all())
        user_ids = [id_by_email[u["email"]] for u in users]
        profiles = []
        for user_id, level in zip(user_ids, levels):
            swe = None if level == RoleLevel.STUDENT else f"SW{rng.randint(100000, 999999)}"
            values = profile_values(rng, level, swe)
            values.update(user_id=user_id, created_at=now, updated_at=now)
            profiles.append(values)
        session.execute(sa.insert(CandidateProfile.__table__), profiles)
        profile_ids, last_profile_id = _ids_after(session, CandidateProfile, last_profile_id)
        session.execute(sa.insert(OutboxMessage),
                        outbox_rows("profile.changed", CandidateProfile.__tablename__, profile_ids, now))
        summary.outbox_messages += len(profile_ids)
        summary.candidates += len(user_ids)
        notify(progress, "candidates", batch.stop, n)

    summary.users = summary.candidates
    session.commit()
    summary.seconds = time.perf_counter() - started
    return summary
