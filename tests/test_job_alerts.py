"""Job alerts: new matching vacancies mailed once per saved search, on both databases and both
search engines (the SQLite FTS5 engine and the real Elasticsearch, on an index of the test's own).

Vacancies reach the index the way they do in production: the commit writes outbox rows and the
relay (in-process in tests) indexes them."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.vocabulary import AlertFrequency, RoleLevel, ServiceArea, VacancyStatus
from tests.conftest import sent_mail
from tests.factories import CandidateFactory, OrganisationFactory, VacancyFactory
from tests.helpers import sql_statements
from webapp.extensions import db
from webapp.models import MailStatus, OutgoingMail, SavedSearch, SentAlert, utcnow
from webapp.search import get_engine
from webapp.services import alerts, outgoing_mail, saved_searches
from workers.alert_tasks import send_job_alerts


@pytest.fixture
def search_engine() -> str:
    return "sqlite"


@pytest.fixture
def app_overrides(request, backend, search_engine):
    if search_engine == "stack":
        # The two ways the service runs: SQLite with the FTS5 engine, PostgreSQL with Elasticsearch.
        search_engine = "sqlite" if backend == "sqlite" else "elasticsearch"
    if search_engine == "sqlite":
        return {}
    return {"SEARCH_URL": request.getfixturevalue("elasticsearch_url"),
            "SEARCH_INDEX_PREFIX": request.getfixturevalue("es_prefix")}


# Matching runs through the search engine: these tests run on both engines, one per stack
# (embedded and full). The bookkeeping tests (frequencies, claims, retries) do not depend on the
# engine; they use the FTS5 engine on both databases.
both_engines = pytest.mark.parametrize("search_engine", ["stack"])


@pytest.fixture
def camden(app):
    return OrganisationFactory(name="Camden", slug="camden")


@pytest.fixture
def sam(app):
    return CandidateFactory(full_name="Sam Social", email="sam@example.org")


def save(user, query: str, frequency=AlertFrequency.DAILY) -> SavedSearch:
    saved, created = saved_searches.save_search(user, query, frequency)
    assert created
    db.session.commit()
    return saved


def job(organisation, saved: SavedSearch, minutes_after_saving: int = 5, **fields):
    """A vacancy published some minutes after the search was saved (negative: before)."""
    fields.setdefault("published_at", saved.created_at + dt.timedelta(minutes=minutes_after_saving))
    return VacancyFactory(organisation=organisation, **fields)


def mails(app) -> list[email.message.EmailMessage]:
    from pathlib import Path

    return [email.message_from_string(text, policy=email.policy.default) for text in sent_mail(Path(app.config["MAIL_FOLDER"]))]


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def mail_with(app, text: str) -> str:
    """The body of the one mail containing ``text`` (mail files written in the same second sort by chance)."""
    [found] = [body(m) for m in mails(app) if text in body(m)]
    return found


def run(user, frequency=AlertFrequency.DAILY, now=None):
    return alerts.send_candidate_alerts(user.id, frequency, now=now or utcnow() + dt.timedelta(hours=1))


@both_engines
def test_alert_mails_new_matching_jobs_and_nothing_else(app, backend, camden, sam):
    assert get_engine().name == ("sqlite" if backend == "sqlite" else "elasticsearch")
    saved = save(sam, "q=fostering&role_level=social_worker")
    new = job(camden, saved, title="Fostering social worker", service_area=ServiceArea.FOSTERING)
    job(camden, saved, minutes_after_saving=-60 * 24 * 3, title="Fostering social worker (older)")
    job(camden, saved, title="Adoption social worker", service_area=ServiceArea.ADOPTION)
    job(camden, saved, title="Fostering team manager", role_level=RoleLevel.TEAM_MANAGER)
    job(camden, saved, title="Fostering social worker (draft)", status=VacancyStatus.DRAFT)
    db.session.commit()

    report = run(sam)

    assert report.mailed and report.jobs_sent == 1
    [message] = mails(app)
    assert message["To"] == "sam@example.org"
    assert message["Subject"] == f"1 new job for ‘{saved.name}’"
    text = body(message)
    assert "Fostering social worker\n" in text and f"/jobs/{new.id}-{new.slug}" in text
    assert "older" not in text and "Adoption" not in text and "team manager" not in text and "draft" not in text
    assert "Hello Sam Social" in text
    # RFC 8058 one-click unsubscribe, and a link per search in the body.
    assert message["List-Unsubscribe"].startswith("<http") and "/alerts/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Stop emails for this search: http" in text
    html = message.get_body(("html",)).get_content()
    assert f"/jobs/{new.id}-{new.slug}" in html
    assert db.session.scalars(sa.select(SentAlert.vacancy_id)).all() == [new.id]
    db.session.refresh(saved)
    assert saved.last_sent_at is not None and saved.last_checked_at is not None


@both_engines
def test_never_the_same_vacancy_twice_across_runs_and_retries(app, camden, sam):
    saved = save(sam, "q=fostering")
    first = job(camden, saved, title="Fostering social worker")
    db.session.commit()
    start = utcnow() + dt.timedelta(hours=1)
    assert run(sam, now=start).jobs_sent == 1

    # The next day's run: nothing new, so no email at all.
    assert run(sam, now=start + dt.timedelta(days=1)).mailed is False
    # A retry of the first run (as if its bookkeeping were lost) still sends nothing again.
    db.session.execute(sa.update(SavedSearch).values(last_checked_at=None))
    db.session.commit()
    assert run(sam, now=start).mailed is False

    second = job(camden, saved, minutes_after_saving=60 * 24, title="Fostering senior practitioner")
    db.session.commit()
    report = run(sam, now=start + dt.timedelta(days=2))
    assert report.jobs_sent == 1
    assert len(mails(app)) == 2
    latest = mail_with(app, "Fostering senior practitioner")
    assert f"/jobs/{first.id}-" not in latest
    assert sorted(db.session.scalars(sa.select(SentAlert.vacancy_id))) == sorted([first.id, second.id])


@both_engines
def test_a_job_indexed_late_is_still_sent_once(app, camden, sam):
    """Published before the last check but indexed after it (the relay was behind): the grace
    period finds it, and the claims stop the overlap from sending anything twice."""
    saved = save(sam, "q=fostering")
    checked = saved.created_at + dt.timedelta(hours=6)
    saved.last_checked_at = checked
    job(camden, saved, minutes_after_saving=60 * 5, title="Fostering social worker")  # published before the check
    db.session.commit()
    assert run(sam, now=checked + dt.timedelta(days=1)).jobs_sent == 1
    assert run(sam, now=checked + dt.timedelta(days=2)).mailed is False


@both_engines
def test_one_email_per_candidate_grouping_their_searches(app, camden, sam):
    fostering = save(sam, "q=fostering")
    adoption = save(sam, "q=adoption")
    paused = save(sam, "q=assessment")
    saved_searches.set_alerts(paused, False)
    db.session.commit()
    job(camden, fostering, title="Fostering social worker")
    job(camden, adoption, title="Adoption social worker")
    job(camden, paused, title="Assessment social worker")
    db.session.commit()

    report = run(sam)

    assert report.searches_checked == 2 and report.jobs_sent == 2
    [message] = mails(app)
    assert message["Subject"] == "2 new jobs for your saved searches"
    text = body(message)
    assert f"{fostering.name}: 1 new job" in text and f"{adoption.name}: 1 new job" in text
    assert "Assessment social worker" not in text


def test_frequencies_are_respected(app, camden, sam):
    instant = save(sam, "q=fostering", AlertFrequency.INSTANT)
    daily = save(sam, "q=adoption", AlertFrequency.DAILY)
    weekly = save(sam, "q=assessment", AlertFrequency.WEEKLY)
    job(camden, instant, title="Fostering social worker")
    job(camden, daily, title="Adoption social worker")
    job(camden, weekly, title="Assessment social worker")
    db.session.commit()
    now = utcnow() + dt.timedelta(minutes=30)

    assert run(sam, AlertFrequency.INSTANT, now).jobs_sent == 1
    assert "Adoption" not in mail_with(app, "Fostering social worker")

    assert alerts.candidates_due(AlertFrequency.DAILY, now) == [sam.id]
    assert run(sam, AlertFrequency.DAILY, now).jobs_sent == 1
    assert "Assessment" not in mail_with(app, "Adoption social worker")
    # A daily search is not due again until the next day's run, even if the scheduler fires twice.
    assert alerts.candidates_due(AlertFrequency.DAILY, now + dt.timedelta(hours=1)) == []
    assert alerts.candidates_due(AlertFrequency.DAILY, now + dt.timedelta(hours=21)) == [sam.id]

    assert run(sam, AlertFrequency.WEEKLY, now).jobs_sent == 1
    assert alerts.candidates_due(AlertFrequency.WEEKLY, now + dt.timedelta(days=3)) == []
    assert alerts.candidates_due(AlertFrequency.WEEKLY, now + dt.timedelta(days=7)) == [sam.id]
    # Instant searches are due on every run.
    assert alerts.candidates_due(AlertFrequency.INSTANT, now) == [sam.id]
    assert len(mails(app)) == 3


def test_the_scheduled_task_mails_everyone_due(app, camden, sam):
    other = CandidateFactory(email="alex@example.org")
    for user in (sam, other):
        saved = save(user, "q=fostering")
    job(camden, saved, title="Fostering social worker")
    inactive = CandidateFactory(email="gone@example.org", active=False)
    save(inactive, "q=fostering")
    db.session.commit()

    assert send_job_alerts("daily") == 2  # tasks run in-process in tests (TASKS_MODE inline)
    assert sorted(m["To"] for m in mails(app)) == ["alex@example.org", "sam@example.org"]
    assert send_job_alerts("daily") == 0


def test_if_the_email_cannot_be_queued_nothing_is_claimed_and_the_retry_sends_it(app, camden, sam, monkeypatch):
    """The claims and the queued email are one transaction: a job is mailed once, or not claimed at all."""
    saved = save(sam, "q=fostering")
    job(camden, saved, title="Fostering social worker")
    db.session.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("the template could not be rendered")

    monkeypatch.setattr(alerts, "render_mail", broken)
    with pytest.raises(alerts.AlertRunIncomplete):
        run(sam)
    assert db.session.scalar(sa.select(sa.func.count(SentAlert.id))) == 0
    assert db.session.get(SavedSearch, saved.id).last_checked_at is None
    assert mails(app) == []
    monkeypatch.undo()
    assert run(sam).jobs_sent == 1
    assert len(mails(app)) == 1


def test_if_the_chunk_cannot_be_committed_nobody_s_jobs_are_claimed(app, camden, sam, monkeypatch):
    """A failure after the emails are rendered (the database, say) rolls the whole chunk back: no claim
    without its email, and the retry sends everyone's."""
    alex = CandidateFactory(email="alex@example.org")
    for user in (sam, alex):
        saved = save(user, "q=fostering")
    job(camden, saved, title="Fostering social worker")
    db.session.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("the connection was lost")

    monkeypatch.setattr(alerts, "queue_rendered", broken)
    with pytest.raises(RuntimeError, match="connection was lost"):
        alerts.send_alerts_for_users([sam.id, alex.id], AlertFrequency.DAILY, now=utcnow() + dt.timedelta(hours=1))
    assert db.session.scalar(sa.select(sa.func.count(SentAlert.id))) == 0
    assert db.session.scalars(sa.select(SavedSearch.last_checked_at)).all() == [None, None]
    assert mails(app) == []
    monkeypatch.undo()
    reports = alerts.send_alerts_for_users([sam.id, alex.id], AlertFrequency.DAILY, now=utcnow() + dt.timedelta(hours=1))
    assert [r.jobs_sent for r in reports.values()] == [1, 1]
    assert sorted(m["To"] for m in mails(app)) == ["alex@example.org", "sam@example.org"]


