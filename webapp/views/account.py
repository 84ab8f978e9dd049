"""Social workers' accounts: register, sign in and out, password reset, profile, applications, follows."""
from flask import Blueprint

bp = Blueprint("account", __name__)


@bp.get("/sign-in")
def sign_in():
    return "sign in"


@bp.get("/register")
def register():
    return "register"


@bp.get("/sign-out")
def sign_out():
    return "sign out"


@bp.get("/account/profile")
def profile():
    return "profile"


@bp.get("/account/applications")
def applications():
    return "applications"
