"""Scaling out Elasticsearch: once the cluster has more nodes, CSWJOBS_SEARCH_REPLICAS gives every index
(the vacancy index and matching's vector indices) copies on other nodes, from the next rebuild."""
from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from tests.factories import VacancyFactory
from webapp.extensions import db
from webapp.search.sync import reindex
from webapp.services.matching import reindex_vectors


@pytest.mark.backends("postgresql")
@pytest.mark.parametrize("replicas", [0, 1])
def test_every_index_gets_the_replicas_the_settings_ask_for(app, elasticsearch_url, es_prefix, replicas):
    app.config.update(SEARCH_URL=elasticsearch_url, SEARCH_INDEX_PREFIX=es_prefix, SEARCH_REPLICAS=replicas)
    VacancyFactory()
    db.session.commit()
    reindex()
    reindex_vectors(db.session)
    client = Elasticsearch(elasticsearch_url)
    try:
        settings = client.indices.get_settings(index=f"{es_prefix}-*")
    finally:
        client.close()
    assert {name.rsplit("-", 1)[0] for name in settings} == {
        f"{es_prefix}-vacancies", f"{es_prefix}-vacancy-vectors", f"{es_prefix}-candidate-vectors"}
    assert {s["settings"]["index"]["number_of_replicas"] for s in settings.values()} == {str(replicas)}
