"""Matching in the app, on both databases: embeddings follow changes (and only changes), suggested
candidates respect opting in and councils, invitations end to end over HTTP, jobs that fit you."""
from __future__ import annotations

from urllib.parse import quote

import pytest
import sqlalchemy as sa

from domain.geography import BOROUGHS_BY_SLUG
from domain.vocabulary import Availability, RoleLevel, ServiceArea, VacancyStatus
from tests import helpers
from tests.helpers import sign_in_as
from tests.conftest import sent_mail
from tests.factories import (
    CandidateFactory,
    CandidateProfileFactory,
    OrganisationFactory,
    RecruiterFactory,
    VacancyFactory,
)
from tests.pages import error_summary, heading, links, page, tags, texts
from webapp.extensions import db
from webapp.search import vectors
from matching.weights import FIT_BANDS
from webapp.models import AuditLog, Embedding, Invitation, ProfileEmbedding, VacancyEmbedding

# The matching tests run on all-MiniLM-L6-v2 itself: what matching finds and explains is the model's call.
pytestmark = pytest.mark.real_encoder

CAMDEN = BOROUGHS_BY_SLUG["camden"]
CROYDON = BOROUGHS_BY_SLUG["croydon"]


@pytest.fixture
def encodings(monkeypatch, encoder) -> list[str]:
    """Every text the encoder in use is asked to encode, in order."""
    from matching.encoder import RECENT

    RECENT.clear()  # the other backend's run of this test encoded the same texts in this process
    seen: list[str] = []
    original = encoder.encode

    def spy(texts):
        seen.extend(texts)
        return original(texts)

    monkeypatch.setattr(encoder, "encode", spy)
    return seen


@pytest.fixture
def camden():
    return OrganisationFactory(name="Camden", slug="camden", latitude=CAMDEN.latitude, longitude=CAMDEN.longitude)


@pytest.fixture
def croydon():
    return OrganisationFactory(name="Croydon", slug="croydon", latitude=CROYDON.latitude, longitude=CROYDON.longitude)


def profile(name: str, **values):
    user = CandidateFactory(full_name=name)
    defaults = dict(user=user, role_level=RoleLevel.SENIOR_PRACTITIONER, specialisms=["child_protection"],
                    home_borough="islington", max_commute_miles=6, min_salary=40000, discoverable=True,
                    availability=Availability.NOW,
                    cv_text="Senior practitioner in child protection: section 47 enquiries, core groups, court work.")
    defaults.update(values)
    return CandidateProfileFactory(**defaults)


def job_href(vacancy) -> str:
    """The job page's address as a link writes it (the factory's slug keeps the title's dash)."""
    return f"/jobs/{vacancy.id}-{quote(vacancy.slug)}"


def cp_vacancy(organisation, **values):
    defaults = dict(organisation=organisation, title="Senior Practitioner – Child Protection",
                    role_level=RoleLevel.SENIOR_PRACTITIONER, service_area=ServiceArea.CHILD_PROTECTION,
                    description="Child protection enquiries, core groups and care proceedings.",
                    salary_min=45000, salary_max=50000)
    defaults.update(values)
    return VacancyFactory(**defaults)


# --- embeddings follow changes -------------------------------------------------------------------------


def test_embeddings_are_computed_on_change_and_never_twice_for_the_same_text(app, camden, encodings):
    vacancy = cp_vacancy(camden)
    person = profile("Ada Okafor")
    db.session.commit()  # the outbox relay runs in-process after the commit
    assert len(encodings) == 2
    first_hash = db.session.get(VacancyEmbedding, vacancy.id).text_hash
    assert db.session.get(ProfileEmbedding, person.id) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Embedding)) == 2

    vacancy.status = VacancyStatus.CLOSED  # not in the text: nothing to encode
    person.discoverable = False
    db.session.commit()
    assert len(encodings) == 2
    db.session.expire_all()
    assert db.session.get(VacancyEmbedding, vacancy.id).text_hash == first_hash

    vacancy.description = "Fostering assessments and supervising foster carers."
    db.session.commit()
    assert encodings[-1].endswith("Fostering assessments and supervising foster carers.")
    assert len(encodings) == 3
    db.session.expire_all()
    assert db.session.get(VacancyEmbedding, vacancy.id).text_hash != first_hash
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Embedding)) == 2  # the old vector is gone

    twin = cp_vacancy(camden, title=vacancy.title, description=vacancy.description, team=vacancy.team,
                      summary=vacancy.summary)  # the very same advert text again: served from the cache
    db.session.commit()
    assert len(encodings) == 3
    assert db.session.get(VacancyEmbedding, twin.id).text_hash == db.session.get(VacancyEmbedding, vacancy.id).text_hash

    db.session.delete(person)
    db.session.commit()
    assert db.session.get(ProfileEmbedding, person.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Embedding)) == 1  # a CV's vector leaves with it


# --- suggested candidates -------------------------------------------------------------------------------


