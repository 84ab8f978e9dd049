"""The monthly bulletin: a month's figures for the region and for each council, as HTML and PDF.

Built by a scheduled task on the 1st of each month for the month before, or on demand with
`flask insights bulletin --month YYYY-MM`. Building a month again replaces that month's
bulletins in place (same rows, same links). Stored in the database (see models.bulletins).

The PDF is drawn with fpdf2: pure Python (no system libraries, unlike HTML-to-PDF engines
such as WeasyPrint), actively maintained, and its table API fits a page of figures. It is
drawn from the same figures as the HTML, not converted from it.

Subscribers get an email with links to their bulletin rather than an attachment: the PDF stays
behind sign-in and the same council checks as the page, even if the email is forwarded.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import defer

from webapp.extensions import db
from webapp.mail import send_mail
from webapp.models import Bulletin, BulletinSubscription, Organisation, User, utcnow
from webapp.models.bulletins import REGION_SCOPE
from webapp.models.users import COUNCIL_ROLES, REGION_ROLES
from webapp.services import ServiceError
from webapp.services import supply_demand as sd
from webapp.services.insights import HEADLINE_KEYS, HEADLINE_LABELS, headline_figures
from webapp.services.pdf import pdf_text
from webapp.services.rollups import rollup

log = logging.getLogger(__name__)

SUBSCRIBER_ROLES = REGION_ROLES + COUNCIL_ROLES
SHORTAGES_LISTED = 10
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class MonthInvalid(ServiceError):
    pass


# --- months ----------------------------------------------------------------------------------------------

def parse_month(text: str) -> dt.date:
    """'2026-10' -> 1 October 2026."""
    match = _MONTH.fullmatch((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise MonthInvalid("Enter the month as YYYY-MM, like 2026-10")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_label(month: dt.date) -> str:
    return f"{month:%B %Y}"


# --- figures ---------------------------------------------------------------------------------------------

def _headline(start: dt.date, end: dt.date, organisation_id: int | None) -> dict[str, int]:
    return headline_figures(start, end, organisation_id)


def _headline_labels() -> list[tuple[str, str]]:
    return [(key, HEADLINE_LABELS[key]) for key in HEADLINE_KEYS]


def _supply(month: dt.date, organisation_id: int | None, looking: list[sd.Wish] | None) -> dict[str, Any]:
    as_of = min(month_end(month), dt.date.today())
    result = sd.supply_and_demand(sd.Filters(organisation_id=organisation_id), as_of=as_of, looking=looking)
    return {
        "as_of": as_of.isoformat(),
        "vacancies": result.total.vacancies,
        "fte": sd.format_fte(result.total.fte),
        "candidates": result.total.candidates,
        "ratio": sd.format_ratio(result.total.ratio),
        "shortages": [
            {"role_level": c.row.label, "service_area": c.column.label, "vacancies": c.vacancies,
             "fte": sd.format_fte(c.fte), "candidates": c.candidates, "ratio": sd.format_ratio(c.ratio)}
            for c in result.shortages(SHORTAGES_LISTED)
        ],
        "shortage_count": len(result.shortages()),
    }


class FigureCache:
    """Figures several bulletins of one month share (the region's, each council's, who is looking),
    worked out once per build instead of once per bulletin."""

    def __init__(self, month: dt.date):
        self.month = month
        self._headlines: dict[tuple[dt.date, int | None], dict[str, int]] = {}
        self._looking: list[sd.Wish] | None = None

    def headline(self, month: dt.date, organisation_id: int | None) -> dict[str, int]:
        key = (month, organisation_id)
        if key not in self._headlines:
            self._headlines[key] = _headline(month, month_end(month), organisation_id)
        return self._headlines[key]

    @property
    def looking(self) -> list[sd.Wish]:
        if self._looking is None:
            self._looking = sd.people_looking()
        return self._looking


def bulletin_figures(month: dt.date, organisation: Organisation | None, cache: FigureCache | None = None
                     ) -> dict[str, Any]:
    """Everything one bulletin shows, as plain JSON-ready data (stored with it)."""
    cache = cache or FigureCache(month)
    before = previous_month(month)
    org_id = organisation.id if organisation else None
    figures: dict[str, Any] = {
        "month": f"{month:%Y-%m}",
        "month_label": month_label(month),
        "previous_label": month_label(before),
        "scope": organisation.slug if organisation else REGION_SCOPE,
        "scope_name": organisation.name if organisation else current_app.config["REGION_NAME"],
        "labels": _headline_labels(),
        "headline": cache.headline(month, org_id),
        "previous": cache.headline(before, org_id),
        "supply": _supply(month, org_id, cache.looking),
    }
    if organisation is None:
        figures["councils"] = [
            {"name": org.name, **{k: v for k, v in cache.headline(month, org.id).items()
                                  if k in ("jobs_posted", "job_views", "applications", "hires")}}
            for org in db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
        ]
    else:
        figures["region"] = cache.headline(month, None)
    return figures


def bulletin_title(figures: dict[str, Any]) -> str:
    return f"{figures['scope_name']} recruitment bulletin: {figures['month_label']}"


# --- rendering ---------------------------------------------------------------------------------------------

def change_text(now: int, before: int) -> str:
    if now == before:
        return "no change"
    sign = "up" if now > before else "down"
    text = f"{sign} {abs(now - before):,}"
    if before:
        text += f" ({round(100 * abs(now - before) / before)}%)"
    return text


def render_html(figures: dict[str, Any]) -> str:
    # Rendered straight from the Jinja environment: a worker has no request, and this standalone
    # page needs none of the site's per-request globals.
    template = current_app.jinja_env.get_template("insights/bulletin.html")
    return template.render(f=figures, title=bulletin_title(figures), change_text=change_text,
                           config=current_app.config, service_name=current_app.config["SERVICE_NAME"],
                           stylesheet=current_app.static_url_path + "/insights.css")


def render_pdf(figures: dict[str, Any]) -> bytes:
    # fpdf is loaded when a bulletin is drawn (once a month), not by every web process at start
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title = bulletin_title(figures)
    pdf = FPDF(format="A4")
    pdf.set_title(pdf_text(title))
    pdf.set_author(pdf_text(current_app.config["SERVICE_NAME"]))
    pdf.set_lang("en-GB")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    heading = FontFace(emphasis="BOLD", fill_color=(243, 242, 241))

    def h1(text: str) -> None:
        pdf.set_font("Helvetica", "B", 18)
        pdf.multi_cell(0, 9, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def h2(text: str) -> None:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str) -> None:
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def table(header: list[str], rows: list[list[object]], widths: tuple[int, ...]) -> None:
        pdf.set_font("Helvetica", "", 9)
        align = ("LEFT",) + ("RIGHT",) * (len(header) - 1)
        with pdf.table(col_widths=widths, text_align=align, headings_style=heading, line_height=5.5,
                       first_row_as_headings=True) as t:
            for line in [header] + rows:
                row = t.row()
                for value in line:
                    row.cell(pdf_text(value))

    h1(title)
    para(f"The month's recruitment figures for {figures['scope_name']}, from {current_app.config['SERVICE_NAME']}.")
    h2(f"{figures['month_label']} at a glance")
    header = ["Measure", figures["month_label"], figures["previous_label"], "Change"]
    region = figures.get("region")
    if region is not None:
        header.append(f"{current_app.config['REGION_NAME']} (region)")
    rows = []
    for key, label in figures["labels"]:
        line: list[object] = [label, f"{figures['headline'][key]:,}", f"{figures['previous'][key]:,}",
                              change_text(figures["headline"][key], figures["previous"][key])]
        if region is not None:
            line.append(f"{region[key]:,}")
        rows.append(line)
    table(header, rows, (50, 30, 30, 35, 35) if region is not None else (60, 40, 40, 50))

    supply = figures["supply"]
    h2("Supply and demand")
    para(f"On {supply['as_of']}: {supply['vacancies']:,} live vacancies ({supply['fte']} FTE) and "
         f"{supply['candidates']:,} registered social workers looking, {supply['ratio']} candidates per vacancy. "
         f"{supply['shortage_count']:,} combinations of role level and service area had fewer than one "
         f"candidate per vacancy.")
    if supply["shortages"]:
        table(["Role level", "Service area", "Vacancies", "FTE", "Candidates", "Per vacancy"],
              [[s["role_level"], s["service_area"], s["vacancies"], s["fte"], s["candidates"], s["ratio"]]
               for s in supply["shortages"]], (46, 46, 22, 18, 24, 24))
    if figures.get("councils"):
        h2("By council")
        table(["Council", "Jobs posted", "Job views", "Applications", "Hires"],
              [[c["name"], f"{c['jobs_posted']:,}", f"{c['job_views']:,}", f"{c['applications']:,}",
                f"{c['hires']:,}"] for c in figures["councils"]], (62, 32, 32, 32, 22))
    h2("About these figures")
    para("Visitors are distinct people; other steps count each person once a day per job. Jobs posted are "
         "vacancies first published in the month. Supply and demand counts live vacancies against social "
         "workers whose profile says they are looking for that role level, service area and council.")
    return bytes(pdf.output())


# --- building and storing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BuildReport:
    month: dt.date
    bulletins: int
    seconds: float

    def summary(self) -> str:
        return f"built {self.bulletins} bulletin(s) for {month_label(self.month)} in {self.seconds:.1f} s"


def _store(month: dt.date, organisation: Organisation | None, cache: FigureCache) -> Bulletin:
    figures = bulletin_figures(month, organisation, cache)
    scope = figures["scope"]
    row = db.session.scalar(sa.select(Bulletin).where(Bulletin.month == month, Bulletin.scope == scope))
    if row is None:
        row = Bulletin(month=month, scope=scope)
        db.session.add(row)
    row.organisation_id = organisation.id if organisation else None
    row.title = bulletin_title(figures)
    row.figures = figures
    row.html = render_html(figures)
    row.pdf = render_pdf(figures)
    row.built_at = utcnow()
    return row


def build_bulletins(month: dt.date, refresh_rollups: bool = True, progress=None) -> BuildReport:
    """Build (or rebuild, in place) the month's bulletin for the region and every council, and commit."""
    started = time.perf_counter()
    if month.day != 1:
        raise MonthInvalid("A bulletin covers a whole month: give its first day")
    if month > dt.date.today():
        raise MonthInvalid("That month has not started yet")
    if refresh_rollups:
        # The funnel figures come from the daily rollups: make sure this month's and the last are complete.
        rollup(previous_month(month), min(month_end(month), dt.date.today()))
    organisations = list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))
    audiences: list[Organisation | None] = [None, *organisations]
    cache = FigureCache(month)
    for index, organisation in enumerate(audiences, start=1):
        _store(month, organisation, cache)
        if progress is not None:
            progress(index, len(audiences))
    db.session.commit()
    report = BuildReport(month, len(audiences), time.perf_counter() - started)
    log.info("%s", report.summary())
    return report


