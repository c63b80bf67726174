"""Remedy pages (/remedies): the unit's representative reports, the lead or a coordinator reviews.

- GET  /remedies/                                  the recommendations of final visits the user may
                                                   see, with their status (filter ?status=)
- GET  /remedies/visits/<id>                       one final visit as the unit reads it: the record's
                                                   conclusions, shortcomings and recommendations
- GET  /remedies/recommendations/<id>              one recommendation, its reports, the forms
- POST /remedies/recommendations/<id>/report       the unit's report (text, date, evidence files)
- POST /remedies/recommendations/<id>/accept       the lead or a coordinator accepts
- POST /remedies/recommendations/<id>/return       ... or returns it with a comment (required)
- GET  /remedies/evidence/<uuid>                   an evidence file of a remedy report

Access is access.py's (remedies.use, recommendation.view, remedy.report, remedy.review); a
recommendation the user may not see is a 404. Each request commits once.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _, to_user_timezone
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import access
from ..attachments import can_read_attachment, find_attachment, storage_path
from ..core.clock import local_today
from ..core.remedies import REPORT_STATE_LABELS, STATUS_LABELS, STATUSES
from ..extensions import db
from ..models import Recommendation, Shortcoming, Team, Visit, VisitReport
from . import services

bp = Blueprint("remedies", __name__, url_prefix="/remedies")


@bp.context_processor
def helpers():
    def local_datetime(value):
        return to_user_timezone(value).strftime("%d/%m/%Y %H:%M") if value else ""

    return {"local_datetime": local_datetime}


def _labels() -> dict:
    return {"status": STATUS_LABELS, "report": REPORT_STATE_LABELS}


@bp.get("/")
@login_required
def index():
    access.require("remedies.use")
    today = local_today()
    raw = request.args.get("status")
    try:
        status = services.parse_status_filter(raw)
    except ValueError:
        flash(_("Unknown status filter; showing every recommendation."), "error")
        status = None
    stmt = services.filtered(access.visible_recommendations(current_user), status, None, today).options(
        selectinload(Recommendation.visit).selectinload(Visit.unit),
        selectinload(Recommendation.visit).selectinload(Visit.team).selectinload(Team.campaign),
        selectinload(Recommendation.remedy_reports),
    ).order_by(Visit.id, Recommendation.position, Recommendation.id)
    rows = db.session.scalars(stmt).all()
    by_visit: dict[int, list[Recommendation]] = {}
    for rec in rows:
        by_visit.setdefault(rec.visit_id, []).append(rec)
    groups = [(recs[0].visit, recs) for recs in by_visit.values()]
    return render_template("remedies/index.html", groups=groups, status=status, today=today,
                           labels=_labels(), display_status=services.display_status,
                           statuses=STATUSES)


def _load(rec_id: int, action: str = "recommendation.view") -> Recommendation:
    rec = db.get_or_404(Recommendation, rec_id)  # the <int:> converter bounds the id
    access.require(action, rec)
    return rec


@bp.get("/visits/<int:visit_id>")
@login_required
def visit(visit_id: int):
    """A final visit's conclusions and recommendations, as its unit reads them."""
    visit = db.get_or_404(Visit, visit_id)
    access.require("visit.conclusions", visit)
    recs = db.session.scalars(select(Recommendation).where(Recommendation.visit_id == visit.id)
                              .order_by(Recommendation.position, Recommendation.id)).all()
    report = db.session.scalar(select(VisitReport).where(VisitReport.visit_id == visit.id))
    shortcomings = db.session.scalars(select(Shortcoming).where(Shortcoming.visit_id == visit.id)
                                      .order_by(Shortcoming.position, Shortcoming.id)).all()
    return render_template("remedies/visit.html", visit=visit, report=report, shortcomings=shortcomings,
                           recommendations=recs, today=local_today(), labels=_labels(),
                           display_status=services.display_status)


@bp.get("/recommendations/<int:rec_id>")
@login_required
def recommendation(rec_id: int):
    rec = _load(rec_id)
    return _render_recommendation(rec)


def _render_recommendation(rec: Recommendation, errors=None, form=None, status: int = 200):
    today = local_today()
    page = render_template(
        "remedies/recommendation.html", rec=rec, visit=rec.visit, today=today, labels=_labels(),
        status=services.display_status(rec, today), pending=services.pending_report(rec),
        errors={e.field: e.message for e in (errors or [])}, form=form or {},
        may_report=access.can(current_user, "remedy.report", rec) and rec.remedy_status == "open",
        may_review=access.can(current_user, "remedy.review", rec),
        max_files=services.MAX_FILES)
    return page, status


@bp.post("/recommendations/<int:rec_id>/report")
@login_required
def report(rec_id: int):
    rec = _load(rec_id, "remedy.report")
    data = {"text": request.form.get("text"), "done_on": request.form.get("done_on")}
    uploads = [services.Upload(f.filename or "", f.read()) for f in request.files.getlist("evidence")]
    try:
        services.submit_report(rec, current_user, data, uploads)
        db.session.commit()
    except services.RemedyError as error:
        db.session.rollback()
        rec = db.get_or_404(Recommendation, rec_id)
        flash(error.message, "error")
        return _render_recommendation(rec, errors=error.fields, form=data,
                                      status=error.status)
    flash(_("Remedy report sent. The team lead will review it."), "success")
    return redirect(url_for(".recommendation", rec_id=rec.id))


def _review(rec_id: int, accept: bool):
    rec = _load(rec_id, "remedy.review")
    comment = request.form.get("comment")
    try:
        if accept:
            services.accept_report(rec, current_user, comment)
        else:
            services.return_report(rec, current_user, comment)
        db.session.commit()
    except services.RemedyError as error:
        db.session.rollback()
        rec = db.get_or_404(Recommendation, rec_id)
        flash(error.message, "error")
        return _render_recommendation(rec, errors=error.fields, form={"comment": comment or ""},
                                      status=error.status)
    flash(_("Remedy accepted: the recommendation is remedied.") if accept
          else _("Remedy report returned to the unit with your comment."), "success")
    return redirect(url_for(".recommendation", rec_id=rec.id))


@bp.post("/recommendations/<int:rec_id>/accept")
@login_required
def accept(rec_id: int):
    return _review(rec_id, True)


@bp.post("/recommendations/<int:rec_id>/return")
@login_required
def return_report(rec_id: int):
    return _review(rec_id, False)


@bp.get("/evidence/<attachment_uuid>")
@login_required
def evidence(attachment_uuid: str):
    """An evidence file of a remedy report, for whoever may see its recommendation (else 404)."""
    row = find_attachment(attachment_uuid)
    if row is None or row.remedy_report_id is None or not can_read_attachment(current_user, row):
        abort(404)
    try:
        path = storage_path(row.storage_key)
    except ValueError:
        abort(404)
    if not path.exists():
        current_app.logger.error("remedy evidence %s is missing on disk at %s", row.uuid, path)
        abort(404)
    response = send_file(path, mimetype=row.mime, download_name=row.filename,
                         as_attachment=request.args.get("download") == "1", conditional=True,
                         etag=row.sha256, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'")
    return response

