"""The recruitment funnel and campaigns, in one place: the steps a visitor takes towards a hire,
how long a campaign's credit lasts, and the kinds of campaign and the channels of a tracked link.

Every module that records, rolls up or reports the funnel imports its words from here.
"""
from __future__ import annotations

import datetime as dt

from domain.vocabulary import ApplicationStatus, LabelledEnum


class FunnelStep(LabelledEnum):
    """One kind of funnel event. Values are stored in funnel_events.kind and the rollups."""

    VISIT = ("visit", "Visitors")
    SEARCH = ("search", "Searches")
    JOB_VIEW = ("job_view", "Job views")
    APPLY_CLICK = ("apply_click", "Apply clicks (council's own site)")
    REGISTRATION = ("registration", "Registrations")
    APPLICATION_STARTED = ("application_started", "Applications started")
    APPLICATION = ("application_submitted", "Applications")
    SHORTLISTED = ("shortlisted", "Shortlisted")
    REFERENCE_RECEIVED = ("reference_received", "References received")
    INTERVIEW_SCHEDULED = ("interview_scheduled", "Interviews scheduled")
    INTERVIEW = ("interview", "Interviewed")
    OFFERED = ("offered", "Offered")
    HIRED = ("hired", "Hired")
    FOLLOW = ("follow", "New followers")


# Steps a person takes in a browser: they carry a visitor id and count towards "visitors".
VISITOR_STEPS = frozenset({FunnelStep.VISIT, FunnelStep.SEARCH, FunnelStep.JOB_VIEW, FunnelStep.APPLY_CLICK,
                           FunnelStep.REGISTRATION, FunnelStep.APPLICATION_STARTED, FunnelStep.APPLICATION,
                           FunnelStep.FOLLOW})

# Steps of one application, recorded once each however often the thing behind them happens (a
# draft resumed, a second reference, an interview moved): the funnel counts applications that
# reached the step. Record them with webapp.services.funnel.record(step, application=...).
APPLICATION_STEPS = frozenset({FunnelStep.APPLICATION_STARTED, FunnelStep.REFERENCE_RECEIVED,
                               FunnelStep.INTERVIEW_SCHEDULED})

# Pipeline moves a recruiter makes that are funnel steps (rejections and withdrawals are not).
PIPELINE_STEPS: dict[ApplicationStatus, FunnelStep] = {
    ApplicationStatus.SHORTLISTED: FunnelStep.SHORTLISTED,
    ApplicationStatus.INTERVIEW: FunnelStep.INTERVIEW,
    ApplicationStatus.OFFERED: FunnelStep.OFFERED,
    ApplicationStatus.HIRED: FunnelStep.HIRED,
}

# The funnel as the dashboard draws it, top to bottom: (key, label, the steps it counts, the stage
# whose people it converts from, or None for no rate). "Applied" adds apply clicks (people sent to a
# council's own system) to applications made here: both are a decision to apply. The stages after it
# only exist for applications made here, so they convert from applications. Scheduling an interview
# and receiving a reference are recorded beside the pipeline's own steps, not between them: councils
# take references at different points, so references have no rate, and "interviewed" still converts
# from "shortlisted".
FUNNEL_STAGES: list[tuple[str, str, tuple[FunnelStep, ...], str | None]] = [
    ("visitors", "Visitors", (FunnelStep.VISIT,), None),
    ("job_views", "Job views", (FunnelStep.JOB_VIEW,), "visitors"),
    ("applied", "Applied (here or on the council's site)", (FunnelStep.APPLICATION, FunnelStep.APPLY_CLICK), "job_views"),
    ("started", "Applications started here", (FunnelStep.APPLICATION_STARTED,), None),
    ("applications", "Applications made here", (FunnelStep.APPLICATION,), "started"),
    ("shortlisted", "Shortlisted", (FunnelStep.SHORTLISTED,), "applications"),
    ("interview_scheduled", "Interviews scheduled", (FunnelStep.INTERVIEW_SCHEDULED,), "shortlisted"),
    ("interview", "Interviewed", (FunnelStep.INTERVIEW,), "shortlisted"),
    ("reference_received", "References received", (FunnelStep.REFERENCE_RECEIVED,), None),
    ("offered", "Offered", (FunnelStep.OFFERED,), "interview"),
    ("hired", "Hired", (FunnelStep.HIRED,), "offered"),
]

# Last-touch attribution: a visit through a tracked link credits its campaign with what that
# visitor (or, once signed in, that person) does next, for this long after the visit.
ATTRIBUTION_WINDOW = dt.timedelta(days=30)


class CampaignKind(LabelledEnum):
    FEATURED = ("featured", "Featured jobs")
    RECRUITMENT = ("recruitment", "Recruitment campaign")
    EVENT = ("event", "Event (open day, temp-to-perm, careers fair)")
    REFER_A_FRIEND = ("refer_a_friend", "Refer a friend")


class LinkChannel(LabelledEnum):
    EMAIL = ("email", "Email")
    LINKEDIN = ("linkedin", "LinkedIn")
    SOCIAL = ("social", "Other social media")
    JOB_BOARD = ("job_board", "Another job board")
    POSTER = ("poster", "Poster or flyer (QR code)")
    EVENT = ("event", "At an event")
    NEWSLETTER = ("newsletter", "Newsletter")
    REFERRAL = ("referral", "Referral by a colleague")
    OTHER = ("other", "Other")
