"""A region's daily job alerts, as JSON: `make bench-alerts-region`.

    python -m bench.alerts_region --searches 100000 --new 500 --workers 2 --sample 2000

On the full stack's parts (PostgreSQL, Elasticsearch, RQ on Redis; `make bench-alerts-region` starts the
test services): a fresh database with `seed_scale` (one vacancy per social worker: 33,334 of each for
100,000 searches), all published more than three days ago except ``--new`` live ones published in the
last day; every social worker has three saved searches (keywords and one or two filters, drawn as
bench.alerts draws them), daily, last checked a day ago.

1. Baseline: today's code before this change (webapp/services/alerts.py at the commit before it, read
   from git: one RQ job per social worker, every saved search run through the engine) for the
   social workers holding the first ``--sample`` searches, in one process; extrapolated to every
   search and divided by the number of workers (as if they shared it perfectly).
2. The run as it is now: queue_alerts puts chunks on the `alerts` queue and ``--workers`` RQ workers
   (separate processes, burst mode) work it; timed from queueing to the last chunk done, when every
   email is in the outbox. Then checked: no (search, vacancy) pair claimed twice, at most one email per
   social worker, every claim in an email.
3. Instant: one social worker saves an instant search, two workers wait on the indexing and alerts
   queues (no scheduler), a job is published, and the time to its email in the outbox is taken.

Prints one JSON document on stdout (progress on stderr), with the load average at start and end.

    python -m bench.alerts_region --searches 3000 --profile 500

only profiles one chunk of 500 social workers in this process under cProfile, with alerts.py as it was at
PROFILE_BEFORE and as it is now, each from a reset (nothing claimed, every search due): milliseconds per
email, with and without the engine, and where they go.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.alerts import saved_query_strings
from bench.analytics import fresh_database
from bench.search import log

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "cswjobs_alerts_region"
REDIS_DB = 14
PREFIX = "bench-alerts-region"
SEARCHES_EACH = 3
# The commit before alerts ran distinct searches once per run in chunks: the baseline's code.
BEFORE = "77ad32e"
# Chunks, but claims read back per search, a commit per person and a signed link pair per job: --profile's "before".
PROFILE_BEFORE = "614cdd7"


def settings(database_url: str, redis_url: str, folder: Path) -> dict[str, str]:
    return {"CSWJOBS_DATABASE_URL": database_url, "CSWJOBS_REDIS_URL": redis_url,
            "CSWJOBS_SEARCH_URL": os.environ["CSWJOBS_SEARCH_URL"], "CSWJOBS_SEARCH_INDEX_PREFIX": PREFIX,
            "CSWJOBS_TASKS_MODE": "rq", "CSWJOBS_INSTANCE_PATH": str(folder), "CSWJOBS_LOG_LEVEL": "WARNING",
            "CSWJOBS_MAIL_FOLDER": str(folder / "mail")}


def build(app, searches: int, new: int, seed: int) -> dict:
    """The region: social workers, vacancies (``new`` of them just published), saved searches, the index."""
    import sqlalchemy as sa
    from flask_migrate import upgrade
    from sqlalchemy.orm import Session

    from domain.vocabulary import AlertFrequency, UserRole
    from webapp.demo.scale import seed_scale
    from webapp.extensions import db
    from webapp.models import OutboxMessage, SavedSearch, User, Vacancy, utcnow
    from webapp.search import get_engine
    from webapp.search.sync import live_vacancy_documents
    from webapp.services import saved_searches

    people = -(-searches // SEARCHES_EACH)
    upgrade()
    started = time.perf_counter()
    log(f"[alerts-region] seeding {people} social workers and as many vacancies...")
    with Session(db.engine) as session:
        seed_scale(session, people, seed=seed)
    now = utcnow().replace(microsecond=0)
    rng = random.Random(seed)
    live = list(db.session.scalars(sa.select(Vacancy.id).where(Vacancy.status == "live",
                                                                Vacancy.closing_date >= now.date())))
    fresh = set(rng.sample(live, new))
    # Everything three days older than seeded (so nothing is in the run's window), then the new ones.
    db.session.execute(sa.update(Vacancy).values(
        published_at=sa.func.coalesce(Vacancy.published_at, now) - dt.timedelta(days=3)))
    db.session.execute(sa.update(Vacancy).where(Vacancy.id.in_(fresh)).values(
        published_at=now - dt.timedelta(hours=20)))
    # The seed's outbox rows would have the workers indexing and embedding during the run: the index is built here.
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.delivered_at.is_(None)).values(delivered_at=now))
    db.session.commit()
    log("[alerts-region] indexing the live vacancies in Elasticsearch...")
    with Session(db.engine) as session:
        get_engine().rebuild(live_vacancy_documents(session, 2000, release=True))
    user_ids = list(db.session.scalars(sa.select(User.id).where(User.role == UserRole.CANDIDATE).order_by(User.id)))
    queries = [saved_searches.normalise(q) for q in saved_query_strings(searches, seed)]
    rows = [{"user_id": user_ids[n // SEARCHES_EACH], "name": (q[:100] or "All jobs"), "query": q,
             "frequency": AlertFrequency.DAILY, "alerts_on": True, "created_at": now - dt.timedelta(days=30),
             "updated_at": now - dt.timedelta(days=30), "last_checked_at": now - dt.timedelta(days=1)}
            for n, q in enumerate(queries)]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(SavedSearch), rows[start:start + 5000])
    db.session.commit()
    return {"social_workers": len({r["user_id"] for r in rows}), "saved_searches": len(rows),
            "distinct_searches": len(set(queries)), "new_vacancies": len(fresh), "live_vacancies": len(live),
            "built_seconds": round(time.perf_counter() - started, 1), "now": now}


def before_module(commit: str = BEFORE, name: str = "alerts_before"):
    """webapp/services/alerts.py as it was at ``commit``, importable beside today's (its task name renamed since)."""
    source = subprocess.run(["git", "show", f"{commit}:webapp/services/alerts.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    source = source.replace("from webapp.dispatch import SEND_CANDIDATE_ALERTS, enqueue",
                            "from webapp.dispatch import enqueue\nSEND_CANDIDATE_ALERTS = 'unused'")
    path = Path(tempfile.mkdtemp(prefix="bench-alerts-before-")) / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def baseline(sample: int, total: int, workers: int, now: dt.datetime) -> dict:
    import sqlalchemy as sa

    from domain.vocabulary import AlertFrequency
    from webapp.extensions import db
    from webapp.models import SavedSearch, SentAlert

    before = before_module()
    user_ids = list(db.session.scalars(sa.select(SavedSearch.user_id).distinct().order_by(SavedSearch.user_id)
                                       .limit(-(-sample // SEARCHES_EACH))))
    log(f"[alerts-region] baseline: today's code before the change, {len(user_ids)} social workers one job each...")
    started = time.perf_counter()
    jobs = 0
    for user_id in user_ids:
        jobs += before.send_candidate_alerts(user_id, AlertFrequency.DAILY, now=now + dt.timedelta(minutes=1)).jobs_sent
        db.session.remove()
    seconds = time.perf_counter() - started
    searches = len(user_ids) * SEARCHES_EACH
    # Put the sample back as it was, so the run after measures the same work.
    db.session.execute(sa.delete(SentAlert))
    db.session.execute(sa.update(SavedSearch).where(SavedSearch.user_id.in_(user_ids)).values(
        last_checked_at=now - dt.timedelta(days=1), last_sent_at=None))
    db.session.commit()
    return {"sample_searches": searches, "sample_seconds": round(seconds, 1), "sample_jobs_mailed": jobs,
            "searches_per_second_one_process": round(searches / seconds, 1),
            "extrapolated_seconds_for_all": round(seconds * total / searches / workers, 1),
            "extrapolated_as": f"sample time x {total}/{searches} searches / {workers} workers"}


def reset_alerts(now: dt.datetime) -> None:
    """Every search due again and nothing claimed or mailed: the next run does the same work."""
    import sqlalchemy as sa

    from webapp.extensions import db
    from webapp.models import OutboxMessage, OutgoingMail, SavedSearch, SentAlert

    db.session.remove()
    db.session.execute(sa.delete(SentAlert))
    db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.kind == "job_alert"))
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.delivered_at.is_(None)).values(delivered_at=now))
    db.session.execute(sa.update(SavedSearch).values(last_checked_at=now - dt.timedelta(days=1), last_sent_at=None))
    db.session.commit()


# Where a chunk's time goes: (label, the function's name as cProfile reports it, its file's ending).
PROFILED = [
    ("engine (distinct searches, Elasticsearch)", "_engine_ids", ""),
    ("vacancies and sent pairs read", "_vacancies", ""),
    ("claims: INSERT ... RETURNING", "claim", ""), ("claims: INSERT ... RETURNING", "claim_pairs", ""),
    ("per-person claim, commit and email (before)", "_claim_and_mail", ""),
    ("links: url_for", "url_for", "helpers.py"),
    ("relevance tokens signed", "relevance_token", ""), ("relevance tokens signed", "search_token", ""),
    ("unsubscribe tokens signed", "unsubscribe_token", ""),
    ("templates rendered (text and HTML)", "_render", "outgoing_mail.py"),
    ("bounce lookups", "is_bounced", ""), ("bounce lookups", "bounced_among", ""),
    ("commits (flush, outbox rows)", "commit", "session.py"),
]


def profile_chunk(module, people: int, now: dt.datetime, engine) -> dict:
    """One chunk of ``people`` social workers through ``module``.send_alerts_for_users, in this process under cProfile."""
    import cProfile
    import io
    import pstats

    import sqlalchemy as sa

    from domain.vocabulary import AlertFrequency
    from webapp.extensions import db
    from webapp.models import OutgoingMail, SavedSearch

    user_ids = list(db.session.scalars(sa.select(SavedSearch.user_id).distinct().order_by(SavedSearch.user_id)
                                       .limit(people)))
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        module.send_alerts_for_users(user_ids, AlertFrequency.DAILY, now=now + dt.timedelta(minutes=1), engine=engine)
    finally:
        profiler.disable()
    seconds = time.perf_counter() - started
    db.session.remove()
    emails = db.session.scalar(sa.select(sa.func.count(OutgoingMail.id)).where(OutgoingMail.kind == "job_alert"))
    stats = pstats.Stats(profiler)
    where: dict[str, float] = {}
    for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():
        for label, name, ending in PROFILED:
            if function != name:
                continue
            if ending and filename.endswith(ending):  # a library's: the outermost of its same-named functions
                where[label] = max(where.get(label, 0.0), cumulative)
            elif not ending and "site-packages" not in filename:
                where[label] = where.get(label, 0.0) + cumulative
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(35)
    log(text.getvalue())
    return {"social_workers": len(user_ids), "emails": emails, "seconds": round(seconds, 2),
            "ms_per_email": round(1000 * seconds / max(emails, 1), 1),
            "ms_per_email_without_the_engine": round(
                1000 * (seconds - where.get(PROFILED[0][0], 0.0)) / max(emails, 1), 1),
            "where_ms_per_email (cumulative, under the profiler)": {
                label: round(1000 * value / max(emails, 1), 2) for label, value in sorted(where.items())}}


def profile(people: int, now: dt.datetime) -> dict:
    """The chunk before this change (PROFILE_BEFORE) and now, on the same data, each from a reset."""
    from webapp.search import get_engine
    from webapp.services import alerts

    engine = get_engine()
    results = {}
    for label, module in (("before", before_module(PROFILE_BEFORE, "alerts_profile_before")), ("now", alerts)):
        reset_alerts(now)
        log(f"[alerts-region] profile: {label}, one chunk of {people} social workers in-process...")
        results[label] = profile_chunk(module, people, now, engine)
        log(f"[alerts-region] profile: {label}: {results[label]['ms_per_email']} ms per email")
    return results


def start_workers(count: int, queues: list[str], env: dict[str, str], burst: bool) -> list[subprocess.Popen]:
    code = ("import sys; from workers.__main__ import redis_for_workers; from workers.worker import AppWorker; "
            f"AppWorker({queues!r}, connection=redis_for_workers()).work(burst={burst}, logging_level='WARNING')")
    return [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env},
                             stdout=sys.stderr, stderr=sys.stderr, start_new_session=True) for _ in range(count)]


