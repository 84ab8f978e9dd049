"""A social worker's own equal-opportunities answers: optional, changeable and deletable at any time.

Only the person themselves ever sees their answers. Nothing here is logged or audited: even
the fact that someone answered stays out of the logs.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for

from domain.equality import CHARACTERISTICS
from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.account import ConfirmForm
from webapp.forms.equality import EqualityForm
from webapp.web.access import role_required, signed_in_user
from webapp.web.confirm import Confirmation, confirm_page
from webapp.web.forms import failed_post, form_page
from webapp.services import equality

bp = Blueprint("equal_opportunities", __name__)

candidate_required = role_required(UserRole.CANDIDATE)



@bp.route("/account/equal-opportunities", methods=["GET", "POST"])
@candidate_required
def answers():
    row = equality.answers_for(signed_in_user())
    form = EqualityForm.for_answers(row)
    if form.validate_on_submit():
        try:
            equality.save_answers(signed_in_user(), form.answers())
        except equality.AnswersInvalid as problem:  # the form checks the same lists; belt and braces
            failed_post(form, {"submit": str(problem)})
        else:
            db.session.commit()
            flash("Thank you. Your answers have been saved.", "success")
            return redirect(url_for("equal_opportunities.answers"))
    return form_page("equal_opportunities/answers.html", form=form, has_answers=row is not None,
                     delete_form=ConfirmForm(), characteristics=CHARACTERISTICS)


@bp.route("/account/equal-opportunities/delete", methods=["GET", "POST"])
@candidate_required
def delete():
    """GET asks "Delete your answers?"; only the POST from that page deletes them."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirm_page(Confirmation(
            heading="Delete your equal opportunities answers?",
            does=("All your answers are deleted. Counts already published are not affected, as they never "
                  "showed anyone.", "You can answer again at any time."),
            warning="You cannot get these answers back.",
            button="Yes, delete my answers",
            cancel_url=url_for("equal_opportunities.answers"),
        ), form)
    deleted = equality.delete_answers(signed_in_user())
    db.session.commit()
    flash("Your equal opportunities answers have been deleted." if deleted else "You had no answers to delete.",
          "success")
    return redirect(url_for("equal_opportunities.answers"))
