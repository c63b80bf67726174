"""HTML log-in and log-out."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from .forms import LoginForm
from .services import authenticate

bp = Blueprint("auth", __name__)


def lockout_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _("Too many wrong passwords for this account. It is locked for %(minutes)d more minute(s).", minutes=minutes)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.username.data, form.password.data)
        db.session.commit()
        if result.ok:
            login_user(result.user, remember=form.remember.data)
            target = request.args.get("next", "")
            if not target or urlsplit(target).netloc or not target.startswith("/") or target.startswith("//"):
                target = url_for("main.home")
            return redirect(target)
        if result.locked_seconds:
            flash(lockout_message(result.locked_seconds), "error")
            status = 429
        else:
            flash(_("Wrong username or password."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
