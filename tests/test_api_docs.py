"""docs/api.md cannot rot: every curl example in it is run, as written, against a live server on
127.0.0.1, and must answer the status its "# →" line says; the webhook signature example checks a
real signature and refuses a forged one. (If a dated example fails, move its dates forward a year.)"""
from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from domain.vocabulary import UserRole
from tests.factories import OrganisationFactory, UserFactory
from webapp.extensions import db
from webapp.services import api_keys
from webapp.services.webhooks import signing

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "api.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(GUIDE.read_text()) if lang == language]


def curl_examples() -> list[tuple[str, int]]:
    examples = []
    for body in blocks("sh"):
        expected = re.search(r"^# → (\d{3})", body, re.M)
        assert body.lstrip().startswith("curl ") and expected, f"a shell example without '# → status':\n{body}"
        examples.append((body, int(expected.group(1))))
    return examples


@pytest.fixture
def live_server(app):
    """The test's app on 127.0.0.1 (port 0: the system picks a free one), served from a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_every_curl_example_answers_as_documented(app, live_server, tmp_path):
    council = OrganisationFactory(name="Camden", slug="camden")
    admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=council)
    key = api_keys.create_key(admin, "Docs", "write").secret
    db.session.commit()
    env = {**os.environ, "CSW": live_server, "CSW_KEY": key, "VACANCY_ID": ""}
    examples = curl_examples()
    assert len(examples) >= 15
    for script, expected in examples:
        run = subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, f"{script}\n{run.stderr}"
        head, _, body = run.stdout.replace("\r\n", "\n").partition("\n\n")
        status = int(head.split()[1])
        assert status == expected, f"{script}\nanswered {status}, the guide says {expected}:\n{run.stdout[:2000]}"
        if status >= 400:
            assert "content-type: application/problem+json" in head.lower(), head
        if not env["VACANCY_ID"] and status == 201 and "/api/v1/vacancies" in script:
            env["VACANCY_ID"] = str(json.loads(body)["id"])  # what a developer reads from the answer
    db.session.expire_all()
    assert env["VACANCY_ID"]


def test_the_webhook_signature_example_checks_signatures():
    (source,) = blocks("python")
    namespace: dict = {}
    exec(compile(source, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own guide's example
    verify = namespace["verify_cswjobs_signature"]
    body = b'{"id":"evt_1","type":"vacancy.closed"}'
    secret, other = "whsec_" + "a" * 43, "whsec_" + "b" * 43
    header = signing.signature_header([secret], body)
    assert verify(header, body, secret)
    assert verify(signing.signature_header([other, secret], body), body, secret)  # during a rotation
    assert not verify(header, body + b" ", secret)
    assert not verify(header, body, other)
    assert not verify(signing.signature_header([secret], body, timestamp=1_000_000_000), body, secret)
