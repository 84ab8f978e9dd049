"""The search contract both engines must keep: relevance, filters, facets, sorts, pages,
highlights, typos, abbreviations, liveness, writes and rebuilds.

Every test runs against the SQLite FTS5 engine and against the real Elasticsearch that
`make test` starts (each on an index prefix of its own, deleted afterwards). Documents come
from the one builder, vacancy_document, over unsaved models, so no database is needed.
Behaviour only one engine has lives in test_search_sqlite.py."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from domain.geography import BOROUGHS_BY_SLUG
from domain.vocabulary import (
    ApplyMethod,
    ContractType,
    HybridPattern,
    RoleLevel,
    ServiceArea,
    SubRegion,
    VacancyStatus,
    WorkingPattern,
)
from webapp.models import Organisation, Vacancy
from webapp.search import InvalidSearch, SearchQuery, Sort, vacancy_document
from webapp.search.places import near
from webapp.search.highlighting import MARK_END, MARK_START
from webapp.search.sqlite_engine import SqliteSearchEngine

TODAY = dt.date(2026, 12, 1)
_ids = itertools.count(1)
_COUNCILS = {
    "camden": (1, "Camden", SubRegion.NORTH, "King's Cross"),
    "hackney": (2, "Hackney", SubRegion.NORTH, "Hackney Central"),
    "croydon": (3, "Croydon", SubRegion.SOUTH, "Croydon"),
    "ealing": (4, "Ealing", SubRegion.WEST, "Ealing Broadway"),
}


def council(slug: str) -> Organisation:
    ident, name, sub_region, town = _COUNCILS[slug]
    borough = BOROUGHS_BY_SLUG[slug]
    return Organisation(id=ident, name=name, slug=slug, sub_region=sub_region, town=town,
                        latitude=borough.latitude, longitude=borough.longitude)


def vacancy(council_slug: str = "camden", **fields) -> Vacancy:
    organisation = council(council_slug)
    values = dict(
        id=next(_ids), organisation=organisation, organisation_id=organisation.id,
        title="Social worker", slug="social-worker", role_level=RoleLevel.SOCIAL_WORKER,
        service_area=ServiceArea.ASSESSMENT, team="", summary="",
        description="Join a friendly team working with families across the borough.",
        salary_min=40_000, salary_max=45_000, contract_type=ContractType.PERMANENT, fte=Decimal("1.00"),
        working_pattern=WorkingPattern.FULL_TIME, location_name="", latitude=organisation.latitude,
        longitude=organisation.longitude, closing_date=TODAY + dt.timedelta(days=30), status=VacancyStatus.LIVE,
        published_at=dt.datetime(2026, 11, 1, 9), apply_method=ApplyMethod.IN_PLATFORM, caseload_max=None,
        hybrid_pattern=None, protected_caseload_nqsw=False, funded_development=False, development_details="",
    )
    values.update(fields)
    return Vacancy(**values)


def doc(council_slug: str = "camden", **fields) -> dict:
    return vacancy_document(vacancy(council_slug, **fields))


def q(**kwargs) -> SearchQuery:
    kwargs.setdefault("as_of", TODAY)
    return SearchQuery(**kwargs)


@pytest.fixture(params=["sqlite", "elasticsearch"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        return SqliteSearchEngine(tmp_path / "index" / "search.sqlite3")
    from webapp.search.elastic_engine import ElasticsearchEngine

    return ElasticsearchEngine(request.getfixturevalue("elasticsearch_url"),
                               prefix=request.getfixturevalue("es_prefix"))


def ids(result) -> list[int]:
    return [h.vacancy_id for h in result.hits]


# --- keywords and relevance ----------------------------------------------------------------

def test_every_keyword_must_match_somewhere(engine):
    both = doc(title="Fostering social worker", council_slug="hackney")
    only_one = doc(title="Fostering panel adviser", description="Support our panel.")
    engine.index([both, only_one])
    assert ids(engine.search(q(keywords="fostering hackney"))) == [both["id"]]
    assert set(ids(engine.search(q(keywords="fostering")))) == {both["id"], only_one["id"]}


def test_a_title_match_outranks_a_service_area_match_which_outranks_a_description_match(engine):
    in_description = doc(title="Social worker", service_area=ServiceArea.ASSESSMENT,
                         description="You will also support our adoption panel now and then.")
    in_service_area = doc(title="Social worker", service_area=ServiceArea.ADOPTION)
    in_title = doc(title="Adoption social worker", service_area=ServiceArea.ASSESSMENT)
    engine.index([in_description, in_service_area, in_title])
    result = engine.search(q(keywords="adoption"))
    assert ids(result) == [in_title["id"], in_service_area["id"], in_description["id"]]
    assert result.hits[0].score > result.hits[1].score > result.hits[2].score


def test_noise_words_do_not_hide_jobs(engine):
    job = doc(title="Social worker", service_area=ServiceArea.FOSTERING)
    engine.index([job])
    assert ids(engine.search(q(keywords="fostering jobs in the borough"))) == [job["id"]]


def test_quoted_phrases_match_only_as_phrases(engine):
    phrase = doc(description="Experience of edge of care work is welcome.")
    scattered = doc(description="Care for the edge cases of practice.")
    engine.index([phrase, scattered])
    assert ids(engine.search(q(keywords='"edge of care"'))) == [phrase["id"]]


@pytest.mark.parametrize("keywords", ['"', 'child AND OR NOT', "NEAR(a b)", "title:foo", "*", "^x", "a - b", "'", "(()"])
def test_search_syntax_in_keywords_is_treated_as_words_never_an_error(engine, keywords):
    engine.index([doc()])
    engine.search(q(keywords=keywords))  # must not raise


# --- the profession's abbreviations ----------------------------------------------------------

def test_cp_finds_child_protection(engine):
    cp = doc(title="Social worker", service_area=ServiceArea.CHILD_PROTECTION)
    other = doc(title="Social worker", service_area=ServiceArea.ADOPTION)
    engine.index([cp, other])
    assert ids(engine.search(q(keywords="CP"))) == [cp["id"]]


def test_nqsw_finds_asye_posts(engine):
    asye = doc(title="ASYE social worker, assessment", role_level=RoleLevel.SOCIAL_WORKER)
    newly = doc(title="Social worker", description="Ideal for a newly qualified social worker.")
    experienced = doc(title="Senior practitioner", role_level=RoleLevel.SENIOR_PRACTITIONER)
    engine.index([asye, newly, experienced])
    assert set(ids(engine.search(q(keywords="NQSW")))) == {asye["id"], newly["id"]}


def test_lac_finds_children_looked_after_and_combines_with_other_words(engine):
    cla_camden = doc(service_area=ServiceArea.CHILDREN_LOOKED_AFTER)
    cla_croydon = doc("croydon", service_area=ServiceArea.CHILDREN_LOOKED_AFTER)
    engine.index([cla_camden, cla_croydon, doc()])
    assert ids(engine.search(q(keywords="LAC croydon"))) == [cla_croydon["id"]]


def test_abbreviations_are_highlighted_where_their_expansion_matched(engine):
    engine.index([doc(title="Child protection social worker")])
    title = engine.search(q(keywords="cp")).hits[0].highlights["title"]
    assert "<mark>Child" in title and "protection</mark>" in title
    assert title.replace("<mark>", "").replace("</mark>", "") == "Child protection social worker"


# --- typo tolerance --------------------------------------------------------------------------

def test_a_misspelt_word_still_finds_the_job(engine):
    job = doc(title="Child protection social worker")
    engine.index([job, doc(title="Adoption social worker")])
    assert ids(engine.search(q(keywords="child protecton"))) == [job["id"]]


def test_transposed_letters_count_as_one_edit(engine):
    job = doc(title="Fostering social worker")
    engine.index([job])
    result = engine.search(q(keywords="fsotering"))
    assert ids(result) == [job["id"]]


def test_words_that_match_are_never_corrected(engine):
    engine.index([doc(title="Adoption social worker")])
    result = engine.search(q(keywords="adoption"))
    assert result.corrected_keywords is None


def test_nonsense_finds_nothing_rather_than_something_random(engine):
    engine.index([doc(title="Adoption social worker")])
    result = engine.search(q(keywords="zzqxv"))
    assert result.total == 0 and result.corrected_keywords is None


# --- filters ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("filter_name", "value", "field", "field_value"),
    [
        ("role_levels", "team_manager", "role_level", RoleLevel.TEAM_MANAGER),
        ("service_areas", "fostering", "service_area", ServiceArea.FOSTERING),
        ("contract_types", "locum", "contract_type", ContractType.LOCUM),
        ("working_patterns", "part_time", "working_pattern", WorkingPattern.PART_TIME),
        ("hybrid_patterns", "mostly_home", "hybrid_pattern", HybridPattern.MOSTLY_HOME),
    ],
)
def test_each_vocabulary_filter(engine, filter_name, value, field, field_value):
    wanted = doc(**{field: field_value})
    engine.index([wanted, doc()])
    assert ids(engine.search(q(**{filter_name: (value,)}))) == [wanted["id"]]


def test_council_and_sub_region_filters(engine):
    camden, croydon, ealing = doc("camden"), doc("croydon"), doc("ealing")
    engine.index([camden, croydon, ealing])
    assert ids(engine.search(q(councils=("croydon",)))) == [croydon["id"]]
    assert set(ids(engine.search(q(sub_regions=("north", "west"))))) == {camden["id"], ealing["id"]}


def test_values_in_one_filter_widen_and_filters_together_narrow(engine):
    fostering_camden = doc("camden", service_area=ServiceArea.FOSTERING)
    adoption_camden = doc("camden", service_area=ServiceArea.ADOPTION)
    fostering_croydon = doc("croydon", service_area=ServiceArea.FOSTERING)
    engine.index([fostering_camden, adoption_camden, fostering_croydon, doc("ealing")])
    either = engine.search(q(service_areas=("fostering", "adoption")))
    assert set(ids(either)) == {fostering_camden["id"], adoption_camden["id"], fostering_croydon["id"]}
    both = engine.search(q(service_areas=("fostering", "adoption"), councils=("camden",)))
    assert set(ids(both)) == {fostering_camden["id"], adoption_camden["id"]}


def test_salary_filter_keeps_jobs_whose_band_reaches_it(engine):
    low = doc(salary_min=36_000, salary_max=39_000)
    reaches = doc(salary_min=38_000, salary_max=42_000)
    engine.index([low, reaches])
    assert ids(engine.search(q(salary_min=40_000))) == [reaches["id"]]


def test_practice_promise_filters(engine):
    small_caseload = doc(caseload_max=12)
    big_caseload = doc(caseload_max=20)
    unstated = doc(caseload_max=None)
    protected = doc(protected_caseload_nqsw=True)
    funded = doc(funded_development=True, development_details="Funded AMHP training")
    engine.index([small_caseload, big_caseload, unstated, protected, funded])
    # A job that states no caseload makes no promise, so it never meets a caseload filter.
    assert ids(engine.search(q(max_caseload=15))) == [small_caseload["id"]]
    assert ids(engine.search(q(protected_nqsw_caseload=True))) == [protected["id"]]
    assert ids(engine.search(q(funded_development=True))) == [funded["id"]]


def test_closing_after_filter(engine):
    soon = doc(closing_date=TODAY + dt.timedelta(days=3))
    later = doc(closing_date=TODAY + dt.timedelta(days=40))
    engine.index([soon, later])
    assert ids(engine.search(q(closing_after=TODAY + dt.timedelta(days=10)))) == [later["id"]]


def test_within_miles_of_a_borough(engine):
    camden, hackney, croydon = doc("camden"), doc("hackney"), doc("croydon")
    engine.index([camden, hackney, croydon])
    # Camden to Hackney is about 3 miles; Croydon is about 11 miles south.
    assert set(ids(engine.search(q(near=near("camden", 4))))) == {camden["id"], hackney["id"]}
    assert ids(engine.search(q(near=near("camden", 1)))) == [camden["id"]]
    assert len(ids(engine.search(q(near=near("camden", 15))))) == 3


# --- facets ----------------------------------------------------------------------------------

def test_facet_counts_respect_the_other_filters_but_not_their_own(engine):
    engine.index([
        doc("camden", service_area=ServiceArea.FOSTERING),
        doc("camden", service_area=ServiceArea.FOSTERING),
        doc("camden", service_area=ServiceArea.ADOPTION),
        doc("croydon", service_area=ServiceArea.FOSTERING),
        doc("croydon", service_area=ServiceArea.ASSESSMENT),
    ])
    result = engine.search(q(service_areas=("fostering",), councils=("camden",)))
    assert result.total == 2
    # Service area counts ignore the service area filter but respect the council filter...
    assert result.facet_counts("service_areas") == {"fostering": 2, "adoption": 1}
    # ...and council counts ignore the council filter but respect the service area filter.
    assert result.facet_counts("councils") == {"camden": 2, "croydon": 1}
    assert result.facet_counts("sub_regions") == {"north": 2}
    assert result.facets["service_areas"][0] == ("fostering", 2)  # most common first


def test_facet_counts_respect_keywords_and_non_facet_filters(engine):
    engine.index([
        doc(title="Fostering social worker", salary_max=50_000, service_area=ServiceArea.FOSTERING),
        doc(title="Fostering social worker", salary_max=38_000, service_area=ServiceArea.FOSTERING),
        doc(title="Adoption social worker", salary_max=50_000, service_area=ServiceArea.ADOPTION),
    ])
    result = engine.search(q(keywords="fostering", salary_min=45_000))
    assert result.facet_counts("service_areas") == {"fostering": 1}


# --- sorts and pages -------------------------------------------------------------------------

def test_sorts(engine):
    old_rich = doc(published_at=dt.datetime(2026, 10, 1), salary_max=60_000, closing_date=TODAY + dt.timedelta(days=20))
    new_poor = doc(published_at=dt.datetime(2026, 11, 20), salary_max=41_000, closing_date=TODAY + dt.timedelta(days=9))
    middle = doc(published_at=dt.datetime(2026, 11, 5), salary_max=50_000, closing_date=TODAY + dt.timedelta(days=2))
    engine.index([old_rich, new_poor, middle])
    assert ids(engine.search(q(sort=Sort.NEWEST))) == [new_poor["id"], middle["id"], old_rich["id"]]
    assert ids(engine.search(q(sort=Sort.SALARY))) == [old_rich["id"], middle["id"], new_poor["id"]]
    assert ids(engine.search(q(sort=Sort.CLOSING))) == [middle["id"], new_poor["id"], old_rich["id"]]
    # Relevance without keywords falls back to newest first.
    assert ids(engine.search(q(sort=Sort.RELEVANCE))) == [new_poor["id"], middle["id"], old_rich["id"]]


def test_nearest_first_orders_by_distance_from_the_place_on_both_engines(engine):
    # Camden → Hackney about 3 miles, Ealing about 8, Croydon about 11.
    croydon, ealing, hackney = doc("croydon"), doc("ealing"), doc("hackney")
    camden_old = doc("camden", published_at=dt.datetime(2026, 10, 1))
    camden_new = doc("camden", published_at=dt.datetime(2026, 11, 20))
    engine.index([croydon, ealing, hackney, camden_old, camden_new])
    # Same place: newest first, as every other sort breaks ties.
    expected = [camden_new["id"], camden_old["id"], hackney["id"], ealing["id"], croydon["id"]]
    assert ids(engine.search(q(near=near("camden", 15), sort=Sort.NEAREST))) == expected
    # From Croydon the order turns round.
    assert ids(engine.search(q(near=near("croydon", 15), sort=Sort.NEAREST)))[0] == croydon["id"]
    # Pages keep the order.
    second = engine.search(q(near=near("camden", 15), sort=Sort.NEAREST, page=2, per_page=2))
    assert ids(second) == expected[2:4]


def test_nearest_first_without_a_place_reads_as_newest(engine):
    old, new = doc(published_at=dt.datetime(2026, 10, 1)), doc(published_at=dt.datetime(2026, 11, 20))
    engine.index([old, new])
    assert ids(engine.search(q(sort=Sort.NEAREST))) == [new["id"], old["id"]]


def test_pages_do_not_overlap_and_cover_every_hit(engine):
    docs = [doc(published_at=dt.datetime(2026, 11, 1) + dt.timedelta(hours=i)) for i in range(7)]
    engine.index(docs)
    pages = [engine.search(q(page=p, per_page=3, sort=Sort.NEWEST)) for p in (1, 2, 3, 4)]
    assert [len(p.hits) for p in pages] == [3, 3, 1, 0]
    assert pages[0].total == 7 and pages[0].pages == 3
    seen = [i for p in pages for i in ids(p)]
    assert sorted(seen) == sorted(d["id"] for d in docs) and len(set(seen)) == 7


# --- highlights ------------------------------------------------------------------------------

def test_highlights_mark_matches_and_escape_everything_else(engine):
    engine.index([doc(title="<script>alert('x')</script> Fostering & adoption",
                      description="Fostering <b>bold</b> work with \"families\".")])
    hit = engine.search(q(keywords="fostering")).hits[0]
    title, snippet = hit.highlights["title"], hit.highlights["description"]
    assert "<mark>Fostering</mark>" in title
    assert "<script>" not in title and "&lt;script&gt;" in title and "&amp;" in title
    assert "Fostering</mark> &lt;b&gt;bold&lt;/b&gt;" in snippet
    assert "<b>" not in snippet
    for html in (title, snippet):  # always balanced, whatever fragment the engine cut
        assert html.count("<mark>") == html.count("</mark>")


def test_marker_characters_in_a_job_advert_cannot_forge_a_highlight(engine):
    engine.index([doc(title=f"Social worker {MARK_START}<img src=x onerror=alert(1)>{MARK_END} fostering")])
    title = engine.search(q(keywords="fostering")).hits[0].highlights["title"]
    assert "<img" not in title and title.count("<mark>") == 1


# --- liveness --------------------------------------------------------------------------------

def test_a_vacancy_disappears_after_its_closing_day_without_reindexing(engine):
    closes_today = doc(closing_date=TODAY)
    engine.index([closes_today])
    assert ids(engine.search(q())) == [closes_today["id"]]  # open all of its closing day
    assert engine.search(q(as_of=TODAY + dt.timedelta(days=1))).total == 0
    assert engine.count() == 1  # still stored; only the query decided


def test_a_closed_document_is_never_returned_even_if_indexed(engine):
    engine.index([doc(status=VacancyStatus.CLOSED)])
    assert engine.search(q()).total == 0


# --- writing, rebuilding, suggestions -------------------------------------------------------

def test_index_replaces_and_delete_removes(engine):
    job = doc(title="Adoption social worker")
    engine.index([job])
    engine.index([{**job, "title": "Fostering social worker"}])
    assert engine.count() == 1
    assert engine.search(q(keywords="adoption")).total == 0
    assert ids(engine.search(q(keywords="fostering"))) == [job["id"]]
    assert engine.delete([job["id"], 999_999]) == 1
    assert engine.count() == 0 and engine.search(q(keywords="fostering")).total == 0


def test_rebuild_swaps_in_a_complete_new_index(engine):
    engine.index([doc(title="Old adoption job")])
    fresh = [doc(title="Fostering social worker"), doc(title="Fostering team manager")]
    seen = []
    assert engine.rebuild(iter(fresh), progress=seen.append, chunk_size=1) == 2
    assert seen == [1, 2]
    assert engine.count() == 2 and engine.search(q(keywords="adoption")).total == 0


def test_a_failed_rebuild_leaves_the_live_index_untouched(engine):
    live = doc(title="Adoption social worker")
    engine.index([live])

    def broken():
        yield doc(title="Half a rebuild")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        engine.rebuild(broken(), chunk_size=1)
    assert ids(engine.search(q(keywords="adoption"))) == [live["id"]]
    assert engine.status()["rebuilding"] is None
    engine.index([doc(title="Written after the failure")])  # writes still work
    assert engine.count() == 2


def test_suggest_offers_titles_of_live_jobs(engine):
    engine.index([doc(title="Fostering social worker", closing_date=dt.date.today() + dt.timedelta(days=5)),
                  doc(title="Fostering social worker", closing_date=dt.date.today() + dt.timedelta(days=5)),
                  doc(title="Foster carer assessor", closing_date=dt.date.today() + dt.timedelta(days=5)),
                  doc(title="Adoption social worker", closing_date=dt.date.today() + dt.timedelta(days=5))])
    assert engine.suggest("fost") == ["Fostering social worker", "Foster carer assessor"]
    assert engine.suggest("f") == []


def test_reset_empties_the_index_and_status_reports_it(engine):
    engine.index([doc(), doc()])
    engine.reset()
    status = engine.status()
    assert engine.count() == 0 and status["documents"] == 0 and status["engine"] == engine.name


# --- the query itself ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs",
    [
        {"keywords": "x" * 201},
        {"role_levels": ("wizard",)},
        {"service_areas": ("astronomy",)},
        {"sort": "cheapest"},
        {"salary_min": -5},
        {"page": 0},
        {"per_page": 1000},
        {"max_caseload": 0},
        {"near": near("camden", 500)},
    ],
)
def test_a_query_that_cannot_be_run_says_why(kwargs):
    with pytest.raises(InvalidSearch) as error:
        SearchQuery(**kwargs)
    assert str(error.value)


def test_the_document_builder_is_plain_json():
    import json

    built = doc(hybrid_pattern=HybridPattern.HYBRID, caseload_max=14)
    assert json.loads(json.dumps(built)) == built
    assert built["organisation_slug"] == "camden" and built["sub_region"] == "north"
    assert built["location"] == {"lat": BOROUGHS_BY_SLUG["camden"].latitude, "lon": BOROUGHS_BY_SLUG["camden"].longitude}


# --- featured jobs ---------------------------------------------------------------------------


def featured(start: dt.date, end: dt.date):
    from webapp.models import FeaturedSlot

    return [FeaturedSlot(starts_on=start, ends_on=end)]


def test_a_job_featured_today_comes_first_with_and_without_keywords(engine):
    newest = doc(title="Child protection social worker", published_at=dt.datetime(2026, 11, 30, 9))
    pinned = doc(title="Fostering social worker", published_at=dt.datetime(2026, 10, 1, 9),
                 featured_slots=featured(TODAY - dt.timedelta(days=2), TODAY))
    engine.index([newest, pinned])
    assert ids(engine.search(q())) == [pinned["id"], newest["id"]]
    assert ids(engine.search(q(keywords="social worker"))) == [pinned["id"], newest["id"]]
    # Keywords still decide whether a featured job is found at all.
    assert ids(engine.search(q(keywords="child protection"))) == [newest["id"]]


def test_featuring_follows_the_slot_dates(engine):
    later = doc(title="Adoption social worker", featured_slots=featured(TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=7)))
    other = doc(title="Assessment social worker", published_at=dt.datetime(2026, 11, 30, 9))
    engine.index([later, other])
    assert ids(engine.search(q())) == [other["id"], later["id"]]  # not yet
    assert ids(engine.search(q(as_of=TODAY + dt.timedelta(days=1)))) == [later["id"], other["id"]]
    assert ids(engine.search(q(as_of=TODAY + dt.timedelta(days=8)))) == [other["id"], later["id"]]  # over


def test_a_sort_the_user_chose_is_not_overridden_by_featuring(engine):
    pinned = doc(title="Adoption social worker", salary_max=41_000, featured_slots=featured(TODAY, TODAY))
    better_paid = doc(title="Assessment social worker", salary_max=60_000)
    engine.index([pinned, better_paid])
    assert ids(engine.search(q(sort=Sort.SALARY))) == [better_paid["id"], pinned["id"]]
    assert ids(engine.search(q(sort=Sort.RELEVANCE)))[0] == pinned["id"]


def test_featured_jobs_keep_relevance_order_among_themselves_and_facets_are_unchanged(engine):
    slots = featured(TODAY, TODAY + dt.timedelta(days=3))
    title_match = doc(title="Fostering team manager", featured_slots=slots)
    body_match = doc(title="Team manager", description="Lead our fostering assessments.", featured_slots=featured(TODAY, TODAY))
    plain = doc(title="Fostering social worker")
    engine.index([body_match, plain, title_match])
    result = engine.search(q(keywords="fostering"))
    assert ids(result)[:2] == [title_match["id"], body_match["id"]]
    assert result.total == 3


# --- ids only (what job alerts ask for) ---------------------------------------------------------

@pytest.mark.parametrize("asked", [
    dict(keywords="social worker", sort=Sort.NEWEST),
    dict(keywords="child protecton", sort=Sort.NEWEST),  # a typo: corrected as in a full search
    dict(councils=("camden", "croydon"), role_levels=(RoleLevel.SOCIAL_WORKER.value,), sort=Sort.CLOSING),
    dict(keywords="worker", salary_min=44_000, sort=Sort.RELEVANCE, per_page=2, page=2),
])
def test_ids_only_gives_the_same_page_and_total_without_facets_or_highlights(engine, asked):
    engine.index([doc("camden", title="Child protection social worker", salary_max=50_000),
                  doc("croydon", title="Social worker, fostering", closing_date=TODAY + dt.timedelta(days=3)),
                  doc("hackney", title="Senior practitioner", role_level=RoleLevel.SENIOR_PRACTITIONER),
                  doc("ealing", title="Social worker, adoption", published_at=dt.datetime(2026, 11, 20, 9)),
                  doc("camden", title="Youth justice worker", salary_max=46_000)])
    full = engine.search(q(**asked))
    lean = engine.search(q(ids_only=True, **asked))
    assert full.total > 0 and ids(full)
    assert (ids(lean), lean.total) == (ids(full), full.total)
    assert lean.facets == {} and full.facets
    assert all(not hit.highlights for hit in lean.hits)
