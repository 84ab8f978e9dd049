"""The safer-recruitment application form: a draft per job, saved section by section, resumed from
My applications, checked and submitted as an Application with its referees.

The rules for each answer are domain.safer_recruitment's; this module keeps the draft, offers a
social worker's last answers again for their next application, and turns a complete draft into an
application (webapp.services.applications.submit). Answers are personal data: nothing here logs
them, and audit entries carry ids only.
"""
from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from domain import safer_recruitment as form_rules
from domain.funnel import FunnelStep
from domain.safer_recruitment import Answers, Problems
from webapp.extensions import db
from webapp.models import Application, ApplicationDraft, Referee, User, Vacancy
from webapp.services import NotAllowed, ServiceError
from webapp.services import applications as application_service
from webapp.services import accounts, audit, funnel
from webapp.services.pdf import Document


class SectionInvalid(ServiceError):
    """Answers that break a section's rules: ``errors`` maps each form field to its message."""

    def __init__(self, errors: Problems):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class ApplicationIncomplete(ServiceError):
    def __init__(self, sections: list[form_rules.Section]):
        super().__init__("Complete every section before you send your application: "
                         + ", ".join(s.title.lower() for s in sections))
        self.sections = sections


# The lists a social worker adds to one at a time (the GOV.UK add-another pattern).
ENTRY_LISTS: dict[str, tuple[str, Callable[[Answers, dt.date], tuple[Answers, Problems]], int]] = {
    "qualifications": ("qualifications", form_rules.check_qualification, form_rules.MAX_QUALIFICATIONS),
    "employment-history": ("employment", form_rules.check_job, form_rules.MAX_JOBS),
}

# Sections answered on one page: the rule, and the key their answers are kept under (None: the keys the
# rule returns, such as "referees" and "referee_consent").
PAGE_SECTIONS: dict[str, tuple[Callable[[Answers, dt.date], tuple[Answers, Problems]], str | None]] = {
    "personal-details": (form_rules.check_personal_details, "personal"),
    "registration": (form_rules.check_registration, "registration"),
    "references": (form_rules.check_referees, None),
    "supporting-statement": (form_rules.check_statement, None),
    "declarations": (form_rules.check_declarations, "declarations"),
}


# --- starting and finding drafts ---------------------------------------------------------------------------

def draft_for_vacancy(candidate: User, vacancy: Vacancy) -> ApplicationDraft | None:
    return db.session.scalar(sa.select(ApplicationDraft).where(ApplicationDraft.candidate_id == candidate.id,
                                                               ApplicationDraft.vacancy_id == vacancy.id))


def draft_for_candidate(candidate: User, draft_id: int) -> ApplicationDraft | None:
    """The candidate's own draft; None for anyone else's (a 404, like an id that does not exist)."""
    if not 0 < draft_id < 2**31:
        return None
    return db.session.scalar(sa.select(ApplicationDraft).where(ApplicationDraft.id == draft_id,
                                                               ApplicationDraft.candidate_id == candidate.id))


def drafts_for_candidate(candidate: User) -> list[ApplicationDraft]:
    return list(db.session.scalars(
        sa.select(ApplicationDraft).where(ApplicationDraft.candidate_id == candidate.id)
        .options(selectinload(ApplicationDraft.vacancy).selectinload(Vacancy.organisation))
        .order_by(ApplicationDraft.updated_at.desc(), ApplicationDraft.id.desc())
    ).all())


def last_application_with_answers(candidate: User) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(Application.candidate_id == candidate.id, Application.answers.is_not(None))
        .order_by(Application.submitted_at.desc(), Application.id.desc()).limit(1)
    )


def referees_as_answers(referees: list[Referee]) -> list[Answers]:
    return [{"name": r.name, "job_title": r.job_title, "organisation": r.organisation,
             "relationship": r.relationship_to_applicant, "email": r.email, "phone": r.phone,
             "current_employer": r.current_employer} for r in referees]


