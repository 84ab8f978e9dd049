"""The matching pages as people read them, on both databases: "jobs that fit you" ten to a page with the fit
in words and, when nothing fits, what "nothing" is and the alert that would find it; suggested candidates
as a compact, sortable, paged list with level, pattern, contract and distance, and "why nobody"."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl

import pytest
import sqlalchemy as sa

from domain.vocabulary import ContractType, RoleLevel, ServiceArea
from tests.factories import RecruiterFactory
from tests.helpers import sign_in_as
from tests.pages import links, main_text, page, text_of, texts
from tests.test_matching_flow import camden, cp_vacancy, croydon, job_href, profile  # noqa: F401  (fixtures)
from webapp.extensions import db
from webapp.models import SavedSearch
from matching.scoring import fit_label
from matching.weights import FIT_BANDS
from webapp.services import matching_words

FIT_WORDS = {words for _, words in FIT_BANDS}


def fit_hrefs(soup) -> list[str]:
    return [href for _, href in links(soup, "main ul.app-vacancy-list h3 a")]


def test_the_fit_figure_is_said_in_words_and_each_band_is_explained():
    assert [fit_label(score) for score in (1.0, 0.80, 0.79, 0.65, 0.64, 0.50, 0.49, 0.0)] == [
        "Very close fit", "Very close fit", "Close fit", "Close fit", "Good fit", "Good fit", "Partial fit",
        "Partial fit"]
    assert set(matching_words.FIT_MEANING) == FIT_WORDS


def test_jobs_that_fit_come_ten_to_a_page_with_the_fit_in_words(client, camden):
    jobs = [cp_vacancy(camden, title=f"Senior Practitioner – Child Protection {n}") for n in range(12)]
    person = profile("Ada Okafor")
    db.session.commit()
    sign_in_as(client, person.user)
    first = page(client.get("/account/jobs-that-fit"))
    assert len(fit_hrefs(first)) == 10
    assert text_of(first, "#fit-count") == "12 jobs fit you, showing 1 to 10."
    for why in texts(first, "main ul.app-vacancy-list li p.govuk-body-s"):
        label = why.split(":")[0]
        assert label in FIT_WORDS and "Child protection experience" in why
    assert "% fit" not in main_text(first)
    assert "/account/jobs-that-fit?page=2" in [href for _, href in links(first, ".govuk-pagination a")]
    meta = texts(first, "main ul.app-vacancy-list .app-vacancy-list__meta")[0]
    assert meta.startswith("Camden, 1 mile from home, £45,000 to £50,000, closes ")
    second = page(client.get("/account/jobs-that-fit?page=2"))
    assert len(fit_hrefs(second)) == 2
    assert set(fit_hrefs(first)) | set(fit_hrefs(second)) == {job_href(job) for job in jobs}
    assert client.get("/account/jobs-that-fit?page=3").status_code == 404
    assert client.get("/account/jobs-that-fit?page=two").status_code == 400


def test_when_nothing_fits_the_page_says_what_was_asked_for_and_offers_the_alert(client, camden, croydon):
    cp_vacancy(croydon)  # beyond her commute
    person = profile("Dee Foster", specialisms=["fostering"], role_level=RoleLevel.SOCIAL_WORKER,
                     contract_types=[ContractType.PERMANENT.value], home_borough="islington", max_commute_miles=4,
                     min_salary=42000)
    db.session.commit()
    sign_in_as(client, person.user)
    soup = page(client.get("/account/jobs-that-fit"))
    assert fit_hrefs(soup) == []
    said = texts(soup, "#nothing-fits p")[0]
    assert said == ("There are no permanent fostering posts for a social worker within 4 miles of Islington, "
                    "paying at least £42,000 today.")
    [form] = soup.select("#nothing-fits form")
    assert form["action"] == "/account/saved-searches"
    query = form.select_one("input[name=query]")["value"]
    assert dict(parse_qsl(query)) == {"service_area": "fostering", "role_level": "social_worker",
                                      "contract_type": "permanent", "salary": "42000", "near": "islington",
                                      "miles": "5"}
    assert "Service area: Fostering" in texts(soup, "#nothing-fits details li")
    # The button saves exactly that search as an alert.
    assert client.post("/account/saved-searches", data={"query": query}).status_code == 302
    saved = db.session.scalar(sa.select(SavedSearch).where(SavedSearch.user_id == person.user_id))
    assert dict(parse_qsl(saved.query)) == dict(parse_qsl(query)) and saved.alerts_on


def test_stated_needs_in_words_name_only_what_was_said(app):
    person = profile("Eve Any", specialisms=[], role_level=None, contract_types=[], home_borough=None,
                     max_commute_miles=None, min_salary=None)
    assert matching_words.stated_needs(person) == "posts"
    person.specialisms = [ServiceArea.MASH.value, ServiceArea.CHILD_PROTECTION.value]
    person.role_level = RoleLevel.NQSW
    assert matching_words.stated_needs(person) == "MASH and front door or child protection posts in the ASYE"


# --- suggested candidates ------------------------------------------------------------------------------------


@pytest.fixture
def crowd(app, camden):
    recruiter = RecruiterFactory(organisation=camden)
    vacancy = cp_vacancy(camden)
    now = dt.datetime(2026, 11, 1, 9, 0)
    people = [profile(f"Person {n:02}", home_borough=("camden" if n % 2 else "islington"),
                      last_visit_at=now - dt.timedelta(days=n)) for n in range(12)]
    db.session.commit()
    return dict(recruiter=recruiter, vacancy=vacancy, people=people)


def candidate_names(soup) -> list[str]:
    return texts(soup, "main tr[id^=candidate-] th > span:first-child")


def candidate_row(row) -> dict[str, str]:
    """A suggested candidate's row, {column: text}, as the stacked table labels its cells."""
    return {cell["data-label"]: " ".join(cell.get_text().split()) for cell in row.select("td[data-label]")}


