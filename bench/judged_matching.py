"""`make eval-matching`, judged half: the hand-graded set (matching/judged_set) run through the real app.

A fresh embedded database (SQLite, SQLite search) is built with the app's own migrations; the pool's
vacancies are posted and published by a recruiter of each council (webapp.services.vacancies), the social
workers fill in their profiles (webapp.services.profiles), and the outbox relay
embeds and indexes them as it does in production. Then, for every person, what the app shows:

* ``jobs_that_fit`` — "jobs that fit you" (webapp.services.matching.jobs_that_fit), top ten;
* ``keyword_search`` — the /jobs search (webapp.services.jobs.search_jobs) with the words the person would
  type (their `keywords` in profiles.yaml), top ten by relevance;
* ``suggested_candidates`` — for each graded vacancy, the recruiter's suggested candidates, top ten;
* ``invitations`` — every vacancy against every person as the invite service asks (suggestion_for): no pair
  it allows may break a stated need, and the reasons kept with it must be true;
* ``meaning_only`` — the jobs that break none of the person's needs ranked by the cosine of the stored
  vectors alone: what the texts (matching.text) and the model decide, apart from the structured score.

Each is scored on the grades (matching.judged): precision at ten (grade 2 or 3 counts as relevant),
nDCG@10, stated-need violations (shown results that break something the person said they need, checked
by matching.judged.broken_needs) and false reasons (matching.judged.check_reason). Keyword search shows
no reasons, so it has none to be false.

Run twice in one go for item 4 of issue 16: ``before`` embeds the texts as matching.text made them before
the change (the advert from its start, boilerplate and all); ``after`` with today's matching.text.

    python -m bench.judged_matching [--variants before,after] [--details] [--judged-only] [--model FOLDER]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from matching import judged
from matching.evaluation import generated_report
from matching.judged import JudgedSet, broken_needs, false_reasons, ndcg_at, precision_at, precision_at_fixed

TODAY = dt.date(2026, 11, 30)  # the set's day: every vacancy closes a month later
TOP = 10


def log(message: str) -> None:
    print(f"eval-matching: {message}", file=sys.stderr, flush=True)


# --- the texts before issue 16's item 4 (for the before/after comparison in one run) ---------------------


def _before_texts() -> tuple[Callable, Callable]:
    """matching.text's vacancy_text and candidate_text as they were before item 4: the advert read from its
    start (title, level and area, team, summary, the whole description), clipped at 700 characters."""
    from matching import text as t  # here: only the comparison needs the module's helpers

    def vacancy_text(v: Any) -> str:
        parts = [t._sentence(v.title), t._sentence(f"{v.role_level.label} in {v.service_area.label.lower()}"),
                 t._sentence(v.team), t._sentence(v.summary), t._sentence(v.description)]
        return t._clip(t._tidy(" ".join(p for p in parts if p)))

    def candidate_text(c: Any) -> str:
        from domain.vocabulary import ServiceArea  # here, beside the only use

        parts = []
        if c.role_level is not None:
            parts.append(t._sentence(c.role_level.label))
        areas = [ServiceArea.label_for(s).lower() for s in c.specialisms]
        if areas:
            parts.append(t._sentence("Experience in " + ", ".join(areas)))
        if c.in_asye:
            parts.append("In the assessed and supported year in employment (ASYE).")
        elif c.years_qualified is not None:
            years = c.years_qualified
            parts.append(f"Qualified {years} year{'' if years == 1 else 's'}." if years else "Newly qualified.")
        parts.append(t._sentence(c.cv_text))
        return t._clip(t._tidy(" ".join(p for p in parts if p)))

    return vacancy_text, candidate_text


@contextmanager
def texts(variant: str) -> Iterator[None]:
    """Embed with this variant's texts: `after` is matching.text as it is; `before` swaps in the old ones
    where the app calls them (webapp.services.matching)."""
    from webapp.services import matching as service  # the app's matching service, where the texts are called

    if variant == "after":
        yield
        return
    old_vacancy, old_candidate = service.vacancy_text, service.candidate_text
    service.vacancy_text, service.candidate_text = _before_texts()
    try:
        yield
    finally:
        service.vacancy_text, service.candidate_text = old_vacancy, old_candidate


# --- loading the set through the app ----------------------------------------------------------------------


def _hours_wanted(person: judged.Person) -> str | None:
    if person.wants_full_time:
        return "full_time"
    if person.wants_part_time:
        return "part_time"
    return "either" if person.patterns else None


def profile_values(person: judged.Person, fields: tuple[str, ...]) -> dict[str, Any]:
    """The person's answers as the profile form sends them; questions this version of the app does not ask
    yet (issue 16's new ones) are left out."""
    only = person.only_councils
    values: dict[str, Any] = {
        "swe_number": f"SW{100100 + int(person.id[1:])}" if person.registered else None,
        "in_asye": person.asye,
        "years_qualified": person.years,
        "role_level": person.level,
        "specialisms": list(person.areas),
        "preferred_boroughs": list(person.councils) if not only or "only_boroughs" not in fields else [],
        "only_boroughs": list(person.councils) if only else [],
        "home_borough": person.home,
        "max_commute_miles": person.commute,
        "working_patterns": list(person.patterns),
        "hours_wanted": _hours_wanted(person),
        "part_time_hours_max": person.hours,
        "contract_types": list(person.contracts),
        "min_salary": person.min_salary,
        "min_salary_anywhere_in_band": False,
        "considers_step_down": person.step_down,
        "protected_caseload": person.protected_caseload,
        "hybrid_working": person.hybrid,
        "availability": "now",
        "cv_text": person.summary,
        "discoverable": True,
        "hidden_from": [],
    }
    return {name: value for name, value in values.items() if name in fields}


def vacancy_values(data: JudgedSet, job: judged.Job) -> dict[str, Any]:
    borough = job.borough
    return {
        "title": job.title, "reference": job.id.upper(), "role_level": job.level, "service_area": job.area,
        "team": job.team, "summary": job.summary, "description": data.full_description(job),
        "salary_min": job.salary_min, "salary_max": job.salary_max, "contract_type": job.contract,
        "fte": f"{job.fte:.2f}", "working_pattern": job.pattern, "location_name": borough.town,
        "latitude": borough.latitude, "longitude": borough.longitude,
        "closing_date": TODAY + dt.timedelta(days=30), "apply_method": "in_platform", "external_apply_url": None,
        "caseload_max": job.caseload, "supervision_frequency": None, "protected_caseload_nqsw": job.protected_nqsw,
        "hybrid_pattern": job.hybrid, "market_supplement": None, "retention_payment": None,
        "funded_development": False, "development_details": "",
    }


def build_app(folder: Path):
    from webapp import create_app  # the app is only needed when the set is run, not when it is read

    return create_app("test", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'judged.sqlite3'}",
        "SEARCH_URL": "sqlite",
        "SEARCH_SQLITE_PATH": str(folder / "judged-search.sqlite3"),
        "TASKS_MODE": "inline",
        "INSTANCE_PATH": str(folder),
    })