def test_one_person_s_failure_does_not_hold_back_the_others_in_their_chunk(app, camden, sam, monkeypatch):
    alex = CandidateFactory(email="alex@example.org")
    for user in (sam, alex):
        saved = save(user, "q=fostering")
    job(camden, saved, title="Fostering social worker")
    db.session.commit()
    real = alerts.render_mail

    def fails_for_sam(to, *args, **kwargs):
        if to.id == sam.id:
            raise RuntimeError("a mailbox problem")
        return real(to, *args, **kwargs)

    monkeypatch.setattr(alerts, "render_mail", fails_for_sam)
    with pytest.raises(alerts.AlertRunIncomplete):
        alerts.send_alerts_for_users([sam.id, alex.id], AlertFrequency.DAILY, now=utcnow() + dt.timedelta(hours=1))
    assert [m["To"] for m in mails(app)] == ["alex@example.org"]
    # Sam's claim was taken back with his email; Alex's stands.
    assert db.session.scalars(sa.select(SavedSearch.user_id).join(SentAlert, SentAlert.saved_search_id == SavedSearch.id)
                              ).all() == [alex.id]
    monkeypatch.undo()
    # The chunk's retry: Alex is no longer due, Sam is.
    reports = alerts.send_alerts_for_users([sam.id, alex.id], AlertFrequency.DAILY, now=utcnow() + dt.timedelta(hours=1))
    assert reports[sam.id].jobs_sent == 1 and reports[alex.id].searches_checked == 0
    assert sorted(m["To"] for m in mails(app)) == ["alex@example.org", "sam@example.org"]


