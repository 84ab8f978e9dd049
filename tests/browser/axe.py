"""axe-core (from npm, tests/browser/node_modules) run in a page by Playwright, and its findings in words.

The page's Content-Security-Policy allows only scripts with its nonce, so a context that runs axe is
opened with ``bypass_csp=True`` (axe_context): the injected script is the test's, never the site's.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a tag: 2.2's new A criteria carry wcag21a's tags).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `npm ci` in tests/browser (make test does).")
    return AXE.read_text(encoding="utf-8")


def run_axe(page: Page) -> list[dict[str, Any]]:
    """The page's violations of WCAG 2.2 A and AA, as axe reports them."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate(f"async () => (await axe.run(document, {json.dumps(options)})).violations")


def describe(where: str, violations: list[dict[str, Any]]) -> list[str]:
    """One line a violation: where, the rule, what it means, and the first few elements it found."""
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                            for node in violation["nodes"][:3])
        more = f" (+{len(violation['nodes']) - 3} more)" if len(violation["nodes"]) > 3 else ""
        lines.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}{more}")
    return lines
