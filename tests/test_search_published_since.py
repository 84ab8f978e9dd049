"""Search contract for job alerts: ``published_since`` keeps only jobs first published at or after
a moment, in both engines (SQLite FTS5 and the real Elasticsearch), with every other filter,
facet counts and totals applying to what is left."""
from __future__ import annotations

import datetime as dt

import pytest

from domain.vocabulary import RoleLevel
from webapp.search import InvalidSearch, SearchQuery
from tests.test_search_contract import doc, engine, ids, q  # noqa: F401 - engine is a fixture

MOMENT = dt.datetime(2026, 11, 20, 9, 30, 0)


def test_published_since_keeps_jobs_published_at_or_after_the_moment(engine):
    before = doc(published_at=MOMENT - dt.timedelta(seconds=1))
    exactly = doc(published_at=MOMENT)
    after = doc(published_at=MOMENT + dt.timedelta(days=2))
    engine.index([before, exactly, after])
    result = engine.search(q(published_since=MOMENT))
    assert set(ids(result)) == {exactly["id"], after["id"]}
    assert result.total == 2
    assert set(ids(engine.search(q()))) == {before["id"], exactly["id"], after["id"]}


def test_published_since_combines_with_keywords_filters_and_facets(engine):
    old_match = doc(title="Fostering social worker", published_at=MOMENT - dt.timedelta(days=3))
    new_match = doc(title="Fostering social worker", published_at=MOMENT + dt.timedelta(hours=1),
                    role_level=RoleLevel.SENIOR_PRACTITIONER)
    new_other = doc(title="Adoption social worker", published_at=MOMENT + dt.timedelta(hours=1))
    engine.index([old_match, new_match, new_other])
    result = engine.search(q(keywords="fostering", published_since=MOMENT))
    assert ids(result) == [new_match["id"]]
    assert result.facet_counts("role_levels") == {RoleLevel.SENIOR_PRACTITIONER.value: 1}
    filtered = engine.search(q(published_since=MOMENT, role_levels=(RoleLevel.SOCIAL_WORKER.value,)))
    assert ids(filtered) == [new_other["id"]]


def test_published_since_still_hides_jobs_that_are_not_live(engine):
    closed = doc(published_at=MOMENT + dt.timedelta(hours=1), closing_date=dt.date(2026, 11, 25))
    engine.index([closed])
    assert ids(engine.search(q(published_since=MOMENT))) == []


def test_an_aware_moment_is_read_as_the_same_instant_in_utc(engine):
    job = doc(published_at=MOMENT)
    engine.index([job])
    one_hour_east = dt.timezone(dt.timedelta(hours=1))
    # 10:30 at UTC+1 is 09:30 UTC: the job was published exactly then.
    assert ids(engine.search(q(published_since=dt.datetime(2026, 11, 20, 10, 30, tzinfo=one_hour_east)))) == [job["id"]]
    assert ids(engine.search(q(published_since=dt.datetime(2026, 11, 20, 10, 31, tzinfo=one_hour_east)))) == []


def test_published_since_text_is_to_the_second():
    query = SearchQuery(published_since=dt.datetime(2026, 11, 20, 9, 30, 5, 999_999))
    assert query.published_since_text == "2026-11-20T09:30:05"
    assert SearchQuery().published_since_text is None
    with pytest.raises(InvalidSearch):  # the other checks still run
        SearchQuery(published_since=MOMENT, page=0)
