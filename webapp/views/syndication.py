"""What search engines, feed readers and aggregators read: /robots.txt, the sitemap, RSS and Atom
feeds of new jobs (every job, a council's, any /jobs search, a saved search's private link), the
aggregator XML feed, and the plain logo drawn for a council that has not given its own.

Every answer here is public and cacheable (webapp.web.caching), except a private feed link's.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from markupsafe import escape

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.account import ConfirmForm
from webapp.search import SearchUnavailable
from webapp.services import councils as council_service
from webapp.services import feeds, sitemaps
from webapp.services import jobs as job_service
from webapp.services import saved_searches as saved_search_service
from webapp.web.access import role_required, signed_in_user
from webapp.web.caching import conditional, fingerprinted, public_read_limit, unchanged_since

bp = Blueprint("syndication", __name__)
log = logging.getLogger(__name__)

FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
XML = "application/xml"


def _plain(status: int, text: str, **headers: str) -> Response:
    return Response(text + "\n", status=status, mimetype="text/plain", headers=headers)


def _search_down() -> Response:
    log.warning("search feed unavailable", exc_info=True)
    return _plain(503, "Search is not working at the moment. Try again in a few minutes.", **{"Retry-After": "120"})


def _feed_response(feed: feeds.JobFeed, kind: str, private: bool = False) -> Response:
    render = feeds.rss if kind == "rss" else feeds.atom
    # The feed's own address names SITE_URL's host, as every link does, never the request's Host.
    self_url = url_for(request.endpoint, _external=True, **request.view_args, **request.args.to_dict(flat=False))
    body = render(feed, self_url)
    response = Response(body, mimetype=FEED_TYPES[kind])
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
    return conditional(response, feed.updated, private=private)


# --- search engines ---------------------------------------------------------------------------------

@bp.get("/robots.txt")
def robots():
    response = Response(sitemaps.robots_txt(url_for("syndication.sitemap", _external=True)), mimetype="text/plain")
    return conditional(response)


def _sitemap() -> sitemaps.Sitemap:
    return sitemaps.sitemap(current_app.config["SITEMAP_URLS_PER_FILE"])


@bp.get("/sitemap.xml")
def sitemap():
    site_map = _sitemap()
    fingerprint = site_map.fingerprint("index" if site_map.is_index else "1")
    if (unchanged := unchanged_since(fingerprint)) is not None:
        return unchanged
    if site_map.is_index:
        body = sitemaps.index_xml(site_map, lambda n: url_for("syndication.sitemap_file", number=n, _external=True))
    else:
        body = sitemaps.urlset_xml(site_map.entries(1))
    return fingerprinted(Response(body, mimetype=XML), fingerprint)


@bp.get("/sitemaps/<int:number>.xml")
def sitemap_file(number: int):
    site_map = _sitemap()
    if not site_map.is_index or not 1 <= number <= site_map.files:
        abort(404, description="There is no sitemap file with that number. Start from /sitemap.xml.")
    fingerprint = site_map.fingerprint(str(number))
    return unchanged_since(fingerprint) or fingerprinted(
        Response(sitemaps.urlset_xml(site_map.entries(number)), mimetype=XML), fingerprint)


# --- feeds --------------------------------------------------------------------------------------------

@bp.get("/feeds/jobs.<any(rss, atom):kind>")
@public_read_limit
def jobs_feed(kind: str):
    """New jobs: every council's, or, with the /jobs page's query string, a search's."""
    if not request.args:
        return _feed_response(feeds.all_jobs_feed(), kind)
    try:
        criteria = feeds.read_search(request.args.items(multi=True))
        feed = feeds.search_feed(criteria)
    except feeds.InvalidFeedSearch as invalid:
        return _plain(400, "This search cannot be made into a feed:\n" + "\n".join(invalid.problems.values()))
    except SearchUnavailable:
        return _search_down()
    return _feed_response(feed, kind)


@bp.get("/feeds/councils/<slug>.<any(rss, atom):kind>")
@public_read_limit
def council_feed(slug: str, kind: str):
    organisation = council_service.council_by_slug(slug)
    if organisation is None:
        abort(404, description="There is no council with that name. See /councils for the list.")
    return _feed_response(feeds.council_feed(organisation), kind)


