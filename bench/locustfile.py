"""The load mix for `make bench-load` (locust): who uses the board, and what they do, in proportion.

Most traffic is anonymous social workers searching and reading jobs (the board's public figures:
30k visitors, 20k job views, 8k apply clicks); some sign in to see their applications, jobs that fit
and to apply; council recruiters work their pipeline (move an application on); programme leads read
dashboards. Accounts come from the demo seed (bench/load.py writes them to LOAD_ACCOUNTS as JSON).
Every form is sent with its CSRF token, as a browser would.
"""
from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read()) if os.environ.get("LOAD_ACCOUNTS") else {}
KEYWORDS = ["child protection", "fostering", "adoption", "team manager", "senior practitioner", "assessment",
            "children in care", "leaving care", "disabled children", "MASH", "court", "ASYE", "youth justice"]
FILTERS = ["role_level=social_worker", "role_level=senior_practitioner", "service_area=fostering",
           "service_area=child_protection", "sub_region=east", "sub_region=north", "working_pattern=part_time",
           "sort=newest", "salary_min=40000", "location=E8&distance=5"]
JOB_LINK = re.compile(r'href="(/jobs/\d+-[a-z0-9-]+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
APPLICATION_LINK = re.compile(r'href="(/recruit/applications/\d+)"')
VACANCY_LINK = re.compile(r'href="(/recruit/vacancies/\d+)"')


def csrf(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


class Visitor(HttpUser):
    """An anonymous social worker: searches, opens jobs, now and then the councils."""

    weight = 12
    wait_time = between(1, 4)
    jobs: list[str] = []

    def search(self) -> None:
        query = [f"q={random.choice(KEYWORDS).replace(' ', '+')}"] if random.random() < 0.7 else []
        query += random.sample(FILTERS, random.randint(0, 2))
        response = self.client.get("/jobs?" + "&".join(query), name="/jobs?[search]")
        found = JOB_LINK.findall(response.text)
        if found:
            Visitor.jobs = (found + Visitor.jobs)[:200]

    @task(6)
    def search_jobs(self) -> None:
        self.search()

    @task(6)
    def read_a_job(self) -> None:
        if not Visitor.jobs:
            self.search()
        if Visitor.jobs:
            self.client.get(random.choice(Visitor.jobs), name="/jobs/[id]-[slug]")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(1)
    def councils(self) -> None:
        self.client.get("/councils", name="/councils")


class SignedIn(HttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        account = random.choice(ACCOUNTS[self.role])
        page = self.client.get("/sign-in", name="/sign-in")
        self.client.post("/sign-in", data={"email": account["email"], "password": account["password"],
                                           "csrf_token": csrf(page.text)}, name="/sign-in [POST]")


class SocialWorker(SignedIn):
    """A registered social worker: their applications, jobs that fit, a job, sometimes applying."""

    weight = 3
    wait_time = between(2, 6)
    role = "candidate"

    @task(3)
    def applications(self) -> None:
        self.client.get("/account/applications", name="/account/applications")

    @task(2)
    def jobs_that_fit(self) -> None:
        self.client.get("/account/jobs-that-fit", name="/account/jobs-that-fit")

    @task(3)
    def read_and_start_applying(self) -> None:
        if not Visitor.jobs:
            response = self.client.get("/jobs?q=social+worker", name="/jobs?[search]")
            Visitor.jobs = JOB_LINK.findall(response.text)[:200]
        if Visitor.jobs:
            job = random.choice(Visitor.jobs)
            self.client.get(job, name="/jobs/[id]-[slug]")
            # The application form's first page (its draft is made on the first save).
            self.client.get(job + "/apply", name="/jobs/[id]-[slug]/apply")


class Recruiter(SignedIn):
    """A council recruiter: their vacancies, an application, moving it on in the pipeline."""

    weight = 1
    wait_time = between(2, 6)
    role = "recruiter"

    @task(2)
    def vacancies(self) -> None:
        self.client.get("/recruit/vacancies", name="/recruit/vacancies")

    @task(3)
    def pipeline_move(self) -> None:
        listing = self.client.get("/recruit/vacancies", name="/recruit/vacancies")
        vacancies = VACANCY_LINK.findall(listing.text)
        if not vacancies:
            return
        vacancy = self.client.get(random.choice(vacancies), name="/recruit/vacancies/[id]")
        applications = APPLICATION_LINK.findall(vacancy.text)
        if not applications:
            return
        link = random.choice(applications)
        page = self.client.get(link, name="/recruit/applications/[id]")
        # Shortlist it (which mails the social worker); a repeat answers 400 with the form's own message,
        # which locust would count as a failure, so only a move the page offers is sent.
        if 'value="shortlisted"' not in page.text:
            return
        self.client.post(link + "/move", data={"to_status": "shortlisted", "csrf_token": csrf(page.text)},
                         name="/recruit/applications/[id]/move", allow_redirects=False)


class ProgrammeLead(SignedIn):
    """The programme team: the regional funnel, supply and demand, workforce."""

    weight = 1
    wait_time = between(3, 8)
    role = "programme_lead"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/insights", name="/insights")

    @task(1)
    def supply_and_demand(self) -> None:
        self.client.get("/insights/supply-and-demand", name="/insights/supply-and-demand")

    @task(1)
    def workforce(self) -> None:
        self.client.get("/insights/workforce/", name="/insights/workforce/")
