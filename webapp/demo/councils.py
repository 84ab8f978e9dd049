"""London's councils for the demo and scale data: names, places, sub-regions and an illustrative offer each."""
from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.geography import LONDON_BOROUGHS, Borough
from domain.vocabulary import (
    OfstedRating,
    OrganisationKind,
    RoleLevel,
)
from webapp.demo import words
from webapp.demo.offices import COUNCIL_OFFICES
from webapp.models import (
    Organisation,
)


@dataclass(frozen=True)
class CouncilTerms:
    """A council's illustrative terms, a pure function of its slug so demo and scale agree."""

    inner_london: bool
    caseload_cap: int
    nqsw_caseload_cap: int
    supervision_weeks: str
    market_supplement: int
    retention_payment: int
    ofsted_rating: OfstedRating
    ofsted_inspected_days_ago: int
    size_weight: float  # share of the region's vacancies


@functools.cache
def council_terms(slug: str) -> CouncilTerms:
    rng = random.Random(f"council-terms:{slug}")
    ratings, weights = zip(*words.OFSTED_WEIGHTS.items())
    return CouncilTerms(
        inner_london=slug in words.INNER_LONDON,
        caseload_cap=rng.randint(15, 20),
        nqsw_caseload_cap=rng.randint(*words.NQSW_CASELOAD_RANGE),
        supervision_weeks=rng.choice(words.SUPERVISION_WORDS),
        market_supplement=rng.choice((2000, 2500, 3000, 4000, 5000)),
        retention_payment=rng.choice((1500, 2000, 3000, 5000)),
        ofsted_rating=rng.choices(ratings, weights)[0],
        ofsted_inspected_days_ago=rng.randint(200, 1400),
        # The City of London has one small children's team; the big outer boroughs recruit most.
        size_weight=0.15 if slug == "city-of-london" else round(rng.uniform(0.7, 1.6), 2),
    )


def formal_name(borough: Borough) -> str:
    return words.FORMAL_NAMES.get(borough.slug, f"London Borough of {borough.name}")


def council_domain(slug: str) -> str:
    return words.COUNCIL_DOMAINS.get(slug, f"{slug.replace('-', '')}.gov.uk")


def _council_values(borough: Borough, today: dt.date) -> dict[str, Any]:
    terms = council_terms(borough.slug)
    rng = random.Random(f"council-offer:{borough.slug}")
    sw_lo, sw_hi = words.SALARY_BANDS[RoleLevel.SOCIAL_WORKER]
    lift = 1500 if terms.inner_london else 0
    fill = dict(
        name=borough.name,
        formal=formal_name(borough),
        town=borough.town,
        children=rng.randrange(1800, 6500, 50),
        sw_min=sw_lo + lift + rng.randrange(0, 1200, 3),
        sw_max=sw_hi - 1500 + lift - rng.randrange(0, 900, 3),
        sp_max=words.SALARY_BANDS[RoleLevel.SENIOR_PRACTITIONER][1] - rng.randrange(0, 2500, 3),
        weighting="Inner" if terms.inner_london else "Outer",
        supplement=terms.market_supplement,
        retention=terms.retention_payment,
        cap=terms.caseload_cap,
        nqsw_cap=terms.nqsw_caseload_cap,
        avg=terms.caseload_cap - rng.randint(1, 3),
        freq=terms.supervision_weeks,
    )
    dev1, dev2 = rng.sample(words.DEVELOPMENT_OPTIONS[:-1], 2)  # the last is the ASYE academy, in every offer
    fill.update(dev1=dev1, dev2=dev2[0].lower() + dev2[1:])
    return dict(
        name=borough.name,
        slug=borough.slug,
        kind=OrganisationKind.COUNCIL,
        sub_region=borough.sub_region,
        town=borough.town,
        office_street_address=COUNCIL_OFFICES[borough.slug][0],
        office_postcode=COUNCIL_OFFICES[borough.slug][1],
        latitude=borough.latitude,
        longitude=borough.longitude,
        website=f"https://www.{council_domain(borough.slug)}",
        ofsted_rating=terms.ofsted_rating,
        ofsted_inspected_on=today - dt.timedelta(days=terms.ofsted_inspected_days_ago),
        about=rng.choice(words.ABOUT_TEMPLATES).format(**fill),
        offer_pay=rng.choice(words.OFFER_PAY).format(**fill),
        offer_caseload=rng.choice(words.OFFER_CASELOAD).format(**fill),
        offer_supervision=rng.choice(words.OFFER_SUPERVISION).format(**fill),
        offer_development=rng.choice(words.OFFER_DEVELOPMENT).format(**fill),
        offer_hybrid=rng.choice(words.OFFER_HYBRID).format(**fill),
    )


def ensure_councils(session: Session, today: dt.date | None = None) -> tuple[list[Organisation], int]:
    """Add any of London's 33 councils that are missing; return all 33 (in geography order) and how many were new."""
    today = today or dt.date.today()
    existing = {org.slug: org for org in session.scalars(sa.select(Organisation))}
    created = 0
    for borough in LONDON_BOROUGHS:
        if borough.slug not in existing:
            org = Organisation(**_council_values(borough, today))
            session.add(org)
            existing[borough.slug] = org
            created += 1
    session.flush()
    return [existing[b.slug] for b in LONDON_BOROUGHS], created