def region_run(workers: int, env: dict[str, str], now: dt.datetime) -> dict:
    import sqlalchemy as sa

    from domain.vocabulary import AlertFrequency
    from webapp.extensions import db
    from webapp.models import OutgoingMail, SavedSearch, SentAlert
    from webapp.services import alerts

    log(f"[alerts-region] the run: chunks of {alerts.USERS_PER_JOB} on the alerts queue, {workers} workers...")
    started = time.perf_counter()
    due = alerts.queue_alerts(AlertFrequency.DAILY)
    processes = start_workers(workers, ["alerts"], env, burst=True)
    for process in processes:
        process.wait()
    seconds = time.perf_counter() - started
    claims = db.session.scalar(sa.select(sa.func.count(SentAlert.id)))
    twice = db.session.scalar(sa.select(sa.func.count()).select_from(
        sa.select(SentAlert.saved_search_id).group_by(SentAlert.saved_search_id, SentAlert.vacancy_id)
        .having(sa.func.count() > 1).subquery()))
    emails = db.session.scalar(sa.select(sa.func.count(OutgoingMail.id)).where(OutgoingMail.kind == "job_alert"))
    two_emails = db.session.scalar(sa.select(sa.func.count()).select_from(
        sa.select(OutgoingMail.user_id).where(OutgoingMail.kind == "job_alert").group_by(OutgoingMail.user_id)
        .having(sa.func.count() > 1).subquery()))
    mailed = sa.select(OutgoingMail.user_id).where(OutgoingMail.kind == "job_alert")
    unmailed = db.session.scalar(sa.select(sa.func.count(SentAlert.id)).join(
        SavedSearch, SavedSearch.id == SentAlert.saved_search_id).where(SavedSearch.user_id.not_in(mailed)))
    still_due = len(alerts.candidates_due(AlertFrequency.DAILY, now + dt.timedelta(minutes=30)))
    failed = [p.returncode for p in processes if p.returncode]
    return {"social_workers_due": due, "seconds": round(seconds, 1), "claims": claims, "emails_in_outbox": emails,
            "pairs_claimed_twice": twice, "social_workers_with_two_emails": two_emails,
            "claims_without_an_email": unmailed, "social_workers_still_due_after": still_due,
            "worker_failures": failed}


