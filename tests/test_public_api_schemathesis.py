"""Schemathesis against the public read API's part of /api/v1/openapi.json, on both databases:
generated requests, valid and invalid, for search, a job and councils, each answer checked against
the document (status codes, content types, bodies, headers). Zero failures allowed; the number of
cases tried is printed. Bounded: EXAMPLES cases per operation and mode.

positive_data_acceptance is left out, as for the council API: a schema-valid value can still be a
place we do not know ("near"), a council slug that does not exist or a page past the last, each a
documented 400 or 404 with its message.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis import GenerationMode

from domain.vocabulary import VacancyStatus
from tests.factories import OrganisationFactory, VacancyFactory
from tests.schemathesis_support import EXCLUDED, SETTINGS, UNCOMPRESSED
from webapp.extensions import db

EXAMPLES = 25


@pytest.fixture
def public_api(app):
    camden = OrganisationFactory(name="Camden", slug="camden")
    VacancyFactory(organisation=camden, title="Senior practitioner")
    VacancyFactory(organisation=camden, title="Closed job", status=VacancyStatus.CLOSED)
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema.include(path_regex=r"^/api/v1/(jobs|councils)")


def test_every_public_operation_with_generated_requests(public_api, capsys):
    tried = {}
    for result in public_api.get_all_operations():
        operation = result.ok()
        # An operation that reads nothing (the list of councils) has no invalid request to make.
        reads_input = len(operation.query) or len(operation.path_parameters)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if reads_input else (GenerationMode.POSITIVE,):
            count = 0

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, **SETTINGS)
            def run(case):
                nonlocal count
                count += 1
                case.call_and_validate(headers=UNCOMPRESSED, excluded_checks=EXCLUDED)
                db.session.rollback()

            run()
            tried[f"{operation.label} ({mode.value})"] = count
    total = sum(tried.values())
    with capsys.disabled():
        print(f"\nschemathesis (public API): {total} generated cases over {len(tried)} operation/mode pairs, "
              "0 failures")
    assert len(tried) == 7 and total >= len(tried) * 5, tried