def starting_answers(candidate: User) -> Answers:
    """A new application starts from the last one sent (all but the job's own supporting statement),
    or, for a first application, from what the account and profile already say."""
    last = last_application_with_answers(candidate)
    if last is not None:
        answers = {key: copy.deepcopy(last.answers[key]) for key in form_rules.CARRIED_OVER if key in last.answers}
        if last.referees:
            answers["referees"] = referees_as_answers(last.referees)
            answers["referee_consent"] = all(r.consent_to_contact for r in last.referees)
        return answers
    answers: Answers = {"personal": {"full_name": candidate.full_name, "email": candidate.email}}
    profile = candidate.profile
    if profile is not None and profile.swe_number:
        answers["registration"] = {"number": profile.swe_number}
    return answers


def start(candidate: User, vacancy: Vacancy, today: dt.date) -> tuple[ApplicationDraft, bool]:
    """The candidate's draft for this job, started if need be; True if it was started now."""
    application_service.check_can_apply(candidate, vacancy, today)
    draft = draft_for_vacancy(candidate, vacancy)
    if draft is not None:
        return draft, False
    draft = ApplicationDraft(candidate_id=candidate.id, vacancy_id=vacancy.id, answers=starting_answers(candidate))
    db.session.add(draft)
    db.session.flush()
    audit.record(candidate, "application.draft_started", draft, vacancy_id=vacancy.id)
    # There is no application yet to hang "started" on (funnel.record's once-per-application rule), so it
    # is this person's step on this job: a draft is started once per job, unless deleted and started again.
    funnel.record_visitor_step(FunnelStep.APPLICATION_STARTED, candidate, vacancy=vacancy)
    return draft, True


def delete_draft(candidate: User, draft: ApplicationDraft) -> None:
    if draft.candidate_id != candidate.id:
        raise NotAllowed("You can only delete your own applications.")
    audit.record(candidate, "application.draft_deleted", draft, vacancy_id=draft.vacancy_id)
    db.session.delete(draft)


# --- the task list -------------------------------------------------------------------------------------

def task_list(draft: ApplicationDraft, today: dt.date) -> list[tuple[form_rules.Section, bool]]:
    """Each section with whether it is completed (its answers pass its rules)."""
    return [(section, section.is_complete(draft.answers or {}, today)) for section in form_rules.SECTIONS]


def _store(draft: ApplicationDraft, **changes: Any) -> None:
    # A new dict, so SQLAlchemy sees the JSON column change (it does not watch inside a dict).
    draft.answers = {**(draft.answers or {}), **changes}


def section_as_form(draft: ApplicationDraft, slug: str) -> Answers:
    """What a one-page section's form shows: its saved answers, as the form's field names."""
    answers = draft.answers or {}
    if slug == "personal-details":
        return dict(answers.get("personal") or {})
    if slug == "registration":
        return form_rules.registration_as_form(answers) or dict(answers.get("registration") or {})
    if slug == "references":
        return form_rules.referees_as_form(answers)
    if slug == "supporting-statement":
        return {"statement": answers.get("statement", "")}
    if slug == "declarations":
        return dict(answers.get("declarations") or {})
    raise KeyError(slug)


def save_section(draft: ApplicationDraft, slug: str, data: Answers, today: dt.date) -> None:
    """Save one page's answers if they pass its rules; SectionInvalid (and nothing saved) if not."""
    check, key = PAGE_SECTIONS[slug]
    if slug == "references":  # a referee cannot be the applicant themselves
        data = {**data, "own_email": ((draft.answers or {}).get("personal") or {}).get("email", "")}
    clean, problems = check(data, today)
    if problems:
        raise SectionInvalid(problems)
    _store(draft, **({key: clean} if key else clean))


def entries(draft: ApplicationDraft, kind: str) -> list[Answers]:
    key = ENTRY_LISTS[kind][0]
    return list((draft.answers or {}).get(key) or [])


