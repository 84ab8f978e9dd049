"""Hiding a profile from named councils (a social worker's current employer): chosen on the profile,
kept in every form recruiters find candidates in (suggested candidates on the exact path and through
Elasticsearch, invitations), and never hiding that council's jobs from the social worker."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import sent_mail
from tests.pages import error_summary, field_error, page, summary_list
from tests.test_matching_flow import camden, cp_vacancy, croydon, profile, sign_in_as  # noqa: F401  (fixtures)
from tests.test_profile import step_data
from tests.factories import RecruiterFactory
from webapp.extensions import db
from webapp.models import CandidateProfile, Invitation
from webapp.services import NotAllowed, invitations, matching


@pytest.fixture(params=["exact", "elasticsearch"])
def engine(request) -> str:
    return request.param


@pytest.fixture
def app_overrides(request, engine):
    if engine == "exact":
        return {}
    return {"SEARCH_URL": request.getfixturevalue("elasticsearch_url"),
            "SEARCH_INDEX_PREFIX": request.getfixturevalue("es_prefix")}


@pytest.fixture
def scene(app, camden, croydon):  # noqa: F811
    camden_job, croydon_job = cp_vacancy(camden), cp_vacancy(croydon)
    open_to_all = profile("Ada Okafor", max_commute_miles=20)
    employed_in_camden = profile("Bea Camden", max_commute_miles=20, hidden_from=["camden"])
    db.session.commit()
    return dict(camden_job=camden_job, croydon_job=croydon_job, ada=open_to_all, bea=employed_in_camden,
                recruiter=RecruiterFactory(organisation=camden))


def suggested(vacancy) -> list[str]:
    return [s.profile.user.full_name for s in matching.suggested_candidates(db.session, vacancy).items]


def test_a_hidden_profile_is_never_suggested_to_that_council_but_is_to_others(scene, engine):
    assert suggested(scene["camden_job"]) == ["Ada Okafor"]
    assert sorted(suggested(scene["croydon_job"])) == ["Ada Okafor", "Bea Camden"]
    # Their own "jobs that fit" still include the council they hid from.
    fits = matching.jobs_that_fit(db.session, scene["bea"].user)
    assert {v.id for _, v in fits.items} == {scene["camden_job"].id, scene["croydon_job"].id}


def test_hiding_takes_effect_at_once_even_before_the_index_catches_up(scene, engine):
    bea = scene["bea"]
    bea.hidden_from = ["croydon"]  # moved jobs: now hides from Croydon, not Camden
    db.session.commit()
    assert sorted(suggested(scene["camden_job"])) == ["Ada Okafor", "Bea Camden"]
    assert suggested(scene["croydon_job"]) == ["Ada Okafor"]


def test_the_council_hidden_from_cannot_invite_them_or_even_see_them(client, scene, mail_folder, engine):
    sign_in_as(client, scene["recruiter"])
    url = f"/recruit/vacancies/{scene['camden_job'].id}/suggested-candidates/{scene['bea'].id}/invite"
    # To the council hidden from, the profile looks like one that does not exist: nothing of it is shown.
    shown = client.get(url)
    assert shown.status_code == 404 and "Bea Camden" not in shown.get_data(as_text=True)
    assert client.post(url, data={"message": "Come back to us"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    assert sent_mail(mail_folder) == []
    # The service refuses too, whoever calls it.
    with pytest.raises(NotAllowed):
        invitations.invite(scene["recruiter"], scene["camden_job"], scene["bea"])


@pytest.mark.parametrize("engine", ["exact"], indirect=False)
def test_choosing_councils_to_hide_from_on_the_profile(client, scene, engine):
    ada = scene["ada"].user
    sign_in_as(client, ada)
    form = page(client.get("/account/profile/visibility"))
    assert [box["value"] for box in form.select('input[name="hidden_from"]')] == ["camden", "croydon"]
    response = client.post("/account/profile/visibility", data=step_data("visibility", hidden_from=["croydon"]))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CandidateProfile, scene["ada"].id).hidden_from == ["croydon"]
    assert summary_list(page(client.get("/account/profile")))["Hidden from"] == "Croydon"
    assert suggested(scene["croydon_job"]) == ["Bea Camden"]


@pytest.mark.parametrize("engine", ["exact"], indirect=False)
def test_a_council_that_is_not_on_the_list_is_refused_and_nothing_changes(client, scene, engine):
    sign_in_as(client, scene["ada"].user)
    response = client.post("/account/profile/visibility", data=step_data("visibility", hidden_from=["croydon", "atlantis"]))
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["'atlantis' is not a valid choice for this field."]
    assert "not a valid choice" in field_error(soup, "hidden_from")
    db.session.expire_all()
    assert db.session.get(CandidateProfile, scene["ada"].id).hidden_from == []
