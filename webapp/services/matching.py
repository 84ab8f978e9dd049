"""Matching in the app: keeps embeddings in step with vacancies and profiles, and answers
"jobs that fit you" and "suggested candidates" — exactly with NumPy over stored vectors
(embedded default) or by kNN in Elasticsearch (when it is the configured engine).

The scoring itself lives in `matching/` (no Flask); this module reads and writes the database.
Every answer is re-checked against the database's current rows before anyone sees it, so a
vector index that lags a change (a candidate who has just switched off "let recruiters find
me") can never show what it should not.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, contains_eager, joinedload

from domain.geography import BOROUGHS_BY_SLUG, distance_miles
from domain.vocabulary import ContractType, HoursWanted, RoleLevel, ServiceArea, UserRole, VacancyStatus, WorkingPattern
from matching.constraints import (
    VacancyTable,
    es_candidate_filters,
    es_live_vacancy_filters,
    es_vacancy_filters,
    failures,
)
from matching.encoder import CachedEncoder, from_bytes, text_hash, to_bytes
from matching.ranking import CandidatePool, rerank, top_candidates
from matching.scoring import Match, assess, explain, in_their_practice, nearest, rank_vacancies
from matching.text import CandidateFacts, VacancyFacts, candidate_text, vacancy_text
from matching.weights import LEAST_FIT_SHOWN, SHORTLIST
from webapp.models import (
    Application,
    CandidateProfile,
    Embedding,
    Invitation,
    ProfileEmbedding,
    User,
    Vacancy,
    VacancyEmbedding,
    utcnow,
)
from webapp.search.vectors import (
    VectorIndices,
    candidate_vector_document,
    get_vector_indices,
    vacancy_vector_document,
)

log = logging.getLogger(__name__)
MATCH_UNIVERSE_KEY = "cswjobs_match_universe"  # where an app keeps the rows it ranks, until they change

CHUNK = 500  # ids per IN (...) clause


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- the embedding cache, in the database ---------------------------------------------------------------


class DatabaseVectorStore:
    """`matching.encoder.VectorStore` over the `embeddings` table."""

    def __init__(self, session: Session):
        self.session = session

    def get_many(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for chunk in _chunks(sorted(set(hashes))):
            for h, blob in self.session.execute(
                sa.select(Embedding.text_hash, Embedding.vector).where(Embedding.model == model,
                                                                      Embedding.text_hash.in_(chunk))
            ):
                found[h] = from_bytes(blob)
        return found

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        rows = [{"model": model, "text_hash": h, "dimensions": int(v.shape[0]), "vector": to_bytes(v),
                 "created_at": utcnow()} for h, v in vectors.items()]
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # Two workers may encode the same new text at once: the second insert is a no-op.
        self.session.execute(insert(Embedding).on_conflict_do_nothing(index_elements=["model", "text_hash"]), rows)


def _drop_unreferenced(session: Session, hashes: set[str]) -> None:
    """Delete vectors no vacancy or profile uses any more (a CV's vector is personal data)."""
    for chunk in _chunks(sorted(hashes)):
        used = set(session.scalars(sa.select(ProfileEmbedding.text_hash).where(ProfileEmbedding.text_hash.in_(chunk))))
        used |= set(session.scalars(sa.select(VacancyEmbedding.text_hash).where(VacancyEmbedding.text_hash.in_(chunk))))
        unused = [h for h in chunk if h not in used]
        if unused:
            session.execute(sa.delete(Embedding).where(Embedding.text_hash.in_(unused)))


def _sweep_unreferenced(session: Session) -> None:
    session.execute(sa.delete(Embedding).where(
        ~sa.exists().where(ProfileEmbedding.text_hash == Embedding.text_hash),
        ~sa.exists().where(VacancyEmbedding.text_hash == Embedding.text_hash),
    ).execution_options(synchronize_session=False))


@dataclass
class RefreshReport:
    encoded: int = 0  # texts the model actually encoded
    changed: int = 0  # vacancies or profiles whose text changed
    unchanged: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"encoded": self.encoded, "changed": self.changed, "unchanged": self.unchanged, "removed": self.removed}