def load_set(data: JudgedSet) -> tuple[dict[str, int], dict[str, int], dict[int, str], dict[int, str]]:
    """Post the pool and register the people through the app's services (inside an app context).
    Returns (job id -> vacancy id, person id -> user id, and both reversed)."""
    import sqlalchemy as sa  # the app's database, only when the set is run

    from domain.vocabulary import UserRole
    from webapp.demo.councils import ensure_councils
    from webapp.extensions import db
    from webapp.models import CandidateProfile, Organisation, User
    from webapp.services import profiles, vacancies
    from webapp.services.matching import reindex_vectors
    from webapp.outbox.relay import relay_pending

    ensure_councils(db.session, TODAY)
    db.session.commit()
    councils = {o.slug: o for o in db.session.scalars(sa.select(Organisation))}
    recruiters: dict[str, User] = {}
    for slug in sorted({job.council for job in data.jobs.values()}):
        user = User(email=f"recruiter@{slug}.judged.example.org", full_name=f"Recruiter {slug}",
                    role=UserRole.RECRUITER, organisation_id=councils[slug].id, active=True, password_hash="!")
        db.session.add(user)
        recruiters[slug] = user
    db.session.flush()
    vacancy_ids: dict[str, int] = {}
    for job in data.jobs.values():
        recruiter = recruiters[job.council]
        vacancy = vacancies.create_vacancy(recruiter, vacancy_values(data, job), today=TODAY)
        vacancies.publish(recruiter, vacancy, today=TODAY)
        vacancy_ids[job.id] = vacancy.id
    db.session.commit()
    user_ids: dict[str, int] = {}
    for person in data.people.values():
        # The account itself is not what is measured: made directly (no password to hash, a second each).
        user = User(email=f"{person.id}@judged.example.org", full_name=person.name, role=UserRole.CANDIDATE,
                    active=True, password_hash="!")
        db.session.add(user)
        db.session.flush()
        profiles.update_profile(user, profile_values(person, profiles.PROFILE_FIELDS))
        user_ids[person.id] = user.id
    db.session.commit()
    relay_pending(max_batches=1000)  # search index and embeddings, as the relay keeps them after any commit
    reindex_vectors(db.session)  # every vacancy and profile embedded, whatever the relay's batches left
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateProfile)) == len(data.people)
    return vacancy_ids, user_ids, {v: k for k, v in vacancy_ids.items()}, {v: k for k, v in user_ids.items()}


