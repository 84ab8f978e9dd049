"""Matching through Elasticsearch kNN (the real server, indices of this test's own prefix): the
filters keep exactly the candidates the rules allow, and the app's answers match the exact path."""
from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest
import sqlalchemy as sa

from matching.constraints import es_candidate_filters, es_vacancy_filters, failures
from matching.encoder import DIMENSIONS
from tests.helpers import sql_statements
from tests.test_matching_flow import camden, cp_vacancy, croydon, profile  # noqa: F401  (fixtures and builders)
from tests.test_matching_unit import _random_population
from webapp.extensions import db
from webapp.models import CandidateProfile, ProfileEmbedding
from webapp.search.elastic import new_client
from webapp.search.vectors import (
    CANDIDATE_MAPPING,
    EXTENSION_KEY,
    VectorIndex,
    VectorIndices,
    candidate_vector_document,
    get_vector_indices,
    vacancy_vector_document,
)
from webapp.services import matching

# The matching tests run on all-MiniLM-L6-v2 itself: the real model's vectors, through Elasticsearch's kNN and the exact path alike.
pytestmark = pytest.mark.real_encoder


@pytest.fixture
def app_overrides(elasticsearch_url, es_prefix):
    return {"SEARCH_URL": elasticsearch_url, "SEARCH_INDEX_PREFIX": es_prefix}


def test_knn_filters_keep_exactly_who_the_rules_allow(elasticsearch_url, es_prefix):
    vacancies, candidates = _random_population(11, 120)
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(len(candidates), DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    indices = VectorIndices(elasticsearch_url, es_prefix)
    indices.candidates.upsert([candidate_vector_document(c, v) for c, v in zip(candidates, vectors)])
    indices.vacancies.upsert([vacancy_vector_document(v, vectors[i], "live", dt.date(2030, 1, 1))
                              for i, v in enumerate(vacancies)])
    for vacancy in vacancies[:15]:
        found = {i for i, _ in indices.candidates.knn(vectors[0], k=len(candidates), filters=es_candidate_filters(vacancy),
                                                      num_candidates=len(candidates))}
        assert found == {c.id for c in candidates if not failures(vacancy, c, for_recruiter=True)}
    for candidate in candidates[:15]:
        found = {i for i, _ in indices.vacancies.knn(vectors[0], k=len(vacancies),
                                                     filters=es_vacancy_filters(candidate, "2026-11-24"),
                                                     num_candidates=len(vacancies))}
        assert found == {v.id for v in vacancies if not failures(v, candidate)}


def _clustered(n: int, seed: int) -> np.ndarray:
    """Unit vectors in a few tight clusters, as profile texts are (random directions would all be near-orthogonal)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(8, DIMENSIONS))
    vectors = (centres[rng.integers(0, 8, n)] + rng.normal(0, 0.4, size=(n, DIMENSIONS))).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_knn_rescored_gives_the_float_cosines_nearest_first(elasticsearch_url, es_prefix):
    """Rescored (`oversample`), kNN's similarities are the cosines of the float vectors (the int8 copies only choose
    whom to rescore), as on the exact path; `took` is Elasticsearch's own time."""
    _, candidates = _random_population(4, 400)
    vectors = _clustered(len(candidates), seed=4)
    query = _clustered(1, seed=5)[0]
    indices = VectorIndices(elasticsearch_url, es_prefix)
    indices.candidates.upsert([candidate_vector_document(c, v) for c, v in zip(candidates, vectors)])
    found = indices.candidates.knn_search(query, k=30, filters=[], oversample=1.0)
    cosines = vectors @ query
    assert [i for i, _ in found.hits] == [candidates[i].id for i in np.argsort(-cosines, kind="stable")[:30]]
    exact = {c.id: float(cos) for c, cos in zip(candidates, cosines)}
    assert max(abs(cos - exact[i]) for i, cos in found.hits) < 1e-5
    assert found.took_ms >= 0


