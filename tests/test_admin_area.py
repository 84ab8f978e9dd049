"""The admin area: its home, users (find, change role, switch off and on, send a reset), councils,
feedback received, audit entries linking to what they concern, and each role's landing page."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.vocabulary import UserRole
from tests import helpers
from tests.conftest import sent_mail
from tests.factories import PASSWORD, CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory
from tests.pages import page, text_of, texts
from webapp.extensions import db
from webapp.models import AuditLog, Feedback, User
from webapp.services import accounts, administration, audit


@pytest.fixture
def admin(client):
    user = UserFactory(role=UserRole.ADMIN, email="ada@cswjobs.example", full_name="Ada Admin")
    db.session.commit()
    helpers.sign_in_as(client, user)
    return user


def _entries(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def test_the_home_page_counts_and_links_each_part(client, admin):
    OrganisationFactory()
    CandidateFactory()
    db.session.add(Feedback(message="Nice"))
    db.session.commit()
    soup = page(client.get("/admin/"))
    assert text_of(soup, "h1") == "Administration"
    assert [a["href"] for a in soup.select("h2 a")] == ["/admin/users", "/admin/councils", "/admin/feedback",
                                                        "/admin/audit"]
    assert "Social worker 1 Recruiter 0" in text_of(soup, "#users-by-role")
    assert text_of(soup, "#feedback-count").startswith("1 message ")
    assert text_of(soup, "#council-count").startswith("1 council:")


# --- finding people ------------------------------------------------------------------------------------------

def test_users_are_found_by_email_or_name_in_any_case(client, admin):
    CandidateFactory(email="kofi.boateng@example.org", full_name="Kofi Boateng")
    CandidateFactory(email="sam@example.org", full_name="Sam Social")
    db.session.commit()
    by_name = page(client.get("/admin/users?q=BOATENG"))
    assert [a.get_text(strip=True) for a in by_name.select("#users tbody a")] == ["Kofi Boateng"]
    by_email = page(client.get("/admin/users?q=sam@"))
    assert [a.get_text(strip=True) for a in by_email.select("#users tbody a")] == ["Sam Social"]
    assert text_of(by_email, "#user-total") == "1 account matching ‘sam@’"


def test_a_search_s_wildcards_match_themselves(client, admin):
    CandidateFactory(email="a_b@example.org", full_name="Under Score")
    CandidateFactory(email="axb@example.org", full_name="No Underscore")
    db.session.commit()
    names = [a.get_text(strip=True) for a in page(client.get("/admin/users?q=a_b")).select("#users tbody a")]
    assert names == ["Under Score"]
    assert page(client.get("/admin/users?q=%25")).select("#users") == []


def test_users_are_paged(client, admin):
    for n in range(administration.PER_PAGE + 2):
        CandidateFactory(email=f"many{n}@example.org")
    db.session.commit()
    first = page(client.get("/admin/users?q=many"))
    assert len(first.select("#users tbody tr")) == administration.PER_PAGE
    second = page(client.get("/admin/users?q=many&page=2"))
    assert len(second.select("#users tbody tr")) == 2
    assert "page 2 of 2" in text_of(second, "#user-total")
    assert client.get("/admin/users?q=many&page=3").status_code == 404
    assert client.get("/admin/users?page=nope").status_code == 400
    assert client.get("/admin/users?q=" + "x" * 101).status_code == 400


# --- changing a role ---------------------------------------------------------------------------------------

def test_changing_a_role_asks_for_confirmation_then_changes_it_and_audits_it(client, admin):
    camden = OrganisationFactory(name="Camden", slug="camden")
    person = CandidateFactory(full_name="Rita Recruiter")
    db.session.commit()
    form = page(client.get(f"/admin/users/{person.id}/role"))
    assert form.select_one('input[name="role"][value="candidate"]').has_attr("checked")
    asked = client.post(f"/admin/users/{person.id}/role", data={"role": "recruiter", "organisation": str(camden.id)})
    assert asked.status_code == 200
    confirm = page(asked)
    assert text_of(confirm, "h1") == "Make Rita Recruiter a recruiter at Camden?"
    db.session.refresh(person)
    assert person.role == UserRole.CANDIDATE  # nothing changes until it is confirmed
    hidden = {i["name"]: i["value"] for i in confirm.select("form input[type=hidden]")}
    assert hidden == {"role": "recruiter", "organisation": str(camden.id), "confirmed": "yes"}
    done = client.post(f"/admin/users/{person.id}/role", data=hidden)
    assert done.status_code == 302 and done.headers["Location"] == f"/admin/users/{person.id}"
    db.session.refresh(person)
    assert (person.role, person.organisation_id) == (UserRole.RECRUITER, camden.id)
    [entry] = _entries("account.role_changed")
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (admin.id, "users", person.id)
    assert entry.detail == {"from_role": "candidate", "to_role": "recruiter"}
    assert entry.organisation_id == camden.id
    assert "Rita" not in str(entry.detail)


def test_leaving_council_staff_leaves_the_council(client, admin):
    recruiter = RecruiterFactory()
    db.session.commit()
    client.post(f"/admin/users/{recruiter.id}/role", data={"role": "programme_lead", "confirmed": "yes"})
    db.session.refresh(recruiter)
    assert (recruiter.role, recruiter.organisation_id) == (UserRole.PROGRAMME_LEAD, None)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "role", administration.CHOOSE_ROLE),
    ({"role": "overlord"}, "role", administration.CHOOSE_ROLE),
    ({"role": "recruiter"}, "organisation", administration.CHOOSE_COUNCIL),
    ({"role": "recruiter", "organisation": "999999"}, "organisation", administration.CHOOSE_COUNCIL),
    ({"role": "org_admin", "organisation": "x1"}, "organisation", administration.CHOOSE_COUNCIL),
    ({"role": "candidate"}, "role", administration.SAME_ROLE),
])
def test_a_bad_role_change_is_refused_with_a_message(client, admin, data, field, message):
    person = CandidateFactory()
    db.session.commit()
    for confirmed in ({}, {"confirmed": "yes"}):
        response = client.post(f"/admin/users/{person.id}/role", data={**data, **confirmed})
        assert response.status_code == 400
        assert message in text_of(page(response), f"#{field}-error")
    db.session.refresh(person)
    assert person.role == UserRole.CANDIDATE and _entries("account.role_changed") == []


def test_an_administrator_cannot_change_their_own_role(client, admin):
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "candidate", "confirmed": "yes"})
    assert response.status_code == 400
    assert administration.NOT_YOUR_OWN in text_of(page(response), ".govuk-error-summary")
    db.session.refresh(admin)
    assert admin.role == UserRole.ADMIN
    assert page(client.get(f"/admin/users/{admin.id}")).select_one(f'a[href="/admin/users/{admin.id}/role"]') is None


def test_the_last_active_administrator_is_never_removed(app):
    first = UserFactory(role=UserRole.ADMIN)
    second = UserFactory(role=UserRole.ADMIN)
    db.session.commit()
    administration.change_role(first, second, "candidate", None)  # two: one may go
    with pytest.raises(administration.NotAllowed, match="last active platform administrator"):
        administration.check_role_change(second, first, "candidate", None)
    with pytest.raises(administration.NotAllowed, match="last active platform administrator"):
        administration.deactivate(second, first)


# --- switching an account off and on, and password resets --------------------------------------------------

def test_switching_an_account_off_confirms_first_then_ends_its_sessions(app, client, admin):
    person = CandidateFactory(email="kofi@example.org")
    db.session.commit()
    theirs = app.test_client()
    helpers.sign_in_as(theirs, person)
    assert theirs.get("/account/profile").status_code == 200
    assert "Switch off" in text_of(page(client.get(f"/admin/users/{person.id}/deactivate")), "h1")
    db.session.refresh(person)
    assert person.active  # asking changes nothing
    response = client.post(f"/admin/users/{person.id}/deactivate")
    assert response.status_code == 302
    db.session.refresh(person)
    assert not person.active
    assert theirs.get("/account/profile").status_code == 302  # their session ended: sent to sign in
    assert app.test_client().post("/sign-in", data={"email": "kofi@example.org", "password": PASSWORD}) \
        .status_code == 400
    [entry] = _entries("account.deactivated")
    assert (entry.actor_id, entry.subject_id) == (admin.id, person.id)
    assert text_of(page(client.get(f"/admin/users/{person.id}")), "#status") == "Switched off"
    assert client.post(f"/admin/users/{person.id}/deactivate").status_code == 400  # already off

    assert client.post(f"/admin/users/{person.id}/reactivate").status_code == 302
    db.session.refresh(person)
    assert person.active and len(_entries("account.reactivated")) == 1
    assert client.post(f"/admin/users/{person.id}/reactivate").status_code == 400  # already on


def test_an_administrator_cannot_switch_themselves_off(client, admin):
    assert client.post(f"/admin/users/{admin.id}/deactivate").status_code == 403
    db.session.refresh(admin)
    assert admin.active


def test_sending_a_password_reset_queues_the_reset_mail_and_audits_it(app, client, admin, mail_folder):
    person = CandidateFactory(email="kofi@example.org")
    db.session.commit()
    response = client.post(f"/admin/users/{person.id}/password-reset")
    assert response.status_code == 302
    [mail] = sent_mail(mail_folder)
    assert "To: kofi@example.org" in mail and "Reset your password" in mail
    [entry] = _entries("account.password_reset_sent")
    assert (entry.actor_id, entry.subject_id) == (admin.id, person.id)
    assert "kofi" not in str(entry.detail)


def test_no_reset_is_sent_to_a_switched_off_account(client, admin, mail_folder):
    person = CandidateFactory(active=False)
    db.session.commit()
    assert client.post(f"/admin/users/{person.id}/password-reset").status_code == 400
    assert sent_mail(mail_folder) == [] and _entries("account.password_reset_sent") == []


def test_an_account_that_does_not_exist_is_a_404(client, admin):
    for path in ("/admin/users/999999", "/admin/users/999999/role", "/admin/users/999999/deactivate"):
        assert client.get(path).status_code == 404
    assert client.post("/admin/users/999999/password-reset").status_code == 404


# --- councils and feedback -------------------------------------------------------------------------------

def test_a_council_s_page_shows_its_details_offer_and_staff(client, admin):
    camden = OrganisationFactory(name="Camden", slug="camden", offer_caseload="Around 15 children each")
    RecruiterFactory(organisation=camden, full_name="Rita Recruiter")
    UserFactory(role=UserRole.ORG_ADMIN, organisation=camden, full_name="Olu Admin")
    RecruiterFactory(full_name="Someone Elsewhere")
    db.session.commit()
    listing = page(client.get("/admin/councils"))
    assert "Camden" in texts(listing, "#councils tbody td a")
    soup = page(client.get("/admin/councils/camden"))
    assert "Caseloads Around 15 children each" in text_of(soup, "#details")
    assert texts(soup, "#staff tbody td a") == ["Olu Admin", "Rita Recruiter"]
    assert client.get("/admin/councils/nowhere").status_code == 404


def test_feedback_received_is_listed_newest_first_and_paged(client, admin):
    client.post("/feedback", data={"message": "First", "satisfaction": "satisfied", "page": "/jobs"})
    client.post("/feedback", data={"message": "Second"})
    soup = page(client.get("/admin/feedback"))
    cards = soup.select(".govuk-summary-card")
    assert "Second" in cards[0].get_text() and "Not answered" in cards[0].get_text()
    assert "First" in cards[1].get_text() and "Satisfied" in cards[1].get_text() and "/jobs" in cards[1].get_text()
    assert client.get("/admin/feedback?page=2").status_code == 404


# --- the audit log links to what each entry concerns --------------------------------------------------------

def test_audit_entries_link_to_the_account_or_council_they_concern(client, admin):
    camden = OrganisationFactory(name="Camden", slug="camden")
    person = CandidateFactory()
    db.session.flush()
    audit.record(admin, "account.deactivated", person)
    audit.record(admin, "organisation.offer_updated", camden, organisation_id=camden.id)
    db.session.commit()
    links = {a.get_text(strip=True): a["href"] for a in page(client.get("/admin/audit")).select("#audit-entries a")}
    assert links[f"Account {person.id}"] == f"/admin/users/{person.id}"
    assert links[f"Council {camden.id}"] == "/admin/councils/camden"


# --- each role's home after signing in ------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "landing"), [
    (UserRole.CANDIDATE, "/account/applications"),
    (UserRole.RECRUITER, "/recruit/inbox"),
    (UserRole.ORG_ADMIN, "/recruit/inbox"),
    (UserRole.PROGRAMME_LEAD, "/insights"),
    (UserRole.ADMIN, "/admin/"),
])
def test_each_role_lands_on_its_own_home_unless_a_safe_next_was_given(app, role, landing):
    organisation = OrganisationFactory() if role in (UserRole.RECRUITER, UserRole.ORG_ADMIN) else None
    UserFactory(email="someone@example.org", role=role, organisation=organisation)
    db.session.commit()
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "someone@example.org", "password": PASSWORD})
    assert response.headers["Location"] == landing
    assert client.get(landing).status_code == 200
    again = app.test_client().post("/sign-in", data={"email": "someone@example.org", "password": PASSWORD,
                                                     "next": "/councils"})
    assert again.headers["Location"] == "/councils"


def test_council_staff_land_on_their_vacancies_in_a_build_without_the_inbox(app, monkeypatch):
    recruiter = RecruiterFactory()
    db.session.commit()
    assert accounts.home_endpoint(recruiter) == "inbox.index"
    monkeypatch.delitem(app.view_functions, "inbox.index")
    assert accounts.home_endpoint(recruiter) == "recruit.vacancies"