# --- running and scoring ------------------------------------------------------------------------------------


def _score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "people": len(rows),
        "precision@10": round(statistics.fmean(r["precision@10"] for r in rows), 3),
        "precision@10_of_possible": round(statistics.fmean(r["precision@10_of_possible"] for r in rows), 3),
        "ndcg@10": round(statistics.fmean(r["ndcg@10"] for r in rows), 3),
        "mean_grade_shown": round(statistics.fmean(g for r in rows for g in r["grades"]) if any(r["grades"] for r in rows)
                                  else 0.0, 2),
        "shown": sum(len(r["shown"]) for r in rows),
        "stated_need_violations": sum(len(r["violations"]) for r in rows),
        "false_reasons": sum(len(r["false_reasons"]) for r in rows),
        "reasons_shown": sum(r["reasons"] for r in rows),
        "reasons_unchecked": sum(len(r["unchecked_reasons"]) for r in rows),
    }


def _row(key: str, shown: list[str], grades: dict[str, int], violations: list, false: list, unchecked: list,
         reasons: int) -> dict[str, Any]:
    return {"for": key, "shown": shown, "grades": [grades.get(i, 0) for i in shown],
            "precision@10": precision_at(shown, grades), "precision@10_of_possible": precision_at_fixed(shown, grades),
            "ndcg@10": ndcg_at(shown, grades), "violations": violations, "false_reasons": false,
            "unchecked_reasons": unchecked, "reasons": reasons}


def stored_vectors() -> tuple[dict, dict]:
    """Every vacancy's and profile's stored vector: {vacancy id: vector}, {user id: vector}."""
    import sqlalchemy as sa  # the app's database, only when the set is run

    from matching.encoder import from_bytes
    from webapp.extensions import db
    from webapp.models import CandidateProfile, Embedding, ProfileEmbedding, VacancyEmbedding

    def joined(link):
        return sa.and_(Embedding.model == link.model, Embedding.text_hash == link.text_hash)

    vacancies = {vid: from_bytes(blob) for vid, blob in db.session.execute(
        sa.select(VacancyEmbedding.vacancy_id, Embedding.vector).join(Embedding, joined(VacancyEmbedding)))}
    profiles = {uid: from_bytes(blob) for uid, blob in db.session.execute(
        sa.select(CandidateProfile.user_id, Embedding.vector)
        .join(ProfileEmbedding, ProfileEmbedding.profile_id == CandidateProfile.id)
        .join(Embedding, joined(ProfileEmbedding)))}
    return vacancies, profiles


def invitation_pairs(data: JudgedSet, vacancy_ids: dict[str, int], user_ids: dict[str, int]) -> dict[str, Any]:
    """Every vacancy against every person as an invitation asks (webapp.services.matching.suggestion_for, which
    webapp.services.invitations.invite calls): a pair the app would let a recruiter invite must break none of the
    person's needs, and the reasons kept with it must be true."""
    import sqlalchemy as sa  # the app's database, only when the set is run
    from sqlalchemy.orm import joinedload, selectinload

    from webapp.extensions import db
    from webapp.models import CandidateProfile, Vacancy
    from webapp.services.matching import suggestion_for

    profiles = {p.user_id: p for p in db.session.scalars(
        sa.select(CandidateProfile).options(selectinload(CandidateProfile.user)))}
    vacancies = {v.id: v for v in db.session.scalars(sa.select(Vacancy).options(joinedload(Vacancy.organisation)))}
    allowed = refused = refused_breaking_nothing = 0
    violations, false, unchecked = [], [], []
    for job in data.jobs.values():
        vacancy = vacancies[vacancy_ids[job.id]]
        for person in data.people.values():
            broken = broken_needs(person, job)
            match = suggestion_for(db.session, vacancy, profiles[user_ids[person.id]])
            if match is None:
                refused += 1
                refused_breaking_nothing += not broken
                continue
            allowed += 1
            violations += [f"{job.id} {person.id}: {b}" for b in broken]
            bad, unknown = false_reasons(match.reasons, person, job)
            false += [f"{job.id} {person.id}: {r}" for r in bad]
            unchecked += [f"{job.id} {person.id}: {r}" for r in unknown]
    return {"pairs": allowed + refused, "may_invite": allowed, "refused": refused,
            "refused_though_no_stated_need_broken": refused_breaking_nothing,
            "stated_need_violations": len(violations), "false_reasons": len(false),
            "reasons_unchecked": len(unchecked),
            "detail": {"violations": violations[:40], "false_reasons": false[:40],
                       "unchecked_reasons": sorted({re.sub(r"^\S+ \S+: ", "", v) for v in unchecked})[:40]}}


