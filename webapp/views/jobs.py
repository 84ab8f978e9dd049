"""Public pages for social workers: home, job search, job pages, applying, councils, news.

Views parse the request, call a service (webapp.services.jobs, councils, news, applications)
and render; the search engine is reached only through the jobs service.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BuildError

from domain.funnel import FunnelStep
from domain.vocabulary import ApplyMethod
from webapp.extensions import db, limiter
from webapp.forms.account import ConfirmForm
from webapp.forms.jobs import JobSearchForm
from webapp.forms.matching import ButtonForm
from webapp.search import InvalidSearch, SearchUnavailable
from webapp.search.criteria import SEARCH_PARAMETERS, without_filter
from webapp.services import NotAllowed, ServiceError
from webapp.services import application_forms
from webapp.services import applications as application_service
from webapp.services import councils as council_service
from webapp.services import follows
from webapp.services import funnel
from webapp.services import jobs as job_service
from webapp.services import matching as matching_service
from webapp.services import news as news_service
from webapp.services import saved_jobs as saved_job_service
from webapp.services.paging import PageNotFound
from webapp.web import caching
from webapp.web.access import signed_in_user
from webapp.web.forms import form_page, refused_post
from webapp.web.pagination import page_number, pagination

bp = Blueprint("jobs", __name__)
log = logging.getLogger(__name__)

NEWS_PER_PAGE = 10
# Longer than any real search's query string; a longer ?search= on a job page is ignored.
MAX_SEARCH_QUERY_STRING = 2000
# Signed-out job pages kept drawn in each process (about 40 KB each), each for at most this long.
JOB_PAGES_KEPT = 500
JOB_PAGE_KEPT_SECONDS = 600
# Signed-out search pages kept the same way; a new version of the index starts them again.
SEARCH_PAGES_KEPT = 300
SEARCH_PAGE_KEPT_SECONDS = 600


# --- helpers ----------------------------------------------------------------------------------

def _url_or_none(endpoint: str, **values) -> str | None:
    try:
        return url_for(endpoint, **values)
    except BuildError:  # the account blueprint may not offer this yet
        return None


def _search_url(args: MultiDict, **changes) -> str:
    """/jobs with the current query string, some parameters changed (None removes one)."""
    new = MultiDict(args)
    for key, value in changes.items():
        new.poplist(key)
        if value is not None:
            new.setlist(key, value if isinstance(value, list) else [value])
    return url_for("jobs.search", **new.to_dict(flat=False))


def _without(args: MultiDict, param: str, value: str) -> str:
    """/jobs with one chosen filter removed (criteria.without_filter says what that takes out)."""
    remaining = MultiDict(without_filter(args.items(multi=True), param, value))
    return url_for("jobs.search", **remaining.to_dict(flat=False))


def _results_url(query_string: str | None) -> str | None:
    """The job page's way back to the results it was found in: the ?search= its result link
    carried, rebuilt from the search's own parameters only, so it is always a relative /jobs
    address (never an open redirect); None when there is nothing usable."""
    if not query_string or len(query_string) > MAX_SEARCH_QUERY_STRING:
        return None
    pairs = [(name, value) for name, value in parse_qsl(query_string) if name in SEARCH_PARAMETERS]
    return url_for("jobs.search", **MultiDict(pairs).to_dict(flat=False))


def _error_summary(form) -> dict:
    """The error summary, with links for parameters that have no field on the page (they
    arrive in links, such as page or closing_after) pointing at the results instead."""
    summary = wtforms_errors(form)
    on_page = {f"#{form[name].id}" for name in ("q", "council", "sub_region", "role_level", "service_area",
                                                "contract_type", "working_pattern", "hybrid", "salary",
                                                "max_caseload", "protected_nqsw", "funded_development",
                                                "near", "miles", "sort")}
    for error in summary["errorList"]:
        if error["href"] not in on_page:
            error["href"] = "#results"
    return summary


def _canonical(vacancy, endpoint: str = "jobs.vacancy"):
    return redirect(url_for(endpoint, vacancy_id=vacancy.id, slug=vacancy.slug), code=301)


def _closed_page(vacancy):
    return render_template("jobs/closed.html", title="This job has closed", vacancy=vacancy), 410


def _public_vacancy_or_404(vacancy_id: int):
    vacancy = job_service.public_vacancy(vacancy_id)
    if vacancy is None:
        abort(404)
    return vacancy


# --- home and search --------------------------------------------------------------------------

@bp.get("/")
def home():
    return render_template(
        "jobs/home.html",
        title=None,
        live_count=job_service.count_live_vacancies(),
        council_count=council_service.council_count(),
        latest=job_service.latest_vacancies(6),
        groups=council_service.councils_by_sub_region(),
        news=news_service.published_articles(per_page=3).articles,
    )


@bp.get("/jobs")
def search():
    # Signed out, a search's page is everyone's: drawn once per query string, day and version of what the
    # index and the database hold (job_service.search_version). The funnel step is still each visit's.
    page_html, status, first_page = caching.signed_out_page(
        "search", lambda: (dt.date.today(), request.full_path, job_service.search_version()),
        _search_page, kept_seconds=SEARCH_PAGE_KEPT_SECONDS, kept_max=SEARCH_PAGES_KEPT)
    if status == 200 and first_page:  # paging through one search is not another search
        # After the page is drawn: a commit expires the rows it shows, and each would be read again, one query a job.
        funnel.record_page_step(FunnelStep.SEARCH, current_user)
    return page_html, status


def _search_page() -> caching.Drawn:
    """The search page, its status, and whether it is a search's first page."""
    form = JobSearchForm(request.args, council_service.council_choices())
    context = {"form": form, "title": "Find a job", "results": None, "problem": None,
               "jobs_that_fit": _jobs_that_fit()}
    if not form.validate():
        context["errors"] = _error_summary(form)
        return render_template("jobs/search.html", **context), 400, False
    try:
        query = form.to_query(per_page=current_app.config["JOBS_PER_PAGE"])
    except InvalidSearch as exc:  # the form checks first; this catches anything it lets through
        context["problem"] = str(exc)
        return render_template("jobs/search.html", **context), 400, False
    try:
        results = job_service.search_jobs(query)
    except SearchUnavailable:
        log.warning("job search unavailable", exc_info=True)
        context["problem"] = "Search is not working at the moment. Try again in a few minutes."
        return render_template("jobs/search.html", **context), 503, False
    args = request.args
    chosen = [(label, _without(args, name, value)) for name, value, label in form.chosen_filters()]
    form.show_facet_counts(results.result.facets)
    context.update(
        results=results,
        chosen=chosen,
        # Each result links to its job page with this search, so the job page can link back to it.
        search_query_string=request.query_string.decode("utf-8", "replace"),
        clear_url=url_for("jobs.search", q=form.q.data) if form.q.data else url_for("jobs.search"),
        pagination=pagination(query.page, results.pages, lambda n: _search_url(args, page=str(n)),
                              label="Search results pages"),
    )
    if results.page_out_of_range:
        # A page after the last is "not found" (404), with a way back to the last real page.
        context["problem"] = (f"There is no page {query.page} for this search: "
                              f"the results end at page {results.pages}.")
        context["last_page_url"] = _search_url(args, page=str(results.pages))
        return render_template("jobs/search.html", **context), 404, False
    return render_template("jobs/search.html", **context), 200, query.page == 1