# --- who sees which ----------------------------------------------------------------------------------------

def _visible(user: User) -> list[sa.ColumnElement[bool]]:
    if user.role in REGION_ROLES:
        return []
    if user.role in COUNCIL_ROLES and user.organisation_id is not None:
        return [Bulletin.organisation_id == user.organisation_id]
    return [sa.false()]


def bulletins_for(user: User) -> list[Bulletin]:
    """Region staff see every bulletin; council staff only their own council's. Newest month first."""
    query = (sa.select(Bulletin).where(*_visible(user))
             .order_by(Bulletin.month.desc(), (Bulletin.scope != REGION_SCOPE), Bulletin.title)
             .options(defer(Bulletin.html), defer(Bulletin.pdf)))
    return list(db.session.scalars(query))


def bulletin_for(user: User, bulletin_id: int) -> Bulletin | None:
    return db.session.scalar(sa.select(Bulletin).where(Bulletin.id == bulletin_id, *_visible(user)))


# --- subscriptions and mail ----------------------------------------------------------------------------------

def can_subscribe(user: User) -> bool:
    return user.role in REGION_ROLES or (user.role in COUNCIL_ROLES and user.organisation_id is not None)


def is_subscribed(user: User) -> bool:
    return db.session.get(BulletinSubscription, user.id) is not None