def evaluate_loaded(data: JudgedSet, vacancy_ids, user_ids, job_of, person_of) -> dict[str, Any]:
    from webapp.extensions import db  # the app's session: only inside a run
    from webapp.models import User, Vacancy
    from webapp.search.query import SearchQuery
    from webapp.services.jobs import search_jobs
    from webapp.services.matching import jobs_that_fit, suggested_candidates

    fit_rows, keyword_rows, suggestion_rows, meaning_rows = [], [], [], []
    vacancy_vectors, profile_vectors = stored_vectors()
    for person in data.people.values():
        grades = data.job_grades.get(person.id, {})
        user = db.session.get(User, user_ids[person.id])
        found = jobs_that_fit(db.session, user, limit=TOP, today=TODAY)
        shown, violations, false, unchecked, reasons = [], [], [], [], 0
        for match, vacancy in found.items:
            job = data.jobs[job_of[vacancy.id]]
            shown.append(job.id)
            violations += [f"{person.id} {job.id}: {b}" for b in broken_needs(person, job)]
            bad, unknown = false_reasons(match.reasons, person, job)
            false += [f"{person.id} {job.id}: {r}" for r in bad]
            unchecked += [f"{person.id} {job.id}: {r}" for r in unknown]
            reasons += len(match.reasons)
        fit_rows.append(_row(person.id, shown, grades, violations, false, unchecked, reasons))

        # Meaning alone (what matching.text and the model decide): the jobs that break none of the person's
        # needs, ranked by the cosine of the two stored vectors. It isolates what item 4 changes.
        mine = profile_vectors[user_ids[person.id]]
        open_to = [j for j in data.jobs.values() if not broken_needs(person, j)]
        ranked = sorted(open_to, key=lambda j: (-float(vacancy_vectors[vacancy_ids[j.id]] @ mine), j.id))
        meaning_rows.append(_row(person.id, [j.id for j in ranked[:TOP]], grades, [], [], [], 0))

        page = search_jobs(SearchQuery(keywords=person.keywords, per_page=TOP, as_of=TODAY))
        shown = [job_of[listing.vacancy.id] for listing in page.listings][:TOP]
        violations = [f"{person.id} {j}: {b}" for j in shown for b in broken_needs(person, data.jobs[j])]
        keyword_rows.append(_row(person.id, shown, grades, violations, [], [], 0))

    for job_id, grades in data.candidate_grades.items():
        job = data.jobs[job_id]
        vacancy = db.session.get(Vacancy, vacancy_ids[job_id])
        found = suggested_candidates(db.session, vacancy, limit=TOP, today=TODAY)
        shown, violations, false, unchecked, reasons = [], [], [], [], 0
        for suggestion in found.items:
            person = data.people[person_of[suggestion.profile.user_id]]
            shown.append(person.id)
            violations += [f"{job.id} {person.id}: {b}" for b in broken_needs(person, job)]
            bad, unknown = false_reasons(suggestion.match.reasons, person, job)
            false += [f"{job.id} {person.id}: {r}" for r in bad]
            unchecked += [f"{job.id} {person.id}: {r}" for r in unknown]
            reasons += len(suggestion.match.reasons)
        suggestion_rows.append(_row(job_id, shown, grades, violations, false, unchecked, reasons))

    invitations = invitation_pairs(data, vacancy_ids, user_ids)

    def details(rows):
        return {"violations": [v for r in rows for v in r["violations"]][:40],
                "false_reasons": [v for r in rows for v in r["false_reasons"]][:40],
                "unchecked_reasons": sorted({re.sub(r"^\S+ \S+: ", "", v) for r in rows
                                             for v in r["unchecked_reasons"]})[:40],
                "per_person": {r["for"]: {"shown": r["shown"], "grades": r["grades"],
                                          "ndcg@10": round(r["ndcg@10"], 3)} for r in rows}}

    return {
        "jobs_that_fit": {**_score(fit_rows), "detail": details(fit_rows)},
        "keyword_search": {**_score(keyword_rows), "detail": details(keyword_rows)},
        "invitations": invitations,
        "meaning_only": {k: v for k, v in _score(meaning_rows).items()
                         if k in ("people", "precision@10", "ndcg@10", "mean_grade_shown")},
        "suggested_candidates": {**{k.replace("people", "vacancies"): v for k, v in _score(suggestion_rows).items()},
                                 "detail": details(suggestion_rows)},
    }


