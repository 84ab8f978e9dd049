"""Matching without a database: text builders, hard constraints (three forms agree), scoring and reasons."""
from __future__ import annotations

import math

import dataclasses
import random

import numpy as np
import pytest

from domain.geography import BOROUGHS_BY_SLUG, LONDON_BOROUGHS
from domain.vocabulary import (
    Availability,
    ContractType,
    HoursWanted,
    HybridPattern,
    NeedLevel,
    RoleLevel,
    ServiceArea,
    WorkingPattern,
)
from matching import constraints, scoring
from matching.constraints import CandidateTable, VacancyTable, failures
from matching.encoder import CachedEncoder, MemoryStore, from_bytes, text_hash, to_bytes
from matching.text import CandidateFacts, VacancyFacts, candidate_text, vacancy_text
from matching.weights import WEIGHTS

CAMDEN = BOROUGHS_BY_SLUG["camden"]
CROYDON = BOROUGHS_BY_SLUG["croydon"]


def vacancy(**changes) -> VacancyFacts:
    base = VacancyFacts(
        id=1, title="Senior Practitioner – Child Protection", role_level=RoleLevel.SENIOR_PRACTITIONER,
        service_area=ServiceArea.CHILD_PROTECTION, organisation_id=1, organisation_slug="camden",
        organisation_name="Camden", latitude=CAMDEN.latitude, longitude=CAMDEN.longitude, salary_min=45000,
        salary_max=50000, contract_type=ContractType.PERMANENT, working_pattern=WorkingPattern.FULL_TIME,
        team="Child Protection Team 2", summary="Weekly supervision.", description="Section 47 enquiries and core groups.",
    )
    return dataclasses.replace(base, **changes)


def candidate(**changes) -> CandidateFacts:
    base = CandidateFacts(
        id=7, user_id=70, role_level=RoleLevel.SENIOR_PRACTITIONER, specialisms=("child_protection",),
        home_borough="islington", preferred_boroughs=(), max_commute_miles=5, min_salary=42000,
        contract_types=("permanent",), working_patterns=("full_time",), availability=Availability.NOW,
        registered=True, years_qualified=6, cv_text="Child protection practitioner, court work.", discoverable=True,
    )
    return dataclasses.replace(base, **changes)


# --- text builders ---------------------------------------------------------------------------------------


def test_vacancy_text_says_what_the_job_is():
    text = vacancy_text(vacancy())
    assert text.startswith("Senior Practitioner – Child Protection. Senior practitioner holding complex cases and "
                           "guiding colleagues in child protection: children at risk of significant harm")
    assert "Section 47 enquiries" in text and "Camden" not in text  # place is scored exactly, not embedded


def test_vacancy_text_leaves_out_what_every_advert_says():
    boilerplate = ("Are you a passionate social worker who wants to make a real difference? Camden is a great place "
                   "to work. You will hold section 47 enquiries and chair core groups. We offer 27 days' annual leave "
                   "and the Local Government Pension Scheme. Camden is committed to safeguarding and promoting the "
                   "welfare of children. This post is subject to an enhanced DBS check.")
    text = vacancy_text(vacancy(description=boilerplate))
    assert "You will hold section 47 enquiries and chair core groups." in text
    for generic in ("passionate", "great place", "annual leave", "Pension", "committed to safeguarding", "DBS"):
        assert generic not in text


def test_candidate_text_has_level_practice_experience_and_their_words():
    text = candidate_text(candidate(specialisms=("child_protection", "fostering")))
    assert text == ("Senior practitioner holding complex cases and guiding colleagues. Experience in child protection: "
                    "children at risk of significant harm, section 47 enquiries, child protection plans, core groups "
                    "and care proceedings; fostering: assessing, supervising and supporting foster carers, Form F and "
                    "kinship assessments, fostering panel. Qualified 6 years. Child protection practitioner, court work.")
    assert "ASYE" in candidate_text(candidate(in_asye=True, role_level=RoleLevel.NQSW))
    assert candidate_text(candidate(role_level=None, specialisms=(), years_qualified=None, cv_text="  ")) == ""