def test_a_chunk_claims_and_records_its_checks_in_a_few_statements_however_many_people(app, backend, camden, sam):
    """Claims for the whole chunk in one INSERT (the ids come back with it, nothing read back per search),
    and the checks recorded in one UPDATE each: not two statements per search and a commit per person."""
    people = [sam] + [CandidateFactory(email=f"person{n}@example.org") for n in range(5)]
    for person in people:
        save(person, "q=fostering")
        save(person, "q=social+worker")
    vacancy = job(camden, db.session.scalars(sa.select(SavedSearch)).first(), title="Fostering social worker")
    db.session.commit()
    with sql_statements(db.engine) as statements:
        reports = alerts.send_alerts_for_users([p.id for p in people], AlertFrequency.DAILY,
                                               now=utcnow() + dt.timedelta(hours=1))
    assert all(r.jobs_sent == 2 for r in reports.values()) and len(mails(app)) == len(people)
    assert len([s for s in statements if s.startswith("insert into sent_alerts")]) == 1
    assert len([s for s in statements if "sent_alerts" in s and s.startswith("select")]) == 1  # already sent?
    assert len([s for s in statements if s.startswith("update saved_searches")]) == 2  # checked, sent
    assert db.session.scalar(sa.select(sa.func.count(SentAlert.id)).where(SentAlert.vacancy_id == vacancy.id)) == 12


