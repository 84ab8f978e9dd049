"""A job page: canonical address, what the public may see, the practice promise and council
offer, JobPosting structured data, and the job_view funnel step."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import flask
import pytest
import sqlalchemy as sa
from flask_wtf.csrf import validate_csrf

from domain.vocabulary import (
    ApplyMethod,
    ContractType,
    HybridPattern,
    OfstedRating,
    SupervisionFrequency,
    VacancyStatus,
    WorkingPattern,
)
from tests.factories import OrganisationFactory, VacancyFactory
from tests.helpers import sql_statements
from tests.pages import heading, links, page, summary_lists, text_of, texts
from webapp.extensions import db
from webapp.models import FunnelEvent
from webapp.services.jobs import employment_types


def page_url(vacancy) -> str:
    return f"/jobs/{vacancy.id}-{vacancy.slug}"


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert len(blocks) == 1, "one JobPosting block"
    return json.loads(blocks[0])


@pytest.fixture
def vacancy(app):
    organisation = OrganisationFactory(
        name="Camden", slug="camden", town="King's Cross", website="https://www.camden.gov.uk",
        office_street_address="5 Pancras Square", office_postcode="N1C 4AG",
        ofsted_rating=OfstedRating.OUTSTANDING, offer_pay="Pay on a published framework.",
        offer_caseload="Caseloads reported monthly.", offer_supervision="Fortnightly supervision.",
        offer_development="A social work academy.", offer_hybrid="Team days on Tuesdays.",
    )
    job = VacancyFactory(
        organisation=organisation, title="Social Worker, Child Protection", slug="social-worker-child-protection",
        reference="CAM-123", summary="Join our child protection team.",
        description="First paragraph.\n\nWhat we offer:\n- small caseloads\n- good supervision",
        caseload_max=16, supervision_frequency=SupervisionFrequency.FORTNIGHTLY, protected_caseload_nqsw=True,
        hybrid_pattern=HybridPattern.HYBRID, market_supplement=3000, retention_payment=2000,
        funded_development=True, development_details="Funded practice educator training",
        location_name="King's Cross", published_at=dt.datetime(2026, 11, 2, 9, 30),
    )
    db.session.commit()
    return job


def test_the_job_page_shows_everything_about_the_job(client, vacancy):
    response = client.get(page_url(vacancy))
    assert response.status_code == 200
    soup = page(response)
    assert heading(soup) == "Social Worker, Child Protection"
    assert text_of(soup, "title").startswith("Social Worker, Child Protection – ")
    # Each fact in its own row of the right list (the reference and salary are also in the
    # structured data, so a substring of the page would find them even if the list lost them).
    job, promise, offer = summary_lists(soup)
    assert job["Salary"] == "£42,000 to £48,000 a year"
    assert job["Reference"] == "CAM-123"
    assert job["Office"] == "5 Pancras Square, N1C 4AG"  # the address its structured data gives
    assert job["Service area"] == "Child protection" and job["Contract"] == "Permanent"
    assert promise == {
        "Caseload": "Up to 16 children",
        "Supervision": "Fortnightly",
        "Protected caseload for newly qualified social workers": "Yes",
        "Hybrid working": "Hybrid (office, visits and home)",
        "Market supplement": "£3,000 a year on top of salary",
        "Retention payment": "£2,000",
        "Funded training and development": "Yes: Funded practice educator training",
    }
    assert offer["Pay"] == "Pay on a published framework." and offer["Caseloads"] == "Caseloads reported monthly."
    assert offer["Hybrid working"] == "Team days on Tuesdays." and offer["Ofsted rating"] == "Outstanding"
    assert texts(soup, "main ul.govuk-list--bullet li") == ["small caseloads", "good supervision"]
    assert [href for _, href in links(soup, "main a.govuk-button--start")] == [f"{page_url(vacancy)}/apply"] * 2


def test_a_wrong_slug_or_no_slug_redirects_permanently_to_the_canonical_address(client, vacancy):
    for path in (f"/jobs/{vacancy.id}-old-title", f"/jobs/{vacancy.id}"):
        response = client.get(path)
        assert response.status_code == 301
        assert response.headers["Location"].endswith(page_url(vacancy))


def test_unknown_and_draft_jobs_are_not_found(client, vacancy):
    draft = VacancyFactory(status=VacancyStatus.DRAFT, slug="draft-job")
    db.session.commit()
    assert client.get("/jobs/999999-anything").status_code == 404
    assert client.get(f"/jobs/{draft.id}-draft-job").status_code == 404
    assert client.get(f"/jobs/{draft.id}").status_code == 404


@pytest.mark.parametrize("change", [
    {"status": VacancyStatus.CLOSED},
    {"closing_date": dt.date.today() - dt.timedelta(days=1)},
])
def test_a_closed_or_expired_job_is_gone_with_a_friendly_page(client, vacancy, change):
    for field, value in change.items():
        setattr(vacancy, field, value)
    db.session.commit()
    response = client.get(page_url(vacancy))
    assert response.status_code == 410
    assert heading(page(response)) == "This job has closed"
    assert "application/ld+json" not in response.text


def test_job_posting_structured_data_has_every_required_property(client, vacancy):
    data = json_ld(client.get(page_url(vacancy)).text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
    assert data["title"] == "Social Worker, Child Protection"
    # The advert as HTML, as Google asks: the summary, then the description's paragraphs.
    assert data["description"] == ("<p>Join our child protection team.</p><p>First paragraph.</p>"
                                   "<p>What we offer:</p><ul><li>small caseloads</li><li>good supervision</li></ul>")
    assert data["datePosted"] == "2026-11-02"
    # The end of the closing day on England's clock, with its offset (GMT or BST).
    valid_through = dt.datetime.fromisoformat(data["validThrough"])
    assert valid_through.tzinfo is not None
    assert valid_through.replace(tzinfo=None) == dt.datetime.combine(vacancy.closing_date, dt.time(23, 59, 59))
    assert valid_through.utcoffset() == ZoneInfo("Europe/London").utcoffset(valid_through.replace(tzinfo=None))
    assert data["hiringOrganization"] == {
        "@type": "Organization", "name": "Camden", "url": "https://www.camden.gov.uk",
        "logo": "http://localhost/councils/camden/logo.svg", "sameAs": "http://localhost/councils/camden"}
    location = data["jobLocation"]
    assert location["@type"] == "Place"
    assert location["address"] == {"@type": "PostalAddress", "streetAddress": "5 Pancras Square",
                                   "addressLocality": "King's Cross", "addressRegion": "London",
                                   "postalCode": "N1C 4AG", "addressCountry": "GB"}
    assert location["geo"]["@type"] == "GeoCoordinates"
    assert location["geo"]["latitude"] == pytest.approx(vacancy.latitude)
    assert data["employmentType"] == ["FULL_TIME"]
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount", "currency": "GBP",
        "value": {"@type": "QuantitativeValue", "minValue": 42000, "maxValue": 48000, "unitText": "YEAR"},
    }
    assert data["directApply"] is True
    assert data["url"].endswith(page_url(vacancy))
    assert data["identifier"]["value"] == "CAM-123"


def test_a_job_at_another_office_gives_that_address_and_a_council_logo_of_its_own(client, vacancy):
    vacancy.office_street_address = "Crowndale Centre, 218 Eversholt Street"
    vacancy.office_postcode = "NW1 1BD"
    vacancy.organisation.logo_url = "https://www.camden.gov.uk/logo.png"
    vacancy.organisation.website = None
    db.session.commit()
    data = json_ld(client.get(page_url(vacancy)).text)
    address = data["jobLocation"]["address"]
    assert (address["streetAddress"], address["postalCode"]) == ("Crowndale Centre, 218 Eversholt Street", "NW1 1BD")
    assert summary_lists(page(client.get(page_url(vacancy))))[0]["Office"] == \
        "Crowndale Centre, 218 Eversholt Street, NW1 1BD"
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "Camden",
                                          "url": "http://localhost/councils/camden",
                                          "logo": "https://www.camden.gov.uk/logo.png"}


def test_a_logo_address_that_is_not_https_is_not_used(client, vacancy):
    vacancy.organisation.logo_url = "javascript:alert(1)"
    db.session.commit()
    data = json_ld(client.get(page_url(vacancy)).text)
    assert data["hiringOrganization"]["logo"] == "http://localhost/councils/camden/logo.svg"


def test_structured_data_cannot_be_broken_out_of_by_the_advert(client, vacancy):
    vacancy.title = 'Social worker </script><script>alert("x")</script>'
    vacancy.description = "Bring <!-- your --> best & brightest </SCRIPT>"
    db.session.commit()
    html = client.get(page_url(vacancy)).text
    block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["title"] == vacancy.title and "&lt;/SCRIPT&gt;" in data["description"]
    assert '<script>alert("x")' not in html


@pytest.mark.parametrize(("contract", "pattern", "expected"), [
    (ContractType.PERMANENT, WorkingPattern.FULL_TIME, ["FULL_TIME"]),
    (ContractType.PERMANENT, WorkingPattern.COMPRESSED, ["FULL_TIME"]),
    (ContractType.PERMANENT, WorkingPattern.PART_TIME, ["PART_TIME"]),
    (ContractType.FIXED_TERM, WorkingPattern.JOB_SHARE, ["PART_TIME", "TEMPORARY"]),
    (ContractType.SECONDMENT, WorkingPattern.FULL_TIME, ["FULL_TIME", "TEMPORARY"]),
    (ContractType.LOCUM, WorkingPattern.FULL_TIME, ["FULL_TIME", "CONTRACTOR"]),
])
def test_employment_type_follows_contract_and_pattern(contract, pattern, expected):
    from webapp.models import Vacancy

    assert employment_types(Vacancy(contract_type=contract, working_pattern=pattern)) == expected


def test_an_external_apply_job_says_so_in_its_structured_data_and_button(client, vacancy):
    vacancy.apply_method = ApplyMethod.EXTERNAL
    vacancy.external_apply_url = "https://jobs.camden.gov.uk/apply/123"
    vacancy.fte = Decimal("0.6")
    vacancy.working_pattern = WorkingPattern.PART_TIME
    db.session.commit()
    html = client.get(page_url(vacancy)).text
    assert json_ld(html)["directApply"] is False
    soup = page(html)
    assert links(soup, "main a.govuk-button--start") == [("Apply on Camden’s website", f"/jobs/{vacancy.id}/apply-external")] * 2
    assert summary_lists(soup)[0]["Working pattern"] == "Part time, 0.6 FTE"


def test_viewing_a_job_records_a_job_view_with_a_hashed_visitor_id(client, vacancy):
    client.get(page_url(vacancy), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    client.get(page_url(vacancy), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    events = db.session.scalars(sa.select(FunnelEvent).where(FunnelEvent.kind == "job_view")).all()
    assert len(events) == 2
    assert {e.vacancy_id for e in events} == {vacancy.id}
    assert {e.organisation_id for e in events} == {vacancy.organisation_id}
    visitor = events[0].visitor_id
    assert re.fullmatch(r"[0-9a-f]{64}", visitor) and events[1].visitor_id == visitor  # same browser
    assert "203.0.113.9" not in visitor
    other_browser = client.application.test_client()
    other_browser.get(page_url(vacancy))
    newest = db.session.scalars(sa.select(FunnelEvent).order_by(FunnelEvent.id.desc())).first()
    assert newest.visitor_id != visitor


def test_the_first_job_seen_today_counts_the_visit_in_the_same_commit_as_the_view(client, vacancy):
    commits = []

    def committed(connection):
        commits.append(connection)

    sa.event.listen(db.engine, "commit", committed)
    try:
        client.get(page_url(vacancy))
    finally:
        sa.event.remove(db.engine, "commit", committed)
    assert len(commits) == 1  # one transaction for the page's writes, not one for the visit and one for the view
    client.get(page_url(vacancy))
    kinds = db.session.scalars(sa.select(FunnelEvent.kind).order_by(FunnelEvent.id)).all()
    assert kinds == ["visit", "job_view", "job_view"]  # the day's visit once, before the view; every view
    visitors = set(db.session.scalars(sa.select(FunnelEvent.visitor_id)))
    assert len(visitors) == 1


def test_a_redirect_or_a_closed_job_records_no_view(client, vacancy):
    client.get(f"/jobs/{vacancy.id}")
    vacancy.status = VacancyStatus.CLOSED
    db.session.commit()
    client.get(page_url(vacancy))
    assert db.session.scalar(sa.select(sa.func.count(FunnelEvent.id))) == 0


# --- issue 13: date posted, back to the results, printing --------------------------------------

def test_the_job_page_says_when_it_was_posted(client, vacancy):
    job = summary_lists(page(client.get(page_url(vacancy))))[0]
    assert job["Date posted"].startswith("2 November 2026 (")


@pytest.mark.parametrize(("search", "back"), [
    ("q=fostering&near=SE1&miles=5&page=2", "/jobs?q=fostering&near=SE1&miles=5&page=2"),
    ("council=camden&council=hackney", "/jobs?council=camden&council=hackney"),
    # Only the search's own parameters come back, on /jobs, whatever the link carried.
    ("q=cp&next=https://evil.example&utm_source=x", "/jobs?q=cp"),
    ("//evil.example/jobs", "/jobs"),
    ("https://evil.example/?q=x", "/jobs"),
    ("q=%3Cscript%3E", "/jobs?q=%3Cscript%3E"),
])
def test_the_job_page_links_back_to_the_search_it_was_found_in(client, vacancy, search, back):
    soup = page(client.get(page_url(vacancy), query_string={"search": search}))
    assert links(soup, "a.govuk-back-link") == [("Back to search results", back)]
    assert not soup.select(".govuk-breadcrumbs")


def test_without_a_search_the_job_page_has_breadcrumbs_and_no_back_link(client, vacancy):
    soup = page(client.get(page_url(vacancy)))
    assert not soup.select("a.govuk-back-link") and soup.select(".govuk-breadcrumbs")
    soup = page(client.get(page_url(vacancy), query_string={"search": "x" * 2001}))  # longer than any search
    assert not soup.select("a.govuk-back-link")


def test_a_result_links_to_its_job_page_with_the_search(client, vacancy):
    soup = page(client.get("/jobs?q=protection&sort=newest"))
    [(_, href)] = links(soup, "ul.app-vacancy-list h2 a")
    assert href == f"{page_url(vacancy)}?search=q%3Dprotection%26sort%3Dnewest"
    back = page(client.get(href))
    assert links(back, "a.govuk-back-link") == [("Back to search results", "/jobs?q=protection&sort=newest")]


def test_a_printed_job_page_leaves_out_buttons_and_keeps_its_address(client, vacancy):
    soup = page(client.get(page_url(vacancy)))
    for button in soup.select(".govuk-button"):
        assert button.find_parent(class_="app-no-print") is not None, button
    assert text_of(soup, ".app-print-only") == f"This job: http://localhost{page_url(vacancy)}"


# --- issue 15: a signed-out job page is drawn once and kept --------------------------------------

def nonces(response) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', response.text))


def test_a_kept_job_page_still_has_each_visits_nonce_and_counts_each_view(app, vacancy):
    first, second = app.test_client(), app.test_client()  # two browsers, signed out
    one, two = first.get(page_url(vacancy)), second.get(page_url(vacancy))
    assert one.status_code == two.status_code == 200
    # Each page's scripts carry the nonce its own Content-Security-Policy header allows, and no other.
    for response in (one, two):
        [nonce] = nonces(response)
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert nonces(one) != nonces(two)
    assert re.sub(r'nonce="[^"]+"', "", one.text) == re.sub(r'nonce="[^"]+"', "", two.text)
    first.get(page_url(vacancy))
    views = db.session.scalars(sa.select(FunnelEvent.visitor_id).where(FunnelEvent.kind == "job_view")).all()
    assert len(views) == 3 and len(set(views)) == 2  # every view, each browser its own visitor


def test_a_kept_job_page_gives_each_browser_its_own_form_token(app, vacancy):
    app.config["WTF_CSRF_ENABLED"] = True
    tokens = []
    for browser in (app.test_client(), app.test_client()):
        html = browser.get(page_url(vacancy)).text
        [token] = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        with browser.session_transaction() as stored:
            raw = stored["csrf_token"]
        with app.test_request_context():
            flask.session["csrf_token"] = raw
            validate_csrf(token)  # raises unless the token is this browser's session's own
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_a_kept_job_page_changes_with_the_job_and_its_council(client, vacancy):
    assert heading(page(client.get(page_url(vacancy)))) == "Social Worker, Child Protection"
    vacancy.title = "Senior Social Worker, Child Protection"
    db.session.commit()
    assert heading(page(client.get(page_url(vacancy)))) == "Senior Social Worker, Child Protection"
    vacancy.organisation.offer_pay = "A new pay framework."
    db.session.commit()
    assert "A new pay framework." in client.get(page_url(vacancy)).text
    vacancy.closing_date = dt.date.today() - dt.timedelta(days=1)
    db.session.commit()
    assert client.get(page_url(vacancy)).status_code == 410


def test_a_kept_job_page_is_answered_from_one_read_of_a_few_columns(client, vacancy):
    url = page_url(vacancy)
    client.get(url)  # drawn and kept
    with sql_statements(db.engine) as statements:
        assert client.get(url).status_code == 200
    reads = [s for s in statements if s.startswith("select")]
    assert len(reads) == 1 and "description" not in reads[0]  # versions only: the job is not loaded
    # Still only at its own address, and still gone once it closes, kept or not.
    assert client.get(f"/jobs/{vacancy.id}-old-title").status_code == 301
    vacancy.status = VacancyStatus.CLOSED
    db.session.commit()
    assert client.get(page_url(vacancy)).status_code == 410


def test_similar_jobs_that_cannot_be_found_are_asked_for_once_and_the_page_goes_without(client, vacancy, monkeypatch):
    asked = []

    def unavailable(*args, **kwargs):
        asked.append(1)
        raise ConnectionError("the vector index is down")

    monkeypatch.setattr("webapp.services.matching.similar_jobs", unavailable)
    response = client.get(page_url(vacancy))
    assert response.status_code == 200 and heading(page(response)) == "Social Worker, Child Protection"
    assert len(asked) == 1  # not a second wait on a search that has just failed


def test_a_signed_out_visitor_with_a_message_waiting_sees_it(client, vacancy):
    client.get(page_url(vacancy))  # the page is kept
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "You have signed out.")]
    assert "You have signed out." in client.get(page_url(vacancy)).text
    assert "You have signed out." not in client.get(page_url(vacancy)).text