def test_text_hash_and_vector_bytes_round_trip():
    assert text_hash("a") != text_hash("a ") and len(text_hash("x")) == 64
    vector = np.arange(384, dtype=np.float32) / 384
    assert np.array_equal(from_bytes(to_bytes(vector)), vector)


def test_cached_encoder_encodes_each_text_once():
    class CountingEncoder:
        name = "counting-test-encoder"  # vectors are kept under their encoder's own name
        calls: list[list[str]] = []

        def encode(self, texts):
            self.calls.append(list(texts))
            return np.ones((len(texts), 384), dtype=np.float32)

    from matching.encoder import RECENT

    RECENT.clear()
    fake = CountingEncoder()
    cache = CachedEncoder(MemoryStore(), encoder=fake)  # type: ignore[arg-type]
    cache.vectors(["a", "b", "a"])
    cache.vectors(["b", "a", "c"])
    assert fake.calls == [["a", "b"], ["c"]] and cache.encoded == 3
    again = CachedEncoder(MemoryStore(), encoder=fake)  # an emptied database: the process still remembers
    again.vectors(["a", "c"])
    assert fake.calls == [["a", "b"], ["c"]] and again.encoded == 0
    assert set(again.store.vectors) == {("counting-test-encoder", text_hash("a")),
                                        ("counting-test-encoder", text_hash("c"))}
    RECENT.clear()  # these fake vectors must not serve a later test


# --- hard constraints ------------------------------------------------------------------------------------


@pytest.mark.parametrize("changes, problem", [
    ({"discoverable": False}, "has not asked to be found by recruiters"),
    ({"availability": Availability.NOT_LOOKING}, "not looking at the moment"),
    ({"role_level": RoleLevel.SERVICE_MANAGER}, "not a level they asked to see"),
    ({"role_level": RoleLevel.TEAM_MANAGER, "considers_step_down": True}, "not a level they asked to see"),
    ({"role_level": RoleLevel.ADVANCED_PRACTITIONER}, "not a level they asked to see"),  # a step down, not asked for
    ({"registered": False}, "needs Social Work England registration"),
    ({"contract_types": ("locum",)}, "contract type not wanted"),
    ({"min_salary": 55000}, "pays below the minimum salary"),
    ({"min_salary": 47000}, "pays below the minimum salary"),  # inside the band, above its bottom
    ({"min_salary": 55000, "min_salary_anywhere_in_band": True}, "pays below the minimum salary"),
    ({"home_borough": "croydon", "max_commute_miles": 5}, "beyond the maximum commute"),
    ({"home_borough": "croydon", "max_commute_miles": 5, "preferred_boroughs": ("camden",)},
     "beyond the maximum commute"),  # a preferred council ranks higher; it does not stretch the commute
    ({"hidden_from": ("croydon", "camden")}, "has hidden their profile from this council"),
    ({"hours_wanted": HoursWanted.PART_TIME}, "more hours than they can work"),
    ({"only_boroughs": ("islington", "hackney")}, "not one of the only councils they would work for"),
    ({"hybrid_working": NeedLevel.NEED}, "does not say it offers hybrid working"),
])
def test_each_hard_constraint_filters(changes, problem):
    assert failures(vacancy(), candidate(), for_recruiter=True) == []
    assert failures(vacancy(), candidate(**changes), for_recruiter=True) == [problem]