def test_suggested_candidates_are_a_compact_paged_list_with_what_a_recruiter_needs(client, crowd):
    sign_in_as(client, crowd["recruiter"])
    url = f"/recruit/vacancies/{crowd['vacancy'].id}/suggested-candidates"
    soup = page(client.get(url))
    assert len(candidate_names(soup)) == 10
    assert text_of(soup, "#suggested-count") == "12 people fit, showing 1 to 10, best fit first."
    person = crowd["people"][1]
    row = candidate_row(soup.select_one(f"#candidate-{person.id}"))
    assert row["Level"] == f"Senior practitioner, qualified {person.years_qualified} years"
    assert row["Contract"] == "Permanent" and row["Working pattern"] == "Full time"
    assert row["Distance"] == "Lives under a mile from the office (Camden)"
    assert row["Fit"].split(".")[0] in FIT_WORDS and "Child protection experience" in row["Fit"]
    assert "% fit" not in main_text(soup)
    assert (f"Invite to apply: {person.user.full_name}",
            f"{url}/{person.id}/invite") in links(soup, f"#candidate-{person.id} a")
    second = page(client.get(f"{url}?page=2"))
    assert len(candidate_names(second)) == 2
    assert set(candidate_names(soup)) | set(candidate_names(second)) == {p.user.full_name for p in crowd["people"]}
    assert client.get(f"{url}?page=3").status_code == 404


def test_suggested_candidates_sort_by_distance_and_by_recent_activity(client, crowd):
    sign_in_as(client, crowd["recruiter"])
    url = f"/recruit/vacancies/{crowd['vacancy'].id}/suggested-candidates"
    nearest = page(client.get(f"{url}?sort=distance"))
    shown = [candidate_row(row)["Distance"] for row in nearest.select("main tr[id^=candidate-]")]
    assert shown == ["Lives under a mile from the office (Camden)"] * 6 + ["Lives 1 mile from the office (Islington)"] * 4
    active = page(client.get(f"{url}?sort=active"))
    assert candidate_names(active) == [f"Person {n:02}" for n in range(10)]  # visited most recently first
    assert "/suggested-candidates?page=2&sort=active" in " ".join(h for _, h in links(active, ".govuk-pagination a"))
    bad = client.get(f"{url}?sort=salary")
    assert bad.status_code == 400 and "Sort by best fit, nearest or most recently active" in bad.get_data(as_text=True)


def test_when_nobody_fits_the_recruiter_is_told_why(client, camden, croydon):
    recruiter = RecruiterFactory(organisation=croydon)
    vacancy = cp_vacancy(croydon)  # far from everyone below
    profile("Far Away", home_borough="camden", max_commute_miles=3)
    profile("Too Dear", home_borough="camden", max_commute_miles=3, min_salary=90000)
    profile("Hidden", discoverable=False)
    db.session.commit()
    sign_in_as(client, recruiter)
    soup = page(client.get(f"/recruit/vacancies/{vacancy.id}/suggested-candidates"))
    assert candidate_names(soup) == []
    [nobody] = soup.select("#nobody")
    assert "2 social workers have asked to be found by recruiters" in nobody.get_text(" ")
    reasons = texts(nobody, "li")
    assert reasons[0] == "Beyond the maximum commute: 2 people"
    assert "Pays below the minimum salary: 1 person" in reasons
