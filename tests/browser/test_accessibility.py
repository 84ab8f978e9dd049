"""Every page of every role passes axe-core's WCAG 2.2 A and AA rules at 1280 and 375 px, and fits 320 px.

The pages are the access matrix's (tests/test_access_matrix.py): every GET route a role may open (a
200 in its RULES row), on the matrix's own world of rows, so a new route is checked here as soon as it
has its row. Form pages are also checked with their errors shown (each form the matrix says answers an
empty post with a 400 is sent emptied) and with every conditional reveal open. The last test is one
journey by keyboard alone: the skip link, a search, a job, signing in and starting an application.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.axe import describe, run_axe
from tests.factories import PASSWORD
from tests.test_access_matrix import RULES, build_world
from webapp.extensions import db
from webapp.models import Bulletin
from webapp.services import bulletins

WIDTHS = (1280, 375)
NARROWEST = 320  # WCAG 1.4.10 reflow: nothing may scroll sideways at 320 CSS px
ROLES = ("anonymous", "candidate", "recruiter", "council_admin", "programme_lead", "platform_admin")
# Not checked: static files, and the API's browsable documentation, which is Swagger UI's own page (its
# nested buttons and colours are the library's; the same document is /api/v1/openapi.json). Any other
# answer that is not HTML (CSV, PDF, feeds, JSON) is passed over as it comes.
NOT_PAGES = {"static", "api_docs.browsable_docs"}


@pytest.fixture(scope="module")
def world(live_app):
    """The access matrix's rows in the live app: (base URL, each role's email, the paths' values)."""
    with live_app.app_context():
        built = build_world()
        # The matrix's bulletins hold a stand-in fragment; these pages are the real ones, as a build makes them.
        for bulletin in db.session.scalars(sa.select(Bulletin)):
            figures = bulletins.bulletin_figures(bulletin.month, bulletin.organisation)
            bulletin.html = bulletins.render_html(figures)
        db.session.commit()
        emails = {role: user.email for role, user in built.users.items()}
        values = dict(built.values)
        db.session.remove()
    return live_app.config["LIVE_URL"], emails, values


def _context(browser, width: int = WIDTHS[0]) -> BrowserContext:
    # bypass_csp: the only script added is axe-core's, by the test; the site's own CSP is tested elsewhere.
    return browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/sign-in"))


# The public pages (a job, the councils, the pages about the service) are checked as a visitor and as a
# social worker, who sees them with saving and applying; staff see the same pages with only their own
# navigation, which is checked on every page of their own.
SEES_THE_PUBLIC_PAGES = ("anonymous", "candidate")


def _pages_for(role: str, values: dict) -> list[tuple[str, str]]:
    """(endpoint, path) of every GET the matrix lets ``role`` open."""
    return [(endpoint, rule.path.format(**values)) for (endpoint, method), rule in RULES.items()
            if method == "GET" and rule.answers[role] == 200 and endpoint not in NOT_PAGES
            and (role in SEES_THE_PUBLIC_PAGES or rule.answers["anonymous"] != 200)]


# Filter forms that are sent by GET: each page also with filters it must refuse, so its error summary is checked.
REFUSED_FILTERS = {
    "jobs.search": "&salary=lots&max_caseload=many&near=Nowhere%20at%20all&miles=far",
    "insights.dashboard": "?from=2026-02-30&to=soon&by=nothing&council=nowhere",
}


def _changes_nothing(answers: dict) -> bool:
    """An empty post every role has refused: the matrix runs its roles in turn, so a 400 for one role may
    only mean another had already made the change (closing a vacancy); such forms are not sent."""
    return all(not isinstance(answer, int) or answer >= 400 for answer in answers.values())


def _forms_for(role: str, values: dict, pages: list[tuple[str, str]]) -> list[str]:
    """Paths whose GET page is the role's and whose empty POST the matrix answers with a 400: forms with errors."""
    shown = {path for _, path in pages}
    return sorted({rule.path.format(**values) for (endpoint, method), rule in RULES.items()
                   if method == "POST" and rule.answers[role] == 400 and _changes_nothing(rule.answers)
                   and rule.path.format(**values) in shown})


FORM_POSTS_HERE = """(action) => [...document.querySelectorAll('form[method="post" i]')]
  .some(f => new URL(f.action, location.href).pathname === action)"""
EMPTY_THE_FORM = """(action) => {
  const form = [...document.querySelectorAll('form[method="post" i]')]
    .find(f => new URL(f.action, location.href).pathname === action);
  form.noValidate = true;
  for (const field of form.elements) {
    if (field.type === 'hidden' || field.type === 'submit' || field.tagName === 'BUTTON') continue;
    if (field.type === 'radio' || field.type === 'checkbox') field.checked = false;
    else if (field.tagName === 'SELECT') field.selectedIndex = 0;
    else if (field.type !== 'file') field.value = '';
  }
  form.requestSubmit();
}"""

OPEN_EVERY_REVEAL = """() => {
  const controls = [...document.querySelectorAll(
    '.govuk-radios__input[data-aria-controls], .govuk-checkboxes__input[data-aria-controls],'
    + '.govuk-radios__input[aria-controls], .govuk-checkboxes__input[aria-controls]')];
  controls.forEach(input => { if (!input.checked) input.click(); });
  return controls.length;
}"""


# Each link in an error summary must lead to the field it is about (GOV.UK's error summary; WCAG 3.3.1).
UNLINKED_ERRORS = """() => [...document.querySelectorAll('.govuk-error-summary__list a')]
  .map(a => a.getAttribute('href'))
  .filter(href => !href || !href.startsWith('#') || !document.getElementById(decodeURIComponent(href.slice(1))))"""
