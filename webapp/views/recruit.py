"""Borough recruiters: their council's vacancies and the applications to them."""
from flask import Blueprint

bp = Blueprint("recruit", __name__)


@bp.get("/vacancies")
def vacancies():
    return "vacancies"
