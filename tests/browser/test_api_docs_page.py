"""The API's browsable documentation draws in a real browser under the site's Content-Security-Policy,
from this site's own copy of Swagger UI: no request leaves 127.0.0.1 and nothing is refused."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_the_docs_page_lists_the_operations(live_app, page):
    base = live_app.config["LIVE_URL"]
    hosts, refused = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(base + "/api/v1/docs")
    page.wait_for_selector("#operations-council_vacancies-createVacancy")
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/vacancies" in [text.strip() for text in operations]
    assert page.locator(".title").first.inner_text().startswith("Children's Social Work Jobs API")
    assert hosts == {urlsplit(base).netloc} and not refused