def _jobs_that_fit(limit: int = 3):
    """The top few jobs that fit, beside the search, for a signed-in social worker (None for anyone else)."""
    if not current_user.is_authenticated or not current_user.is_candidate:
        return None
    return _side_panel(lambda: matching_service.jobs_that_fit(db.session, current_user._get_current_object(),
                                                             limit=limit, today=dt.date.today()), "jobs that fit panel")


def _similar_jobs(vacancy):
    """A few live jobs like this one, under it; for a social worker, ones that fit their profile. None when
    they cannot be found now (the page goes without them, and is not kept so)."""
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    return _side_panel(lambda: job_service.similar_jobs(vacancy, viewer, today=dt.date.today()), "similar jobs")


def _side_panel(find, name: str):
    """What ``find`` answers, or None (logged) when it fails: a side panel never breaks the page it sits on."""
    try:
        return find()
    except Exception:  # noqa: BLE001 - a side panel must never break the page it sits on
        log.warning("%s left out", name, exc_info=True)
        return None


@bp.get("/jobs/suggest")
def suggest():
    """Job titles for a search box's autocomplete: ?q=fost -> ["Fostering social worker", ...]."""
    prefix = request.args.get("q", "")
    if len(prefix) > 100:
        abort(400, description="Type at most 100 characters.")
    try:
        return jsonify(suggestions=job_service.suggest_titles(prefix))
    except SearchUnavailable:
        return jsonify(suggestions=[]), 503


