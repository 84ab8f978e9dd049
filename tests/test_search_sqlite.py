"""What only the SQLite FTS5 engine does: porter stemming, spelling correction it reports,
its generations of tables and its own helpers. The shared contract is test_search_contract.py."""
from __future__ import annotations

import pytest
from markupsafe import Markup

from tests.test_search_contract import doc, ids, q
from webapp.search.highlighting import MARK_END, MARK_START, highlight_html
from webapp.search.sqlite_engine import SqliteSearchEngine, closest_word, edit_distance


@pytest.fixture
def engine(tmp_path):
    return SqliteSearchEngine(tmp_path / "index" / "search.sqlite3")


def test_a_misspelling_is_reported_with_what_was_searched_instead(engine):
    job = doc(title="Child protection social worker")
    engine.index([job, doc(title="Adoption social worker")])
    result = engine.search(q(keywords="child protecton"))
    assert ids(result) == [job["id"]]
    assert result.corrected_keywords == "child protection"


def test_rebuilds_move_to_a_new_generation_of_tables(engine):
    engine.index([doc()])
    assert engine.status()["generation"] == 1
    engine.rebuild(iter([doc(), doc()]))
    assert engine.status()["generation"] == 2 and engine.count() == 2


def test_highlight_markers_are_always_balanced():
    start, end = MARK_START, MARK_END
    assert highlight_html(f"a{start}b{end}c") == Markup("a<mark>b</mark>c")
    assert highlight_html(f"b{end} c <i>") == Markup("b c &lt;i&gt;")  # a stray end is dropped
    assert highlight_html(f"{start}b c") == Markup("<mark>b c</mark>")  # an open start is closed
    assert highlight_html(None) == Markup("")


def test_stemming_finds_other_forms_of_a_word(engine):
    job = doc(title="Foster carer assessment social worker")
    engine.index([job])
    assert ids(engine.search(q(keywords="fostering"))) == [job["id"]]


def test_edit_distance_and_closest_word():
    assert edit_distance("protecton", "protection", 2) == 1
    assert edit_distance("fsoter", "foster", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2  # gives up past the limit
    assert closest_word("protecton", [("protection", 3), ("projection", 9)]) == "protection"
    assert closest_word("asessment", [("assessment", 1), ("assessments", 5)]) == "assessment"
    assert closest_word("cat", [("dog", 1)]) is None


def test_spelling_correction_learns_words_as_soon_as_they_are_indexed(engine):
    engine.index([doc(title="Adoption social worker")])
    assert engine.search(q(keywords="fostreing")).total == 0  # nothing close enough yet
    fostering = doc(title="Fostering social worker")
    engine.index([fostering])
    assert ids(engine.search(q(keywords="fostreing"))) == [fostering["id"]]
    engine.delete([fostering["id"]])
    assert engine.search(q(keywords="fostreing")).corrected_keywords is None
