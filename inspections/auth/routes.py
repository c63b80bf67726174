"""HTML log-in and log-out."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import sessions
from ..extensions import db
from ..web import local_target
from .forms import LoginForm
from .services import authenticate, usable_text

bp = Blueprint("auth", __name__)


def lockout_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _("Too many wrong passwords. Logging in is paused; try again in %(minutes)d minute(s).", minutes=minutes)


def busy_message() -> str:
    return _("Many people are logging in right now. Try again in a few seconds.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.username.data, form.password.data, request.remote_addr)
        db.session.commit()
        if result.ok:
            sessions.start(result.user, remember=form.remember.data)
            return redirect(local_target(request.args.get("next")))
        if result.busy:
            flash(busy_message(), "error")
            status = 503
        elif result.retry_after:
            flash(lockout_message(result.retry_after), "error")
            status = 429
        else:
            flash(_("Wrong username or password."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    if not usable_text(form.username.data or ""):
        form.username.data = ""  # a NUL or lone surrogate cannot be shown again (nor encoded)
    response = render_template("auth/login.html", form=form), status
    if status in (429, 503):
        return response[0], status, {"Retry-After": str(result.retry_after)}
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out here and end every other session of the user too (a copied cookie stops working)."""
    if current_user.is_authenticated:
        sessions.end_everywhere(current_user)
        db.session.commit()
    sessions.end_here()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