def test_stated_needs_that_the_vacancy_meets_pass():
    # The band reaching the minimum is enough when they said so.
    assert failures(vacancy(), candidate(min_salary=47000, min_salary_anywhere_in_band=True)) == []
    assert failures(vacancy(), candidate(only_boroughs=("camden",), preferred_boroughs=("islington",))) == []
    assert failures(vacancy(), candidate(hours_wanted=HoursWanted.FULL_TIME)) == []
    assert failures(vacancy(), candidate(hours_wanted=HoursWanted.EITHER)) == []
    assert failures(vacancy(hybrid_pattern=HybridPattern.HYBRID), candidate(hybrid_working=NeedLevel.NEED)) == []
    assert failures(vacancy(), candidate(hybrid_working=NeedLevel.PREFER)) == []  # a preference only ranks
    # A step down of one or two levels, when they would consider one.
    assert failures(vacancy(), candidate(role_level=RoleLevel.ADVANCED_PRACTITIONER, considers_step_down=True)) == []
    assert failures(vacancy(), candidate(role_level=RoleLevel.SOCIAL_WORKER)) == []  # a step up
    assert failures(vacancy(), candidate(role_level=RoleLevel.NQSW, in_asye=False)) != []  # ASYE: ASYE posts


def test_part_time_and_full_time_are_hard_both_ways():
    job_share = vacancy(working_pattern=WorkingPattern.JOB_SHARE, fte=0.5)
    three_days = vacancy(working_pattern=WorkingPattern.PART_TIME, fte=0.6)
    four_days = vacancy(working_pattern=WorkingPattern.PART_TIME, fte=0.8)
    compressed = vacancy(working_pattern=WorkingPattern.COMPRESSED, fte=1.0)
    full = candidate(hours_wanted=HoursWanted.FULL_TIME)
    assert failures(job_share, full) == ["part time, and they need full time"]
    assert failures(compressed, full) == []
    part = candidate(hours_wanted=HoursWanted.PART_TIME)
    assert [bool(failures(v, part)) for v in (vacancy(), compressed, job_share, three_days, four_days)] == \
        [True, True, False, False, False]
    # 22 hours a week is 0.59 of a 37-hour week: three days (0.6) is too many, a job share is not.
    short = candidate(hours_wanted=HoursWanted.PART_TIME, part_time_hours_max=22)
    assert [bool(failures(v, short)) for v in (job_share, three_days, four_days)] == [False, True, True]
    assert failures(four_days, candidate(hours_wanted=HoursWanted.PART_TIME, part_time_hours_max=30)) == []


def test_levels_newly_qualified_students_and_experienced_workers():
    asye = vacancy(role_level=RoleLevel.NQSW, protected_caseload=True)
    social_worker = vacancy(role_level=RoleLevel.SOCIAL_WORKER)
    student_post = vacancy(role_level=RoleLevel.STUDENT)
    nqsw = candidate(role_level=RoleLevel.NQSW, in_asye=True, years_qualified=0)
    assert failures(asye, nqsw) == []
    assert failures(social_worker, nqsw) == ["not a level they asked to see"]  # asks for post-qualifying experience
    assert failures(asye, candidate(role_level=RoleLevel.SOCIAL_WORKER)) == ["not a level they asked to see"]
    assert failures(asye, candidate(role_level=RoleLevel.SOCIAL_WORKER, considers_step_down=True)) == \
        ["not a level they asked to see"]  # experienced workers never see ASYE posts
    student = candidate(role_level=RoleLevel.STUDENT, registered=False)
    assert [bool(failures(v, student)) for v in (student_post, asye, social_worker)] == [False, False, True]
    # Someone in their ASYE is newly qualified whatever level they ticked.
    assert failures(social_worker, candidate(role_level=RoleLevel.SOCIAL_WORKER, in_asye=True)) != []


def test_a_protected_caseload_need_hides_only_unprotected_asye_posts():
    needs = candidate(role_level=RoleLevel.NQSW, in_asye=True, protected_caseload=NeedLevel.NEED)
    assert failures(vacancy(role_level=RoleLevel.NQSW, protected_caseload=False), needs) == \
        ["an ASYE post without a protected caseload"]
    assert failures(vacancy(role_level=RoleLevel.NQSW, protected_caseload=True), needs) == []
    prefers = dataclasses.replace(needs, protected_caseload=NeedLevel.PREFER)
    assert failures(vacancy(role_level=RoleLevel.NQSW, protected_caseload=False), prefers) == []