# --- one job ----------------------------------------------------------------------------------

@bp.get("/jobs/<int:vacancy_id>")
def vacancy_by_id(vacancy_id: int):
    return _canonical(_public_vacancy_or_404(vacancy_id))


@bp.get("/jobs/<int:vacancy_id>-<slug>")
def vacancy(vacancy_id: int, slug: str):
    today = dt.date.today()
    results_url = _results_url(request.args.get("search"))
    # Signed out, the page is everyone's: drawn once per version of the job, its council and each similar job
    # shown under it (and per day, and way back to the results), so a kept page reads only those versions:
    # most signed-out visits, in one query of a few columns, without loading the job. The funnel step is
    # still each visit's.
    if not current_user.is_authenticated:
        kept = job_service.kept_job_page_versions(vacancy_id, slug, today)
        if kept is not None:
            job, versions = kept
            return _signed_out_job_page(job, versions, today, results_url,
                                        lambda: _draw_with_similar_jobs(_public_vacancy_or_404(vacancy_id), results_url))
    vacancy = _public_vacancy_or_404(vacancy_id)
    if slug != vacancy.slug:
        return _canonical(vacancy)
    if not vacancy.is_live_on(today):
        return _closed_page(vacancy)
    versions = None
    if not current_user.is_authenticated:
        versions = _side_panel(lambda: job_service.job_page_versions(vacancy, today), "similar jobs")
    if versions is None:  # signed in, or similar jobs could not be found now: drawn for this request alone
        # Signed out, finding them has just failed: the page goes without them rather than ask a second time.
        similar = _similar_jobs(vacancy) if current_user.is_authenticated else None
        page_html, _, _ = _draw_job_page(vacancy, results_url, similar)
        funnel.record_page_step(FunnelStep.JOB_VIEW, current_user, vacancy=vacancy)
        return page_html
    return _signed_out_job_page(vacancy, versions, today, results_url,
                                lambda: _draw_with_similar_jobs(vacancy, results_url))


def _signed_out_job_page(job, versions: list, today: dt.date, results_url: str | None,
                         draw: Callable[[], caching.Drawn]) -> str:
    page_html, _, _ = caching.signed_out_page("job", (today, results_url, *versions), draw,
                                              kept_seconds=JOB_PAGE_KEPT_SECONDS, kept_max=JOB_PAGES_KEPT)
    # After the page is drawn: a commit expires the vacancy and its council, which the page would read again.
    funnel.record_page_step(FunnelStep.JOB_VIEW, current_user, vacancy=job)
    return page_html


def _draw_with_similar_jobs(vacancy, results_url: str | None) -> caching.Drawn:
    return _draw_job_page(vacancy, results_url, _similar_jobs(vacancy))