def test_an_index_built_with_the_old_index_type_answers_until_reindexed(elasticsearch_url, es_prefix):
    """A deployed vector index of the type before (int8_hnsw) keeps answering and taking writes under today's
    mapping, which Elasticsearch cannot apply in place, until `flask matching reindex` rebuilds it as today's."""
    _, candidates = _random_population(6, 60)
    vectors = _clustered(len(candidates), seed=6)
    documents = [candidate_vector_document(c, v) for c, v in zip(candidates, vectors)]
    before = copy.deepcopy(CANDIDATE_MAPPING)
    before["properties"]["vector"]["index_options"] = {"type": "int8_hnsw"}
    client = new_client(elasticsearch_url, 30)
    VectorIndex(client, elasticsearch_url, f"{es_prefix}-candidate-vectors", before).upsert(documents[:40])
    today = VectorIndices(elasticsearch_url, es_prefix).candidates
    today.upsert(documents[40:])  # a profile saved after the deploy, before the reindex
    everyone = {c.id for c in candidates}
    assert {i for i, _ in today.knn(vectors[0], k=60, filters=[], num_candidates=60)} == everyone

    def index_type() -> str:
        live = next(name for name, is_live in today.indices().items() if is_live)
        return client.indices.get_mapping(index=live)[live]["mappings"]["properties"]["vector"]["index_options"]["type"]

    assert index_type() == "int8_hnsw"
    today.rebuild(documents)  # what `flask matching reindex` does to each vector index
    assert index_type() == CANDIDATE_MAPPING["properties"]["vector"]["index_options"]["type"]
    assert {i for i, _ in today.knn(vectors[0], k=60, filters=[], num_candidates=60)} == everyone


def test_suggestions_and_jobs_that_fit_come_from_knn_and_agree_with_the_exact_path(app, camden, croydon):  # noqa: F811
    vacancy = cp_vacancy(camden)
    far_job = cp_vacancy(croydon)
    ada = profile("Ada Okafor")
    profile("Bea Hidden", discoverable=False)
    profile("Cal Faraway", home_borough="croydon", max_commute_miles=3)
    dee = profile("Dee Foster", specialisms=["fostering"], cv_text="Supervising social worker for foster carers.")
    db.session.commit()  # relayed in-process: the vector indices are written now
    assert get_vector_indices().candidates.count() == 4

    suggestions = matching.suggested_candidates(db.session, vacancy)
    assert suggestions.engine == "elasticsearch"
    assert [s.profile.id for s in suggestions.items] == [ada.id, dee.id]
    assert suggestions.items[0].match.reasons[0] == "child protection experience"

    app.config["SEARCH_URL"] = "sqlite"  # the embedded engine's exact answer, over the same stored vectors
    exact = matching.suggested_candidates(db.session, vacancy)
    assert exact.engine == "exact"
    assert [s.profile.id for s in exact.items] == [ada.id, dee.id]
    assert [round(s.match.score, 3) for s in exact.items] == pytest.approx(
        [round(s.match.score, 3) for s in suggestions.items], abs=0.01)

    fit = matching.jobs_that_fit(db.session, ada.user)
    assert [v.id for _, v in fit.items] == [vacancy.id] and far_job.id not in [v.id for _, v in fit.items]


def test_a_knn_shortlist_is_read_as_columns_and_only_those_shown_are_read_whole(app, camden):  # noqa: F811
    """The shortlist kNN finds is re-ranked from its profiles' columns (no CV, nobody who cannot be found), and
    only the people shown are then loaded whole with their users."""
    vacancy = cp_vacancy(camden)
    for n in range(5):
        profile(f"Person {n}")
    db.session.commit()
    db.session.expire_all()
    with sql_statements(db.engine) as statements:
        suggestions = matching.suggested_candidates(db.session, vacancy, limit=2)
    assert suggestions.engine == "elasticsearch" and len(suggestions.items) == 2
    reads = [s for s in statements if "from candidate_profiles" in s]
    assert len(reads) == 2
    shortlist, shown = reads
    assert "cv_text" not in shortlist and "join users" in shortlist and "discoverable" in shortlist
    assert "candidate_profiles.cv_text" in shown
    assert [s.profile.user.active for s in suggestions.items] == [True, True]


