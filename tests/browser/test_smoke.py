"""The home page renders in a real browser with our own styles and no external requests."""


def test_home_page_in_chromium(live_app, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_app.config["LIVE_URL"] + "/")
    assert page.locator("h1").first.is_visible()
    # Every asset is served by the app itself: no CDN, no font service.
    assert requested and all(url.startswith(live_app.config["LIVE_URL"]) for url in requested), requested
    # No GOV.UK crown or GDS Transport: the header is our generic one and the font is the system stack.
    assert page.locator(".govuk-generic-header").count() == 1
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font
