"""Insights charts on a phone and a desktop: drawn to their container, text at least 14 px as rendered
(font size times the SVG's scale on screen), x-axis labels that never overlap, no sideways scrolling,
and every chart's table under "Show as table"."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from tests.browser.pages import fits_the_screen, shot, sign_in
from webapp.demo.seed import seed_demo
from webapp.extensions import db

PAGES = {
    "insights-30-days": "/insights",
    "insights-year": "/insights?from={year_ago}&to={today}",
    "workforce-region": "/insights/workforce/",
    "workforce-council": "/insights/workforce/councils/camden",
}

# For every chart's text that is shown: its size as drawn on screen. An SVG with a viewBox scales text
# with the drawing (getScreenCTM().a is that scale), which is how 12 px labels once became 6 px.
RENDERED_TEXT = """() => [...document.querySelectorAll('.app-chart text')]
  .filter(t => getComputedStyle(t).display !== 'none' && t.getBoundingClientRect().width > 0)
  .map(t => ({text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
              box: t.getBoundingClientRect().toJSON(), axis: !!t.closest('.app-plot__x'),
              chart: t.closest('figure').id}))
  .concat([...document.querySelectorAll('.app-chart :is(figcaption, li, p)')]
    .filter(e => e.getBoundingClientRect().width > 0)
    .map(e => ({text: e.textContent.trim().slice(0, 40), px: parseFloat(getComputedStyle(e).fontSize),
                box: e.getBoundingClientRect().toJSON(), axis: false, chart: e.closest('figure').id})))"""


@pytest.fixture(scope="module")
def demo(live_app):
    with live_app.app_context():
        seed_demo(db.session, seed=3)
        db.session.remove()
    return live_app


@pytest.mark.parametrize("width", [375, 1280])
def test_chart_text_is_readable_and_tables_are_behind_show_as_table(demo, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page: Page = context.new_page()
    page.set_default_timeout(20000)
    base = demo.config["LIVE_URL"]
    sign_in(page, base, "lead@london.example.org", "lead-demo-pass")
    today = dt.date.today()
    try:
        for name, path in PAGES.items():
            page.goto(base + path.format(today=today, year_ago=today - dt.timedelta(days=364)))
            assert page.locator(".app-chart").count() >= 2, name
            assert page.locator(".app-chart svg[viewBox]").count() == 0, f"{name}: a viewBox scales text down"
            texts = page.evaluate(RENDERED_TEXT)
            assert texts, name
            small = [t for t in texts if t["px"] < 14]
            assert not small, f"{name} at {width}px: text under 14 px: {small[:3]}"
            for chart in {t["chart"] for t in texts if t["axis"]}:
                boxes = sorted((t["box"] for t in texts if t["axis"] and t["chart"] == chart), key=lambda b: b["x"])
                for left, right in zip(boxes, boxes[1:]):
                    assert left["x"] + left["width"] <= right["x"] + 0.5, f"{name} {chart}: axis labels overlap"
            # Every chart fits the page's column, and so does the page.
            column = page.evaluate("document.querySelector('main').getBoundingClientRect().right")
            for right in page.evaluate("[...document.querySelectorAll('.app-chart')].map(f => f.getBoundingClientRect().right)"):
                assert right <= column + 1
            fits_the_screen(page, width)
            details = page.locator("details.app-chart-table")
            assert details.count() >= 1 and not details.first.evaluate("d => d.open")
            assert details.first.locator("table").count() == 1
            shot(page, f"insights-charts-{name}-{width}")
        # The funnel's job views are a ratio to visitors, never a conversion over 100%.
        page.goto(base + "/insights")
        page.locator("#table-details-funnel summary").click()
        conversions = page.locator("#table-funnel td[data-column='rate']").all_inner_texts()
        assert all(c.strip() in ("–", "") or float(c.replace(",", "")) <= 100 for c in conversions), conversions
        assert "per 100 visitors" in page.locator("#chart-funnel").inner_text()
    finally:
        context.close()