@pytest.fixture
def scene(app, camden, croydon):
    recruiter = RecruiterFactory(organisation=camden)
    vacancy = cp_vacancy(camden)
    other = cp_vacancy(croydon)
    found = profile("Ada Okafor")
    hidden = profile("Bea Hidden", discoverable=False)
    too_far = profile("Cal Faraway", home_borough="croydon", max_commute_miles=3)
    fostering = profile("Dee Foster", specialisms=["fostering"], role_level=RoleLevel.SOCIAL_WORKER,
                        cv_text="Supervising social worker for foster carers; fostering assessments.")
    db.session.commit()
    return dict(recruiter=recruiter, vacancy=vacancy, other=other, found=found, hidden=hidden, too_far=too_far,
                fostering=fostering)


def test_suggested_candidates_are_only_those_who_opted_in_and_fit(client, scene):
    sign_in_as(client, scene["recruiter"])
    response = client.get(f"/recruit/vacancies/{scene['vacancy'].id}/suggested-candidates")
    assert response.status_code == 200
    soup = page(response)
    # only those who opted in and fit (not Bea, hidden, nor Cal, too far), child protection first for a CP post
    names = texts(soup, "main tr[id^=candidate-] th > span:first-child")
    assert names == ["Ada Okafor", "Dee Foster"]
    ada = {cell["data-label"]: " ".join(cell.get_text().split())
           for cell in soup.select(f"#candidate-{scene['found'].id} td[data-label]")}
    assert ada["Level"] == "Senior practitioner, qualified 4 years"
    assert "Child protection experience" in ada["Fit"]
    assert scene["found"].user.email not in response.get_data(as_text=True)  # no contact details


def test_suggestions_are_for_the_recruiters_own_council_only(client, scene):
    sign_in_as(client, scene["recruiter"])
    assert client.get(f"/recruit/vacancies/{scene['other'].id}/suggested-candidates").status_code == 404
    assert client.get(f"/recruit/vacancies/{scene['other'].id}/suggested-candidates/{scene['found'].id}/invite").status_code == 404
    assert client.post(f"/recruit/vacancies/{scene['other'].id}/suggested-candidates/{scene['found'].id}/invite",
                       data={"message": "hello"}).status_code == 404
    assert client.get("/recruit/vacancies/99999999999/suggested-candidates").status_code == 404
    sign_in_as(client, scene["found"].user)
    assert client.get(f"/recruit/vacancies/{scene['vacancy'].id}/suggested-candidates").status_code == 403


def test_a_recruiter_cannot_invite_someone_who_has_not_opted_in(client, scene):
    sign_in_as(client, scene["recruiter"])
    url = f"/recruit/vacancies/{scene['vacancy'].id}/suggested-candidates/{scene['hidden'].id}/invite"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"message": ""}).status_code == 404
    far = f"/recruit/vacancies/{scene['vacancy'].id}/suggested-candidates/{scene['too_far'].id}/invite"
    response = client.post(far, data={"message": ""})
    assert response.status_code == 400
    [problem] = error_summary(page(response))
    assert "no longer one of the suggested candidates" in problem
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


# --- invitations, end to end --------------------------------------------------------------------------------


