"""Blueprints, one per audience. Views parse the request, call a service and render."""
from __future__ import annotations

from flask import Flask

from webapp.views import (
    about,
    account,
    admin,
    alerts,
    api_keys,
    applying,
    bulletins,
    campaigns,
    equal_opportunities,
    equality,
    exports,
    health,
    inbox,
    insights,
    jobs,
    matching,
    messages,
    notifications,
    recruit,
    references,
    saved_jobs,
    supply_demand,
    vacancy_import,
    syndication,
    webhooks,
    workforce,
)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(health.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(about.bp)
    app.register_blueprint(syndication.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(alerts.bp)
    app.register_blueprint(equal_opportunities.bp)
    app.register_blueprint(applying.bp)
    app.register_blueprint(references.bp)
    app.register_blueprint(matching.bp)
    app.register_blueprint(saved_jobs.bp)
    app.register_blueprint(recruit.bp, url_prefix="/recruit")
    app.register_blueprint(vacancy_import.bp, url_prefix="/recruit/vacancies/import")
    app.register_blueprint(inbox.bp, url_prefix="/recruit")
    app.register_blueprint(messages.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(webhooks.bp, url_prefix="/recruit/webhooks")
    app.register_blueprint(api_keys.bp, url_prefix="/recruit/api-keys")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(workforce.bp, url_prefix="/insights/workforce")
    app.register_blueprint(supply_demand.bp, url_prefix="/insights")
    app.register_blueprint(equality.bp, url_prefix="/insights")
    app.register_blueprint(bulletins.bp, url_prefix="/insights")
    app.register_blueprint(insights.bp, url_prefix="/insights")
    app.register_blueprint(exports.bp, url_prefix="/insights")
    # One campaigns blueprint, twice: a council's own campaigns, and the programme team's regional ones.
    app.register_blueprint(campaigns.bp, url_prefix="/recruit/campaigns", name="recruit_campaigns")
    app.register_blueprint(campaigns.bp, url_prefix="/insights/campaigns", name="lead_campaigns")
    app.register_blueprint(campaigns.tracked)
