"""Remedies as JSON under /api/v1 (see services.py for the flow).

- GET  recommendations                      the recommendations of final visits the user may see
                                            (a unit's rep: its own; a team member: the team's;
                                            coordinators: all); filters `status`
                                            (open|reported|remedied|overdue) and `overdue` (true|false)
- POST recommendations/<id>/remedy-reports  the unit's report: JSON {text, done_on} or
                                            multipart/form-data with the same fields and files
                                            under `evidence` (evidence travels in the request)
- POST recommendations/<id>/accept          {comment?}  the lead or a coordinator
- POST recommendations/<id>/return          {comment}   required

Answers: 400 malformed body or filter (naming the parameter) · 401 · 403 · 404 a recommendation
the user may not see · 409 not in a state for this (awaiting review, already remedied, nothing
to review, someone else first) · 413 · 422 {"error": "invalid", "fields": [{item, field, message, kind}]}.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from .. import access
from ..api import read_json_object
from ..core.clock import local_today
from ..core.errors import FieldError, json_error
from ..core.remedies import STATUSES
from ..extensions import db
from ..models import Recommendation, RemedyReport, Team, Visit
from . import services

bp = Blueprint("remedies_api", __name__, url_prefix="/api/v1")


def recommendation_json(rec: Recommendation, today) -> dict[str, Any]:
    visit = rec.visit
    return {
        "id": rec.id, "visit_id": rec.visit_id, "section": rec.section, "text": rec.text,
        "responsible": rec.responsible,
        "remedy_deadline": rec.remedy_deadline.isoformat() if rec.remedy_deadline else None,
        "status": services.display_status(rec, today), "stored_status": rec.remedy_status,
        "overdue": services.is_overdue(rec, today),
        "unit": {"id": visit.unit.id, "code": visit.unit.code, "name": visit.unit.name},
        "team": {"id": visit.team.id, "name": visit.team.name},
        "campaign": {"id": visit.team.campaign.id, "name": visit.team.campaign.name},
        "remedy_reports": [services.report_json(r) for r in rec.remedy_reports],
    }


def load(rec_id: int, action: str) -> Recommendation:
    rec = db.session.get(Recommendation, rec_id)  # the <int:> converter bounds the id
    if rec is None:
        abort(404)
    access.require(action, rec)  # 404 for a recommendation the user may not see, else 403
    return rec


@bp.get("/recommendations")
@login_required
def list_recommendations():
    access.require("remedies.use")
    today = local_today()
    try:
        status = services.parse_status_filter(request.args.get("status"))
    except ValueError:
        message = _("The filter %(name)s must be one of: %(values)s.",
                    name="status", values=", ".join(STATUSES))
        return json_error(400, "bad_request", message, [FieldError("status", message)])
    try:
        overdue = services.parse_bool_filter(request.args.get("overdue"))
    except ValueError:
        message = _("The filter %(name)s must be true or false.", name="overdue")
        return json_error(400, "bad_request", message, [FieldError("overdue", message)])
    stmt = access.visible_recommendations(current_user)
    stmt = services.filtered(stmt, status, overdue, today).options(
        selectinload(Recommendation.visit).selectinload(Visit.unit),
        selectinload(Recommendation.visit).selectinload(Visit.team).selectinload(Team.campaign),
        selectinload(Recommendation.remedy_reports).selectinload(RemedyReport.evidence),
    ).order_by(Recommendation.remedy_deadline.is_(None), Recommendation.remedy_deadline,
               Recommendation.visit_id, Recommendation.position, Recommendation.id)
    rows = db.session.scalars(stmt).all()
    return jsonify({"recommendations": [recommendation_json(r, today) for r in rows]})


def _answer(rec: Recommendation, report: RemedyReport, status: int = 200):
    db.session.commit()
    db.session.refresh(rec)
    response = jsonify({"recommendation": recommendation_json(rec, local_today()),
                        "remedy_report": services.report_json(report)})
    response.status_code = status
    return response


@bp.post("/recommendations/<int:rec_id>/remedy-reports")
@login_required
def post_remedy_report(rec_id: int):
    # The body is read before access is decided: a malformed body is a 400 for everyone.
    if request.mimetype == "multipart/form-data":
        data: dict[str, Any] = {"text": request.form.get("text"), "done_on": request.form.get("done_on")}
        uploads = [services.Upload(f.filename or "", f.read()) for f in request.files.getlist("evidence")]
    else:
        data, uploads = read_json_object(), []
    rec = load(rec_id, "remedy.report")
    report = services.submit_report(rec, current_user, data, uploads)  # a RemedyError: the app's handler
    return _answer(rec, report, 201)


def _review_body() -> dict[str, Any]:
    if not request.get_data(cache=True).strip():
        return {}
    return read_json_object()


def _review(rec_id: int, data: dict[str, Any], decide: Callable[..., RemedyReport]):
    """Accept or return the recommendation's report; the body was read first (a malformed body
    is a 400 for everyone, before access is decided)."""
    rec = load(rec_id, "remedy.review")
    report = decide(rec, current_user, data.get("comment"))  # a RemedyError: the app's handler
    return _answer(rec, report)


@bp.post("/recommendations/<int:rec_id>/accept")
@login_required
def accept(rec_id: int):
    return _review(rec_id, _review_body(), services.accept_report)


@bp.post("/recommendations/<int:rec_id>/return")
@login_required
def return_report(rec_id: int):
    return _review(rec_id, read_json_object(), services.return_report)


# --- the OpenAPI document -------------------------------------------------------------------

def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


_REC_PARAM = {"name": "rec_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_CSRF = {"$ref": "#/components/parameters/CSRFToken"}
_WRITE_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "409": _error("Not in a state for this: `awaiting_review`, `already_remedied`, `nothing_to_review` "
                  "or `conflict` (someone else first); nothing was written."),
    "413": {"$ref": "#/components/responses/TooLarge"},
    "422": _error("Values to correct: `invalid`, one entry of `fields` per value (its `kind` names the rule)."),
}
_REPORT_FIELDS = {
    "text": {"type": "string", "description": "What was done."},
    "done_on": {"type": "string", "description": "When it was done: YYYY-MM-DD or DD/MM/YYYY, not in the future."},
}

OPENAPI_SCHEMAS = {
    "RemedyReport": {
        "type": "object", "required": ["id", "state", "text", "done_on", "late", "evidence"],
        "properties": {
            "id": {"type": "integer"},
            "state": {"type": "string", "enum": ["submitted", "accepted", "returned"]},
            "text": {"type": "string"}, "done_on": {"type": "string", "format": "date"},
            "late": {"type": "boolean", "description": "Sent after the remedy deadline."},
            "author": {"type": "string", "nullable": True}, "reviewer": {"type": "string", "nullable": True},
            "review_comment": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time", "nullable": True},
            "reviewed_at": {"type": "string", "format": "date-time", "nullable": True},
            "evidence": {"type": "array", "items": {"type": "object", "properties": {
                "uuid": {"type": "string"}, "filename": {"type": "string"}, "mime": {"type": "string"},
                "size": {"type": "integer"}}}},
        },
    },
    "RemedyRecommendation": {
        "type": "object", "required": ["id", "visit_id", "text", "status", "overdue", "remedy_reports"],
        "properties": {
            "id": {"type": "integer"}, "visit_id": {"type": "integer"}, "section": {"type": "string"},
            "text": {"type": "string"}, "responsible": {"type": "string"},
            "remedy_deadline": {"type": "string", "format": "date", "nullable": True},
            "status": {"type": "string", "enum": list(STATUSES),
                       "description": "open (chưa khắc phục), reported (đã báo cáo), remedied (đã khắc "
                                      "phục), overdue (quá hạn: the deadline passed and not remedied)."},
            "stored_status": {"type": "string", "enum": ["open", "reported", "remedied"]},
            "overdue": {"type": "boolean"},
            "unit": {"type": "object"}, "team": {"type": "object"}, "campaign": {"type": "object"},
            "remedy_reports": {"type": "array", "items": {"$ref": "#/components/schemas/RemedyReport"}},
        },
    },
    "RemedyResult": {
        "type": "object", "required": ["recommendation", "remedy_report"],
        "properties": {"recommendation": {"$ref": "#/components/schemas/RemedyRecommendation"},
                       "remedy_report": {"$ref": "#/components/schemas/RemedyReport"}},
    },
}

OPENAPI_PATHS = {
    "/api/v1/recommendations": {"get": {
        "summary": "Recommendations of final visits and their remedies", "operationId": "listRecommendations",
        "tags": ["remedies"],
        "description": "Scoped by role: a unit's representative sees its own unit's, a lead and the team's "
                       "inspectors their teams', coordinators and admins all.",
        "parameters": [
            {"name": "status", "in": "query", "required": False,
             "schema": {"type": "string", "enum": list(STATUSES)}},
            {"name": "overdue", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["true", "false", "1", "0"]}},
        ],
        "responses": {
            "200": {"description": "The recommendations, earliest deadline first.", "content": {
                "application/json": {"schema": {"type": "object", "required": ["recommendations"], "properties": {
                    "recommendations": {"type": "array",
                                        "items": {"$ref": "#/components/schemas/RemedyRecommendation"}}}}}}},
            "400": _error("A bad filter value; `parameter` names it."),
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
        },
    }},
    "/api/v1/recommendations/{rec_id}/remedy-reports": {"post": {
        "summary": "Send a remedy report (the unit's representative)", "operationId": "postRemedyReport",
        "tags": ["remedies"],
        "description": "The recommendation must be open (not awaiting review, not remedied). After the "
                       "deadline it is still accepted and marked late. Evidence files (JPEG, PNG, PDF) go "
                       "in a multipart/form-data request under `evidence`; a JSON body sends none.",
        "parameters": [_REC_PARAM, _CSRF],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "object", "required": ["text", "done_on"],
                                             "properties": _REPORT_FIELDS}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["text", "done_on"], "properties": {
                **_REPORT_FIELDS,
                "evidence": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
        }},
        "responses": {"201": _ok("Sent; the recommendation is reported.", "RemedyResult"), **_WRITE_ERRORS},
    }},
    "/api/v1/recommendations/{rec_id}/accept": {"post": {
        "summary": "Accept the remedy report awaiting review (lead of the team or coordinator)",
        "operationId": "acceptRemedy", "tags": ["remedies"],
        "parameters": [_REC_PARAM, _CSRF],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"comment": {"type": "string"}}}}}},
        "responses": {"200": _ok("Accepted; the recommendation is remedied.", "RemedyResult"), **_WRITE_ERRORS},
    }},
    "/api/v1/recommendations/{rec_id}/return": {"post": {
        "summary": "Return the remedy report awaiting review with a comment", "operationId": "returnRemedy",
        "tags": ["remedies"],
        "parameters": [_REC_PARAM, _CSRF],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["comment"], "properties": {"comment": {"type": "string"}}}}}},
        "responses": {"200": _ok("Returned; the recommendation is open again.", "RemedyResult"), **_WRITE_ERRORS},
    }},
}


def openapi_paths() -> dict[str, Any]:
    """Described in the /api/v1 document by create_app (no registration on import)."""
    return OPENAPI_PATHS


def openapi_schemas() -> dict[str, dict]:
    return OPENAPI_SCHEMAS