def _refresh(session: Session, link_model: type, key: str, rows: dict[int, Any], texts: dict[int, str],
             gone: set[int]) -> tuple[RefreshReport, dict[int, np.ndarray]]:
    """Point each row at the vector of its current text, encoding only texts never seen before."""
    report = RefreshReport()
    key_column = getattr(link_model, key)
    links = {getattr(link, key): link for link in session.scalars(
        sa.select(link_model).where(key_column.in_(list(rows) + list(gone))))}
    hashes = {ident: text_hash(text) for ident, text in texts.items()}
    cache = CachedEncoder(DatabaseVectorStore(session))
    model = cache.encoder.name  # a link names the model that made its vector, so vectors never mix
    changed = [ident for ident in rows if ident not in links or links[ident].text_hash != hashes[ident]
               or links[ident].model != model]
    vectors = dict(zip(rows, cache.vectors([texts[i] for i in rows])))  # all cached except new texts
    report.encoded = cache.encoded
    old_hashes: set[str] = set()
    now = utcnow()
    for ident in changed:
        link = links.get(ident)
        if link is None:
            session.add(link_model(**{key: ident}, model=model, text_hash=hashes[ident], updated_at=now))
        else:
            old_hashes.add(link.text_hash)
            link.model, link.text_hash, link.updated_at = model, hashes[ident], now
    for ident in gone:
        if ident in links:
            old_hashes.add(links[ident].text_hash)
            session.delete(links[ident])
            report.removed += 1
    session.flush()
    if old_hashes:
        _drop_unreferenced(session, old_hashes)
    if gone:  # on PostgreSQL the link went with its row (ON DELETE CASCADE): sweep vectors nothing uses
        _sweep_unreferenced(session)
    report.changed = len(changed)
    report.unchanged = len(rows) - len(changed)
    return report, vectors


def refresh_vacancies(session: Session, ids: list[int]) -> RefreshReport:
    """Embed these vacancies' current text (if it changed) and update the vector index. Idempotent.

    Writes through `session` without committing: the caller commits (a task its own session,
    the in-process relay together with marking the messages delivered)."""
    vacancies = {v.id: v for v in session.scalars(
        sa.select(Vacancy).options(joinedload(Vacancy.organisation)).where(Vacancy.id.in_(ids)))}
    facts = {i: VacancyFacts.of(v) for i, v in vacancies.items()}
    report, vectors = _refresh(session, VacancyEmbedding, "vacancy_id", facts,
                               {i: vacancy_text(f) for i, f in facts.items()}, set(ids) - set(vacancies))
    indices = get_vector_indices()
    if indices is not None:
        indices.vacancies.upsert([vacancy_vector_document(facts[i], vectors[i], vacancies[i].status.value,
                                                   vacancies[i].closing_date) for i in facts])
        indices.vacancies.delete(set(ids) - set(vacancies))
    return report


def refresh_profiles(session: Session, ids: list[int]) -> RefreshReport:
    """Embed these profiles' current text (if it changed) and update the vector index. Idempotent; the caller commits."""
    profiles = {p.id: p for p in session.scalars(sa.select(CandidateProfile).where(CandidateProfile.id.in_(ids)))}
    facts = {i: CandidateFacts.of(p) for i, p in profiles.items()}
    report, vectors = _refresh(session, ProfileEmbedding, "profile_id", facts,
                               {i: candidate_text(f) for i, f in facts.items()}, set(ids) - set(profiles))
    indices = get_vector_indices()
    if indices is not None:
        indices.candidates.upsert([candidate_vector_document(facts[i], vectors[i]) for i in facts])
        indices.candidates.delete(set(ids) - set(profiles))
    return report


# --- rebuilding the vector indices (flask matching reindex) -------------------------------------------


def all_ids(session: Session, model: type) -> list[int]:
    return list(session.scalars(sa.select(model.id).order_by(model.id)))


