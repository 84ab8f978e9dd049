"""The cswjobs web application: create_app() builds it for a configuration."""
from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from config import PROJECT_ROOT, config_class


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    cfg = config_class(config_name)
    app = Flask(__name__, instance_path=str(cfg.INSTANCE_PATH))
    app.config.from_object(cfg)
    app.config.update(overrides or {})
    app.config["CONFIG_NAME"] = cfg.NAME
    if hasattr(cfg, "check"):
        cfg.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

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

    from govuk_frontend_wtf.main import WTFormsHelpers

    from webapp.web import errors, security, templating
    from webapp.cli import register_cli
    from webapp.extensions import csrf, db, limiter, login_manager, migrate
    from webapp.outbox.hooks import install_outbox_hooks
    from webapp.views import register_blueprints
    from webapp.search import sync as _search_sync  # noqa: F401  (subscribes the index to the outbox relay)
    from workers import embeddings as _embeddings  # noqa: F401  (subscribes embeddings to the outbox relay)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    install_outbox_hooks()
    register_blueprints(app)
    register_cli(app)
    if app.config["EMBEDDED_SCHEDULER"] and app.config["TASKS_MODE"] == "inline":
        from workers.embedded_scheduler import start_embedded_scheduler

        app.extensions["cswjobs_scheduler"] = start_embedded_scheduler(app)
    return app