def entry_as_form(draft: ApplicationDraft, kind: str, index: int) -> Answers | None:
    found = entries(draft, kind)
    if not 0 <= index < len(found):
        return None
    entry = found[index]
    return form_rules.job_as_form(entry) if kind == "employment-history" else \
        {k: "" if v is None else str(v) for k, v in entry.items()}


def save_entry(draft: ApplicationDraft, kind: str, index: int | None, data: Answers, today: dt.date) -> None:
    """Add an entry (index None) or change one; SectionInvalid if it breaks the rules."""
    key, check, limit = ENTRY_LISTS[kind]
    clean, problems = check(data, today)
    if problems:
        raise SectionInvalid(problems)
    found = entries(draft, kind)
    if index is None:
        if len(found) >= limit:
            raise ServiceError(f"You can add up to {limit} here. Remove one you do not need first.")
        found.append(clean)
    elif 0 <= index < len(found):
        found[index] = clean
    else:
        raise ServiceError("That entry is no longer in your application.")
    if kind == "employment-history":
        found.sort(key=lambda job: job.get("start") or "", reverse=True)  # newest first, as a CV reads
    _store(draft, **{key: found})


def remove_entry(draft: ApplicationDraft, kind: str, index: int) -> Answers:
    key = ENTRY_LISTS[kind][0]
    found = entries(draft, kind)
    if not 0 <= index < len(found):
        raise ServiceError("That entry is no longer in your application.")
    removed = found.pop(index)
    _store(draft, **{key: found})
    return removed


def gaps(draft: ApplicationDraft, today: dt.date) -> list[form_rules.Gap]:
    return form_rules.employment_gaps(entries(draft, "employment-history"), today)


def save_gap_explanations(draft: ApplicationDraft, data: Answers, today: dt.date) -> None:
    clean, problems = form_rules.check_gap_explanations(data, gaps(draft, today))
    if problems:
        raise SectionInvalid(problems)
    _store(draft, gaps=clean)


# --- sending it ------------------------------------------------------------------------------------------

def submit(candidate: User, draft: ApplicationDraft, confirmed: bool, today: dt.date) -> Application:
    """Turn a complete draft into an application with its referees, and delete the draft."""
    if draft.candidate_id != candidate.id:
        raise NotAllowed("You can only send your own applications.")
    missing = form_rules.incomplete_sections(draft.answers or {}, today)
    if missing:
        raise ApplicationIncomplete(missing)
    if not confirmed:
        raise SectionInvalid({"confirm": "Confirm that the information you have given is true and complete"})
    answers = {key: value for key, value in draft.answers.items() if key not in ("referees", "referee_consent")}
    # Keep only the explanations for gaps the history has now (an edited job leaves old ones behind).
    answers["gaps"] = {gap.key: answers.get("gaps", {}).get(gap.key, "")
                       for gap in form_rules.employment_gaps(answers.get("employment") or [], today)}
    application = application_service.submit(candidate, draft.vacancy, answers["statement"], today=today,
                                             answers=answers)
    consent = bool(draft.answers.get("referee_consent"))
    for position, referee in enumerate(draft.answers["referees"], 1):
        application.referees.append(Referee(
            position=position, name=referee["name"], job_title=referee["job_title"],
            organisation=referee["organisation"], relationship_to_applicant=referee["relationship"],
            email=referee["email"], phone=referee["phone"], current_employer=bool(referee.get("current_employer")),
            consent_to_contact=consent,
        ))
    db.session.delete(draft)
    db.session.flush()
    return application


# --- personal data -------------------------------------------------------------------------------------------

def export_drafts(user: User) -> list[Answers]:
    return [{"vacancy": d.vacancy.title, "council": d.vacancy.organisation.name,
             "started_at": d.created_at.isoformat(), "answers": d.answers} for d in drafts_for_candidate(user)]


