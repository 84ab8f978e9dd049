"""The nightly export for DWP Find a job's bulk upload: every job that is new or changed in the
last 25 hours (the extra hour covers a late or slow run and the clocks changing), and every job
closed early (before its closing date, or removed), so Find a job takes it down too.

Written by a scheduled task (workers.export_tasks) and kept in the database, the last few only
(DWP_EXPORTS_KEPT); the programme team downloads them from the insights area. One export per day
on England's clock: running again the same day rewrites that day's file, so a retried or repeated
run never makes two.

The element names follow Find a job's bulk upload vacancy XML (Vacancies/Vacancy with a
vacancyRefCode, the advert's fields, VacancyExpiry for a closed job); the enumerations' ids are in
the tables below, the one place to check against DWP's current schema.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from lxml import etree
from sqlalchemy.orm import defer, joinedload

from domain.geography import LONDON_TIME
from domain.vocabulary import ApplyMethod, ContractType, VacancyStatus, WorkingPattern
from webapp.extensions import db
from webapp.models import JobExport, Vacancy, utcnow
from webapp.services import jobs as job_service
from webapp.services.outgoing_mail import absolute_url

KIND = "dwp"
WINDOW = dt.timedelta(hours=25)

# Find a job's VacancyType ids: 1 permanent, 2 contract, 3 temporary (fixed term), 4 apprenticeship.
VACANCY_TYPE = {
    ContractType.PERMANENT: 1,
    ContractType.LOCUM: 2,
    ContractType.FIXED_TERM: 3,
    ContractType.SECONDMENT: 3,
}
# Find a job's WorkingHours ids: 1 full time, 2 part time.
WORKING_HOURS = {
    WorkingPattern.FULL_TIME: 1,
    WorkingPattern.COMPRESSED: 1,
    WorkingPattern.PART_TIME: 2,
    WorkingPattern.JOB_SHARE: 2,
}
SALARY_FREQUENCY_YEARLY = 4  # Find a job's salary frequency id for "per year"
# Find a job's VacancyCategory for social care (Appendix 2 of the specification).
VACANCY_CATEGORY_SOCIAL_CARE = 27


@dataclass(frozen=True)
class Window:
    start: dt.datetime  # naive UTC, as every stored time
    end: dt.datetime

    @property
    def day(self) -> dt.date:
        """The export's day on England's clock: one file a day."""
        return self.end.replace(tzinfo=dt.UTC).astimezone(LONDON_TIME).date()


def window_ending(now: dt.datetime | None = None) -> Window:
    end = now or utcnow()
    return Window(end - WINDOW, end)


def changed_vacancies(window: Window) -> list[Vacancy]:
    """Jobs live now that were published or changed in the window."""
    today = window.day
    return list(db.session.scalars(
        sa.select(Vacancy).options(joinedload(Vacancy.organisation))
        .where(job_service.live_vacancies_filter(today), Vacancy.deleted_at.is_(None),
               sa.or_(Vacancy.published_at >= window.start, Vacancy.updated_at >= window.start))
        .order_by(Vacancy.id)
    ))


def closed_early(window: Window) -> list[Vacancy]:
    """Jobs once published that were closed in the window before their closing date, or removed.
    (A job that reached its closing date needs no expiry: Find a job ends it on that date.)"""
    rows = db.session.scalars(
        sa.select(Vacancy).options(joinedload(Vacancy.organisation))
        .where(Vacancy.status == VacancyStatus.CLOSED, Vacancy.published_at.is_not(None),
               Vacancy.closed_at >= window.start)
        .order_by(Vacancy.id)
    )
    # "Early" is judged on England's calendar, as the closing date is.
    return [v for v in rows if v.deleted_at is not None or _london_day(v.closed_at) < v.closing_date]


def _london_day(moment: dt.datetime) -> dt.date:
    return moment.replace(tzinfo=dt.UTC).astimezone(LONDON_TIME).date()


def reference_code(vacancy: Vacancy) -> str:
    """The site's id, unique across councils and stable, so Find a job updates the same advert."""
    return f"cswjobs-{vacancy.id}"


def _text(parent: etree._Element, name: str, value: object) -> etree._Element:
    element = etree.SubElement(parent, name)
    element.text = str(value)
    return element


