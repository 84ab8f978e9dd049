"""People who sign in, and the profile a social worker keeps to be matched and found."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import Availability, HoursWanted, NeedLevel, RoleLevel, UserRole
from webapp.models.base import Base, TimestampMixin, enum_column, utcnow
from webapp.models.correspondence import MailFrequency

if TYPE_CHECKING:
    from webapp.models.organisations import Organisation

COUNCIL_ROLES = (UserRole.RECRUITER, UserRole.ORG_ADMIN)  # a council's staff: their own council only
REGION_ROLES = (UserRole.PROGRAMME_LEAD, UserRole.ADMIN)  # the programme team: every council


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole), default=UserRole.CANDIDATE, index=True)
    # Recruiters and council admins belong to exactly one organisation.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    last_sign_in_at: Mapped[dt.datetime | None]
    # Changing the password moves this on, which invalidates outstanding reset links.
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Every session carries the number this had when it began (see get_id): signing out, changing the
    # password or closing the account moves it on, which ends every copy of every earlier session
    # cookie on the server's side, not only in the browser that signed out.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Retention: when this account was warned that it will be deleted for inactivity (services.retention).
    inactivity_warned_at: Mapped[dt.datetime | None]
    # Recruiters: new applications and messages emailed as they arrive, or in a morning digest.
    application_mail: Mapped[MailFrequency] = mapped_column(enum_column(MailFrequency),
                                                            default=MailFrequency.IMMEDIATE)

    organisation: Mapped["Organisation | None"] = relationship()
    profile: Mapped["CandidateProfile | None"] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session generation (web.security.load_user)."""
        return f"{self.id}:{self.session_generation or 0}"

    def has_role(self, *roles: UserRole) -> bool:
        """The one role check for templates, navigation and services (views use role_required)."""
        return self.role in roles

    @property
    def is_candidate(self) -> bool:
        return self.role == UserRole.CANDIDATE

    @property
    def is_recruiter(self) -> bool:
        """A council's recruiter or administrator."""
        return self.role in COUNCIL_ROLES

    @property
    def sees_region(self) -> bool:
        """The programme team, who see every council's figures."""
        return self.role in REGION_ROLES

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class CandidateProfile(TimestampMixin, Base):
    __tablename__ = "candidate_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Social Work England registration number, "SW" followed by digits.
    swe_number: Mapped[str | None] = mapped_column(sa.String(12))
    in_asye: Mapped[bool] = mapped_column(default=False)
    years_qualified: Mapped[int | None]
    role_level: Mapped[RoleLevel | None] = mapped_column(enum_column(RoleLevel), index=True)
    specialisms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # ServiceArea values
    # Councils that rank higher; `only_boroughs`, when given, are the only councils whose jobs are shown.
    preferred_boroughs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # Organisation slugs
    only_boroughs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # Organisation slugs
    home_borough: Mapped[str | None] = mapped_column(sa.String(120))  # Organisation slug
    max_commute_miles: Mapped[int | None]
    working_patterns: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # WorkingPattern values (ranking)
    # Full time or part time is a hard need (matching.constraints); part-timers may give their most hours a week.
    hours_wanted: Mapped[HoursWanted | None] = mapped_column(enum_column(HoursWanted))
    part_time_hours_max: Mapped[int | None]
    contract_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # ContractType values
    min_salary: Mapped[int | None]
    # False: a job's band must START at or above min_salary; True: it is enough that the band reaches it.
    min_salary_anywhere_in_band: Mapped[bool] = mapped_column(default=False)
    # A post below their own level is shown only when they said they would consider one.
    considers_step_down: Mapped[bool] = mapped_column(default=False)
    protected_caseload: Mapped[NeedLevel | None] = mapped_column(enum_column(NeedLevel))  # for the ASYE
    hybrid_working: Mapped[NeedLevel | None] = mapped_column(enum_column(NeedLevel))
    availability: Mapped[Availability] = mapped_column(enum_column(Availability), default=Availability.NOW)
    cv_text: Mapped[str] = mapped_column(sa.Text, default="")
    # "Let recruiters find me": only then does a recruiter ever see this profile.
    discoverable: Mapped[bool] = mapped_column(default=False, index=True)
    # Slugs of councils that never see this profile (their current employer, say), wherever
    # recruiters find candidates: suggestions and invitations (matching.constraints).
    hidden_from: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # The social worker's last visit (signing in, or opening their profile): a findable profile
    # nobody has visited for six months is switched off (services.profile_visits), after a warning.
    last_visit_at: Mapped[dt.datetime | None]
    switch_off_warned_at: Mapped[dt.datetime | None]
    switched_off_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(back_populates="profile")