@bp.get("/feeds/saved-searches/<int:saved_search_id>/<token>.<any(rss, atom):kind>")
@public_read_limit
def saved_search_feed(saved_search_id: int, token: str, kind: str):
    saved = feeds.saved_search_for_feed(saved_search_id, token)
    if saved is None:  # wrong, altered or turned off: all look the same, so a link cannot be guessed
        abort(404, description="This feed link does not work. It may have been turned off or replaced: "
                               "get a new one from your saved searches.")
    try:
        feed = feeds.saved_search_feed(saved)
    except feeds.InvalidFeedSearch as invalid:
        return _plain(410, "This saved search can no longer be run:\n" + "\n".join(invalid.problems.values()))
    except SearchUnavailable:
        return _search_down()
    return _feed_response(feed, kind, private=True)


@bp.get("/feeds/aggregator.xml")
@public_read_limit
def aggregator_feed():
    """Every live job, streamed; an aggregator that already has this version gets a 304 at once."""
    fingerprint = job_service.live_vacancies_fingerprint()
    built_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return unchanged_since(fingerprint) or fingerprinted(Response(
        stream_with_context(feeds.aggregator_xml(feeds.live_vacancies_for_aggregators(), built_at)), mimetype=XML),
        fingerprint)


# --- a saved search's private feed link ---------------------------------------------------------------

candidate_required = role_required(UserRole.CANDIDATE)


@bp.route("/account/saved-searches/<int:saved_search_id>/feed", methods=["GET", "POST"])
@candidate_required
def saved_search_feed_link(saved_search_id: int):
    """Show, make, remake or turn off a saved search's private feed link."""
    saved = saved_search_service.own_saved_search(signed_in_user(), saved_search_id)
    if saved is None:
        abort(404)
    form = ConfirmForm()
    if request.method == "POST":
        action = request.form.get("action", "")
        if not form.validate_on_submit() or action not in ("make", "turn-off"):
            abort(400, description="Choose to make a new feed link or to turn the link off.")
        if action == "make":
            had_link = saved.feed_key is not None
            feeds.new_feed_link(saved)
            flash("Your new feed link is below. The old link has stopped working." if had_link
                  else "Your feed link is below.", "success")
        elif feeds.revoke_feed_link(saved):
            flash("The feed link has been turned off. Readers using it will get nothing more.", "success")
        db.session.commit()
        return redirect(url_for("syndication.saved_search_feed_link", saved_search_id=saved.id))
    token = feeds.feed_token(saved)
    links = None
    if token:
        links = {kind: url_for("syndication.saved_search_feed", saved_search_id=saved.id, token=token, kind=kind,
                               _external=True) for kind in FEED_TYPES}
    return render_template("alerts/feed_link.html", title=f"Feed link for ‘{saved.name}’", saved=saved,
                           links=links, form=form)


# --- a council's plain logo ----------------------------------------------------------------------------

# Colours with enough contrast against white text (GOV.UK's palette).
_LOGO_COLOURS = ("#1d70b8", "#00703c", "#4c2c92", "#d4351c", "#003078", "#28a197", "#912b88", "#505a5f")
_LEAVE_OUT = {"of", "and", "upon", "the", "london", "borough", "royal"}


def _initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _LEAVE_OUT] or name.split()
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters if len(letters) > 1 else words[0][:2].title()


@bp.get("/councils/<slug>/logo.svg")
def council_logo(slug: str):
    """A plain square logo (the council's initials) for structured data when it has given none."""
    organisation = council_service.council_by_slug(slug)
    if organisation is None:
        abort(404)
    colour = _LOGO_COLOURS[int(hashlib.sha256(slug.encode()).hexdigest(), 16) % len(_LOGO_COLOURS)]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240" role="img" '
        f'aria-label="{escape(organisation.name)}"><rect width="240" height="240" fill="{colour}"/>'
        '<text x="120" y="150" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="96" '
        f'font-weight="700" fill="#ffffff">{escape(_initials(organisation.name))}</text></svg>'
    )
    return conditional(Response(svg, mimetype="image/svg+xml"), organisation.updated_at)