def reindex_vectors(session: Session, batch_size: int = 500, progress=None) -> dict[str, int]:
    """Embed every vacancy and profile whose text changed, then rebuild the Elasticsearch vector
    indices (if configured) from the database and swap them in."""
    totals = {"vacancies": 0, "profiles": 0, "encoded": 0}
    for model, refresh, name in ((Vacancy, refresh_vacancies, "vacancies"),
                                 (CandidateProfile, refresh_profiles, "profiles")):
        ids = all_ids(session, model)
        for chunk in _chunks(ids, batch_size):
            report = _refresh_only(session, model, chunk)
            totals["encoded"] += report.encoded
            totals[name] += len(chunk)
            if progress:
                progress(name, totals[name], len(ids))
    indices = get_vector_indices()
    if indices is not None:
        indices.vacancies.rebuild(vacancy_vector_document(f, v, row.status.value, row.closing_date)
                                  for row, f, v in _stored(session, Vacancy))
        indices.candidates.rebuild(candidate_vector_document(f, v) for _, f, v in _stored(session, CandidateProfile))
    return totals


def _refresh_only(session: Session, model: type, ids: list[int]) -> RefreshReport:
    """The database half of a refresh (the vector indices are rebuilt whole afterwards)."""
    if model is Vacancy:
        rows = {v.id: VacancyFacts.of(v) for v in session.scalars(
            sa.select(Vacancy).options(joinedload(Vacancy.organisation)).where(Vacancy.id.in_(ids)))}
        report, _ = _refresh(session, VacancyEmbedding, "vacancy_id", rows,
                             {i: vacancy_text(f) for i, f in rows.items()}, set())
    else:
        rows = {p.id: CandidateFacts.of(p) for p in session.scalars(
            sa.select(CandidateProfile).where(CandidateProfile.id.in_(ids)))}
        report, _ = _refresh(session, ProfileEmbedding, "profile_id", rows,
                             {i: candidate_text(f) for i, f in rows.items()}, set())
    session.commit()
    session.expunge_all()
    return report


# What candidates are ranked from: a profile's columns but its CV (CandidateFacts reads them; ranking never reads
# the CV), read as rows rather than whole profiles. For a kNN shortlist of 300 of 20,000 findable profiles on
# PostgreSQL: 38-46 ms as profiles with their users, 29-36 ms as these columns (docs/benchmarks.md, stop 23).
_FACT_COLUMNS = tuple(column for column in CandidateProfile.__table__.columns if column.key != "cv_text")


def _stored(session: Session, model: type, where: Any = None, batch_size: int = 1000):
    """(row, facts, vector) for every row of `model` that has an embedding, in id order, a batch at a time; a
    vacancy's row is the Vacancy, a candidate's the columns its facts come from."""
    if model is Vacancy:
        link, key, read = VacancyEmbedding, VacancyEmbedding.vacancy_id, (Vacancy,)
        row_of, facts_of = (lambda found: found[0]), VacancyFacts.of
    else:
        link, key, read = ProfileEmbedding, ProfileEmbedding.profile_id, _FACT_COLUMNS
        row_of, facts_of = (lambda found: found), CandidateFacts.of
    last = 0
    while True:
        query = (sa.select(*read, Embedding.vector)
                 .join(link, key == model.id)
                 .join(Embedding, sa.and_(Embedding.model == link.model, Embedding.text_hash == link.text_hash))
                 .where(model.id > last).order_by(model.id).limit(batch_size))
        if model is Vacancy:
            query = query.options(joinedload(Vacancy.organisation))
        if where is not None:
            query = query.where(where)
        batch = session.execute(query).all()
        if not batch:
            return
        for found in batch:
            row = row_of(found)
            yield row, facts_of(row), from_bytes(found.vector)
        last = row.id


# --- exact ranking over stored vectors (the embedded engine) ---------------------------------------------


@dataclass
class _Universe:
    signature: tuple
    facts: list
    table: Any
    matrix: np.ndarray
    pool: CandidatePool | None = None  # candidates: held for matching.ranking


