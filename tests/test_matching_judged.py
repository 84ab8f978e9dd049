"""The judged set (matching/judged_set, issue 16 item 5): graded by hand, run through the real app with the
real model on a fresh SQLite database (bench.judged_matching), and held to what a social worker may expect:
no job shown (or person suggested, or invitation allowed) that breaks a need they stated, no reason shown that
is untrue, and the quality measured on the grades kept above a floor.

The set's own checks (its checkers catch what they are for, its grades never reward a broken need) run
without the model."""
from __future__ import annotations

import pytest

from bench import judged_matching
from matching import judged

# Measured on this set with the model, 2026-11-30 (docs/benchmarks.md, "Judged matching"): jobs that fit P@10
# 0.706, nDCG@10 0.968 (0.476 / 0.975 before jobs outside the person's practice and partial fits were left out);
# suggested candidates 0.564, 0.986. Issue 16's targets for jobs that fit are P@10 >= 0.7 and nDCG@10 >= 0.85:
# the floors hold the target for precision and what has been reached for nDCG, so a change that loses either fails.
JOBS_THAT_FIT_FLOORS = {"precision@10": 0.70, "ndcg@10": 0.95}
SUGGESTED_CANDIDATES_FLOORS = {"precision@10": 0.5, "ndcg@10": 0.95}


@pytest.fixture(scope="module")
def data() -> judged.JudgedSet:
    return judged.load()


def test_the_set_is_the_size_the_issue_asks_for(data):
    assert len(data.people) >= 30
    assert len(data.jobs) >= 80
    assert len(data.candidate_grades) >= 10
    assert all(data.job_grades.get(p) for p in data.people), "every person has jobs graded for them"
    assert all(any(g >= 2 for g in grades.values()) for grades in data.candidate_grades.values())


def test_no_grade_rewards_a_job_that_breaks_a_stated_need(data):
    """Rule 1 of the README: a job that breaks something the person said they need is 0, both ways."""
    rewarded = [(p, j, judged.broken_needs(data.people[p], data.jobs[j]))
                for p, grades in data.job_grades.items() for j, g in grades.items() if g]
    rewarded += [(p, j, judged.broken_needs(data.people[p], data.jobs[j]))
                 for j, grades in data.candidate_grades.items() for p, g in grades.items() if g]
    assert [r for r in rewarded if r[2]] == []


def test_the_stated_need_checker_catches_each_kind_of_need(data):
    people, jobs = data.people, data.jobs
    assert "pattern: full time, they want part time" in judged.broken_needs(people["p03"], jobs["v073"])
    assert any(b.startswith("council:") for b in judged.broken_needs(people["p07"], jobs["v070"]))  # Croydon
    assert any(b.startswith("level: newly qualified") for b in judged.broken_needs(people["p01"], jobs["v085"]))
    assert any(b.startswith("level: an ASYE") for b in judged.broken_needs(people["p02"], jobs["v028"]))
    assert any(b.startswith("level: a step down") for b in judged.broken_needs(people["p19"], jobs["v097"]))
    assert not any(b.startswith("level") for b in judged.broken_needs(people["p17"], jobs["v057"]))  # said yes
    assert any(b.startswith("salary:") for b in judged.broken_needs(people["p02"], jobs["v011"]))  # £41,000 start
    assert any(b.startswith("contract:") for b in judged.broken_needs(people["p09"], jobs["v009"]))
    assert any(b.startswith("commute:") for b in judged.broken_needs(people["p01"], jobs["v003"]))
    assert any(b.startswith("hours:") for b in judged.broken_needs(people["p15"], jobs["v089"]))
    assert "protected caseload: none offered" in judged.broken_needs(people["p16"], jobs["v051"])
    assert "hybrid working: not offered" in judged.broken_needs(people["p24"], jobs["v023"])
    assert judged.broken_needs(people["p01"], jobs["v083"]) == []