def test_registration_rules_for_students_and_asye_posts():
    student = candidate(role_level=RoleLevel.STUDENT, registered=False)
    assert failures(vacancy(role_level=RoleLevel.NQSW), student) == []
    assert failures(vacancy(role_level=RoleLevel.STUDENT), student) == []
    assert "needs Social Work England registration" in failures(vacancy(role_level=RoleLevel.SOCIAL_WORKER), student)


def test_the_candidate_direction_ignores_opting_in():
    assert failures(vacancy(), candidate(discoverable=False, availability=Availability.NOT_LOOKING)) == []


def test_hiding_from_a_council_hides_only_from_that_council_and_only_from_recruiters():
    hiding = candidate(hidden_from=("camden",))
    islington = vacancy(organisation_id=2, organisation_slug="islington")
    assert failures(islington, hiding, for_recruiter=True) == []
    assert failures(vacancy(), hiding) == []  # their own "jobs that fit" still show their employer's jobs
    table = CandidateTable.of([candidate(id=1), hiding, candidate(id=3, hidden_from=("islington", "camden"))])
    assert table.mask_for(vacancy()).tolist() == [True, False, False]
    assert table.mask_for(islington).tolist() == [True, True, False]
    assert table.mask_for(vacancy(organisation_id=5, organisation_slug="hackney")).tolist() == [True, True, True]


def _random_population(seed: int, n: int) -> tuple[list[VacancyFacts], list[CandidateFacts]]:
    rng = random.Random(seed)
    vacancies, candidates = [], []
    for i in range(n):
        place = rng.choice(LONDON_BOROUGHS)
        low = rng.choice([30000, 38000, 42000, 48000, 55000])
        pattern, fte = rng.choice([(WorkingPattern.FULL_TIME, 1.0), (WorkingPattern.COMPRESSED, 1.0),
                                   (WorkingPattern.PART_TIME, 0.6), (WorkingPattern.PART_TIME, 0.8),
                                   (WorkingPattern.JOB_SHARE, 0.5)])
        vacancies.append(vacancy(id=i + 1, role_level=rng.choice(list(RoleLevel)), organisation_slug=place.slug,
                                 latitude=place.latitude + rng.uniform(-0.01, 0.01),
                                 longitude=place.longitude + rng.uniform(-0.01, 0.01),
                                 salary_min=low, salary_max=low + 6000, contract_type=rng.choice(list(ContractType)),
                                 working_pattern=pattern, fte=fte, protected_caseload=rng.random() < 0.5,
                                 hybrid_pattern=rng.choice([None, *HybridPattern])))
        level = rng.choice([None, *RoleLevel])
        hours = rng.choice([None, *HoursWanted])
        slugs = [b.slug for b in LONDON_BOROUGHS]
        candidates.append(candidate(
            id=i + 1, role_level=level, home_borough=rng.choice([None, *slugs]),
            in_asye=level == RoleLevel.NQSW and rng.random() < 0.8 or rng.random() < 0.03,
            max_commute_miles=rng.choice([None, 3, 5, 8, 12, 30]), min_salary=rng.choice([None, 35000, 45000, 60000]),
            min_salary_anywhere_in_band=rng.random() < 0.4,
            contract_types=tuple(rng.sample([c.value for c in ContractType], rng.randint(0, 2))),
            preferred_boroughs=tuple(rng.sample(slugs, rng.randint(0, 2))),
            only_boroughs=tuple(rng.sample(slugs, rng.choice([0, 0, 0, 4, 12]))),
            hours_wanted=hours,
            part_time_hours_max=rng.choice([None, 18, 22, 30]) if hours == HoursWanted.PART_TIME else None,
            considers_step_down=rng.random() < 0.4,
            protected_caseload=rng.choice([None, *NeedLevel]), hybrid_working=rng.choice([None, *NeedLevel]),
            registered=rng.random() < 0.8, discoverable=rng.random() < 0.6,
            availability=rng.choice(list(Availability)),
            hidden_from=tuple(rng.sample(slugs, rng.choice([0, 0, 1, 3]))),
        ))
    return vacancies, candidates


