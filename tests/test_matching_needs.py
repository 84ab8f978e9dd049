"""Stated needs in the app, on both databases (issue 16): jobs that fit, suggested candidates and invitations
never break a need the person stated; reasons say mismatches plainly; the recruiter's summary carries level,
working pattern, contract and distance. (The Elasticsearch path's filters are held to the same rules in
tests/test_matching_elasticsearch.py.)"""
from __future__ import annotations

from decimal import Decimal

import pytest

from domain.geography import BOROUGHS_BY_SLUG
from domain.vocabulary import HoursWanted, HybridPattern, NeedLevel, RoleLevel, ServiceArea, WorkingPattern
from tests.factories import CandidateFactory, CandidateProfileFactory, OrganisationFactory, VacancyFactory
from webapp.extensions import db
from webapp.services import invitations, matching

CAMDEN = BOROUGHS_BY_SLUG["camden"]
CROYDON = BOROUGHS_BY_SLUG["croydon"]


def person(name: str, **values):
    defaults = dict(user=CandidateFactory(full_name=name), role_level=RoleLevel.SENIOR_PRACTITIONER,
                    specialisms=["child_protection"], home_borough="islington", max_commute_miles=6,
                    min_salary=40000, discoverable=True, swe_number="SW100001", years_qualified=6,
                    cv_text="Child protection practitioner: section 47 enquiries, core groups, court work.")
    defaults.update(values)
    return CandidateProfileFactory(**defaults)


def job(organisation, title: str, **values):
    defaults = dict(organisation=organisation, title=title, role_level=RoleLevel.SENIOR_PRACTITIONER,
                    service_area=ServiceArea.CHILD_PROTECTION, salary_min=45000, salary_max=50000,
                    description="Child protection enquiries, core groups and care proceedings.",
                    hybrid_pattern=HybridPattern.HYBRID)
    defaults.update(values)
    return VacancyFactory(**defaults)


@pytest.fixture
def scene(app):
    return make_scene()


def make_scene():
    """Five jobs and six people, each with one stated need that rules some jobs out."""
    camden = OrganisationFactory(name="Camden", slug="camden", latitude=CAMDEN.latitude, longitude=CAMDEN.longitude)
    croydon = OrganisationFactory(name="Croydon", slug="croydon", latitude=CROYDON.latitude,
                                  longitude=CROYDON.longitude)
    jobs = dict(
        full_time=job(camden, "Senior Practitioner – Child Protection"),
        job_share=job(camden, "Senior Practitioner – Child Protection (job share)",
                      working_pattern=WorkingPattern.JOB_SHARE, fte=Decimal("0.50")),
        asye=job(camden, "Newly Qualified Social Worker (ASYE) – Child Protection", role_level=RoleLevel.NQSW,
                 protected_caseload_nqsw=True, salary_min=38000, salary_max=40000),
        social_worker=job(camden, "Social Worker – Child Protection", role_level=RoleLevel.SOCIAL_WORKER,
                          salary_min=41000, salary_max=46000),
        croydon=job(croydon, "Senior Practitioner – Child Protection, Croydon"),
    )
    people = dict(
        part_time=person("Pat Parttime", hours_wanted=HoursWanted.PART_TIME, part_time_hours_max=20),
        full_time=person("Fay Fulltime", hours_wanted=HoursWanted.FULL_TIME),
        asye=person("Nia Newly", role_level=RoleLevel.NQSW, in_asye=True, years_qualified=0, min_salary=None,
                    protected_caseload=NeedLevel.NEED),
        step_down=person("Sid Stepdown", considers_step_down=True, min_salary=41000, hours_wanted=HoursWanted.EITHER),
        croydon_only=person("Olu Only", home_borough="croydon", max_commute_miles=10, only_boroughs=["croydon"],
                            preferred_boroughs=["camden"]),
        office_no=person("Hana Hybrid", hybrid_working=NeedLevel.NEED, min_salary=46000),
    )
    db.session.commit()  # the outbox relay embeds them in-process
    return jobs, people


def fits(profile) -> list[str]:
    return [vacancy.title for _, vacancy in matching.jobs_that_fit(db.session, profile.user).items]


def suggested(vacancy) -> list[str]:
    return [s.profile.user.full_name for s in matching.suggested_candidates(db.session, vacancy).items]


def test_jobs_that_fit_never_break_a_stated_need(scene):
    jobs, people = scene
    assert fits(people["part_time"]) == ["Senior Practitioner – Child Protection (job share)"]
    assert sorted(fits(people["full_time"])) == ["Senior Practitioner – Child Protection"]
    assert fits(people["asye"]) == ["Newly Qualified Social Worker (ASYE) – Child Protection"]
    assert sorted(fits(people["step_down"])) == sorted([
        "Senior Practitioner – Child Protection", "Senior Practitioner – Child Protection (job share)",
        "Social Worker – Child Protection"])
    assert fits(people["croydon_only"]) == ["Senior Practitioner – Child Protection, Croydon"]
    # 46,000 against a band starting at 45,000: below the bottom of the band, so nothing.
    assert fits(people["office_no"]) == []


def test_suggested_candidates_never_break_a_stated_need(scene):
    jobs, people = scene
    assert sorted(suggested(jobs["job_share"])) == ["Pat Parttime", "Sid Stepdown"]  # not Fay (full time only)
    assert "Pat Parttime" not in suggested(jobs["full_time"]) and "Fay Fulltime" in suggested(jobs["full_time"])
    assert suggested(jobs["asye"]) == ["Nia Newly"]
    assert suggested(jobs["social_worker"]) == ["Sid Stepdown"]
    assert suggested(jobs["croydon"]) == ["Olu Only"]
    # An invitation is refused for someone the job does not fit, whoever asks.
    assert matching.suggestion_for(db.session, jobs["full_time"], people["part_time"]) is None
    assert matching.suggestion_for(db.session, jobs["full_time"], people["croydon_only"]) is None


def test_a_step_down_is_said_plainly_and_the_recruiter_sees_pattern_contract_and_distance(scene):
    jobs, people = scene
    match, _ = next((m, v) for m, v in matching.jobs_that_fit(db.session, people["step_down"].user).items
                    if v.id == jobs["social_worker"].id)
    assert "a step down to social worker: you said you would consider one" in match.cautions
    assert "£41,000–£46,000: starts at or above your £41,000" in match.reasons
    assert match.fit_summary.startswith(match.fit_label + ": ")
    suggestion = matching.suggested_candidates(db.session, jobs["job_share"]).items
    pat = next(s for s in suggestion if s.profile.id == people["part_time"].id)
    summary = pat.summary
    assert summary["level"] == "Senior practitioner"
    assert summary["working_pattern"].startswith("Part time only, up to 20 hours a week")
    assert summary["contract"] == "Permanent"
    assert summary["distance"] == "Lives 1 mile from the office (Islington)"
    assert "0.5 FTE, 18.5 hours a week" in [r.text for r in pat.match.explained]


@pytest.mark.parametrize("patterns, hours", [
    (["full_time"], "full_time"), (["full_time", "compressed"], "full_time"), (["compressed"], "full_time"),
    (["part_time"], "part_time"), (["part_time", "job_share"], "part_time"), (["job_share"], "part_time"),
    (["full_time", "job_share"], "either"), ([], None), (None, None),
])
def test_migration_0017_reads_full_or_part_time_from_the_patterns_ticked(patterns, hours):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent.parent / "migrations" / "versions" / "0017_matching_needs.py"
    spec = importlib.util.spec_from_file_location("migration_0017", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.hours_from_patterns(patterns) == hours
