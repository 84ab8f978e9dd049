"""What browser tests do on any page: take a screenshot into test-artifacts/, sign in through the form."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, base: str, address: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#email", address)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/sign-in"))  # on a phone the navigation is folded behind "Menu"


def fits_the_screen(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