@pytest.mark.parametrize("seed", [3, 17, 29])
def test_numpy_masks_agree_with_the_rules(seed):
    vacancies, candidates = _random_population(seed, 300)
    ctable, vtable = CandidateTable.of(candidates), VacancyTable.of(vacancies)
    allowed = 0
    for v in vacancies[:80]:
        expected = [not failures(v, c, for_recruiter=True) for c in candidates]
        assert ctable.mask_for(v).tolist() == expected
        allowed += sum(expected)
    for c in candidates[:80]:
        expected = [not failures(v, c) for v in vacancies]
        assert vtable.mask_for(c).tolist() == expected
        allowed += sum(expected)
    assert allowed > 0  # the population has pairs that pass as well as pairs that fail
    # Every rule turns someone away somewhere in the population, so each rule's three forms are compared.
    reasons = {problem for v in vacancies for c in candidates[:120] for problem in failures(v, c, for_recruiter=True)}
    assert len(reasons) == 13, reasons


def test_elasticsearch_filters_name_every_constraint():
    filters = constraints.es_candidate_filters(vacancy())
    text = repr(filters)
    for field in ("open_to", "hidden_from", "salary_floor", "salary_floor_in_band", "commute_reach", "only_boroughs",
                  "needs_hybrid"):
        assert field in text
    # Findable, level, registration, contract and full or part time: one keyword, the job's own.
    assert {"term": {"open_to": f"{vacancy().role_level.rank}:permanent:full"}} in filters
    assert "fte_high" in repr(constraints.es_candidate_filters(vacancy(fte=0.6)))  # a part-time job: how many hours
    assert "needs_protected_caseload" in repr(constraints.es_candidate_filters(
        vacancy(role_level=RoleLevel.NQSW, protected_caseload=False)))
    assert "preferred_boroughs" not in text  # preferred councils only rank
    # Every need is one plain clause: no "field missing, or ..." disjunction (each stepped through every
    # candidate), and the commute is one terms clause of a borough:miles keyword per borough (every borough
    # is within the cap of a London office), no per-borough pair of term and range.
    assert "exists" not in text and "should" not in text
    (listed,) = [set(f["terms"]["commute_reach"]) for f in filters if "commute_reach" in f.get("terms", {})]
    assert len(listed) == len(LONDON_BOROUGHS) + 1 and constraints.ANYWHERE in listed  # and "no commute given"
    v = vacancy()
    camden = next(i for i, b in enumerate(LONDON_BOROUGHS) if b.slug == "camden")
    nearest = math.ceil(constraints.borough_distances(v.latitude, v.longitude)[camden])
    assert listed & set(constraints.commute_reach("camden", nearest))  # just reaches
    assert not listed & set(constraints.commute_reach("camden", nearest - 1))  # a mile short
    assert listed & set(constraints.commute_reach("camden", 500))  # any longer commute reaches it too
    vacancy_filters = repr(constraints.es_vacancy_filters(candidate(registered=False), "2026-11-24"))
    assert "geo_distance" in vacancy_filters and "'lte': 0" in vacancy_filters  # unregistered: student posts only


# --- scoring and reasons -----------------------------------------------------------------------------------


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_structured_fit_orders_the_obvious_cases():
    v = vacancy()
    exact = scoring.assess(v, candidate(), 0.5)
    other_area = scoring.assess(v, candidate(specialisms=("adoption",)), 0.5)
    related = scoring.assess(v, candidate(specialisms=("children_in_need",)), 0.5)
    step_down = scoring.assess(v, candidate(role_level=RoleLevel.SOCIAL_WORKER), 0.5)
    assert exact.score > related.score > other_area.score
    assert exact.score > step_down.score
    assert scoring.assess(v, candidate(), 0.8).score > exact.score  # meaning counts too