def test_a_bounced_address_s_alert_is_kept_as_suppressed(app, camden, sam):
    saved = save(sam, "q=fostering")
    job(camden, saved, title="Fostering social worker")
    outgoing_mail.record_bounce("Sam@Example.org", "command")
    db.session.commit()
    assert run(sam).jobs_sent == 1
    assert db.session.scalars(sa.select(OutgoingMail.status).where(OutgoingMail.kind == "job_alert")).all() == [
        MailStatus.SUPPRESSED]
    assert mails(app) == []


def test_a_run_asks_the_engine_once_per_distinct_search(app, camden, sam, monkeypatch):
    """100,000 saved searches are mostly the same few searches: each is run once per run."""
    people = [sam] + [CandidateFactory(email=f"person{n}@example.org") for n in range(5)]
    for person in people:
        save(person, "q=fostering")
        save(person, "q=adoption")
    job(camden, db.session.scalars(sa.select(SavedSearch)).first(), title="Fostering social worker")
    db.session.commit()
    asked: list[str] = []
    engine = get_engine()
    real = engine.search

    def counting(query):
        asked.append(query.keywords)
        return real(query)

    monkeypatch.setattr(engine, "search", counting)
    reports = alerts.send_alerts_for_users([p.id for p in people], AlertFrequency.DAILY,
                                           now=utcnow() + dt.timedelta(hours=1), engine=engine)
    assert sorted(asked) == ["adoption", "fostering"]
    assert all(r.jobs_sent == 1 for r in reports.values()) and len(mails(app)) == len(people)


