"""The README's table of what is where names real pages: every path in it opens, as the role its row
names, so the README cannot promise a page that does not exist or that its readers cannot open."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.vocabulary import UserRole
from tests import helpers
from tests.factories import CandidateProfileFactory, OrganisationFactory, UserFactory
from webapp.extensions import db

README = Path(__file__).resolve().parent.parent / "README.md"
TABLE_HEADER = "| who | where | what |"

# The README's words for who, and the role the test signs in as (None: not signed in).
WHO = {
    "anyone": None,
    "social worker": UserRole.CANDIDATE,
    "recruiter": UserRole.RECRUITER,
    "council administrator": UserRole.ORG_ADMIN,
    "programme lead": UserRole.PROGRAMME_LEAD,
    "platform administrator": UserRole.ADMIN,
}


def readme_rows(text: str) -> list[tuple[str, list[str]]]:
    """(who, paths) for each row of the table under TABLE_HEADER: each reader and each path named
    in backticks in the row's "where" cell."""
    lines = text.splitlines()
    start = lines.index(TABLE_HEADER) + 2  # past the header and the |---| line
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        who, where, _what = (cell.strip() for cell in line.strip("|").split("|"))
        rows.append((who, re.findall(r"`(/[^`]*)`", where)))
    return rows


def pairs() -> list[tuple[str, str]]:
    """Every (reader, path) the table promises."""
    found = []
    for who, paths in readme_rows(README.read_text()):
        for reader in (part.strip() for part in who.split(",")):
            found += [(reader, path) for path in paths]
    return found


def test_the_table_is_found_and_every_row_names_a_reader_and_a_path():
    rows = readme_rows(README.read_text())
    assert len(rows) >= 6
    for who, paths in rows:
        assert paths, f"the row for {who!r} names no path in backticks"
        for reader in who.split(","):
            assert reader.strip() in WHO, f"{reader.strip()!r}: say who in words this test knows: {sorted(WHO)}"


def _open_as(app, reader: str, path: str):
    """The final answer to ``path`` for ``reader``, following redirects (to a council's own page, say)."""
    role = WHO[reader]
    client = app.test_client()
    if role is not None:
        organisation = OrganisationFactory(name="Camden", slug="camden")
        user = UserFactory(role=role, organisation=organisation if role in (UserRole.RECRUITER, UserRole.ORG_ADMIN)
                           else None)
        if role == UserRole.CANDIDATE:
            CandidateProfileFactory(user=user)
        db.session.commit()
        helpers.sign_in_as(client, user)
    return client.get(path, follow_redirects=True)


@pytest.mark.parametrize(("reader", "path"), pairs(), ids=[f"{r}:{p}" for r, p in pairs()])
def test_every_path_the_readme_names_opens_for_its_reader(app, reader, path):
    response = _open_as(app, reader, path)
    assert response.status_code == 200, f"README promises {path} to a {reader}; it answers {response.status_code}"
    assert not response.request.path.startswith("/sign-in"), f"README promises {path} to a {reader}: sent to sign in"


def test_a_page_that_does_not_exist_or_is_not_theirs_would_fail(app):
    """The check above can fail: a missing page, and a page the row's reader may not open, are caught."""
    assert _open_as(app, "anyone", "/no-such-page").status_code == 404
    db.session.rollback()
    assert _open_as(app, "anyone", "/admin/").request.path.startswith("/sign-in")