def test_an_index_of_an_older_layout_is_not_searched_until_reindexed(app, camden):  # noqa: F811
    """A candidate index built before this release's layout (its documents lack fields the filters read) would
    filter everyone out: suggestions come from the exact path until `flask matching reindex` rebuilds it."""
    vacancy = cp_vacancy(camden)
    ada = profile("Ada Okafor")
    db.session.commit()
    indices = get_vector_indices()
    client = indices.client
    [live] = [name for name, is_live in indices.candidates.indices().items() if is_live]
    old = copy.deepcopy(CANDIDATE_MAPPING)
    del old["_meta"]  # built by a release before the stamp: layout 1
    old["properties"].pop("open_to")
    older = indices.candidates.alias + "-older"
    client.indices.create(index=older, mappings=old)
    document = client.get(index=live, id=str(ada.id))["_source"]
    jobs = document.pop("open_to")
    client.index(index=older, id=str(ada.id), document=document, refresh=True)
    client.indices.update_aliases(actions=[{"remove": {"index": live, "alias": indices.candidates.alias}},
                                           {"add": {"index": older, "alias": indices.candidates.alias}}])
    fresh = VectorIndices(indices.candidates.url, app.config["SEARCH_INDEX_PREFIX"], client=client)
    assert not fresh.candidates.layout_current() and fresh.vacancies.layout_current()
    app.extensions[EXTENSION_KEY] = fresh  # as a process started after the deploy holds them
    suggestions = matching.suggested_candidates(db.session, vacancy)
    assert suggestions.engine == "exact" and [s.profile.id for s in suggestions.items] == [ada.id]

    fresh.candidates.rebuild([document | {"open_to": jobs}])
    fresh.candidates._layout_read = None  # as LAYOUT_CHECK_SECONDS later
    assert fresh.candidates.layout_current()
    suggestions = matching.suggested_candidates(db.session, vacancy)
    assert suggestions.engine == "elasticsearch" and [s.profile.id for s in suggestions.items] == [ada.id]


def test_the_database_has_the_last_word_when_the_index_lags(app, camden):  # noqa: F811
    vacancy = cp_vacancy(camden)
    ada = profile("Ada Okafor")
    db.session.commit()
    # Switch "let recruiters find me" off behind the outbox's back: the index still says yes.
    db.session.execute(sa.update(CandidateProfile).where(CandidateProfile.id == ada.id).values(discoverable=False))
    db.session.commit()
    db.session.expire_all()
    assert matching.suggested_candidates(db.session, vacancy).items == []


def test_reindex_rebuilds_the_vector_indices_from_the_database(app, camden):  # noqa: F811
    cp_vacancy(camden)
    profile("Ada Okafor")
    db.session.commit()
    indices = get_vector_indices()
    indices.drop()
    db.session.execute(sa.delete(ProfileEmbedding))
    db.session.commit()
    totals = matching.reindex_vectors(db.session)
    assert totals == {"vacancies": 1, "profiles": 1, "encoded": 0}  # the vector was still cached by its text
    assert indices.candidates.count() == 1 and indices.vacancies.count() == 1


def test_stated_needs_hold_through_knn_as_on_the_exact_path(app, needs_scene):
    """The same people and jobs as tests/test_matching_needs.py, answered by Elasticsearch kNN."""
    from tests.test_matching_needs import test_jobs_that_fit_never_break_a_stated_need, \
        test_suggested_candidates_never_break_a_stated_need

    assert matching.suggested_candidates(db.session, needs_scene[0]["job_share"]).engine == "elasticsearch"
    test_jobs_that_fit_never_break_a_stated_need(needs_scene)
    test_suggested_candidates_never_break_a_stated_need(needs_scene)


@pytest.fixture
def needs_scene(app):
    from tests.test_matching_needs import make_scene

    return make_scene()