def test_a_claim_is_taken_once_even_by_runs_at_the_same_moment(app, camden, sam):
    saved = save(sam, "q=fostering")
    vacancy = job(camden, saved)
    db.session.commit()
    saved_id, vacancy_id, now = saved.id, vacancy.id, utcnow()
    db.session.close()  # the test's own session holds no transaction (and no SQLite lock) during the race
    results: dict[str, set[int]] = {}
    engine = db.engine  # the thread has no app context: hand it the engine itself
    with Session(engine) as first:
        results["first"] = {v for _, v in alerts.claim_pairs([(saved_id, vacancy_id)], now, session=first)}

        def second_run():
            with Session(engine) as second:
                # Waits for the first transaction's row lock (PostgreSQL) or write lock (SQLite).
                results["second"] = {v for _, v in alerts.claim_pairs([(saved_id, vacancy_id)], now, session=second)}
                second.commit()

        racer = threading.Thread(target=second_run)
        racer.start()
        racer.join(0.5)  # give it time to reach the lock: it must not have claimed anything yet
        assert "second" not in results
        first.commit()
    racer.join(10)
    assert results == {"first": {vacancy_id}, "second": set()}
    assert db.session.scalar(sa.select(sa.func.count(SentAlert.id))) == 1


def test_a_saved_search_that_no_longer_parses_is_skipped_not_fatal(app, camden, sam):
    broken = save(sam, "council=camden")
    fine = save(sam, "q=fostering")
    job(camden, fine, title="Fostering social worker")
    db.session.commit()
    broken.query = "council=no-such-council"
    db.session.commit()
    report = run(sam)
    assert report.searches_checked == 2 and report.jobs_sent == 1


def test_a_long_list_names_the_newest_and_links_to_the_rest(app, camden, sam, monkeypatch):
    monkeypatch.setattr(alerts, "JOBS_LISTED_PER_SEARCH", 2)
    saved = save(sam, "q=fostering")
    for n in range(3):
        job(camden, saved, minutes_after_saving=5 + n, title=f"Fostering social worker {n}")
    db.session.commit()
    assert run(sam).jobs_sent == 3  # all three are recorded: the email counts them and links to them
    text = body(mails(app)[0])
    assert "Fostering: 3 new jobs" in text
    assert "Fostering social worker 2" in text and "Fostering social worker 1" in text
    assert "Fostering social worker 0" not in text and "…and 1 more." in text
    assert "See the newest jobs for this search: http://localhost/jobs?q=fostering&sort=newest" in text  # SITE_URL


def test_flask_alerts_send_runs_what_is_due(app, camden, sam):
    saved = save(sam, "q=fostering")
    job(camden, saved, title="Fostering social worker")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["alerts", "send", "--frequency", "daily"])
    assert result.exit_code == 0, result.output
    assert "daily: 1 social worker(s) due" in result.output and "Done: 1 alert run(s) started." in result.output
    assert len(mails(app)) == 1
    result = app.test_cli_runner().invoke(args=["alerts", "send"])
    assert "instant: 0" in result.output and "daily: 0" in result.output and "weekly: 0" in result.output
    assert len(mails(app)) == 1