# The innermost elements that reach past the screen's right edge, to say what makes a page too wide.
STICKING_OUT = """(width) => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > width + 1 && ![...el.children].some(
    child => child.getBoundingClientRect().right > width + 1))
  .slice(0, 3)
  .map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} `
             + `"${(el.innerText || '').trim().slice(0, 40)}"`)"""
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


class Findings:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pages = 0

    def check(self, page: Page, where: str, widths=WIDTHS) -> None:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(NEXT_FRAME)  # the page's resize observers have run, as before anyone sees it
            self.lines += describe(f"{where} at {width} px", run_axe(page))
        for href in page.evaluate(UNLINKED_ERRORS):
            self.lines.append(f"{where}: the error summary's link {href} leads to no field")
        page.set_viewport_size({"width": NARROWEST, "height": 900})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > NARROWEST:
            self.lines.append(f"{where}: {scroll_width} px wide at {NARROWEST} px (scrolls sideways): "
                              + "; ".join(page.evaluate(STICKING_OUT, NARROWEST)))
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        self.pages += 1


def _is_page(response) -> bool:
    return response is not None and response.headers.get("content-type", "").startswith("text/html")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_passes_axe_and_fits_a_phone(browser, world, role):
    base, emails, values = world
    context = _context(browser)
    page = context.new_page()
    page.set_default_timeout(15000)
    if role != "anonymous":
        _sign_in(page, base, emails[role])
    findings = Findings()
    pages = _pages_for(role, values)
    for endpoint, path in pages:
        # Files (CSV, PDF, feeds, JSON) are not pages: asked for first, so the browser never downloads one.
        if not _is_page(context.request.get(base + path, max_redirects=0)):
            continue
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{role} {path}: {response and response.status}"
        findings.check(page, f"{role} {path}")
        if page.evaluate(OPEN_EVERY_REVEAL):
            findings.check(page, f"{role} {path} (conditional questions open)", widths=WIDTHS[:1])
    for endpoint, path in pages:
        if endpoint in REFUSED_FILTERS:
            page.goto(base + path + REFUSED_FILTERS[endpoint])
            findings.check(page, f"{role} {path + REFUSED_FILTERS[endpoint]} (filters refused)")
    for path in _forms_for(role, values, pages):
        page.goto(base + path)
        action = urlsplit(base + path).path
        if not page.evaluate(FORM_POSTS_HERE, action):
            continue  # the page explains why there is nothing to send yet (its post is a 400 in the matrix too)
        with page.expect_navigation():
            page.evaluate(EMPTY_THE_FORM, action)
        findings.check(page, f"{role} {path} (sent empty)")
    context.close()
    assert findings.pages >= 5, f"{role}: only {findings.pages} pages checked"
    assert not findings.lines, (f"{len(findings.lines)} accessibility problems on {role}'s pages:\n"
                                + "\n".join(findings.lines))


# --- One journey by keyboard alone -----------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  // GOV.UK's focus state: the yellow fill with a black underline (links, buttons) or a thick outline (fields).
  const ring = style.boxShadow !== 'none'
    || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
        && !/rgba\\(.*, 0\\)$/.test(style.outlineColor));
  return {tag: el.tagName, id: el.id, text: (el.innerText || el.value || '').trim().slice(0, 80),
          href: el.getAttribute('href') || '', ring, shown: box.width > 0 && box.height > 0};
}"""


def _focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def _tab_to(page: Page, wanted, what: str, limit: int = 80) -> dict:
    """Press Tab until ``wanted(focused)``; every stop on the way must show where the focus is."""
    trail = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused is not None, f"Tab lost the focus on the way to {what} on {page.url}, after {trail}"
        trail.append(focused["text"] or focused["id"] or focused["tag"])
        assert focused["ring"] and focused["shown"], f"no visible focus on {focused} (on the way to {what})"
        if wanted(focused):
            return focused
    pytest.fail(f"{what} is not reachable with Tab within {limit} presses on {page.url}")


def test_a_social_worker_finds_a_job_and_starts_an_application_by_keyboard_alone(browser, world):
    base, emails, _ = world
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/")
    # The first Tab shows the skip link; Enter moves the focus to the page's main content.
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["text"] == "Skip to main content" and skip["ring"] and skip["shown"], skip
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    # Search from the home page.
    _tab_to(page, lambda f: f["id"] == "q", "the search box")
    page.keyboard.type("practitioner")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "/jobs?" in page.url and "q=practitioner" in page.url
    # Open the job from the results.
    _tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Senior Practitioner", "the job in the results")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Senior Practitioner")
    # Apply: sign in first, then back to the application's start page.
    _tab_to(page, lambda f: f["text"] == "Apply for this job", "the apply button")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "/sign-in" in page.url
    _tab_to(page, lambda f: f["id"] == "email", "the email field")
    page.keyboard.type(emails["other_candidate"])  # the matrix's second social worker has not applied yet
    _tab_to(page, lambda f: f["id"] == "password", "the password field")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Apply for Senior Practitioner")
    start = _tab_to(page, lambda f: f["id"] == "start-application", "Start application")
    assert start["tag"] in ("BUTTON", "INPUT"), start
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Space")  # a button answers Space as well as Enter
    assert re.search(r"/apply/\d+$", page.url), page.url
    expect(page.locator("h1")).to_be_visible()
    context.close()
