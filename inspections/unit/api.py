"""The unit's own report as JSON: GET and PUT /api/v1/visits/<id>/self-report.

PUT {answers, notes?, state: "draft"|"submitted", revision} stores a revision with the rules of
submissions (see services): 201 created · 200 updated or unchanged (``status`` says which) ·
400 a malformed body, naming the field · 403 not the unit's representative · 404 a visit the
user cannot see · 409 {"error": "stale" | "conflict" | "report_closed", "server_revision"} ·
422 {"error": "invalid", "errors": [{code, field, message}]} (the checklist's validator).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from .. import access, self_reports
from ..api import read_json_object
from ..checklist.messages import language
from ..core.errors import json_error
from ..extensions import db
from ..models import Visit
from . import services

bp = Blueprint("unit_api", __name__, url_prefix="/api/v1")


def lang() -> str:
    return language(str(get_locale()))


def load_visit(visit_id: int, action: str) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.archived_at is not None or not access.can(current_user, "self_report.view", visit):
        abort(404)
    if action != "self_report.view" and not access.can(current_user, action, visit):
        if access.is_unit_rep(current_user, visit.unit_id):
            return visit  # the rep of a closed report: the save says so (409 report_closed)
        abort(403)
    return visit


@bp.route("/visits/<int:visit_id>/self-report", methods=["GET", "PUT"])
@login_required
def self_report(visit_id: int):
    """GET: the unit's report of one visit (its rep, the team, coordinators); PUT: store a
    revision (its rep). One rule for both methods, so an id the database cannot hold is a 404
    for either."""
    if request.method == "PUT":
        return put_report(visit_id)
    visit = load_visit(visit_id, "self_report.view")
    return jsonify(services.report_json(visit, self_reports.find_report(visit)))


def _field(field: str, message: str):
    return json_error(400, "bad_request", message, field=field)


def put_report(visit_id: int):
    """Store a revision of the unit's report (its representative only)."""
    data: dict[str, Any] = read_json_object()  # a malformed body is a 400 whoever sends it
    visit = load_visit(visit_id, "self_report.edit")
    answers, notes, state, revision = (data.get("answers"), data.get("notes", {}), data.get("state"),
                                       data.get("revision"))
    if not isinstance(answers, dict):
        return _field("answers", _("answers must be an object of item code to answer."))
    if notes is None:
        notes = {}
    if not isinstance(notes, dict):
        return _field("notes", _("notes must be an object of item code to text."))
    if state not in services.STATES:
        return _field("state", _("state must be draft or submitted."))
    if (not isinstance(revision, int) or isinstance(revision, bool)
            or not 0 < revision <= services.MAX_REVISION):
        return _field("revision", _("revision must be a whole number from 1 to %(max)d.", max=services.MAX_REVISION))
    result = services.save_report(current_user, visit, answers=answers, notes=notes, state=state,
                                  revision=revision, lang=lang())
    if result.status == "closed":
        db.session.rollback()
        return json_error(409, "report_closed", result.message, server_revision=result.revision)
    if result.status == "invalid":
        db.session.rollback()
        return json_error(422, "invalid", _("The report was not saved: correct the answers named below."),
                          errors=[{"code": e.code, "field": e.field, "message": e.message, "kind": e.kind}
                                  for e in result.errors],
                          server_revision=result.revision)
    if result.status in ("stale", "conflict"):
        db.session.rollback()
        return json_error(409, result.status, result.message, server_revision=result.revision)
    db.session.commit()
    body = services.report_json(visit, result.report)
    body["status"] = result.status
    response = jsonify(body)
    response.status_code = 201 if result.status == "created" else 200
    return response


_VISIT_PARAM = {"name": "visit_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_ERROR = {"$ref": "#/components/schemas/Error"}

OPENAPI_SCHEMAS = {
    "SelfReport": {
        "type": "object",
        "required": ["visit_id", "unit", "items", "revision", "state", "answers", "notes"],
        "properties": {
            "visit_id": {"type": "integer"},
            "unit": {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"},
                                                      "name": {"type": "string"}}},
            "items": {"type": "array", "items": {"type": "string"},
                      "description": "Codes of the template's items the unit reports itself (self_report)."},
            "revision": {"type": "integer", "description": "0 while nothing was saved."},
            "state": {"type": "string", "enum": ["missing", "draft", "submitted"]},
            "answers": {"type": "object", "description": "Item code -> answer, the checklist's JSON encoding."},
            "notes": {"type": "object", "additionalProperties": {"type": "string"}},
            "due_date": {"type": "string", "format": "date", "nullable": True},
            "overdue": {"type": "boolean"},
            "open": {"type": "boolean", "description": "The unit may still change it (visit not started, not locked)."},
            "locked": {"type": "boolean"},
            "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
            "updated_at": {"type": "string", "format": "date-time", "nullable": True},
            "status": {"type": "string", "enum": ["created", "updated", "unchanged"],
                       "description": "Answers to PUT only."},
        },
    },
    "SelfReportInput": {
        "type": "object", "required": ["answers", "state", "revision"],
        "properties": {
            "answers": {"type": "object"},
            "notes": {"type": "object", "additionalProperties": {"type": "string"}},
            "state": {"type": "string", "enum": ["draft", "submitted"]},
            "revision": {"type": "integer", "minimum": 1,
                         "description": "The client's counter: the same revision with the same content is "
                                        "unchanged, with other content a conflict; a lower one is stale."},
        },
    },
}

OPENAPI_PATHS = {
    "/api/v1/visits/{visit_id}/self-report": {
        "get": {
            "summary": "The inspected unit's own report of a visit", "operationId": "getSelfReport",
            "tags": ["unit"], "parameters": [_VISIT_PARAM],
            "description": "For the unit's representative, the visit's team and coordinators.",
            "responses": {
                "200": {"description": "The report.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SelfReport"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        },
        "put": {
            "summary": "Save a revision of the unit's report (draft or submitted)", "operationId": "putSelfReport",
            "tags": ["unit"], "parameters": [_VISIT_PARAM, {"$ref": "#/components/parameters/CSRFToken"}],
            "description": ("For the unit's representative while the report is open (the visit has not "
                            "started and the lead has not locked it). Answers are checked by the checklist's "
                            "validator; only the template's self_report items may be answered."),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/SelfReportInput"}}}},
            "responses": {
                "200": {"description": "Updated, or unchanged (a resend).", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SelfReport"}}}},
                "201": {"description": "The first revision was stored.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SelfReport"}}}},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "409": {"description": "stale, conflict or report_closed; server_revision says what the "
                                       "server holds.", "content": {"application/json": {"schema": _ERROR}}},
                "413": {"$ref": "#/components/responses/TooLarge"},
                "422": {"description": "Answers the validator refuses, one error per field.",
                        "content": {"application/json": {"schema": _ERROR}}},
            },
        },
    },
}

def openapi_paths() -> dict[str, Any]:
    """Described in the /api/v1 document by create_app (no registration on import)."""
    return OPENAPI_PATHS


def openapi_schemas() -> dict[str, dict]:
    return OPENAPI_SCHEMAS