def set_subscription(user: User, subscribed: bool) -> None:
    if not can_subscribe(user):
        raise ServiceError("Only programme leads and council staff can get the bulletin")
    existing = db.session.get(BulletinSubscription, user.id)
    if subscribed and existing is None:
        db.session.add(BulletinSubscription(user_id=user.id))
    elif not subscribed and existing is not None:
        db.session.delete(existing)
    db.session.flush()


def _bulletin_url(bulletin: Bulletin, kind: str) -> str:
    return f"{current_app.config['SITE_URL'].rstrip('/')}/insights/bulletins/{bulletin.id}.{kind}"


def mail_bulletins(month: dt.date) -> int:
    """Email each subscriber the links to their bulletin for the month: the region's for region
    staff, their council's for council staff. A bulletin already mailed is not mailed again."""
    bulletins = {b.scope: b for b in db.session.scalars(sa.select(Bulletin).where(Bulletin.month == month))}
    slugs = dict(db.session.execute(sa.select(Organisation.id, Organisation.slug)).all())
    subscribers = db.session.scalars(
        sa.select(User).join(BulletinSubscription, BulletinSubscription.user_id == User.id)
        .where(User.active.is_(True), User.role.in_(SUBSCRIBER_ROLES)).order_by(User.id)
    ).all()
    recipients: dict[str, list[User]] = {}
    for user in subscribers:
        scope = REGION_SCOPE if user.role in REGION_ROLES else slugs.get(user.organisation_id)
        if scope is not None and scope in bulletins:
            recipients.setdefault(scope, []).append(user)
    sent = 0
    for scope, users in recipients.items():
        bulletin = bulletins[scope]
        if bulletin.mailed_at is not None:
            continue
        for user in users:
            send_mail(
                user.email,
                bulletin.title,
                f"Hello {user.full_name},\n\n{bulletin.title} is ready.\n\n"
                f"Read it: {_bulletin_url(bulletin, 'html')}\nDownload the PDF: {_bulletin_url(bulletin, 'pdf')}\n\n"
                f"You will need to sign in. To stop getting the bulletin by email, use the link on the bulletins "
                f"page: {current_app.config['SITE_URL'].rstrip('/')}/insights/bulletins\n",
            )
            sent += 1
        bulletin.mailed_at = utcnow()
        db.session.commit()  # per bulletin, so a retry after a failure does not mail the same people twice
    log.info("mailed %d bulletin email(s) for %s", sent, month_label(month))
    return sent