def _draw_job_page(vacancy, results_url: str | None, similar: list | None) -> caching.Drawn:
    already_applied = saved = None
    if current_user.is_authenticated and current_user.is_candidate:
        already_applied = application_service.existing_application(current_user, vacancy)
        saved = saved_job_service.saved_job(current_user, vacancy)
    canonical_url = url_for("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug, _external=True)
    return render_template(
        "jobs/vacancy.html",
        title=vacancy.title,
        vacancy=vacancy,
        organisation=vacancy.organisation,
        results_url=results_url,
        already_applied=already_applied,
        saved=saved,
        can_save=not current_user.is_authenticated or current_user.is_candidate,
        button_form=ButtonForm(),
        similar=similar or [],
        external_url_ok=job_service.safe_external_url(vacancy.external_apply_url) is not None,
        json_ld=job_service.json_ld(job_service.job_posting(vacancy, canonical_url,
                                                           current_app.config["REGION_NAME"])),
    ), 200, None


def _apply_limit() -> str:
    return current_app.config["APPLY_RATE_LIMIT"]


def _apply_rate_key() -> str:
    # Signed-in people are limited as themselves, so a shared office connection is not one bucket.
    return f"user:{current_user.id}" if current_user.is_authenticated else (request.remote_addr or "-")


@bp.route("/jobs/<int:vacancy_id>-<slug>/apply", methods=["GET", "POST"])
@limiter.limit(_apply_limit, methods=["POST"], key_func=_apply_rate_key)
def apply(vacancy_id: int, slug: str):
    vacancy = _public_vacancy_or_404(vacancy_id)
    if request.method == "GET" and slug != vacancy.slug:
        return _canonical(vacancy, "jobs.apply")
    if not current_user.is_authenticated:
        return redirect(url_for("account.sign_in", next=url_for("jobs.apply", vacancy_id=vacancy.id,
                                                                 slug=vacancy.slug)))
    if not current_user.is_candidate:
        abort(403, description="Only social workers can apply for jobs. Sign in with a social worker's account.")
    if not vacancy.is_live_on(dt.date.today()):
        return _closed_page(vacancy)
    if vacancy.apply_method != ApplyMethod.IN_PLATFORM:
        return redirect(url_for("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug))
    if application_service.existing_application(current_user, vacancy) is not None:
        return redirect(url_for("jobs.applied", vacancy_id=vacancy.id, slug=vacancy.slug))
    draft = application_forms.draft_for_vacancy(current_user, vacancy)
    if draft is not None:  # resume where they left off
        return redirect(url_for("applying.task_list", draft_id=draft.id))

    # The start page: what the safer-recruitment form asks for; starting it makes the draft.
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            draft, _ = application_forms.start(signed_in_user(), vacancy, dt.date.today())
        except NotAllowed as exc:
            refused_post(exc)
        except ServiceError as exc:
            db.session.rollback()
            abort(400, description=str(exc))
        db.session.commit()
        return redirect(url_for("applying.task_list", draft_id=draft.id))
    return form_page("jobs/apply.html", title=f"Apply for {vacancy.title}", vacancy=vacancy, form=form,
                     carries_over=application_forms.last_application_with_answers(current_user) is not None)


@bp.get("/jobs/<int:vacancy_id>-<slug>/applied")
def applied(vacancy_id: int, slug: str):
    vacancy = _public_vacancy_or_404(vacancy_id)
    if not current_user.is_authenticated:
        return redirect(url_for("account.sign_in", next=request.path))
    application = application_service.existing_application(current_user, vacancy)
    if application is None:
        abort(404)
    return render_template("jobs/applied.html", title="Application sent", vacancy=vacancy,
                           application=application,
                           applications_url=_url_or_none("account.applications"))


@bp.get("/jobs/<int:vacancy_id>/apply-external")
def apply_external(vacancy_id: int):
    """Count the click through to the council's own system, then send the visitor there."""
    vacancy = _public_vacancy_or_404(vacancy_id)
    if not vacancy.is_live_on(dt.date.today()):
        return _closed_page(vacancy)
    if vacancy.apply_method != ApplyMethod.EXTERNAL:
        return redirect(url_for("jobs.apply", vacancy_id=vacancy.id, slug=vacancy.slug))
    target = job_service.safe_external_url(vacancy.external_apply_url)
    if target is None:
        abort(404, description=f"The link to {vacancy.organisation.name}'s application page is not working. "
                               "Contact the council to apply.")
    funnel.record_visitor_step(FunnelStep.APPLY_CLICK, current_user, vacancy=vacancy)
    db.session.commit()
    return redirect(target, code=302)


# --- councils ---------------------------------------------------------------------------------

@bp.get("/councils")
def councils():
    return render_template("jobs/councils.html", title="Councils", groups=council_service.councils_by_sub_region())


@bp.get("/councils/<slug>")
def council(slug: str):
    organisation = council_service.council_by_slug(slug) or abort(404)
    can_follow = not current_user.is_authenticated or current_user.is_candidate
    return render_template(
        "jobs/council.html",
        title=organisation.name,
        organisation=organisation,
        vacancies=council_service.live_vacancies_for(organisation),
        following=follows.is_following(current_user, organisation),
        website=job_service.safe_external_url(organisation.website),
        can_follow=can_follow,
        follow_url=_url_or_none("account.follow", slug=organisation.slug),
        unfollow_url=_url_or_none("account.unfollow", slug=organisation.slug),
    )


# --- news -------------------------------------------------------------------------------------

@bp.get("/news")
def news():
    try:
        page = news_service.published_articles(page=page_number(), per_page=NEWS_PER_PAGE)
    except PageNotFound as problem:
        abort(404, description=str(problem))
    return render_template("jobs/news.html", title="News", page=page,
                           pagination=pagination(page.page, page.pages, lambda n: url_for("jobs.news", page=n)))


@bp.get("/news/<slug>")
def news_article(slug: str):
    article = news_service.published_article(slug)
    if article is None:
        abort(404)
    return render_template("jobs/news_article.html", title=article.title, article=article)