def test_the_reason_checker_tells_true_reasons_from_false_ones(data):
    people, jobs = data.people, data.jobs
    check = judged.check_reason
    # Issue 16: "pays above your minimum salary" when the band starts below the minimum is false.
    assert check("pays above your minimum salary", people["p02"], jobs["v011"]) is False  # starts at £41,000
    assert check("pays above your minimum salary", people["p02"], jobs["v062"]) is True  # starts at £42,000
    assert check("£41,000–£47,000: starts below your £42,000", people["p02"], jobs["v011"]) is True
    assert check("£41,000–£47,000: starts below your £42,000", people["p02"], jobs["v062"]) is False
    # A similarity phrase on a job in a different practice area altogether is false.
    assert check("profile closely matches the advert", people["p02"], jobs["v100"]) is False
    assert check("profile closely matches the advert", people["p02"], jobs["v009"]) is True
    assert check("child protection experience", people["p02"], jobs["v009"]) is True
    assert check("fostering experience", people["p02"], jobs["v009"]) is False
    assert check("in Barnet, one of your preferred councils", people["p04"], jobs["v002"]) is True
    assert check("in Haringey, one of your preferred councils", people["p04"], jobs["v105"]) is False
    assert check("2 miles away", people["p02"], jobs["v007"]) is False  # the City is 2.6 miles from Hackney
    assert check("3 miles away", people["p02"], jobs["v007"]) is True
    assert check("a step up to senior practitioner", people["p02"], jobs["v039"]) is True
    assert check("senior practitioner", people["p02"], jobs["v039"]) is False
    assert check("part time", people["p03"], jobs["v069"]) is True
    assert check("Full time: you said you prefer part time or job share", people["p03"], jobs["v073"]) is True
    assert check("Part time: you said you prefer full time", people["p03"], jobs["v069"]) is False
    assert check("0.6 FTE, 22.2 hours a week", people["p03"], jobs["v069"]) is True
    assert check("0.8 FTE, 29.6 hours a week", people["p03"], jobs["v069"]) is False
    assert check("in Southwark, one of the councils you chose", people["p07"], jobs["v090"]) is True
    assert check("in Southwark, one of your preferred councils", people["p07"], jobs["v090"]) is False  # only, not preferred
    assert check("a step down to social worker: you said you would consider one", people["p17"], jobs["v057"]) is True
    assert check("a step down to social worker: you said you would consider one", people["p03"], jobs["v064"]) is False
    assert check("Child protection: not one of your practice areas", people["p03"], jobs["v009"]) is True
    assert check("a protected caseload in the ASYE", people["p16"], jobs["v051"]) is False
    assert check("the advert does not say the ASYE caseload is protected", people["p16"], jobs["v051"]) is True
    assert check("your experience matches the advert", people["p02"], jobs["v100"]) is False
    assert check("a kind of reason nobody has written a check for", people["p03"], jobs["v069"]) is None


@pytest.mark.real_encoder
def test_jobs_that_fit_and_suggested_candidates_on_the_judged_set(data):
    """The whole set through the app with all-MiniLM-L6-v2 (offline), as `make eval-matching` runs it."""
    report = judged_matching.run(("after",), data)["after"]
    fit, suggested = report["jobs_that_fit"], report["suggested_candidates"]
    assert fit["detail"]["violations"] == [] and fit["stated_need_violations"] == 0
    assert suggested["detail"]["violations"] == [] and suggested["stated_need_violations"] == 0
    assert fit["detail"]["false_reasons"] == [] and fit["false_reasons"] == 0
    assert suggested["detail"]["false_reasons"] == [] and suggested["false_reasons"] == 0
    invitations = report["invitations"]  # every vacancy against every person, as the invite service asks
    assert invitations["may_invite"] > 0
    assert invitations["detail"]["violations"] == [] and invitations["detail"]["false_reasons"] == []
    for name, floor in JOBS_THAT_FIT_FLOORS.items():
        assert fit[name] >= floor, (name, fit[name])
    for name, floor in SUGGESTED_CANDIDATES_FLOORS.items():
        assert suggested[name] >= floor, (name, suggested[name])
    # Jobs that fit is the better way to find a post than typing words into the search box.
    assert fit["ndcg@10"] > report["keyword_search"]["ndcg@10"]