def test_invite_to_apply_end_to_end(client, scene, mail_folder):
    vacancy, ada = scene["vacancy"], scene["found"]
    sign_in_as(client, scene["recruiter"])
    url = f"/recruit/vacancies/{vacancy.id}/suggested-candidates/{ada.id}/invite"
    invite_page = page(client.get(url))
    assert heading(invite_page) == "Invite Ada Okafor to apply"
    [why] = [text for text in texts(invite_page, "main p") if text.startswith("Why they match:")]
    assert "Child protection experience" in why

    too_long = client.post(url, data={"message": "x" * 501})
    assert too_long.status_code == 400
    [problem] = error_summary(page(too_long))
    assert "500 characters or fewer" in problem

    response = client.post(url, data={"message": "Our CP team would love to meet you."})
    assert response.status_code == 302
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.candidate_id == ada.user_id and "child protection experience" in invitation.reasons
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "candidate.invited"))
    assert entry.actor_id == scene["recruiter"].id and entry.detail["candidate_id"] == ada.user_id
    mails = sent_mail(mail_folder)
    assert len(mails) == 1 and ada.user.email in mails[0] and "invites you to apply" in mails[0]

    again = client.post(url, data={"message": "Again"})
    assert again.status_code == 400
    assert error_summary(page(again))[0].startswith("You invited Ada Okafor")
    assert error_summary(page(client.get(url)))[0].startswith("You invited Ada Okafor")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1
    listing = page(client.get(f"/recruit/vacancies/{vacancy.id}/suggested-candidates"))
    [invited] = tags(listing, f"#candidate-{ada.id} .govuk-tag")
    assert invited.startswith("Invited ")
    # no second invitation offered to Ada
    assert not any(href.endswith(f"/{ada.id}/invite") for _, href in links(listing, "main a"))

    sign_in_as(client, ada.user)
    fit_page = page(client.get("/account/jobs-that-fit"))
    [card] = fit_page.select(f"#invitation-{invitation.id}")
    assert texts(card, ".govuk-summary-card__title") == ["Camden invites you to apply"]
    assert texts(card, ".govuk-inset-text") == ["Our CP team would love to meet you."]
    assert links(card, "p a") == [(vacancy.title, job_href(vacancy))]

    sign_in_as(client, scene["fostering"].user)  # someone else's invitation looks like none at all
    assert client.post(f"/account/invitations/{invitation.id}/dismiss").status_code == 404

    sign_in_as(client, ada.user)
    assert client.post(f"/account/invitations/{invitation.id}/dismiss").status_code == 302
    after = page(client.get("/account/jobs-that-fit"))
    assert heading(after) == "Jobs that fit you" and after.select("main .govuk-summary-card") == []
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).dismissed_at is not None


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_invitations_need_the_csrf_token(client, scene):
    sign_in_as(client, scene["recruiter"])
    url = f"/recruit/vacancies/{scene['vacancy'].id}/suggested-candidates/{scene['found'].id}/invite"
    assert client.post(url, data={"message": "hi"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    token = helpers.csrf_token(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"message": "hi", "csrf_token": token}).status_code == 302


# --- jobs that fit you --------------------------------------------------------------------------------------


def test_jobs_that_fit_respects_the_profile_and_leaves_out_applications(client, scene):
    from webapp.models import Application

    near = scene["vacancy"]
    applied = cp_vacancy(near.organisation, title="Senior Practitioner – Assessment", service_area=ServiceArea.ASSESSMENT)
    db.session.add(Application(vacancy=applied, candidate_id=scene["found"].user_id))
    db.session.commit()
    sign_in_as(client, scene["found"].user)
    response = client.get("/account/jobs-that-fit")
    assert response.status_code == 200
    soup = page(response)
    # Camden, within six miles of Islington; not Croydon (beyond the commute) nor the job applied for
    assert [href for _, href in links(soup, "main ul.app-vacancy-list h3 a")] == [job_href(near)]
    [why] = texts(soup, "main ul.app-vacancy-list li p.govuk-body-s")
    assert why.split(":")[0] in {words for _, words in FIT_BANDS} and "Child protection experience" in why

    sign_in_as(client, scene["recruiter"])
    assert client.get("/account/jobs-that-fit").status_code == 403


def test_a_candidate_without_a_profile_is_asked_to_complete_it(client, app):
    person = CandidateFactory()
    db.session.commit()
    sign_in_as(client, person)
    soup = page(client.get("/account/jobs-that-fit"))
    assert ("Complete your profile", "/account/profile/edit") in links(soup, "main a")
    assert soup.select("main ul.app-vacancy-list") == []


def test_the_search_page_shows_jobs_that_fit_to_a_signed_in_social_worker(client, scene):
    panel = "aside[aria-labelledby=jobs-that-fit-heading]"
    assert page(client.get("/jobs")).select(panel) == []
    sign_in_as(client, scene["found"].user)
    [aside] = page(client.get("/jobs")).select(panel)
    offered = [href for _, href in links(aside)]
    vacancy = scene["vacancy"]
    assert job_href(vacancy) in offered and offered[-1] == "/account/jobs-that-fit"
    sign_in_as(client, scene["recruiter"])
    vacancy_page = page(client.get(f"/recruit/vacancies/{vacancy.id}"))
    assert f"/recruit/vacancies/{vacancy.id}/suggested-candidates" in [href for _, href in links(vacancy_page, "main a")]


def test_invitations_are_in_the_personal_data_export_and_leave_with_the_account(app, scene):
    from tests.factories import PASSWORD
    from webapp.services import accounts, invitations

    ada = scene["found"]
    invitations.invite(scene["recruiter"], scene["vacancy"], ada, "Hello")
    db.session.commit()
    exported = accounts.export_personal_data(ada.user)["invitations_to_apply"]
    assert exported[0]["council"] == "Camden" and exported[0]["message"] == "Hello"
    accounts.delete_account(ada.user, PASSWORD)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_when_the_vector_index_cannot_be_reached_the_pages_say_so(client, app, scene):
    app.config["SEARCH_URL"] = "http://127.0.0.1:1"  # nothing listens there
    app.extensions.pop(vectors.EXTENSION_KEY, None)
    sign_in_as(client, scene["found"].user)
    response = client.get("/account/jobs-that-fit")
    assert response.status_code == 503
    [problem] = error_summary(page(response))
    assert "the search service cannot be reached" in problem and "Nothing you saved is lost" in problem
    sign_in_as(client, scene["recruiter"])
    response = client.get(f"/recruit/vacancies/{scene['vacancy'].id}/suggested-candidates")
    assert response.status_code == 503
    [problem] = error_summary(page(response))
    assert "the search service cannot be reached" in problem and "Nothing you saved is lost" in problem


def test_flask_matching_reindex_embeds_what_is_missing(app, camden):
    cp_vacancy(camden)
    profile("Ada Okafor")
    db.session.commit()
    db.session.execute(sa.delete(ProfileEmbedding))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["matching", "reindex", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "Matching reindexed 1 vacancies and 1 profiles" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProfileEmbedding)) == 1
