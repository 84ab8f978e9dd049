"""Blueprints, one per audience. Views parse the request, call a service and render."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from webapp.views.account import bp as account
    from webapp.views.admin import bp as admin
    from webapp.views.alerts import bp as alerts
    from webapp.views.bulletins import bp as bulletins
    from webapp.views.campaigns import bp as campaigns
    from webapp.views.campaigns import tracked
    from webapp.views.equal_opportunities import bp as equal_opportunities
    from webapp.views.equality import bp as equality
    from webapp.views.health import bp as health
    from webapp.views.insights import bp as insights
    from webapp.views.jobs import bp as jobs
    from webapp.views.matching import bp as matching
    from webapp.views.recruit import bp as recruit
    from webapp.views.supply_demand import bp as supply_demand
    from webapp.views.workforce import bp as workforce

    app.register_blueprint(health)
    app.register_blueprint(jobs)
    app.register_blueprint(account)
    app.register_blueprint(alerts)
    app.register_blueprint(equal_opportunities)
    app.register_blueprint(matching)
    app.register_blueprint(recruit, url_prefix="/recruit")
    app.register_blueprint(admin, url_prefix="/admin")
    app.register_blueprint(workforce, url_prefix="/insights/workforce")
    app.register_blueprint(supply_demand, url_prefix="/insights")
    app.register_blueprint(equality, url_prefix="/insights")
    app.register_blueprint(bulletins, url_prefix="/insights")
    app.register_blueprint(insights, url_prefix="/insights")
    # One campaigns blueprint, twice: a council's own campaigns, and the programme team's regional ones.
    app.register_blueprint(campaigns, url_prefix="/recruit/campaigns", name="recruit_campaigns")
    app.register_blueprint(campaigns, url_prefix="/insights/campaigns", name="lead_campaigns")
    app.register_blueprint(tracked)
