"""Platform administration: the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.get("/audit")
def audit_log():
    return "audit"