def erase_drafts(user: User) -> None:
    db.session.execute(sa.delete(ApplicationDraft).where(ApplicationDraft.candidate_id == user.id))


def export_submitted(user: User) -> list[Answers]:
    rows = db.session.scalars(sa.select(Application).where(Application.candidate_id == user.id,
                                                           Application.answers.is_not(None))
                              .order_by(Application.submitted_at, Application.id))
    return [{"vacancy": a.vacancy.title, "council": a.vacancy.organisation.name,
             "submitted_at": a.submitted_at.isoformat(), "answers": a.answers} for a in rows]


def erase_submitted(user: User) -> None:
    """The forms' answers go with the account; the application rows stay as anonymous tombstones
    (see accounts.delete_account), and their referees go with webapp.services.references."""
    db.session.execute(sa.update(Application).where(Application.candidate_id == user.id).values(answers=None)
                       .execution_options(synchronize_session=False))


accounts.register_personal_data("application_drafts", export_drafts, erase_drafts)
accounts.register_personal_data("application_forms", export_submitted, erase_submitted)


# --- reading it back: the check-your-answers page, the recruiter's page and the PDF share this -----------

def _long_date(iso: str | None) -> str:
    if not iso:
        return "Not given"
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _yes_no(value: str | None, details: str = "") -> str:
    if not value:
        return "Not answered"
    label = form_rules.YesNo.label_for(value)
    return f"{label}: {details}" if details else label


HIDDEN = "Hidden until shortlisting"


def summary(answers: Answers, referees: list[Answers] | None = None, today: dt.date | None = None,
            hide_identity: bool = False) -> list[tuple[form_rules.Section, list[tuple[str, str]]]]:
    """Each section's answers as (question, answer) rows, in the form's order. ``referees`` are the
    submitted application's (its Referee rows); a draft's are in its answers. ``hide_identity`` (blind
    shortlisting, before the shortlist) leaves out who the applicant is: their personal details, their
    registration number and their referees."""
    today = today or dt.date.today()
    personal = answers.get("personal") or {}
    registration = answers.get("registration") or {}
    declarations = answers.get("declarations") or {}
    rows: dict[str, list[tuple[str, str]]] = {}
    rows["personal-details"] = [
        ("Full name", personal.get("full_name") or "Not given"),
        ("Previous names", personal.get("previous_names") or "None"),
        ("Address", "\n".join(filter(None, [personal.get("address"), personal.get("postcode")])) or "Not given"),
        ("Telephone", personal.get("phone") or "Not given"),
        ("Email", personal.get("email") or "Not given"),
        ("National Insurance number", personal.get("ni_number") or "Not given"),
    ]
    status = registration.get("status")
    rows["registration"] = [
        ("Status", form_rules.RegistrationStatus.label_for(status) if status else "Not given"),
        ("Registration number", registration.get("number") or "Not given"),
        ("Register last checked", _long_date(registration.get("checked_on"))),
    ]
    rows["qualifications"] = [
        (q.get("name") or "Qualification", f"{q.get('institution', '')}, {q.get('year', '')}")
        for q in answers.get("qualifications") or []
    ] or [("Qualifications", "None added")]
    jobs = answers.get("employment") or []
    employment: list[tuple[str, str]] = []
    for job in jobs:
        dates = f"{form_rules.month_label(job.get('start'))} to {form_rules.month_label(job.get('end'))}"
        detail = f"{job.get('employer', '')}, {dates}\n{job.get('duties', '')}"
        if job.get("reason_for_leaving"):
            detail += f"\nReason for leaving: {job['reason_for_leaving']}"
        employment.append((job.get("job_title") or "Job", detail))
    explanations = answers.get("gaps") or {}
    for gap in form_rules.employment_gaps(jobs, today):
        employment.append((f"Gap: {gap.label}", explanations.get(gap.key) or "Not explained"))
    rows["employment-history"] = employment or [("Jobs", "None added")]
    people = referees if referees is not None else answers.get("referees") or []
    rows["references"] = [
        (f"{'First referee (current or most recent employer)' if number == 1 else 'Second referee'}",
         f"{r.get('name', '')}, {r.get('job_title', '')}, {r.get('organisation', '')}\n"
         f"{r.get('relationship', '')}\n{r.get('email', '')}, {r.get('phone', '')}")
        for number, r in enumerate(people, 1)
    ] or [("Referees", "None added")]
    if referees is None:
        rows["references"].append(("May we contact them?", "Yes" if answers.get("referee_consent") else "No"))
    rows["supporting-statement"] = [("Supporting statement", answers.get("statement") or "Not given")]
    rows["declarations"] = [
        ("Convictions, cautions, reprimands or warnings that are not protected",
         _yes_no(declarations.get("criminal_record"), declarations.get("criminal_record_details", ""))),
        ("Related to a councillor or member of staff",
         _yes_no(declarations.get("related_to_council"), declarations.get("relationship_details", ""))),
        ("Right to work in the UK",
         _yes_no(declarations.get("right_to_work"), declarations.get("right_to_work_details", ""))),
    ]
    if hide_identity:
        rows["personal-details"] = [(key, HIDDEN) for key, _ in rows["personal-details"]]
        rows["registration"][1] = ("Registration number", HIDDEN)
        rows["references"] = [(key, HIDDEN) for key, _ in rows["references"]]
    return [(section, rows[section.slug]) for section in form_rules.SECTIONS]