_lock = threading.Lock()


def _universe(session: Session, kind: str, today: dt.date) -> _Universe:
    """Every candidate (or live vacancy) with a vector, as arrays, cached until any of them changes."""
    if kind == "candidates":
        signature = tuple(session.execute(sa.select(
            sa.func.count(ProfileEmbedding.profile_id), sa.func.max(ProfileEmbedding.updated_at),
            sa.select(sa.func.max(CandidateProfile.updated_at)).scalar_subquery(),
            sa.select(sa.func.count(CandidateProfile.id)).scalar_subquery(),
        )).one())
        live = None
    else:
        live = sa.and_(Vacancy.status == VacancyStatus.LIVE, Vacancy.closing_date >= today)
        signature = tuple(session.execute(sa.select(
            sa.func.count(VacancyEmbedding.vacancy_id), sa.func.max(VacancyEmbedding.updated_at),
            sa.select(sa.func.max(Vacancy.updated_at)).scalar_subquery(),
            sa.select(sa.func.count(Vacancy.id)).where(live).scalar_subquery(),
        )).one()) + (today,)
    cache = current_app.extensions.setdefault(MATCH_UNIVERSE_KEY, {})
    found = cache.get(kind)
    if found is not None and found.signature == signature:
        return found
    with _lock:
        rows = list(_stored(session, Vacancy if kind == "vacancies" else CandidateProfile, where=live))
        facts = [f for _, f, _ in rows]
        matrix = np.vstack([v for _, _, v in rows]) if rows else np.zeros((0, 384), dtype=np.float32)
        if kind == "vacancies":
            universe = _Universe(signature, facts, VacancyTable.of(facts), matrix)
        else:  # rows in the pool's own order: facts, table and matrix all follow it
            pool = CandidatePool.of(facts, matrix)
            universe = _Universe(signature, pool.candidates, pool.table, pool.matrix, pool)
        cache[kind] = universe
    return universe


def _searchable(side: str) -> VectorIndices | None:
    """The vector indices when kNN may answer for this side ("candidates" or "vacancies"): None without
    Elasticsearch, or while that side's index was built with an older layout (the exact path answers then)."""
    indices = get_vector_indices()
    if indices is None or not getattr(indices, side).layout_current():
        return None
    return indices


def _vector_of(session: Session, link_model: type, key: Any, ident: int) -> np.ndarray | None:
    blob = session.scalar(
        sa.select(Embedding.vector).join(link_model, sa.and_(Embedding.model == link_model.model,
                                                             Embedding.text_hash == link_model.text_hash))
        .where(key == ident))
    return None if blob is None else from_bytes(blob)


# --- suggested candidates (recruiters) -------------------------------------------------------------------


@dataclass
class Suggestion:
    match: Match
    profile: CandidateProfile
    invitation: Invitation | None = None
    vacancy: VacancyFacts | None = None

    @property
    def summary(self) -> dict[str, str]:
        """What the recruiter reads of this person against this job (describe_candidate's keys, with distance)."""
        return describe_candidate(self.profile, self.vacancy)


@dataclass
class Suggestions:
    items: list[Suggestion] = field(default_factory=list)
    pending: bool = False  # the vacancy's text has not been embedded yet (a worker is behind)
    engine: str = "exact"