def _vacancy(parent: etree._Element, vacancy: Vacancy) -> None:
    organisation = vacancy.organisation
    street, postcode = vacancy.office_address
    element = etree.SubElement(parent, "Vacancy", vacancyRefCode=reference_code(vacancy))
    _text(element, "Title", vacancy.title)
    _text(element, "Company", organisation.name)
    # Find a job shows the description as HTML: the advert's own, sanitised.
    etree.SubElement(element, "Description").text = etree.CDATA(str(job_service.advert_html(vacancy)))
    location = etree.SubElement(element, "Location")
    _text(location, "Postcode", postcode)
    _text(location, "StreetAddress", street)
    _text(location, "Town", vacancy.location_name or organisation.town or organisation.name)
    salary = etree.SubElement(element, "Salary")
    _text(salary, "Min", vacancy.salary_min)
    _text(salary, "Max", vacancy.salary_max)
    etree.SubElement(salary, "Frequency", id=str(SALARY_FREQUENCY_YEARLY))
    etree.SubElement(element, "VacancyType", id=str(VACANCY_TYPE[vacancy.contract_type]))
    etree.SubElement(element, "WorkingHours", id=str(WORKING_HOURS[vacancy.working_pattern]))
    etree.SubElement(element, "VacancyCategory", id=str(VACANCY_CATEGORY_SOCIAL_CARE))
    _text(element, "ClosingDate", vacancy.closing_date.isoformat())
    # Applications come to the job page (which sends on to the council's system when it has one),
    # so the funnel counts them wherever they started.
    # From SITE_URL (absolute_url): a worker has no request, and a request's Host is the caller's to choose.
    _text(element, "ApplyUrl", absolute_url("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug))
    _text(element, "ApplyMethod", "online" if vacancy.apply_method == ApplyMethod.IN_PLATFORM else "external")


def _expiry(parent: etree._Element, vacancy: Vacancy) -> None:
    element = etree.SubElement(parent, "Vacancy", vacancyRefCode=reference_code(vacancy))
    _text(element, "VacancyExpiry", _london_day(vacancy.closed_at or vacancy.deleted_at).isoformat())


def export_xml(adverts: list[Vacancy], expiries: list[Vacancy]) -> bytes:
    root = etree.Element("Vacancies")
    for vacancy in adverts:
        _vacancy(root, vacancy)
    for vacancy in expiries:
        _expiry(root, vacancy)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def filename_for(day: dt.date) -> str:
    return f"cswjobs-dwp-find-a-job-{day.isoformat()}.xml"


def write_export(now: dt.datetime | None = None) -> JobExport:
    """Write (or rewrite) today's export, keep only the newest DWP_EXPORTS_KEPT, and return it."""
    window = window_ending(now)
    adverts, expiries = changed_vacancies(window), closed_early(window)
    filename = filename_for(window.day)
    export = db.session.scalar(sa.select(JobExport).where(JobExport.kind == KIND, JobExport.filename == filename))
    if export is None:
        export = JobExport(kind=KIND, filename=filename)
        db.session.add(export)
    export.created_at = window.end
    export.covers_from, export.covers_to = window.start, window.end
    export.vacancy_count, export.expired_count = len(adverts), len(expiries)
    export.content = export_xml(adverts, expiries)
    db.session.flush()
    _keep_newest(current_app.config["DWP_EXPORTS_KEPT"])
    return export


def _keep_newest(kept: int) -> int:
    newest = sa.select(JobExport.id).where(JobExport.kind == KIND).order_by(
        JobExport.created_at.desc(), JobExport.id.desc()).limit(kept)
    result = db.session.execute(sa.delete(JobExport).where(JobExport.kind == KIND, JobExport.id.not_in(newest))
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def recent_exports() -> list[JobExport]:
    """The kept exports, newest first, without their files (the list page needs only the facts)."""
    return list(db.session.scalars(
        sa.select(JobExport).options(defer(JobExport.content)).where(JobExport.kind == KIND)
        .order_by(JobExport.created_at.desc(), JobExport.id.desc())
    ))


def export_by_id(export_id: int) -> JobExport | None:
    return db.session.scalar(sa.select(JobExport).where(JobExport.kind == KIND, JobExport.id == export_id))
