"""Bytes on the wire (webapp/web/assets.py): static files under hashed names kept a year and sent
compressed, the plain names revalidated, pages compressed for people signed out but not for people
signed in (BREACH)."""
from __future__ import annotations

import brotli
import gzip
import re
from pathlib import Path

from tests import helpers
from tests.factories import CandidateFactory

STATIC = Path(__file__).resolve().parent.parent / "webapp" / "static"
HASHED_CSS = re.compile(r'href="(/static/govuk/app\.min\.([0-9a-f]{12})\.css)"')
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def _stylesheet(client) -> tuple[str, str]:
    found = HASHED_CSS.search(client.get("/privacy").get_data(as_text=True))
    assert found, "the page links its stylesheet under a hashed name"
    return found.group(1), found.group(2)


def test_pages_link_static_files_by_their_content_s_hash(client):
    import hashlib

    url, digest = _stylesheet(client)
    assert digest == hashlib.sha256((STATIC / "govuk" / "app.min.css").read_bytes()).hexdigest()[:12]


def test_a_hashed_name_is_kept_a_year_and_sent_compressed(client):
    url, _ = _stylesheet(client)
    plain = (STATIC / "govuk" / "app.min.css").read_bytes()
    for accepted, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = client.get(url, headers={"Accept-Encoding": accepted})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == accepted
        assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
        assert response.cache_control.public
        assert "Accept-Encoding" in response.headers["Vary"]
        assert len(response.data) < len(plain) / 5
        assert decode(response.data) == plain
    identity = client.get(url)
    assert "Content-Encoding" not in identity.headers and identity.data == plain
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": client.get(url, headers={
        "Accept-Encoding": "br"}).headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_plain_and_outdated_names_are_served_but_not_kept(client):
    url, digest = _stylesheet(client)
    for stale in ("/static/govuk/app.min.css", url.replace(digest, "0" * 12)):
        response = client.get(stale)
        assert response.status_code == 200, stale
        assert response.cache_control.max_age == 0 and response.cache_control.no_cache, stale
        assert response.data == (STATIC / "govuk" / "app.min.css").read_bytes()


def test_names_outside_the_static_folder_or_missing_are_404(client):
    for path in ("/static/nothing.js", "/static/nothing.0123456789ab.js", "/static/../config/__init__.py",
                 "/static/%2e%2e/config/__init__.py", "/static/govuk"):
        assert client.get(path).status_code == 404, path


def test_an_edited_static_file_gets_a_new_name_at_once(app, client, tmp_path):
    from webapp.web.assets import StaticFiles

    (tmp_path / "site.css").write_text("body { color: black }")
    files = StaticFiles(tmp_path)
    before = files.hashed_name("site.css")
    (tmp_path / "site.css").write_text("body { color: #0b0c0c; margin: 0 }")
    after = files.hashed_name("site.css")
    assert before != after and re.fullmatch(r"site\.[0-9a-f]{12}\.css", after)
    assert files.hashed_name("missing.css") == "missing.css"


def test_pages_are_compressed_for_people_signed_out(client):
    response = client.get("/privacy", headers=BROWSER)
    assert response.headers["Content-Encoding"] in ("br", "gzip")
    assert "Accept-Encoding" in response.headers["Vary"]
    body = (brotli.decompress if response.headers["Content-Encoding"] == "br" else gzip.decompress)(response.data)
    assert b"Privacy" in body


def test_pages_for_someone_signed_in_are_not_compressed(app, client):
    helpers.sign_in_as(client, CandidateFactory())
    response = client.get("/privacy", headers=BROWSER)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers, "a signed-in page compressed: its CSRF token meets BREACH"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert b"Privacy" in response.data


def test_json_for_programs_is_compressed(client):
    response = client.get("/api/v1/openapi.json", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] in ("br", "gzip")


def test_modules_imported_by_other_modules_are_fetched_by_their_hashed_names(client):
    """app.js imports "./govuk/govuk-frontend.min.js": the page's import map sends that to the hashed name
    (the one kept a year and already loaded by its own script tag), so it is not fetched twice."""
    import json

    html = client.get("/privacy").get_data(as_text=True)
    found = re.search(r'<script type="importmap" nonce="[^"]+">(.*?)</script>', html, re.S)
    assert found, "every page carries the import map, with the CSP nonce"
    imports = json.loads(found.group(1))["imports"]
    assert imports["/static/govuk/govuk-frontend.min.js"] in html.split("</script>", 1)[1]  # its own tag, hashed
    for plain, hashed in imports.items():
        assert re.fullmatch(r"/static/(.+)\.js", plain) and hashed.startswith(plain[:-3] + ".")
        assert re.fullmatch(r"/static/.+\.[0-9a-f]{12}\.js", hashed)
        assert client.get(hashed).cache_control.immutable
    assert 'from "./govuk/govuk-frontend.min.js"' in (STATIC / "app.js").read_text()
