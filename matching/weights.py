"""The matching weights and limits, in one place: everything that decides who fits what.

Hard constraints filter (a candidate who cannot or will not take the job is never shown);
soft ones score. The hybrid score is a weighted sum of components that each run from 0
to 1, so a weight reads as "how much of the score this can move".
"""
from __future__ import annotations

from domain.vocabulary import Availability, RoleLevel, ServiceArea

# --- soft: weights of the hybrid score (they sum to 1) ---------------------------------------------
WEIGHTS: dict[str, float] = {
    "semantic": 0.40,  # what the profile says against what the advert says (embeddings)
    "role_level": 0.18,
    "specialism": 0.17,  # the candidate's specialisms against the vacancy's service area
    "distance": 0.10,  # how far inside the candidate's maximum commute
    "salary": 0.05,  # how far above the candidate's minimum
    "working_pattern": 0.04,
    "availability": 0.06,
}

# Role level: exactly theirs is best; a step up is a career move people look for; a step down less so.
ROLE_STEP_SCORES: dict[int, float] = {0: 1.0, 1: 0.7, -1: 0.45, 2: 0.2, -2: 0.1}
ROLE_UNKNOWN_SCORE = 0.3

# Service areas that share practice, so experience in one is a near fit for another.
RELATED_AREAS: tuple[frozenset[ServiceArea], ...] = (
    frozenset({ServiceArea.MASH, ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION, ServiceArea.CHILDREN_IN_NEED}),
    frozenset({ServiceArea.CHILDREN_LOOKED_AFTER, ServiceArea.CARE_LEAVERS, ServiceArea.FOSTERING,
               ServiceArea.ADOPTION}),
    frozenset({ServiceArea.YOUTH_JUSTICE, ServiceArea.EXPLOITATION, ServiceArea.EDGE_OF_CARE}),
    frozenset({ServiceArea.DISABLED_CHILDREN, ServiceArea.CHILDREN_IN_NEED}),
)
SPECIALISM_EXACT = 1.0
SPECIALISM_RELATED = 0.4
SPECIALISM_NONE_GIVEN = 0.3

DISTANCE_UNKNOWN_SCORE = 0.5  # no home borough or no maximum commute given
PREFERRED_BOROUGH_SCORE = 0.9  # a borough they chose counts as close, wherever they live

SALARY_HEADROOM = 10_000  # pounds above the minimum at which the salary component is full
SALARY_UNKNOWN_SCORE = 0.5
PATTERN_MISMATCH_SCORE = 0.3  # a working pattern they did not tick (compressed hours, job share) ranks lower
PREFERENCE_UNKNOWN_SCORE = 0.5  # a preference (hybrid working) the advert says nothing about

AVAILABILITY_SCORES: dict[Availability, float] = {
    Availability.NOW: 1.0,
    Availability.ONE_MONTH: 0.8,
    Availability.THREE_MONTHS: 0.5,
    Availability.NOT_LOOKING: 0.0,
}

# The hybrid score in words, best first (a floor and its word): "Close fit: same practice area, 2 miles away".
# Every match shown already meets the stated needs; the word says how much more it fits. (The same bands as the
# pages' fit words, webapp.services.matching_words.FIT_WORDS, which can read Match.fit_label instead.)
FIT_BANDS: tuple[tuple[float, str], ...] = ((0.80, "Very close fit"), (0.65, "Close fit"), (0.50, "Good fit"),
                                            (0.0, "Partial fit"))
# "Jobs that fit you" shows good fits and better: a partial fit is still found by searching, but is not
# offered as one that fits (fewer, better results; issue 16).
LEAST_FIT_SHOWN = 0.50

# --- hard constraints -------------------------------------------------------------------------------
MAX_ROLE_STEPS = 2  # more than two levels apart is not a fit (an NQSW is not a service manager)
# A registered role needs a Social Work England registration; an ASYE post may also go to a student
# about to qualify; a student or apprentice post needs neither.
REGISTRATION_FREE_LEVEL = RoleLevel.STUDENT
STUDENT_MAY_APPLY_UP_TO = RoleLevel.NQSW
# (also hard, every stated need: levels, full or part time and hours, only these councils, contract types,
#  the lowest salary against the band's bottom unless they said a band reaching it will do, the longest commute,
#  a protected caseload or hybrid working when needed; for recruiters, only candidates who opted in and are
#  looking. The rule table is in matching/constraints.py.)

# --- retrieval ------------------------------------------------------------------------------------------
SHORTLIST = 300  # nearest by meaning among those passing the hard constraints, then re-ranked by the hybrid score
REASON_THRESHOLD = 0.6  # a component at least this good is named as a reason
STRONG_SEMANTIC = 0.55  # cosine similarity at which "what you wrote" is itself a reason
