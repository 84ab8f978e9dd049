"""Schemathesis against /api/v1/openapi.json, on both databases: generated requests (valid and
invalid) for every council API operation, then stateful runs that follow the document's links
(create → read, replace, publish, remove). Zero failures allowed; the number of cases tried is printed.

Bounded for CI (a couple of minutes for both backends): EXAMPLES cases per operation and mode, and
STATEFUL_RUNS short sequences. Checks: every check schemathesis has, except positive_data_acceptance,
which expects any schema-valid body to be accepted; the vacancy rules also have cross-field rules a
JSON schema cannot say (maximum salary at least the minimum, a closing date in the future, a web
address when people apply elsewhere), answered 422 with the field, as documented.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis import GenerationMode

from domain.vocabulary import UserRole
from tests.factories import OrganisationFactory, UserFactory, VacancyFactory
from tests.schemathesis_support import EXCLUDED, SETTINGS, UNCOMPRESSED
from webapp.extensions import db
from webapp.services import api_keys

EXAMPLES = 30
STATEFUL_RUNS = 15


@pytest.fixture
def api(app):
    council = OrganisationFactory(name="Camden", slug="camden")
    other = OrganisationFactory(name="Hackney", slug="hackney")
    VacancyFactory(organisation=other, external_reference="HACKNEY-1")  # never reachable with Camden's key
    admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=council)
    secret = api_keys.create_key(admin, "Schemathesis", "write").secret
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    @schema.auth()
    class CouncilKey:
        """The key goes in as the document's security scheme says, so schemathesis knows it is auth."""

        def get(self, case, context):
            return secret

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "X-Api-Key": data}

    return schema.include(path_regex=r"^/api/v1/vacancies")


def test_every_operation_with_generated_requests(api, capsys):
    schema = api
    tried = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            count = 0

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, **SETTINGS)
            def run(case):
                nonlocal count
                count += 1
                case.call_and_validate(headers=UNCOMPRESSED, excluded_checks=EXCLUDED)
                db.session.rollback()  # the test's own session: never hold a transaction between cases

            run()
            tried[f"{operation.label} ({mode.value})"] = count
    total = sum(tried.values())
    with capsys.disabled():
        print(f"\nschemathesis: {total} generated cases over {len(tried)} operation/mode pairs, 0 failures")
    assert len(tried) >= 12 and total >= len(tried) * 5, tried


def test_stateful_runs_follow_the_links(api, capsys):
    schema = api
    calls = 0

    class Workflow(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=(), **kwargs):
            nonlocal calls
            calls += 1
            case.validate_response(response, excluded_checks=EXCLUDED)

    Workflow.run(settings=settings(max_examples=STATEFUL_RUNS, stateful_step_count=6, **SETTINGS))
    with capsys.disabled():
        print(f"\nschemathesis stateful: {calls} calls in {STATEFUL_RUNS} sequences, 0 failures")
    assert calls >= STATEFUL_RUNS
