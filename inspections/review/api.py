"""The merge as JSON, for the app and scripts, under /api/v1/visits/<id>/...

- GET  merge        every item with each inspector's latest answer, its state, the resolution;
                    the submissions with their review state; the visit's version
- POST resolutions  {version, item_code, source: "picked"|"entered"|"clear", submission_id?, value?, note?}
- POST send-back    {version, submission_id, comments: [{item_code, comment}]}   ("" = whole checklist)
- POST approve      {version, submission_id}
- POST finalize     {version}
- POST reopen       {version, reason}

Every write carries the visit version it was based on. Answers:
200 with the new version · 400 malformed body or no version · 401 not logged in ·
403 a team member who may not do this · 404 a visit the user cannot see ·
409 {"error": "stale_version", "version": <current>} · 422 {"error": "invalid", "fields": [{item, field,
message, kind}]}, {"error": "not_ready", "reasons": [...]}, {"error": "visit_final" | "not_final"};
every error in the one shape of inspections.core.errors, answered by the app's handler.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access
from ..api import read_json_object
from ..core.lifecycle import STATES as VISIT_STATES
from ..extensions import db
from ..models import Visit
from ..web import current_language
from . import services, view as views

bp = Blueprint("review_api", __name__, url_prefix="/api/v1")


lang = current_language


def load_visit(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)  # the <int:> converter bounds the id
    if visit is None:
        abort(404)
    return visit


def write(visit: Visit, action: Callable[[dict[str, Any]], Any]):
    """Parse the body, check its version, run `action`, commit once. A refusal (a ReviewError)
    is answered by the app's one error handler: rolled back, the JSON error."""
    data = read_json_object()
    version = services.parse_version(data.get("version"))
    result = action(data | {"version": version})
    db.session.commit()
    db.session.refresh(visit)
    body = {"visit": views.visit_json(visit), "version": visit.version}
    body.update(result or {})
    return jsonify(body)


@bp.get("/visits/<int:visit_id>/merge")
@login_required
def merge(visit_id: int):
    """The merge of one visit (the lead, coordinators and admins)."""
    visit = load_visit(visit_id)
    access.require("visit.review", visit)  # 404 outside the team, 403 inside
    return jsonify(views.merge_json(views.build_merge_view(visit, lang())))


@bp.post("/visits/<int:visit_id>/resolutions")
@login_required
def resolve(visit_id: int):
    """Record the lead's decision for one item."""
    visit = load_visit(visit_id)
    access.require("visit.merge", visit)

    def action(data):
        source = data.get("source")
        choice = {"picked": "pick", "pick": "pick", "entered": "enter", "enter": "enter",
                  "clear": "clear"}.get(source if isinstance(source, str) else "", "")
        submission_id = data.get("submission_id")
        source_revision = data.get("source_revision")
        row = services.resolve_item(visit, current_user, data["version"], services.ResolveRequest(
            item_code=data.get("item_code") if isinstance(data.get("item_code"), str) else "",
            choice=choice,
            submission_id=(submission_id if isinstance(submission_id, int) and not isinstance(submission_id, bool)
                           else None),
            source_revision=(source_revision
                             if isinstance(source_revision, int) and not isinstance(source_revision, bool) else None),
            value=data.get("value"),
            note=data.get("note") if isinstance(data.get("note"), str) else "",
        ), lang())
        return {"resolution": services.resolution_json(row)}

    return write(visit, action)


@bp.post("/visits/<int:visit_id>/send-back")
@login_required
def send_back(visit_id: int):
    """Send one inspector's checklist back with comments."""
    visit = load_visit(visit_id)
    access.require("visit.send_back", visit)

    def action(data):
        raw = data.get("comments")
        if not isinstance(raw, list) or not all(
                isinstance(c, dict) and isinstance(c.get("comment"), str)
                and isinstance(c.get("item_code", ""), str) for c in raw):
            raise services.InvalidInput([services.field_error(
                "comments", _("comments must be a list of {item_code, comment} objects."))])
        rows = services.send_back(visit, current_user, data["version"], data.get("submission_id"),
                                  [(c.get("item_code", ""), c["comment"]) for c in raw])
        submission = rows[0].submission_id
        return {"submission": {"id": submission, "review_state": "has_issues"},
                "comments": [{"item_code": r.item_code, "comment": r.comment, "revision": r.revision}
                             for r in rows]}

    return write(visit, action)


@bp.post("/visits/<int:visit_id>/approve")
@login_required
def approve(visit_id: int):
    """Approve one inspector's checklist."""
    visit = load_visit(visit_id)
    access.require("visit.send_back", visit)

    def action(data):
        submission = services.approve(visit, current_user, data["version"], data.get("submission_id"))
        return {"submission": {"id": submission.id, "review_state": submission.review_state,
                               "revision": submission.revision}}

    return write(visit, action)


@bp.post("/visits/<int:visit_id>/finalize")
@login_required
def finalize(visit_id: int):
    """Finalize the visit, or 422 with every reason it cannot be yet."""
    visit = load_visit(visit_id)
    access.require("visit.finalize", visit)
    return write(visit, lambda data: {"values": services.finalize(visit, current_user, data["version"], lang())})


@bp.post("/visits/<int:visit_id>/reopen")
@login_required
def reopen(visit_id: int):
    """Reopen a final visit; a reason is required."""
    visit = load_visit(visit_id)
    access.require("visit.reopen", visit)

    def action(data):
        services.reopen(visit, current_user, data["version"], data.get("reason"))
        return {}

    return write(visit, action)


# --- OpenAPI description of the paths above (create_app adds it to the /api/v1 document) -----

def _json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json_response(description, {"$ref": "#/components/schemas/Error"})


