"""Following councils: POST only, idempotent, and the live job counts on 'Councils you follow'."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.vocabulary import VacancyStatus
from tests import helpers
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.pages import links, page, table_rows
from webapp.extensions import db
from webapp.models import Follow
from webapp.services import NotAllowed, follows


def sign_in_as(client, user) -> None:
    with client.application.test_request_context(environ_base=client.environ_base):
        helpers.sign_in_as(client, user)


def follow_count(user=None) -> int:
    query = sa.select(sa.func.count()).select_from(Follow)
    if user is not None:
        query = query.where(Follow.user_id == user.id)
    return db.session.scalar(query)


@pytest.fixture
def camden():
    return OrganisationFactory(name="Camden", slug="camden")


@pytest.fixture
def candidate(client, camden):
    user = CandidateFactory()
    db.session.commit()
    sign_in_as(client, user)
    return user


def test_follow_then_follow_again_keeps_one_row(client, candidate, camden):
    first = client.post("/councils/camden/follow", data={"next": "/councils/camden"})
    assert first.status_code == 302
    assert first.headers["Location"] == "/councils/camden"
    assert follow_count(candidate) == 1
    second = client.post("/councils/camden/follow", data={"next": "/councils/camden"})
    assert second.status_code == 302
    assert follow_count(candidate) == 1


def test_unfollow_removes_it_and_unfollowing_twice_is_fine(client, candidate, camden):
    client.post("/councils/camden/follow")
    assert follow_count(candidate) == 1
    assert client.post("/councils/camden/unfollow").status_code == 302
    assert follow_count(candidate) == 0
    assert client.post("/councils/camden/unfollow").status_code == 302
    assert follow_count(candidate) == 0


def test_follow_goes_back_to_the_referring_page_on_this_site_only(client, candidate, camden):
    back = client.post("/councils/camden/follow", headers={"Referer": "http://localhost/councils/camden?tab=jobs"})
    assert back.headers["Location"] == "/councils/camden?tab=jobs"
    elsewhere = client.post("/councils/camden/unfollow", headers={"Referer": "https://evil.example/x"})
    assert elsewhere.headers["Location"] == "/account/applications"
    forged_next = client.post("/councils/camden/follow", data={"next": "//evil.example"})
    assert forged_next.headers["Location"] == "/account/applications"


def test_following_is_post_only(client, candidate, camden):
    assert client.get("/councils/camden/follow").status_code == 405
    assert follow_count() == 0


def test_unknown_council_is_a_404(client, candidate):
    assert client.post("/councils/atlantis/follow").status_code == 404


def test_signed_out_visitors_are_asked_to_sign_in_and_come_back(client, camden):
    db.session.commit()
    response = client.post("/councils/camden/follow", data={"next": "/councils/camden"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/councils/camden"
    assert follow_count() == 0


def test_recruiters_cannot_follow(client, camden):
    recruiter = RecruiterFactory()
    db.session.commit()
    sign_in_as(client, recruiter)
    assert client.post("/councils/camden/follow").status_code == 403
    assert follow_count() == 0


def test_councils_you_follow_shows_live_job_counts(client, candidate, camden):
    hackney = OrganisationFactory(name="Hackney", slug="hackney")
    croydon = OrganisationFactory(name="Croydon", slug="croydon")
    today = dt.date.today()
    VacancyFactory.create_batch(3, organisation=camden)
    VacancyFactory(organisation=camden, status=VacancyStatus.CLOSED)
    VacancyFactory(organisation=camden, status=VacancyStatus.DRAFT)
    VacancyFactory(organisation=camden, closing_date=today - dt.timedelta(days=1))  # expired
    VacancyFactory(organisation=croydon)
    db.session.commit()
    client.post("/councils/camden/follow")
    client.post("/councils/hackney/follow")

    soup = page(client.get("/account/applications"))
    [section] = soup.select("h2#councils-you-follow + table")
    # council, its live jobs (closed, draft and expired ones left out) and an Unfollow button; not Croydon
    assert sorted(table_rows(soup, "h2#councils-you-follow + table")) == [["Camden", "3 live jobs at Camden", "Unfollow Camden"],
                                           ["Hackney", "0 live jobs at Hackney", "Unfollow Hackney"]]
    assert ("3 live jobs at Camden", "/jobs?council=camden") in links(section)
    assert sorted(form["action"] for form in section.select("form")) == [
        "/councils/camden/unfollow", "/councils/hackney/unfollow"]

    counts = {fc.organisation.slug: fc.live_vacancies for fc in follows.followed_councils(candidate, today)}
    assert counts == {"camden": 3, "hackney": 0}
    assert hackney.id in follows.live_vacancy_counts([hackney.id])


def test_follow_service_is_idempotent_and_candidates_only(app, camden):
    user = CandidateFactory()
    first = follows.follow(user, camden)
    second = follows.follow(user, camden)
    assert first.id == second.id
    assert follows.is_following(user, camden)
    assert follows.follower_ids(camden) == [user.id]
    assert follows.unfollow(user, camden) is True
    assert follows.unfollow(user, camden) is False
    assert not follows.is_following(user, camden)
    with pytest.raises(NotAllowed):
        follows.follow(RecruiterFactory(), camden)


def test_the_unique_constraint_backs_up_the_check(app, camden):
    user = CandidateFactory()
    follows.follow(user, camden)
    db.session.commit()
    # A second request that missed the first one's row (a double click) still ends with one row.
    db.session.add(Follow(user_id=user.id, organisation_id=camden.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert follow_count(user) == 1
