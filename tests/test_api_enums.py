"""The API's enumerations are frozen: councils' systems map these values, so a value may be added but
never removed or renamed. Changing this table to make the test pass breaks every integration."""
from __future__ import annotations

import pytest

# The values published in /api/v1/openapi.json when the API was first released (version 1).
FROZEN: dict[str, list[str]] = {
    "RoleLevel": ["student", "nqsw", "social_worker", "senior_practitioner", "advanced_practitioner",
                  "assistant_team_manager", "team_manager", "service_manager", "iro_cp_chair",
                  "principal_social_worker"],
    "ServiceArea": ["mash", "assessment", "child_protection", "children_in_need", "children_looked_after",
                    "care_leavers", "fostering", "adoption", "disabled_children", "youth_justice", "exploitation",
                    "edge_of_care"],
    "ContractType": ["permanent", "fixed_term", "secondment", "locum"],
    "WorkingPattern": ["full_time", "part_time", "compressed", "job_share"],
    "HybridPattern": ["office", "hybrid", "mostly_home"],
    "SupervisionFrequency": ["weekly", "fortnightly", "monthly", "six_weekly"],
    "ApplyMethod": ["in_platform", "external"],
    "VacancyStatus": ["draft", "live", "closed"],
}


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


@pytest.mark.backends("sqlite")  # the document does not depend on the database
@pytest.mark.parametrize("name", sorted(FROZEN))
def test_every_frozen_value_is_still_published(document, name):
    published = document["components"]["schemas"][name]["enum"]
    gone = [value for value in FROZEN[name] if value not in published]
    assert not gone, f"{name} lost {gone}: values may be added, never removed or renamed"


@pytest.mark.backends("sqlite")
def test_the_vacancy_fields_use_the_published_values(document):
    fields = document["components"]["schemas"]["VacancyIn"]["properties"]
    for field, name in (("role_level", "RoleLevel"), ("service_area", "ServiceArea"),
                        ("contract_type", "ContractType"), ("working_pattern", "WorkingPattern")):
        assert fields[field]["enum"] == document["components"]["schemas"][name]["enum"], field
