"""Public pages for social workers: home, job search, job pages, applying, councils, news."""
from flask import Blueprint, render_template

bp = Blueprint("jobs", __name__)


@bp.get("/")
def home():
    return render_template("jobs/home.html", title=None)


@bp.get("/jobs")
def search():
    return render_template("jobs/home.html", title="Find a job")


@bp.get("/councils")
def councils():
    return render_template("jobs/home.html", title="Councils")


@bp.get("/news")
def news():
    return render_template("jobs/home.html", title="News")
