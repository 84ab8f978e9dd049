"""factory_boy factories over the real session: each .create() adds and flushes a row."""
from __future__ import annotations

import datetime as dt

import factory
from factory.alchemy import SQLAlchemyModelFactory

from domain.geography import BOROUGHS_BY_SLUG
from domain.vocabulary import (
    ApplyMethod,
    ContractType,
    RoleLevel,
    ServiceArea,
    SubRegion,
    UserRole,
    VacancyStatus,
    WorkingPattern,
)
from webapp.extensions import db
from webapp.models import CandidateProfile, Organisation, User, Vacancy
from webapp.services.passwords import hash_password

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is slow on purpose: do it once


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: ["Camden", "Hackney", "Croydon", "Ealing", "Newham"][n % 5] + (f" {n}" if n >= 5 else ""))
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    sub_region = SubRegion.NORTH
    town = "Town hall"
    latitude = BOROUGHS_BY_SLUG["camden"].latitude
    longitude = BOROUGHS_BY_SLUG["camden"].longitude


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = _PASSWORD_HASH
    role = UserRole.CANDIDATE


class CandidateFactory(UserFactory):
    role = UserRole.CANDIDATE


class RecruiterFactory(UserFactory):
    role = UserRole.RECRUITER
    organisation = factory.SubFactory(OrganisationFactory)


class CandidateProfileFactory(Base):
    class Meta:
        model = CandidateProfile

    user = factory.SubFactory(CandidateFactory)
    swe_number = factory.Sequence(lambda n: f"SW{100000 + n}")
    years_qualified = 4
    role_level = RoleLevel.SOCIAL_WORKER
    specialisms = factory.LazyFunction(lambda: [ServiceArea.CHILD_PROTECTION.value])
    preferred_boroughs = factory.LazyFunction(list)
    working_patterns = factory.LazyFunction(lambda: [WorkingPattern.FULL_TIME.value])
    contract_types = factory.LazyFunction(lambda: [ContractType.PERMANENT.value])
    discoverable = True


class VacancyFactory(Base):
    class Meta:
        model = Vacancy

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Social Worker, Child Protection {n}")
    slug = factory.LazyAttribute(lambda o: o.title.lower().replace(" ", "-").replace(",", ""))
    role_level = RoleLevel.SOCIAL_WORKER
    service_area = ServiceArea.CHILD_PROTECTION
    summary = "A supportive team with manageable caseloads and weekly supervision."
    description = "Join our child protection team working with families across the borough."
    salary_min = 42000
    salary_max = 48000
    contract_type = ContractType.PERMANENT
    working_pattern = WorkingPattern.FULL_TIME
    latitude = factory.LazyAttribute(lambda o: o.organisation.latitude)
    longitude = factory.LazyAttribute(lambda o: o.organisation.longitude)
    closing_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))
    status = VacancyStatus.LIVE
    published_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, 9, 0))
    apply_method = ApplyMethod.IN_PLATFORM
