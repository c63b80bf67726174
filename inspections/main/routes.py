"""Role-aware home page, the language switch and /healthz."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, text

from .. import access
from ..extensions import db
from ..models import Campaign
from ..web import local_target

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    """One page per role: the visits an inspector or lead works on, the campaigns for staff,
    the unit's own pages for its representative."""
    if access.can(current_user, "unit.portal"):
        return redirect(url_for("unit.home"))
    visits = access.assigned_visits(current_user)
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.archived_at.is_(None)).order_by(Campaign.year.desc(), Campaign.id.desc())
    ).all() if access.can(current_user, "visits.view_all") else []
    return render_template("main/home.html", visits=visits, campaigns=campaigns)


@bp.post("/lang")
def set_language():
    """Switch the UI language; the choice is kept in the session (survives log-out)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        session.permanent = True
    return redirect(local_target(request.form.get("next") or request.referrer))


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify({"status": "error", "database": str(exc.__class__.__name__)}), 503
    return jsonify({"status": "ok", "database": "ok"})
