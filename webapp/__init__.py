"""The cswjobs web application: create_app() builds it for a configuration."""
from __future__ import annotations

from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from webapp import api, outbox
from webapp.cli import register_cli
from webapp.extensions import csrf, db, limiter, login_manager, mailman, migrate
from webapp.outbox.topics import MAIL_QUEUED, ORGANISATION_CHANGED, PROFILE_CHANGED, VACANCY_CHANGED, WEBHOOK_EVENT
from webapp.search import sync as search_sync
from webapp.services import alerts, indexing_notifier, matching_sync, outgoing_mail
from webapp.services.webhooks import delivery as webhook_delivery
from webapp.views import register_blueprints
from webapp.web import assets, edge, errors, security, templating
from webapp.web import logging as web_logging
from webapp.web import metrics


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings are read from the environment now (then ``overrides``) and checked."""
    settings = config.load(config_name, overrides)
    app = Flask(__name__, instance_path=str(settings["INSTANCE_PATH"].resolve()))
    app.config.update(settings)
    settings["INSTANCE_PATH"].mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    assets.init_app(app)  # first: its after_request (compression) then runs after every other one
    web_logging.init_app(app)
    metrics.init_app(app)

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("webapp"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    mailman.init_app(app)
    WTFormsHelpers(app)
    security.init_app(app)
    edge.init_app(app)  # before the blueprints: their <int:...> ids use its converter
    errors.init_app(app)
    templating.init_app(app)
    # Who hears which change: each handler re-reads the rows by id, so a retry is harmless.
    outbox.init_app(app, subscriptions={
        VACANCY_CHANGED: (search_sync.vacancies_changed, matching_sync.vacancies_changed,
                          indexing_notifier.vacancies_changed, alerts.vacancies_indexed),
        ORGANISATION_CHANGED: (search_sync.organisations_changed,),
        PROFILE_CHANGED: (matching_sync.profiles_changed,),
        MAIL_QUEUED: (outgoing_mail.mail_queued,),
        WEBHOOK_EVENT: (webhook_delivery.events_recorded,),
    })
    register_blueprints(app)
    api.init_app(app)  # /api/v1: the OpenAPI document, its browsable docs and every API blueprint
    register_cli(app)
    return app
