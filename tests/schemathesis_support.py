"""What the schemathesis tests share: the run settings and the checks left out.

positive_data_acceptance is left out: it expects any schema-valid request to be accepted, but the
vacancy rules have cross-field rules a JSON schema cannot say, and the public API's schema-valid
values can still name a place, council or page that does not exist (each a documented 400 or 404).
"""
from __future__ import annotations

import hypothesis
from hypothesis import HealthCheck
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXCLUDED = [positive_data_acceptance]
# Schemathesis calls the app through WSGI and reads the body as sent, so it asks for it uncompressed (it would
# send Accept-Encoding and get brotli back: webapp/web/assets.py). tests/test_assets.py checks the compression.
UNCOMPRESSED = {"Accept-Encoding": "identity"}
SETTINGS = dict(deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