def test_reasons_speak_the_professions_words():
    match = scoring.assess(vacancy(), candidate(), 0.7)
    assert match.reasons[:3] == ["child protection experience", "1 mile away", "senior practitioner"]
    assert "available now" in match.reasons
    step_up = scoring.assess(vacancy(), candidate(role_level=RoleLevel.SOCIAL_WORKER, preferred_boroughs=("camden",)), 0.2)
    assert "a step up to senior practitioner" in step_up.reasons
    assert "in Camden, one of their preferred councils" in step_up.reasons
    assert "profile closely matches the advert" not in step_up.reasons
    for_them = scoring.assess(vacancy(), candidate(), 0.7, for_recruiter=False).reasons
    assert "available now" not in for_them and "£45,000–£50,000: starts at or above your £42,000" in for_them


def test_rank_candidates_filters_then_ranks_by_hybrid_score():
    v = vacancy()
    people = [candidate(id=1, user_id=1), candidate(id=2, user_id=2, discoverable=False),
              candidate(id=3, user_id=3, specialisms=("adoption",)), candidate(id=4, user_id=4, min_salary=90000)]
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(4, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    query = matrix[2] * 0.6 + matrix[0] * 0.4  # closest in meaning to the adoption worker
    query /= np.linalg.norm(query)
    ranked = scoring.rank_candidates(v, query, people, matrix, limit=10)
    assert [m.candidate_id for m in ranked] == [1, 3]  # 2 did not opt in, 4 wants more than it pays
    vacancies = [v, vacancy(id=2, salary_max=30000, salary_min=28000)]
    assert [m.vacancy_id for m in scoring.rank_vacancies(candidate(), matrix[0], vacancies, matrix[:2])] == [1]


# --- the evaluation's labelled set and metrics ----------------------------------------------------------------


def test_the_labelled_set_is_deterministic_and_graded_from_the_truth():
    from matching.evaluation import build

    first, second = build(20, 60, seed=9), build(20, 60, seed=9)
    assert np.array_equal(first.labels, second.labels)
    assert [c.cv_text for c in first.candidates] == [c.cv_text for c in second.candidates]
    for vi, v in enumerate(first.vacancies):
        for ci, c in enumerate(first.candidates):
            if first.labels[vi, ci] == 2:
                assert v.service_area.value in first.true_areas[ci] and first.true_levels[ci] == v.role_level
            if failures(v, c, for_recruiter=True):
                assert first.labels[vi, ci] == 0


def test_ndcg_and_recall():
    from matching.evaluation import ndcg_at, recall_at

    gains = np.array([0, 2, 1, 0])
    assert ndcg_at([1, 2, 0, 3], gains) == pytest.approx(1.0)
    assert ndcg_at([0, 3, 2, 1], gains) < ndcg_at([2, 1, 0, 3], gains) < 1.0
    assert recall_at([1, 0], gains, k=2) == 0.5 and recall_at([3, 0], gains, k=2) == 0.0


def test_long_texts_are_cut_at_a_word_near_what_the_model_reads():
    from matching.text import MAX_TEXT_CHARS

    text = vacancy_text(vacancy(description="Child protection work with families. " * 60))
    assert len(text) <= MAX_TEXT_CHARS and not text.endswith(" ") and text.split()[-1] in "Child protection work with families."


def test_mismatches_on_soft_preferences_and_pay_are_said_plainly():
    compressed = candidate(working_patterns=("compressed",), min_salary=47000, min_salary_anywhere_in_band=True,
                           role_level=RoleLevel.ADVANCED_PRACTITIONER, considers_step_down=True,
                           hybrid_working=NeedLevel.PREFER)
    match = scoring.assess(vacancy(hybrid_pattern=HybridPattern.OFFICE), compressed, 0.7, for_recruiter=False)
    assert match.cautions == [
        "a step down to senior practitioner: you said you would consider one",
        "£45,000–£50,000: starts below your £47,000",
        "Full time: you said you prefer compressed hours",
        "Mostly office and visits: you said you would prefer hybrid working",
    ]
    assert not set(match.cautions) & set(match.reasons)
    recruiter = scoring.assess(vacancy(), candidate(working_patterns=("part_time", "job_share")), 0.3)
    assert "Full time: they prefer part time or job share" in recruiter.cautions
    other_area = scoring.assess(vacancy(), candidate(specialisms=("adoption",)), 0.9, for_recruiter=False)
    assert other_area.cautions == ["Child protection: not one of your practice areas"]


def test_the_similarity_phrase_needs_the_same_practice_area_and_a_close_text():
    same = scoring.assess(vacancy(), candidate(), 0.9, for_recruiter=False)
    assert "your experience matches the advert" in [r.text for r in same.explained]
    for semantic, specialisms in ((0.9, ("adoption",)), (0.9, ("children_in_need",)), (0.3, ("child_protection",))):
        said = [r.text for r in scoring.assess(vacancy(), candidate(specialisms=specialisms), semantic).explained]
        assert not any("matches the advert" in text for text in said), (semantic, specialisms)


def test_the_fit_figure_is_explained_in_words():
    strong = scoring.assess(vacancy(), candidate(), 0.7, for_recruiter=False)
    assert strong.score >= 0.8 and strong.fit_label == "Very close fit"
    assert strong.fit_summary == "Very close fit: same practice area, 1 mile away, your level"
    weak = scoring.assess(vacancy(), candidate(specialisms=("adoption",), role_level=RoleLevel.SOCIAL_WORKER,
                                               availability=Availability.THREE_MONTHS), 0.1)
    assert weak.score < 0.5 and weak.fit_label == "Partial fit"
    assert weak.fit_summary == "Partial fit: 1 mile away, a step up, pays enough"
    assert [scoring.fit_label(x) for x in (0.81, 0.7, 0.55, 0.2)] == ["Very close fit", "Close fit", "Good fit",
                                                                      "Partial fit"]


# --- every reason shown is true for its pair -------------------------------------------------------------------


def _label(text: str) -> str:
    return text.lower()


def _check_reason(reason: scoring.Reason, v: VacancyFacts, c: CandidateFacts, semantic: float) -> bool:
    """Whether what the reason says is a fact of this vacancy read against this profile: written apart from the
    scorer, from the facts alone, one check per kind."""
    import re

    from domain.geography import distance_miles
    from matching.weights import RELATED_AREAS, STRONG_SEMANTIC

    text, kind = reason.text, reason.kind
    area = v.service_area
    own = RoleLevel.NQSW if c.in_asye else c.role_level
    pounds = [int(x.replace(",", "")) for x in re.findall(r"£([\d,]+)", text)]
    if kind == "practice_same":
        return text.lower() == f"{_label(area.label)} experience" and area.value in c.specialisms
    if kind == "practice_related":
        named = [a for a in ServiceArea if a.value in c.specialisms and _label(a.label) in text.lower()]
        return area.value not in c.specialisms and any(
            any(area in g and a in g for g in RELATED_AREAS) for a in named)
    if kind == "practice_other":
        return text.startswith(area.label) and not any(
            s == area.value or any(area in g and s in g for g in RELATED_AREAS) for s in c.specialisms)
    if kind == "only_council":
        return v.organisation_name in text and v.organisation_slug in c.only_boroughs
    if kind == "preferred_council":
        return v.organisation_name in text and v.organisation_slug in c.preferred_boroughs
    if kind == "distance":
        home = BOROUGHS_BY_SLUG[c.home_borough]
        miles = distance_miles(home.latitude, home.longitude, v.latitude, v.longitude)
        if c.max_commute_miles is not None and miles > c.max_commute_miles:
            return False
        if text == "under a mile away":
            return miles < 1
        number = re.fullmatch(r"(\d+) miles? away", text)
        return number is not None and abs(int(number.group(1)) - miles) <= 0.5
    if kind == "asye":
        return v.role_level == RoleLevel.NQSW and own == RoleLevel.NQSW
    if kind == "level_same":
        return own == v.role_level and text.lower() == _label(v.role_level.label)
    if kind == "level_up":
        return own is not None and v.role_level.rank > own.rank and _label(v.role_level.label) in text.lower()
    if kind == "level_down":
        return own is not None and v.role_level.rank < own.rank and c.considers_step_down and not reason.fits
    if kind == "protected_caseload":
        return v.role_level == RoleLevel.NQSW and v.protected_caseload
    if kind == "protected_caseload_unsaid":
        return v.role_level == RoleLevel.NQSW and not v.protected_caseload and not reason.fits
    if kind == "salary":
        if pounds != [v.salary_min, v.salary_max, c.min_salary]:
            return False
        return ("starts at or above" in text) == (v.salary_min >= c.min_salary) and \
            ("starts below" in text) == (v.salary_min < c.min_salary) and reason.fits == (v.salary_min >= c.min_salary)
    if kind == "pattern":
        return text.lower() == _label(v.working_pattern.label) and v.working_pattern.value in c.working_patterns
    if kind == "pattern_other":
        return (text.startswith(v.working_pattern.label + ":") and v.working_pattern.value not in c.working_patterns
                and all(_label(WorkingPattern(p).label) in text for p in c.working_patterns) and not reason.fits)
    if kind == "hours":
        numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)]
        return v.fte < 1 and numbers == [v.fte, round(v.fte * 37, 1)]
    if kind == "hybrid":
        return v.hybrid_pattern in (HybridPattern.HYBRID, HybridPattern.MOSTLY_HOME) and \
            c.hybrid_working in (NeedLevel.NEED, NeedLevel.PREFER)
    if kind == "hybrid_unsaid":
        return v.hybrid_pattern is None and not reason.fits
    if kind == "hybrid_other":
        return v.hybrid_pattern == HybridPattern.OFFICE and v.hybrid_pattern.label in text and not reason.fits
    if kind == "availability":
        return c.availability in (Availability.NOW, Availability.ONE_MONTH) and text.lower() == _label(c.availability.label)
    if kind == "similar_text":
        return semantic >= STRONG_SEMANTIC and area.value in c.specialisms
    return False  # a kind with no checker is never shown unchecked