def application_pdf(application: Application, hide_identity: bool = False) -> bytes:
    """The application as a council files it: every section, the referees and any references received
    (under blind shortlisting, before the shortlist, without who the applicant and their referees are)."""
    vacancy = application.vacancy
    applicant = HIDDEN if hide_identity else application.candidate.full_name
    document = Document(f"Application CSW-{application.id:06d}")
    document.h1(f"Application for {vacancy.title}")
    document.para(f"{vacancy.organisation.name}. Reference CSW-{application.id:06d}. Applicant: {applicant}. "
                  f"Sent on {application.submitted_at:%d %B %Y}. Status: {application.status.label}.")
    if application.answers is None:
        document.h2("Supporting statement")
        document.para(application.supporting_statement or "None")
        document.para("This application was sent before the full application form was in use.")
        return document.bytes()
    for section, rows in summary(application.answers, referees_as_answers(application.referees),
                                 today=application.submitted_at.date(), hide_identity=hide_identity):
        document.h2(section.title)
        document.rows(rows)
    for referee in application.referees:
        if referee.received_at is None or hide_identity:  # references come after shortlisting anyway
            continue
        document.h2(f"Reference from {referee.name}")
        document.rows(reference_rows(referee))
    return document.bytes()


def reference_rows(referee: Referee) -> list[tuple[str, str]]:
    """A received reference as (question, answer) rows, for the recruiter's page and the PDF."""
    given = referee.reference or {}
    received = f"{referee.received_at:%d %B %Y}" if referee.received_at else "Not received"
    if referee.declined:
        return [("Received", received), ("Could not give a reference", given.get("decline_reason", ""))]
    questions = form_rules.REFERENCE_QUESTIONS
    return [
        ("Received", received),
        ("Given by", f"{given.get('referee_name', '')}, {given.get('referee_job_title', '')}"),
        (questions["known_as"], given.get("known_as", "")),
        (questions["known_for"], given.get("known_for", "")),
        (questions["applicant_role"], given.get("applicant_role") or "Not given"),
        (questions["suitability"], given.get("suitability", "")),
        (questions["safeguarding_concerns"], _yes_no(given.get("safeguarding_concerns"),
                                                     given.get("safeguarding_details", ""))),
        (questions["disciplinary"], _yes_no(given.get("disciplinary"), given.get("disciplinary_details", ""))),
        (questions["would_reemploy"], _yes_no(given.get("would_reemploy"), given.get("reemploy_details", ""))),
    ]