_VISIT_PARAM = {"name": "visit_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_READ_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
_WRITE_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    **_READ_ERRORS,
    "409": _error("`stale_version`: someone saved the visit first; nothing was written. "
                  "`version` is the current one."),
    "422": _error("Refused: `invalid` (every refused value in `fields`: [{item, field, message, kind}]), "
                  "`not_ready` (with `reasons`: [{kind, item_code, label, message}]), `visit_final` or "
                  "`not_final`."),
}


def _write_op(operation_id: str, summary: str, properties: dict, required: list[str]) -> dict:
    return {"post": {
        "summary": summary, "operationId": operation_id, "tags": ["review"],
        "parameters": [_VISIT_PARAM, {"$ref": "#/components/parameters/CSRFToken"}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["version", *required],
            "properties": {"version": {"type": "integer",
                                       "description": "The visit version this change is based on."},
                           **properties}}}}},
        "responses": {"200": _json_response("Saved; the visit with its new version.",
                                            {"$ref": "#/components/schemas/ReviewWriteResult"}),
                      **_WRITE_ERRORS},
    }}


OPENAPI_SCHEMAS: dict[str, dict] = {
    "ReviewVisit": {
        "type": "object", "required": ["id", "status", "version"],
        "properties": {"id": {"type": "integer"},
                       "status": {"type": "string", "enum": list(VISIT_STATES)},
                       "version": {"type": "integer"}, "record_number": {"type": "string"},
                       "unit": {"type": "object"}, "team": {"type": "object"},
                       "finalized_at": {"type": "string", "format": "date-time", "nullable": True},
                       "finalized_by": {"type": "string", "nullable": True}},
    },
    "ReviewWriteResult": {
        "type": "object", "required": ["visit", "version"], "additionalProperties": True,
        "properties": {"visit": {"$ref": "#/components/schemas/ReviewVisit"}, "version": {"type": "integer"}},
    },
    "MergeItem": {
        "type": "object",
        "properties": {
            "code": {"type": "string"}, "section": {"type": "string"}, "type": {"type": "string"},
            "label": {"type": "string"}, "required": {"type": "boolean"},
            "state": {"type": "string", "enum": ["unanswered", "single", "agreed", "conflict", "resolved"]},
            "value": {"description": "The merged value (null for conflicts and unanswered items)."},
            "missing_required": {"type": "boolean"},
            "resolution": {"type": "object", "nullable": True},
            "resolution_outdated": {"type": "boolean"},
            "sources": {"type": "array", "items": {"type": "object", "properties": {
                "submission_id": {"type": "integer"}, "revision": {"type": "integer"}, "value": {},
                "note": {"type": "string"}, "saved_at": {"type": "string", "nullable": True},
                "late": {"type": "boolean"}, "inspector": {"type": "object"}}}},
        },
    },
    "Merge": {
        "type": "object", "required": ["visit", "version", "items"],
        "properties": {
            "visit": {"$ref": "#/components/schemas/ReviewVisit"}, "version": {"type": "integer"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/MergeItem"}},
            "submissions": {"type": "array", "items": {"type": "object"}},
            "late_changes": {"type": "array", "items": {"type": "object"}},
            "finalize_blockers": {"type": "array", "items": {"type": "object"}},
        },
    },
}

OPENAPI_PATHS: dict[str, dict] = {
    "/api/v1/visits/{visit_id}/merge": {"get": {
        "summary": "The merge of one visit", "operationId": "visitMerge", "tags": ["review"],
        "description": ("Each item with every inspector's latest answer, its state (agreed, single, "
                        "conflict, unanswered, resolved) and the lead's resolution; the submissions with "
                        "their review state and send-back comments; the visit's version. For the team's "
                        "lead, coordinators and admins."),
        "parameters": [_VISIT_PARAM],
        "responses": {"200": _json_response("The merge.", {"$ref": "#/components/schemas/Merge"}),
                      **_READ_ERRORS},
    }},
    "/api/v1/visits/{visit_id}/resolutions": _write_op(
        "resolveItem", "Pick an inspector's answer, enter a value, or clear the decision for one item",
        {"item_code": {"type": "string"},
         "source": {"type": "string", "enum": ["picked", "entered", "clear"]},
         "submission_id": {"type": "integer", "description": "For source=picked: whose answer."},
         "source_revision": {"type": "integer", "description": "For source=picked, optional: the revision "
                             "of that answer the lead saw; 409 if the inspector changed it since."},
         "value": {"description": "For source=entered: the answer in the checklist's JSON encoding."},
         "note": {"type": "string"}},
        ["item_code", "source"]),
    "/api/v1/visits/{visit_id}/send-back": _write_op(
        "sendBack", "Send an inspector's checklist back with a comment per item",
        {"submission_id": {"type": "integer"},
         "comments": {"type": "array", "items": {"type": "object", "required": ["comment"], "properties": {
             "item_code": {"type": "string", "description": "Empty for the whole checklist."},
             "comment": {"type": "string"}}}}},
        ["submission_id", "comments"]),
    "/api/v1/visits/{visit_id}/approve": _write_op(
        "approveSubmission", "Approve an inspector's checklist", {"submission_id": {"type": "integer"}},
        ["submission_id"]),
    "/api/v1/visits/{visit_id}/finalize": _write_op(
        "finalizeVisit", "Finalize the visit (refused with every reason while conflicts or missing "
                         "required items remain)", {}, []),
    "/api/v1/visits/{visit_id}/reopen": _write_op(
        "reopenVisit", "Reopen a final visit (a reason is required)", {"reason": {"type": "string"}},
        ["reason"]),
}



def openapi_paths() -> dict[str, dict]:
    """Described in the /api/v1 document by create_app (no registration on import)."""
    return OPENAPI_PATHS


def openapi_schemas() -> dict[str, dict]:
    return OPENAPI_SCHEMAS