@pytest.mark.parametrize("seed", [5, 23])
def test_every_reason_shown_is_true_for_its_pair(seed):
    vacancies, candidates = _random_population(seed, 300)
    rng = random.Random(seed)
    candidates = [dataclasses.replace(
        c, specialisms=tuple(rng.sample([a.value for a in ServiceArea], rng.randint(0, 3))),
        working_patterns=tuple(rng.sample([p.value for p in WorkingPattern], rng.randint(0, 2))),
        preferred_boroughs=tuple(rng.sample([b.slug for b in LONDON_BOROUGHS], rng.randint(0, 8))))
        for c in candidates]
    vacancies = [dataclasses.replace(v, service_area=rng.choice(list(ServiceArea))) for v in vacancies]
    shown, kinds = 0, set()
    for v in vacancies:
        for c in candidates:
            if failures(v, c):  # only pairs that may be shown are explained
                continue
            semantic = rng.uniform(0.0, 0.9)
            for for_recruiter in (False, True):
                match = scoring.assess(v, c, semantic, for_recruiter=for_recruiter)
                for reason in match.explained:
                    assert _check_reason(reason, v, c, semantic), (reason, v, c)
                    shown += 1
                    kinds.add(reason.kind)
                assert set(match.reasons) <= {r.text for r in match.explained if r.fits}
                assert set(match.cautions) == {r.text for r in match.explained if not r.fits}
    assert shown > 1000 and len(kinds) >= 18, (shown, sorted(kinds))
