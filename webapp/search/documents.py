"""The one place a vacancy becomes a search document (warehouse's ``from_db`` habit).

Both engines index exactly this dict; neither reads a model. Values are plain JSON types so
the Elasticsearch engine can send the dict as it is.
"""
from __future__ import annotations

from typing import Any, Iterable

from domain.vocabulary import (
    ContractType,
    HybridPattern,
    RoleLevel,
    ServiceArea,
    SubRegion,
    VacancyStatus,
    WorkingPattern,
)
from webapp.models import Vacancy


def is_indexable(vacancy: Vacancy) -> bool:
    """Only published vacancies are indexed; whether one has passed its closing date is
    decided at query time, so a job disappears from search on the day it closes without
    any job having to run."""
    return vacancy.status == VacancyStatus.LIVE


def vacancy_document(vacancy: Vacancy) -> dict[str, Any]:
    return document(vacancy, vacancy.organisation, vacancy.featured_slots)


# The vacancy columns a document is made of: what live_vacancy_documents reads in one query
# instead of loading whole Vacancy objects (a full reindex spent most of its time there).
DOCUMENT_COLUMNS = (
    "id", "title", "summary", "description", "team", "development_details", "role_level", "service_area",
    "organisation_id", "location_name", "latitude", "longitude", "salary_min", "salary_max", "contract_type",
    "working_pattern", "fte", "hybrid_pattern", "caseload_max", "protected_caseload_nqsw", "funded_development",
    "status", "closing_date", "published_at", "created_at", "apply_method",
)


def document(vacancy: Any, organisation: Any, featured_slots: Iterable[Any]) -> dict[str, Any]:
    """The search document from anything with a Vacancy's attributes (a model or a row of
    DOCUMENT_COLUMNS), its organisation and its featured slots (``starts_on``, ``ends_on``)."""
    published = vacancy.published_at or vacancy.created_at
    return {
        "id": vacancy.id,
        "title": vacancy.title,
        "summary": vacancy.summary or "",
        "description": vacancy.description or "",
        "team": vacancy.team or "",
        "development_details": vacancy.development_details or "",
        "role_level": vacancy.role_level.value,
        "role_level_label": RoleLevel.label_for(vacancy.role_level.value),
        "service_area": vacancy.service_area.value,
        "service_area_label": ServiceArea.label_for(vacancy.service_area.value),
        "organisation_id": organisation.id,
        "organisation_slug": organisation.slug,
        "organisation_name": organisation.name,
        "sub_region": organisation.sub_region.value,
        "sub_region_label": SubRegion.label_for(organisation.sub_region.value),
        "town": organisation.town or "",
        "location_name": vacancy.location_name or "",
        "location": {"lat": vacancy.latitude, "lon": vacancy.longitude},
        "salary_min": vacancy.salary_min,
        "salary_max": vacancy.salary_max,
        "contract_type": vacancy.contract_type.value,
        "contract_type_label": ContractType.label_for(vacancy.contract_type.value),
        "working_pattern": vacancy.working_pattern.value,
        "working_pattern_label": WorkingPattern.label_for(vacancy.working_pattern.value),
        "fte": float(vacancy.fte) if vacancy.fte is not None else 1.0,
        "hybrid_pattern": vacancy.hybrid_pattern.value if vacancy.hybrid_pattern else None,
        "hybrid_pattern_label": HybridPattern.label_for(vacancy.hybrid_pattern.value) if vacancy.hybrid_pattern else "",
        "caseload_max": vacancy.caseload_max,
        "protected_caseload_nqsw": bool(vacancy.protected_caseload_nqsw),
        "funded_development": bool(vacancy.funded_development),
        "status": vacancy.status.value,
        "closing_date": vacancy.closing_date.isoformat(),
        "published_at": published.isoformat(timespec="seconds") if published else None,
        "apply_method": vacancy.apply_method.value,
        # Inclusive date ranges; the engines decide "featured today" at query time.
        "featured_periods": [{"gte": s.starts_on.isoformat(), "lte": s.ends_on.isoformat()}
                             for s in featured_slots],
    }