def run_variant(data: JudgedSet, variant: str) -> dict[str, Any]:
    """Build a fresh database for this variant, load the set through the app and score what it shows."""
    from flask_migrate import upgrade  # the app's own migrations build the schema

    with tempfile.TemporaryDirectory(prefix="cswjobs-judged-") as folder, texts(variant):
        app = build_app(Path(folder))
        with app.app_context():
            started = time.perf_counter()
            upgrade()
            ids = load_set(data)
            loaded = time.perf_counter() - started
            log(f"{variant}: {len(data.jobs)} vacancies and {len(data.people)} profiles loaded in {loaded:.1f} s")
            result = evaluate_loaded(data, *ids)
            from webapp.extensions import db  # the same session the run used

            db.session.remove()
            db.engine.dispose()
        result["seconds"] = round(time.perf_counter() - started, 1)
        return result


@contextmanager
def other_model(folder: str | None) -> Iterator[None]:
    """Encode with another sentence-transformers model from a folder on this machine (to weigh it against
    all-MiniLM-L6-v2 on the judged set; nothing is fetched). Its vectors are kept under its own name."""
    from matching import encoder as encoding  # the process's encoder is swapped for the run, then put back

    if folder is None:
        yield
        return

    class FolderEncoder(encoding.Encoder):
        name = Path(folder).name

        @property
        def model(self):
            if self._model is None:
                from sentence_transformers import SentenceTransformer  # as matching.encoder loads its own

                self._model = SentenceTransformer(folder, device="cpu", local_files_only=True)
            return self._model

    kept = encoding._default
    encoding._default = FolderEncoder()
    try:
        yield
    finally:
        encoding._default = kept


def run(variants: tuple[str, ...] = ("after",), data: JudgedSet | None = None,
        model_folder: str | None = None) -> dict[str, Any]:
    with other_model(model_folder):
        return _run(variants, data)


def _run(variants: tuple[str, ...], data: JudgedSet | None) -> dict[str, Any]:
    from matching.encoder import get_encoder  # the model, loaded once for every variant

    data = data or judged.load()
    encoder = get_encoder()
    encoder.model  # loaded before the clock starts, as the app's scheduler loads it at start
    report: dict[str, Any] = {
        "model": encoder.name,
        "set": {"vacancies": len(data.jobs), "profiles": len(data.people),
                "graded_pairs": sum(len(g) for g in data.job_grades.values()),
                "vacancies_with_graded_candidates": len(data.candidate_grades)},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    for variant in variants:
        report[variant] = run_variant(data, variant)
    return report


def summary_line(report: dict[str, Any], variant: str) -> str:
    fit, keyword = report[variant]["jobs_that_fit"], report[variant]["keyword_search"]
    meaning = report[variant]["meaning_only"]
    return (f"{variant}: jobs that fit P@10 {fit['precision@10']} nDCG@10 {fit['ndcg@10']} "
            f"violations {fit['stated_need_violations']} false reasons {fit['false_reasons']}; "
            f"keyword search P@10 {keyword['precision@10']} nDCG@10 {keyword['ndcg@10']}; "
            f"meaning alone P@10 {meaning['precision@10']} nDCG@10 {meaning['ndcg@10']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="before,after", help="comma-separated: before,after")
    parser.add_argument("--details", action="store_true", help="keep each person's results in the JSON")
    parser.add_argument("--judged-only", action="store_true", help="leave out the generated set")
    parser.add_argument("--model", help="weigh another sentence-transformers model from this folder (judged set only)")
    args = parser.parse_args(argv)
    variants = tuple(v for v in args.variants.split(",") if v)
    unknown = set(variants) - {"before", "after"}
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}: use before and/or after")
    report = {"judged": run(variants, model_folder=args.model)}
    if not args.judged_only and not args.model:
        report["generated"] = generated_report()  # the generated set, kept for regression
    if not args.details:
        for variant in variants:
            for part in report["judged"][variant].values():
                if isinstance(part, dict) and "detail" in part:
                    part["detail"].pop("per_person", None)
    print(json.dumps(report, indent=2))
    for variant in variants:
        log(summary_line(report["judged"], variant))
    return 0


if __name__ == "__main__":
    sys.exit(main())