def suggested_candidates(session: Session, vacancy: Vacancy, limit: int = 20, today: dt.date | None = None) -> Suggestions:
    """Candidates who opted in to be found and fit this vacancy, best first, with reasons.

    Candidates who have already applied are left out (they are in the vacancy's applications)."""
    today = today or dt.date.today()
    vector = _vector_of(session, VacancyEmbedding, VacancyEmbedding.vacancy_id, vacancy.id)
    if vector is None:
        return Suggestions(pending=True)
    facts = VacancyFacts.of(vacancy)
    applied = set(session.scalars(sa.select(Application.candidate_id).where(Application.vacancy_id == vacancy.id)))
    indices = _searchable("candidates")
    wanted = limit + len(applied)
    if indices is not None:
        hits = indices.candidates.knn(vector, k=max(SHORTLIST, wanted), filters=es_candidate_filters(facts))
        shortlist = _shortlist_facts(session, [pid for pid, _ in hits])
        kept = [(shortlist[pid], cosine) for pid, cosine in hits
                if pid in shortlist and shortlist[pid].user_id not in applied]
        # As the exact path re-ranks its shortlist: rerank applies the hard constraints again to each profile as
        # the database has it (the index may lag a change), then scores only those who can reach the top.
        matches = rerank(facts, [f for f, _ in kept], [cosine for _, cosine in kept], limit=wanted)
        engine = "elasticsearch"
    else:
        universe = _universe(session, "candidates", today)
        matches = top_candidates(facts, vector, universe.pool, limit=wanted)
        engine = "exact"
    # whole profiles, with their users in the same read, only for those who may be shown and can still be found
    profiles = {p.id: p for p in session.scalars(
        sa.select(CandidateProfile).join(CandidateProfile.user).options(contains_eager(CandidateProfile.user))
        .where(CandidateProfile.id.in_([m.candidate_id for m in matches]), *_FINDABLE))}
    invitations = {i.candidate_id: i for i in session.scalars(
        sa.select(Invitation).where(Invitation.vacancy_id == vacancy.id))}
    items = []
    for match in matches:
        profile = profiles.get(match.candidate_id)
        if profile is None or profile.user_id in applied:
            continue
        items.append(Suggestion(match, profile, invitations.get(profile.user_id), facts))
        if len(items) == limit:
            break
    return Suggestions(items=items, engine=engine)


# Who can be suggested at all, as SQL over a profile joined to its user; `_still_findable` is the same rule for a
# profile already loaded. The vector index may lag the database: both are read from the database.
_FINDABLE = (CandidateProfile.discoverable.is_(True), User.active.is_(True), User.role == UserRole.CANDIDATE)


def _shortlist_facts(session: Session, ids: list[int]) -> dict[int, CandidateFacts]:
    """The facts of these profiles, for those who can still be found."""
    rows = session.execute(sa.select(*_FACT_COLUMNS).join(User, User.id == CandidateProfile.user_id)
                           .where(CandidateProfile.id.in_(ids), *_FINDABLE))
    return {row.id: CandidateFacts.of(row) for row in rows}


def _still_findable(profile: CandidateProfile) -> bool:
    user = profile.user
    return bool(profile.discoverable and user.active and user.role == UserRole.CANDIDATE)


def suggestion_for(session: Session, vacancy: Vacancy, profile: CandidateProfile) -> Match | None:
    """This candidate against this vacancy, if they may be suggested for it (None otherwise)."""
    if not _still_findable(profile):
        return None
    facts, candidate = VacancyFacts.of(vacancy), CandidateFacts.of(profile)
    if failures(facts, candidate, for_recruiter=True):
        return None
    v = _vector_of(session, VacancyEmbedding, VacancyEmbedding.vacancy_id, vacancy.id)
    c = _vector_of(session, ProfileEmbedding, ProfileEmbedding.profile_id, profile.id)
    semantic = float(v @ c) if v is not None and c is not None else 0.0
    return assess(facts, candidate, semantic)


# --- jobs that fit you (candidates) --------------------------------------------------------------------


