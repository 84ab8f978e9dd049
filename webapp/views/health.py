"""`/healthz`: is this instance able to serve? Cheap enough for a load balancer to call often."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from webapp.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
