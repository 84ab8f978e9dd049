"""A deployed index takes the fields its mapping has gained before the first write that carries them.

The vector indices' documents gained fields with issue 16 (`fte`, `min_salary_anywhere_in_band` …): an index
built before that refused every write of the new documents (its mapping is strict) until someone ran
`flask matching reindex`, so every profile and vacancy embedded after a deploy failed to reach kNN."""
from __future__ import annotations

import copy

import numpy as np

from matching.encoder import DIMENSIONS
from tests.test_matching_unit import _random_population
from webapp.search.elastic import new_client
from webapp.search.vectors import CANDIDATE_MAPPING, VectorIndex, VectorIndices, candidate_vector_document


def _older_mapping(missing: str) -> dict:
    older = copy.deepcopy(CANDIDATE_MAPPING)
    del older["properties"][missing]
    return older


def test_a_write_to_an_index_built_with_an_older_mapping_adds_the_new_fields(elasticsearch_url, es_prefix):
    _, candidates = _random_population(3, 4)
    vector = np.ones(DIMENSIONS, dtype=np.float32) / np.sqrt(DIMENSIONS)
    document = candidate_vector_document(candidates[0], vector)
    new_field = "salary_floor_in_band"
    alias = f"{es_prefix}-candidate-vectors"
    # Built by the previous release: the same alias, without the field.
    before = VectorIndex(new_client(elasticsearch_url, 30), elasticsearch_url, alias, _older_mapping(new_field))
    built = before.live_index()
    assert new_field not in before.client.indices.get_mapping(index=built)[built]["mappings"]["properties"]

    # This release's process (a fresh object, as after a restart) writes without reading first.
    assert VectorIndices(elasticsearch_url, es_prefix).candidates.upsert([document]) == 1

    properties = before.client.indices.get_mapping(index=built)[built]["mappings"]["properties"]
    assert properties[new_field] == CANDIDATE_MAPPING["properties"][new_field]
    assert VectorIndices(elasticsearch_url, es_prefix).candidates.count() == 1


def test_a_field_whose_type_changed_is_logged_and_the_index_still_serves(elasticsearch_url, es_prefix, caplog):
    changed = copy.deepcopy(CANDIDATE_MAPPING)
    changed["properties"]["home_borough"] = {"type": "integer"}  # a change Elasticsearch refuses in place
    alias = f"{es_prefix}-candidate-vectors"
    client = new_client(elasticsearch_url, 30)
    built = VectorIndex(client, elasticsearch_url, alias, CANDIDATE_MAPPING).live_index()
    with caplog.at_level("WARNING", logger="webapp.search.elastic"):
        assert VectorIndex(client, elasticsearch_url, alias, changed).live_index() == built
    assert "the mapping has changed; rebuild the index" in caplog.text
    assert client.indices.get_alias(name=alias) == {built: {"aliases": {alias: {}}}}


def test_new_fields_are_added_even_when_another_field_changed(elasticsearch_url, es_prefix):
    """A changed field (the vector's index type, say) makes Elasticsearch refuse the whole update: the new
    fields are then added on their own, so writes carrying them go on until the rebuild."""
    _, candidates = _random_population(3, 4)
    vector = np.ones(DIMENSIONS, dtype=np.float32) / np.sqrt(DIMENSIONS)
    older = _older_mapping("salary_floor_in_band")
    older["properties"]["home_borough"] = {"type": "integer"}  # changed since: the update is refused
    alias = f"{es_prefix}-candidate-vectors"
    client = new_client(elasticsearch_url, 30)
    built = VectorIndex(client, elasticsearch_url, alias, older).live_index()
    document = candidate_vector_document(candidates[0], vector)
    document["home_borough"] = None  # the changed field is not what this test writes
    assert VectorIndices(elasticsearch_url, es_prefix).candidates.upsert([document]) == 1
    properties = client.indices.get_mapping(index=built)[built]["mappings"]["properties"]
    assert properties["salary_floor_in_band"] == {"type": "integer"}
    assert properties["home_borough"] == {"type": "integer"}  # left as it was until the rebuild