@dataclass
class JobsThatFit:
    items: list[tuple[Match, Vacancy]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # profile answers that would let us match
    pending: bool = False
    engine: str = "exact"


def missing_answers(profile: CandidateProfile | None) -> list[str]:
    if profile is None:
        return ["your profile"]
    missing = []
    if profile.role_level is None:
        missing.append("your role level")
    if not profile.specialisms:
        missing.append("your specialisms")
    if not profile.home_borough:
        missing.append("where you live")
    return missing


def jobs_that_fit(session: Session, user: User, limit: int = 20, today: dt.date | None = None) -> JobsThatFit:
    """Live vacancies that fit this social worker, best first, with reasons; ones applied for are left out."""
    today = today or dt.date.today()
    profile = user.profile
    result = JobsThatFit(missing=missing_answers(profile))
    if profile is None:
        return result
    vector = _vector_of(session, ProfileEmbedding, ProfileEmbedding.profile_id, profile.id)
    if vector is None:
        result.pending = True
        return result
    candidate = CandidateFacts.of(profile)
    applied = set(session.scalars(sa.select(Application.vacancy_id).where(Application.candidate_id == user.id)))
    wanted = limit + len(applied)
    indices = _searchable("vacancies")
    if indices is not None:
        hits = indices.vacancies.knn(vector, k=max(SHORTLIST, wanted),
                                     filters=es_vacancy_filters(candidate, today.isoformat()))
        vacancies = {v.id: v for v in session.scalars(sa.select(Vacancy).options(joinedload(Vacancy.organisation))
                                                       .where(Vacancy.id.in_([i for i, _ in hits])))}
        scored = []
        for vid, cosine in hits:
            vacancy = vacancies.get(vid)
            if vacancy is None or vacancy.id in applied or not vacancy.is_live_on(today):
                continue
            facts = VacancyFacts.of(vacancy)
            if failures(facts, candidate) or not in_their_practice(facts, candidate):
                continue
            scored.append((assess(facts, candidate, cosine, for_recruiter=False, explain=False), facts))
        scored.sort(key=lambda pair: (-pair[0].score, pair[0].vacancy_id))
        matches = [explain(facts, candidate, match, for_recruiter=False) for match, facts in scored[:wanted]]
        result.engine = "elasticsearch"
    else:
        universe = _universe(session, "vacancies", today)
        matches = rank_vacancies(candidate, vector, universe.facts, universe.matrix, universe.table, limit=wanted)
        vacancies = {v.id: v for v in session.scalars(sa.select(Vacancy).options(joinedload(Vacancy.organisation))
                                                       .where(Vacancy.id.in_([m.vacancy_id for m in matches])))}
    for match in matches:
        vacancy = vacancies.get(match.vacancy_id)
        if vacancy is None or vacancy.id in applied or not vacancy.is_live_on(today) or match.score < LEAST_FIT_SHOWN:
            continue
        result.items.append((match, vacancy))
        if len(result.items) == limit:
            break
    return result


# --- similar jobs (every job page) -------------------------------------------------------------------------

SIMILAR_JOBS_SHOWN = 3


def similar_jobs(session: Session, vacancy: Vacancy, viewer: User | None = None, limit: int = SIMILAR_JOBS_SHOWN,
                 today: dt.date | None = None) -> list[Vacancy]:
    """Other live jobs nearest in meaning to this one, from the vectors already stored (no model is
    loaded in a request). For a social worker with a profile, the same hard constraints as "jobs that
    fit you" apply and jobs they applied for are left out; for anyone else, any live job may show."""
    today = today or dt.date.today()
    vector = _vector_of(session, VacancyEmbedding, VacancyEmbedding.vacancy_id, vacancy.id)
    if vector is None:
        return []  # not embedded yet (a worker is behind): the page shows no similar jobs for now
    profile = viewer.profile if viewer is not None and viewer.is_candidate else None
    candidate = CandidateFacts.of(profile) if profile is not None else None
    leave_out = {vacancy.id}
    if viewer is not None and viewer.is_candidate:
        leave_out |= set(session.scalars(sa.select(Application.vacancy_id).where(Application.candidate_id == viewer.id)))
    wanted = limit + len(leave_out)
    indices = _searchable("vacancies")
    if indices is not None:
        filters = (es_vacancy_filters(candidate, today.isoformat()) if candidate is not None
                   else es_live_vacancy_filters(today.isoformat()))
        ids = [i for i, _ in indices.vacancies.knn(vector, k=wanted, filters=filters)]
    else:
        universe = _universe(session, "vacancies", today)
        allowed = (universe.table.mask_for(candidate) if candidate is not None
                   else np.ones(len(universe.facts), dtype=bool))
        ids = [universe.facts[row].id for row in nearest(vector, universe.matrix, allowed, wanted)]
    rows = {v.id: v for v in session.scalars(sa.select(Vacancy).options(joinedload(Vacancy.organisation))
                                             .where(Vacancy.id.in_(ids)))}
    found = []
    for vacancy_id in ids:
        other = rows.get(vacancy_id)
        # The database decides, not a vector index that may trail a change.
        if other is None or other.id in leave_out or not other.is_live_on(today):
            continue
        if candidate is not None and failures(VacancyFacts.of(other), candidate):
            continue
        found.append(other)
        if len(found) == limit:
            break
    return found


def describe_candidate(profile: CandidateProfile, vacancy: VacancyFacts | Vacancy | None = None) -> dict[str, str]:
    """What a recruiter sees of a suggested candidate: their practice and stated needs, not their contact details.

    Keys: level, experience, specialisms, lives_in, availability, registered, working_pattern (full or part
    time, hours, patterns they would like), contract (the contract types they would take) and, given the
    vacancy, distance ("4 miles from the office", or "" when their home borough is not given)."""
    level = RoleLevel(profile.role_level).label if profile.role_level else "Role level not given"
    if profile.in_asye:
        experience = "In their ASYE"
    elif profile.years_qualified is not None:
        years = profile.years_qualified
        experience = f"Qualified {years} year{'' if years == 1 else 's'}" if years else "Newly qualified"
    else:
        experience = "Not yet qualified" if profile.role_level == RoleLevel.STUDENT else ""
    home = BOROUGHS_BY_SLUG.get(profile.home_borough or "")
    return {
        "level": level,
        "experience": experience,
        "specialisms": ", ".join(ServiceArea.label_for(s) for s in profile.specialisms or []),
        "lives_in": home.name if home else "",
        "availability": profile.availability.label,
        "registered": "Yes" if profile.swe_number else "No",
        "working_pattern": _pattern_wanted(profile),
        "contract": (", ".join(ContractType.label_for(c) for c in profile.contract_types)
                     if profile.contract_types else "Any contract"),
        "distance": _distance_from(profile, vacancy) if vacancy is not None else "",
    }


def _pattern_wanted(profile: CandidateProfile) -> str:
    hours = profile.hours_wanted
    patterns = profile.working_patterns or []
    if hours is None:  # the hours question unanswered: what they ticked is all they said
        return ", ".join(WorkingPattern.label_for(p) for p in patterns) if patterns else "Not given"
    if hours == HoursWanted.PART_TIME:
        said = f"Part time only, up to {profile.part_time_hours_max} hours a week" if profile.part_time_hours_max \
            else "Part time only"
    elif hours == HoursWanted.FULL_TIME:
        said = "Full time only"
    else:
        said = "Full or part time"
    others = [WorkingPattern.label_for(p).lower() for p in patterns
              if p not in (WorkingPattern.FULL_TIME, WorkingPattern.PART_TIME)]
    return f"{said}; would like {', '.join(others)}" if others else said


def home_miles(profile: CandidateProfile | None, vacancy: VacancyFacts | Vacancy) -> float | None:
    """Miles from the centre of their home borough to the job's office, as matching measures a commute (None
    when their home is not given)."""
    home = BOROUGHS_BY_SLUG.get((profile.home_borough if profile is not None else None) or "")
    if home is None:
        return None
    return distance_miles(home.latitude, home.longitude, float(vacancy.latitude), float(vacancy.longitude))


def _distance_from(profile: CandidateProfile, vacancy: VacancyFacts | Vacancy) -> str:
    miles = home_miles(profile, vacancy)
    if miles is None:
        return ""
    home = BOROUGHS_BY_SLUG[profile.home_borough].name
    rounded = round(miles)
    if miles < 1:
        return f"Lives under a mile from the office ({home})"
    return f"Lives {rounded} mile{'' if rounded == 1 else 's'} from the office ({home})"
