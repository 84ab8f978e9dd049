"""The demo's saved searches: the demo social worker's, so the alerts page and `flask alerts send`
have something to show. Dates are relative to the seed's `now`; the data is the same every time."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domain.vocabulary import AlertFrequency
from webapp.models import SavedSearch, User

# (name, normalised /jobs query string, frequency, alerts on, days since saved)
DEMO_SAVED_SEARCHES = [
    ("Child protection in North London", "q=child+protection&sub_region=north", AlertFrequency.DAILY, True, 20),
    ("Senior practitioner, fostering", "role_level=senior_practitioner&service_area=fostering",
     AlertFrequency.WEEKLY, True, 9),
    ("Anything near Camden with a caseload promise", "max_caseload=18&near=camden&miles=5",
     AlertFrequency.INSTANT, False, 3),
]


def seed_saved_searches(session: Session, candidate: User, now: dt.datetime) -> int:
    for name, query, frequency, alerts_on, days in DEMO_SAVED_SEARCHES:
        saved_at = now - dt.timedelta(days=days)
        session.add(SavedSearch(user_id=candidate.id, name=name, query=query, frequency=frequency,
                                alerts_on=alerts_on, created_at=saved_at, updated_at=saved_at,
                                last_checked_at=now - dt.timedelta(hours=3) if alerts_on else None))
    return len(DEMO_SAVED_SEARCHES)