def instant(env: dict[str, str]) -> dict:
    import sqlalchemy as sa

    from domain.vocabulary import AlertFrequency, UserRole, VacancyStatus
    from webapp.extensions import db
    from webapp.models import OutgoingMail, Organisation, User, Vacancy, utcnow
    from webapp.services import saved_searches

    person = db.session.scalars(sa.select(User).where(User.role == UserRole.CANDIDATE).order_by(User.id.desc())).first()
    saved_searches.save_search(person, "q=kinship+assessor", AlertFrequency.INSTANT)
    db.session.commit()
    person_id = person.id
    template = db.session.scalars(sa.select(Vacancy).where(Vacancy.status == VacancyStatus.LIVE)).first()
    processes = start_workers(2, ["indexing", "alerts"], env, burst=False)
    time.sleep(8)  # the workers up and waiting, as in production
    organisation = db.session.get(Organisation, template.organisation_id)
    log("[alerts-region] instant: publishing a job with two workers waiting...")
    published = utcnow()
    vacancy = Vacancy(organisation=organisation, title="Kinship assessor (social worker)", slug="kinship-assessor",
                      role_level=template.role_level, service_area=template.service_area, summary="Kinship assessments",
                      description="Assessing family and friends carers.", salary_min=40000, salary_max=45000,
                      contract_type=template.contract_type, fte=1, working_pattern=template.working_pattern,
                      location_name=template.location_name, latitude=template.latitude, longitude=template.longitude,
                      closing_date=published.date() + dt.timedelta(days=30), status=VacancyStatus.LIVE,
                      published_at=published)
    # Only an email queued after this counts (the person had the daily run's email already).
    before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(OutgoingMail.id), 0)))
    db.session.add(vacancy)
    db.session.commit()
    started = time.perf_counter()
    seconds = None
    while time.perf_counter() - started < 180:
        db.session.remove()
        if db.session.scalar(sa.select(OutgoingMail.id).where(OutgoingMail.user_id == person_id, OutgoingMail.id > before,
                                                              OutgoingMail.kind == "job_alert")):
            seconds = time.perf_counter() - started
            break
        time.sleep(0.2)
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    return {"seconds_from_publishing_to_outbox": round(seconds, 1) if seconds is not None else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=500, help="vacancies published since the last run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=2000, help="searches the baseline runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, metavar="PEOPLE",
                        help="only profile one chunk of this many social workers in-process, before and now")
    args = parser.parse_args()
    for name in ("CSWJOBS_DATABASE_URL", "CSWJOBS_REDIS_URL", "CSWJOBS_SEARCH_URL"):
        if not os.environ.get(name):
            raise SystemExit("bench-alerts-region: run it with `make bench-alerts-region`, which starts the test "
                             "services and points CSWJOBS_DATABASE_URL, CSWJOBS_REDIS_URL and CSWJOBS_SEARCH_URL at them.")
    load_at_start = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="bench-alerts-region-"))
    database_url = fresh_database("postgresql", ROOT, DATABASE, "bench-alerts-region")
    redis_url = os.environ["CSWJOBS_REDIS_URL"].rsplit("/", 1)[0] + f"/{REDIS_DB}"
    subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True, capture_output=True)
    env = settings(database_url, redis_url, folder)
    os.environ.update(env)
    from webapp import create_app

    app = create_app()
    with app.app_context():
        built = build(app, args.searches, args.new, args.seed)
        now = built.pop("now")
        log(f"[alerts-region] {built['saved_searches']} saved searches ({built['distinct_searches']} distinct), "
            f"{built['new_vacancies']} new vacancies, built in {built['built_seconds']} s")
        if args.profile:
            report = {"benchmark": "alerts-region-profile", "load_average_at_start": [round(x, 2) for x in load_at_start],
                      "region": built, "profile": profile(args.profile, now),
                      "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
            print(json.dumps(report, indent=2, default=str))
            log(f"bench-alerts-region --profile: before {report['profile']['before']['ms_per_email']} ms per email, "
                f"now {report['profile']['now']['ms_per_email']} ms")
            return
        before = baseline(args.sample, built["saved_searches"], args.workers, now)
        log(f"[alerts-region] baseline: {before['sample_searches']} searches in {before['sample_seconds']} s; "
            f"all of them: about {before['extrapolated_seconds_for_all']} s with {args.workers} workers")
        after = region_run(args.workers, env, now)
        log(f"[alerts-region] the run: {after['emails_in_outbox']} emails, {after['claims']} jobs, {after['seconds']} s")
        fast = instant(env)
        log(f"[alerts-region] instant: {fast['seconds_from_publishing_to_outbox']} s from publishing to the outbox")
    report = {
        "benchmark": "alerts-region",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_average_at_start": [round(x, 2) for x in load_at_start],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "workers": args.workers, "region": built, "baseline_before_change": before, "run": after,
        "speed_up": round(before["extrapolated_seconds_for_all"] / after["seconds"], 1) if after["seconds"] else None,
        "instant": fast,
        "targets": {"run_seconds": 600, "pairs_claimed_twice": 0, "social_workers_with_two_emails": 0,
                    "claims_without_an_email": 0, "instant_seconds": 60},
        "targets_met": {
            "run_seconds": after["seconds"] <= 600,
            "nobody_mailed_twice": not after["pairs_claimed_twice"] and not after["social_workers_with_two_emails"],
            "every_claim_mailed": not after["claims_without_an_email"],
            "instant_seconds": fast["seconds_from_publishing_to_outbox"] is not None
            and fast["seconds_from_publishing_to_outbox"] <= 60},
    }
    print(json.dumps(report, indent=2, default=str))
    log(f"bench-alerts-region: done: {after['seconds']} s for {built['saved_searches']} searches with {args.workers} "
        f"workers (baseline about {before['extrapolated_seconds_for_all']} s); instant "
        f"{fast['seconds_from_publishing_to_outbox']} s")


if __name__ == "__main__":
    main()
